// Test helpers for the brat, CoNLL, W3C and CSV format tests: golden files, small documents
// with spans, span views by quote, and fast-check arbitraries that mutate valid files.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { SpanInput } from '../../../src/core/api';
import { buildDocument, plainTextToBlocks } from '../../../src/core/document';
import type { ExportDocument, ImportedItem, ImportedSpan, ParseResult } from '../../../src/core/formats/types';
import { applyLayerChanges, emptyLayer } from '../../../src/core/layer';
import type { DocumentMeta, Span } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { T0, T1 } from './fixtures';

/** Folder of the exporters' golden files. */
export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

/**
 * The golden file's content; with UPDATE_GOLDEN=1 in the environment it is (re)written from
 * `actual` first, so regenerating is deliberate and shows up in the diff.
 */
export function golden(name: string, actual: string): string {
  const path = GOLDEN_DIR + name;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  return readFileSync(path, 'utf8');
}

/** The parse result's items, or a test failure naming the file and line. */
export function ok(r: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!r.ok) throw new Error(`${r.error.file}:${r.error.line ?? ''}: ${r.error.message}`);
  return r;
}

/** A one-layer export document of a text, with spans (labels of the default schema). */
export async function makeExport(
  id: string,
  text: string,
  spans: SpanInput[],
  meta: Partial<DocumentMeta> = {},
  annotator = 'alice',
): Promise<ExportDocument> {
  const document = await buildDocument({
    id,
    title: id,
    text,
    blocks: plainTextToBlocks(text),
    meta: { source: `${id}.txt`, format: 'txt', ...meta },
    importedAt: T0,
  });
  const r = applyLayerChanges(
    emptyLayer(document, annotator, T0),
    new CodePointIndex(text),
    DEFAULT_SCHEMA,
    spans.map((span) => ({ op: 'add', span })),
    T1,
  );
  if (!r.ok) throw new Error(r.error.message);
  return { document, layers: [r.value] };
}

/** A span as the tests compare it: label, range, fragments, attributes, note, and its quote. */
export interface SpanView {
  label: string;
  start: number;
  end: number;
  quote: string;
  fragments?: { start: number; end: number }[];
  attributes: Record<string, unknown>;
  note?: string;
}

/** Spans (stored or imported) as SpanViews, sorted by (start, end, label). */
export function spanViews(text: string, spans: (Span | ImportedSpan)[]): SpanView[] {
  const index = new CodePointIndex(text);
  return spans
    .map((s) => {
      const v: SpanView = { label: s.label, start: s.start, end: s.end, quote: index.slice(s.start, s.end), attributes: { ...(s.attributes ?? {}) } };
      if (s.fragments) v.fragments = s.fragments.map((f) => ({ start: f.start, end: f.end }));
      if (s.note !== undefined && s.note !== '') v.note = s.note;
      return v;
    })
    .sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** The relations of an item's first layer as [type, quote of from, quote of to], sorted. */
export function relationViews(item: ImportedItem): string[][] {
  const index = new CodePointIndex(item.text);
  const layer = item.layers[0]!;
  const quote = (id: string): string => {
    const s = layer.spans.find((x) => x.id === id);
    return s ? `${s.label}:${index.slice(s.start, s.end)}` : `?${id}`;
  };
  return layer.relations.map((r) => [r.type, quote(r.from), quote(r.to)]).sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
}

/** An edit of a text: delete, insert or replace at a position (taken modulo the length). */
export type Mutation = { kind: 'delete' | 'insert' | 'replace'; at: number; piece: string };

/** Mutations whose inserted pieces are drawn from characters that matter to the format. */
export function mutations(pieces: string[]): fc.Arbitrary<Mutation[]> {
  return fc.array(
    fc.record({
      kind: fc.constantFrom<Mutation['kind']>('delete', 'insert', 'replace'),
      at: fc.nat(),
      piece: fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'binary', maxLength: 3 })),
    }),
    { minLength: 1, maxLength: 6 },
  );
}

/** Apply mutations to a text (UTF-16 positions: splitting surrogate pairs is part of the fuzz). */
export function mutate(text: string, edits: Mutation[]): string {
  let s = text;
  for (const e of edits) {
    const at = s.length === 0 ? 0 : e.at % (s.length + 1);
    if (e.kind === 'insert') s = s.slice(0, at) + e.piece + s.slice(at);
    else if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + 1 + (e.at % 4));
    else s = s.slice(0, at) + e.piece + s.slice(at + e.piece.length);
  }
  return s;
}

/** Seed and run count of every fuzz test: deterministic runs. */
export const FUZZ = { seed: 20240503, numRuns: 300 } as const;

/** Whether a parse result is well formed: items, or an error naming the file (and a line in range). */
export function wellFormed(r: ParseResult, file: string, lineCount: number): boolean {
  if (r.ok) return Array.isArray(r.items) && Array.isArray(r.notices);
  if (r.error.file !== file || typeof r.error.message !== 'string' || r.error.message === '') return false;
  return r.error.line === undefined || (Number.isInteger(r.error.line) && r.error.line >= 1 && r.error.line <= lineCount);
}
