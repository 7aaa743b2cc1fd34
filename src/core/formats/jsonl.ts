// JSON lines in the Prodigy/spaCy "spans" style: {"text", "spans":[{"start","end","label"}],
// "meta"?}, one document a line. Offsets are code points into "text".

import { isValidDocId, plainTextToBlocks } from '../document';
import type { DocumentMeta } from '../model';
import { CodePointIndex } from '../offsets';
import { checkSpanAgainstText, isObject, normalizeItem, readJsonLines, sortedSpans, spanRanges, toJsonLines } from './common';
import type { ExportDocument, ImportedItem, ImportedSpan, ParseResult } from './types';

/** Parse a JSON-lines file; blank lines are skipped, and the first bad line is an error naming it. */
export function parseJsonl(text: string, file: string): ParseResult {
  const read = readJsonLines(text, file);
  if (!read.ok) return read;
  const items: ImportedItem[] = [];
  const notices: string[] = [];
  for (const { line, value } of read.lines) {
    const bad = (message: string): ParseResult => ({ ok: false, error: { file, line, message } });
    if (!isObject(value)) return bad('expected a JSON object with "text" and "spans"');
    if (typeof value.text !== 'string') return bad('"text" must be a string');
    // Prodigy marks rejected and ignored examples: they are not annotations to import.
    if (value.answer === 'reject' || value.answer === 'ignore') {
      notices.push(`${file}:${line}: skipped (answer "${value.answer}")`);
      continue;
    }
    const index = new CodePointIndex(value.text);
    const spansValue = value.spans ?? [];
    if (!Array.isArray(spansValue)) return bad('"spans" must be a list');
    const spans: ImportedSpan[] = [];
    for (const [i, s] of spansValue.entries()) {
      const where = `span ${i + 1}`;
      if (!isObject(s)) return bad(`${where}: expected an object with "start", "end" and "label"`);
      if (typeof s.label !== 'string' || s.label === '') return bad(`${where}: "label" must be a non-empty string`);
      const problem = checkSpanAgainstText(index, { start: s.start, end: s.end }, s.text);
      if (problem) return bad(`${where} (${s.label}): ${problem}`);
      const span: ImportedSpan = { label: s.label, start: s.start as number, end: s.end as number };
      if (typeof s.id === 'string' && s.id !== '') span.id = s.id;
      spans.push(span);
    }
    if (Array.isArray(value.relations) && value.relations.length > 0) {
      notices.push(`${file}:${line}: ${value.relations.length} relation(s) not imported (not supported in jsonl yet)`);
    }
    const item: ImportedItem = { text: value.text, layers: [{ spans, relations: [], comments: [] }], line };
    if (value.meta !== undefined) {
      if (!isObject(value.meta)) return bad('"meta" must be an object');
      const { id, title } = value.meta;
      if (typeof id === 'string' && id !== '') {
        if (isValidDocId(id)) item.id = id;
        else notices.push(`${file}:${line}: meta.id ${JSON.stringify(id)} is not usable as a document id; a new one is made`);
      }
      if (typeof title === 'string' && title !== '') item.title = title;
      const meta: Partial<DocumentMeta> = {};
      for (const key of ['source', 'language', 'date'] as const) {
        const v = value.meta[key];
        if (typeof v === 'string') meta[key] = v;
      }
      if (Object.keys(meta).length > 0) item.meta = meta;
    }
    const normalized = normalizeItem(item);
    if (normalized.changed) notices.push(`${file}:${line}: line endings of the text normalised to \\n; offsets moved accordingly`);
    normalized.item.blocks = plainTextToBlocks(normalized.item.text);
    items.push(normalized.item);
  }
  return { ok: true, items, notices };
}

/**
 * One line per document with the spans of its first layer given (none without layers). A
 * discontinuous span becomes one span per fragment, as the format has no fragments.
 */
export function exportJsonl(documents: ExportDocument[]): string {
  return toJsonLines(
    documents.map(({ document, layers }) => {
      const index = new CodePointIndex(document.text);
      const spans = sortedSpans(layers[0]?.spans ?? []).flatMap((span) =>
        spanRanges(span).map((r) => ({ start: r.start, end: r.end, label: span.label, text: index.slice(r.start, r.end) })),
      );
      return { text: document.text, spans, meta: { id: document.id, title: document.title } };
    }),
  );
}
