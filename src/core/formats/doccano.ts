// doccano JSONL for sequence labelling: {"text", "label":[[start, end, "Label"], ...]}, and
// the newer {"text", "entities":[{id, start_offset, end_offset, label}], "relations":[...]}.
// Offsets are code points into "text" (doccano counts Python string indices).

import { plainTextToBlocks } from '../document';
import { CodePointIndex } from '../offsets';
import { checkSpanAgainstText, isObject, normalizeItem, readJsonLines, sortedSpans, spanRanges, toJsonLines } from './common';
import type { ExportDocument, ImportedItem, ImportedRelation, ImportedSpan, ParseResult } from './types';

/** Parse a doccano JSONL file; the first bad line is an error naming it. */
export function parseDoccano(text: string, file: string): ParseResult {
  const read = readJsonLines(text, file);
  if (!read.ok) return read;
  const items: ImportedItem[] = [];
  const notices: string[] = [];
  for (const { line, value } of read.lines) {
    const bad = (message: string): ParseResult => ({ ok: false, error: { file, line, message } });
    if (!isObject(value)) return bad('expected a JSON object with "text" and "label"');
    if (typeof value.text !== 'string') return bad('"text" must be a string');
    const index = new CodePointIndex(value.text);
    const spans: ImportedSpan[] = [];
    const relations: ImportedRelation[] = [];
    const labelKey = value.label !== undefined ? 'label' : value.labels !== undefined ? 'labels' : null;
    if (labelKey !== null) {
      const list = value[labelKey];
      if (!Array.isArray(list)) return bad(`"${labelKey}" must be a list of [start, end, "Label"]`);
      for (const [i, entry] of list.entries()) {
        const where = `${labelKey} ${i + 1}`;
        if (!Array.isArray(entry) || entry.length !== 3 || typeof entry[2] !== 'string' || entry[2] === '') {
          return bad(`${where}: expected [start, end, "Label"], got ${JSON.stringify(entry)}`);
        }
        const problem = checkSpanAgainstText(index, { start: entry[0], end: entry[1] }, undefined);
        if (problem) return bad(`${where} (${entry[2]}): ${problem}`);
        spans.push({ label: entry[2], start: entry[0] as number, end: entry[1] as number });
      }
    }
    if (value.entities !== undefined) {
      if (!Array.isArray(value.entities)) return bad('"entities" must be a list');
      for (const [i, e] of value.entities.entries()) {
        const where = `entity ${i + 1}`;
        if (!isObject(e)) return bad(`${where}: expected {start_offset, end_offset, label}`);
        if (typeof e.label !== 'string' || e.label === '') return bad(`${where}: "label" must be a non-empty string`);
        const problem = checkSpanAgainstText(index, { start: e.start_offset, end: e.end_offset }, undefined);
        if (problem) return bad(`${where} (${e.label}): ${problem}`);
        const span: ImportedSpan = { label: e.label, start: e.start_offset as number, end: e.end_offset as number };
        if (typeof e.id === 'string' || typeof e.id === 'number') span.id = String(e.id);
        spans.push(span);
      }
    }
    if (value.relations !== undefined) {
      if (!Array.isArray(value.relations)) return bad('"relations" must be a list');
      const ids = new Set(spans.flatMap((s) => (s.id !== undefined ? [s.id] : [])));
      for (const [i, r] of value.relations.entries()) {
        const where = `relation ${i + 1}`;
        if (!isObject(r) || typeof r.type !== 'string' || r.type === '') return bad(`${where}: expected {from_id, to_id, type}`);
        const from = String(r.from_id);
        const to = String(r.to_id);
        for (const end of [from, to]) {
          if (!ids.has(end)) return bad(`${where} (${r.type}): no entity with id ${end}`);
        }
        const rel: ImportedRelation = { type: r.type, from, to };
        if (typeof r.id === 'string' || typeof r.id === 'number') rel.id = String(r.id);
        relations.push(rel);
      }
    }
    if (labelKey === null && value.entities === undefined) {
      notices.push(`${file}:${line}: no "label" or "entities": imported as a document without spans`);
    }
    const item: ImportedItem = { text: value.text, layers: [{ spans, relations, comments: [] }], line };
    const normalized = normalizeItem(item);
    if (normalized.changed) notices.push(`${file}:${line}: line endings of the text normalised to \\n; offsets moved accordingly`);
    normalized.item.blocks = plainTextToBlocks(normalized.item.text);
    items.push(normalized.item);
  }
  return { ok: true, items, notices };
}

/** One `{"text","label"}` line per document from its first layer; fragments become separate spans. */
export function exportDoccano(documents: ExportDocument[]): string {
  return toJsonLines(
    documents.map(({ document, layers }) => ({
      text: document.text,
      label: sortedSpans(layers[0]?.spans ?? []).flatMap((span) => spanRanges(span).map((r) => [r.start, r.end, span.label])),
    })),
  );
}
