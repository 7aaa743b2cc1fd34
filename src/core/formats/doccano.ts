// doccano JSONL for sequence labelling: {"text", "label":[[start, end, "Label"], ...]}, and the
// relation-extraction form {"text", "entities":[{id, label, start_offset, end_offset}],
// "relations":[{id, from_id, to_id, type}]} (doccano's ExportedSpan/ExportedRelation.to_dict).
// Offsets are code points into "text" (doccano counts Python string indices).

import { plainTextToBlocks } from '../document';
import { CodePointIndex } from '../offsets';
import { checkSpanAgainstText, isObject, normalizeItem, readJsonLines, relationsByRange, spanRangesInOrder } from './common';
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
    const entityIds = new Set<string>();
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
        if (typeof e.id === 'string' || typeof e.id === 'number') {
          span.id = String(e.id);
          if (entityIds.has(span.id)) return bad(`${where} (${e.label}): id ${span.id} is used by an earlier entity`);
          entityIds.add(span.id);
        }
        spans.push(span);
      }
    }
    if (value.relations !== undefined) {
      if (!Array.isArray(value.relations)) return bad('"relations" must be a list');
      for (const [i, r] of value.relations.entries()) {
        const where = `relation ${i + 1}`;
        if (!isObject(r) || typeof r.type !== 'string' || r.type === '') return bad(`${where}: expected {from_id, to_id, type}`);
        if (!isEntityId(r.from_id) || !isEntityId(r.to_id)) return bad(`${where} (${r.type}): "from_id" and "to_id" must be entity ids`);
        const from = String(r.from_id);
        const to = String(r.to_id);
        for (const end of [from, to]) {
          if (!entityIds.has(end)) return bad(`${where} (${r.type}): no entity with id ${end}`);
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

/** Whether a value can be an entity id: doccano writes integers; strings are accepted too. */
function isEntityId(value: unknown): value is string | number {
  return typeof value === 'number' || (typeof value === 'string' && value !== '');
}

/**
 * The lines of exportDoccano one document at a time: ids run on through the file, so one writer
 * writes one file.
 */
export class DoccanoWriter {
  private entityId = 0;
  private relationId = 0;

  /** One document's line, with its line break. */
  line({ document, layers }: ExportDocument): string {
    const spans = layers[0]?.spans ?? [];
    const ranges = spanRangesInOrder(spans);
    const relations = relationsByRange(spans, layers[0]?.relations ?? []);
    if (relations.length === 0) return JSON.stringify({ text: document.text, label: ranges.map((r) => [r.start, r.end, r.label]) }) + '\n';
    const key = (r: { start: number; end: number; label: string }): string => `${r.start} ${r.end} ${r.label}`;
    const ids = new Map<string, number>();
    const entities = ranges.map((r) => {
      const id = ++this.entityId;
      // Identical ranges are one entity to a relation: the first one is pointed at.
      if (!ids.has(key(r))) ids.set(key(r), id);
      return { id, label: r.label, start_offset: r.start, end_offset: r.end };
    });
    const line = {
      text: document.text,
      entities,
      relations: relations.map((r) => ({ id: ++this.relationId, from_id: ids.get(key(r.from))!, to_id: ids.get(key(r.to))!, type: r.type })),
    };
    return JSON.stringify(line) + '\n';
  }
}

/**
 * One line per document from its first layer: `{"text","label":[[start,end,"Label"]]}` when it has
 * no relations, else `{"text","entities","relations"}`. Ids are integers, as doccano's importer
 * requires, numbered through the file (entities and relations each from 1) so no two lines share
 * one. Fragments become separate spans or entities; a relation points at its span's first one.
 */
export function exportDoccano(documents: ExportDocument[]): string {
  const writer = new DoccanoWriter();
  return documents.map((d) => writer.line(d)).join('');
}
