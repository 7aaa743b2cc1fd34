// The Gloss dataset: every document with every layer, lossless (DESIGN.md §1). Exported as one
// pretty-printed JSON file; importing it back gives the same documents, layers and spans.

import { z } from 'zod';
import { canonicalDocument, canonicalLayer } from '../layer';
import type { GlossDocument, Layer, Schema } from '../model';
import { OFFSET_UNIT } from '../model';
import { CodePointIndex } from '../offsets';
import { formatZodError, parseSchema } from '../schema-file';
import { commentSchema, decisionSchema } from '../validate';
import { checkSpanAgainstText, normalizeItem } from './common';
import { ItemListWriter } from './item-list';
import type { ItemList } from './item-list';
import type { ExportDocument, ImportedItem, ImportedLayer, ParseResult } from './types';

/** What exportGlossDataset writes. */
export interface GlossDatasetInput {
  schema: Schema;
  documents: ExportDocument[];
  exportedAt: string;
}

function exportLayer(layer: Layer): Record<string, unknown> {
  const c = canonicalLayer(layer);
  return {
    annotator: c.annotator,
    status: c.status,
    spans: c.spans.map((s) => ({
      id: s.id,
      label: s.label,
      start: s.start,
      end: s.end,
      quote: s.quote,
      attributes: s.attributes,
      ...(s.note !== undefined ? { note: s.note } : {}),
      ...(s.fragments !== undefined ? { fragments: s.fragments } : {}),
    })),
    relations: c.relations,
    comments: c.comments,
    // The curation layer's audit trail travels with it: the dataset is the full-fidelity format.
    ...(c.decisions !== undefined ? { decisions: c.decisions } : {}),
  };
}

/** A document of the dataset; `placeholder` stands for its layers when they are stringified apart. */
function exportDocument(document: GlossDocument, layers: Layer[], placeholder?: unknown[]): Record<string, unknown> {
  const d = canonicalDocument(document);
  return {
    id: d.id,
    title: d.title,
    text: d.text,
    blocks: d.blocks,
    ...(d.marks !== undefined ? { marks: d.marks } : {}),
    meta: d.meta,
    layers: placeholder ?? layers.map(exportLayer),
  };
}

/**
 * JSON.stringify(value, null, 2) as it appears `depth` levels down in a pretty-printed file, as an
 * item of a list: stringified inside wrappers of that depth, then cut out of them (a slice, not a
 * copy). JSON.stringify puts line breaks only between tokens, so what the wrappers add around the
 * value is the same whatever it is: measured once on a placeholder.
 */
function nestedJson(value: unknown, depth: number): string {
  const text = JSON.stringify(wrap(value, depth), null, 2);
  const [before, after] = (wrapperCuts[depth] ??= cutsOf(depth));
  return text.slice(before, text.length - after);
}

/** `value` as the only item of a list inside depth - 1 objects: the item is `depth` levels down. */
function wrap(value: unknown, depth: number): unknown {
  let wrapped: unknown = [value];
  for (let d = 1; d < depth; d++) wrapped = { w: wrapped };
  return wrapped;
}

/** How many characters the wrappers of `depth` put before and after the item (its indentation excluded). */
function cutsOf(depth: number): [number, number] {
  const text = JSON.stringify(wrap(0, depth), null, 2);
  const at = text.lastIndexOf('0');
  return [at, text.length - at - 1];
}

const wrapperCuts: [number, number][] = [];

/**
 * The dataset as an ItemList: its documents are the items, each with its layers. A document's
 * pieces: the document, then each layer, stringified apart. Each piece stays small enough for the
 * young generation; one string per document would be allocated apart, in fresh memory, and page
 * faults would cost more than the stringifying.
 */
export function glossItemList(schema: Schema, exportedAt: string): ItemList {
  const dataset = { format: 'gloss.dataset', version: 1, offsetUnit: OFFSET_UNIT, exportedAt, schema, documents: [0] };
  const text = JSON.stringify(dataset, null, 2);
  return {
    // Up to the opening bracket of "documents": the placeholder's line and what closes the list and the object after it cut.
    head: text.slice(0, text.length - '\n    0\n  ]\n}'.length),
    leading: ',',
    items({ document, layers }: ExportDocument) {
      const separator = ',\n    ';
      if (layers.length === 0) return { pieces: [separator + nestedJson(exportDocument(document, []), 2)], count: 1 };
      // The document with a placeholder layer, cut around it: the layers go in its place.
      const skeleton = nestedJson(exportDocument(document, [], [0]), 2);
      const at = skeleton.lastIndexOf('0');
      const pieces = [separator + skeleton.slice(0, at)];
      for (const [i, layer] of layers.entries()) pieces.push((i > 0 ? ',\n        ' : '') + nestedJson(exportLayer(layer), 4));
      pieces.push(skeleton.slice(at + 1));
      return { pieces, count: 1 };
    },
    // "documents" closed (an empty list when none was written), trailing newline.
    tail: (count) => (count > 0 ? '\n  ]\n}\n' : ']\n}\n'),
  };
}

/** The dataset file's content: pretty-printed JSON, stable key order, trailing newline. */
export function exportGlossDataset(input: GlossDatasetInput): string {
  const writer = new ItemListWriter(glossItemList(input.schema, input.exportedAt));
  const pieces = [writer.head()];
  for (const document of input.documents) pieces.push(...writer.pieces(document));
  pieces.push(writer.tail());
  return pieces.join('');
}

const offset = z.number().int().nonnegative();
const range = z.object({ start: offset, end: offset });

const datasetSchema = z.object({
  format: z.literal('gloss.dataset'),
  version: z.literal(1),
  offsetUnit: z.literal('codepoint'),
  exportedAt: z.string().optional(),
  schema: z.unknown().optional(),
  documents: z.array(
    z.object({
      id: z.string().optional(),
      title: z.string().optional(),
      text: z.string(),
      blocks: z
        .array(
          z.object({
            type: z.enum(['heading', 'paragraph', 'list-item', 'table-cell', 'code', 'quote']),
            start: offset,
            end: offset,
            level: z.number().int().min(1).optional(),
            page: z.number().int().min(1).optional(),
          }),
        )
        .optional(),
      marks: z
        .array(z.object({ type: z.enum(['bold', 'italic', 'code', 'link']), start: offset, end: offset, href: z.string().optional() }))
        .optional(),
      meta: z
        .object({ source: z.string().optional(), format: z.string().optional(), language: z.string().optional(), date: z.string().optional() })
        .optional(),
      layers: z.array(
        z.object({
          annotator: z.string().optional(),
          status: z.enum(['todo', 'in-progress', 'done']).optional(),
          spans: z.array(
            z.object({
              id: z.string().min(1).optional(),
              label: z.string().min(1),
              start: offset,
              end: offset,
              quote: z.string().optional(),
              attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
              note: z.string().optional(),
              fragments: z.array(range).optional(),
            }),
          ),
          relations: z.array(z.object({ id: z.string().optional(), type: z.string().min(1), from: z.string(), to: z.string() })).default([]),
          comments: z.array(commentSchema).default([]),
          decisions: z.array(decisionSchema).optional(),
        }),
      ),
    }),
  ),
});

/** Parse a Gloss dataset; layers keep their annotator and status. Quotes must match the text. */
export function parseGlossDataset(text: string, file: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { ok: false, error: { file, message: `not valid JSON: ${(e as Error).message}` } };
  }
  const parsed = datasetSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: { file, message: `not a Gloss dataset: ${formatZodError(parsed.error)}` } };
  let schema: Schema | undefined;
  if (parsed.data.schema !== undefined) {
    const s = parseSchema(parsed.data.schema);
    if (!s.ok) return { ok: false, error: { file, message: s.error.message } };
    schema = s.value;
  }
  const items: ImportedItem[] = [];
  const notices: string[] = [];
  for (const [d, doc] of parsed.data.documents.entries()) {
    const name = `document ${doc.id !== undefined ? JSON.stringify(doc.id) : d + 1}`;
    const index = new CodePointIndex(doc.text);
    const layers: ImportedLayer[] = [];
    for (const [l, layer] of doc.layers.entries()) {
      const layerName = `${name}, layer ${layer.annotator !== undefined ? JSON.stringify(layer.annotator) : l + 1}`;
      const spans = [];
      for (const [i, s] of layer.spans.entries()) {
        const problem = checkSpanAgainstText(index, s, s.quote);
        if (problem) {
          return { ok: false, error: { file, message: `${layerName}, span ${s.id !== undefined ? JSON.stringify(s.id) : i + 1}: ${problem}` } };
        }
        spans.push({
          ...(s.id !== undefined ? { id: s.id } : {}),
          label: s.label,
          start: s.start,
          end: s.end,
          attributes: s.attributes ?? {},
          ...(s.note !== undefined ? { note: s.note } : {}),
          ...(s.fragments !== undefined ? { fragments: s.fragments } : {}),
        });
      }
      layers.push({
        ...(layer.annotator !== undefined ? { annotator: layer.annotator } : {}),
        ...(layer.status !== undefined ? { status: layer.status } : {}),
        spans,
        relations: layer.relations.map((r) => ({ ...(r.id !== undefined ? { id: r.id } : {}), type: r.type, from: r.from, to: r.to })),
        comments: layer.comments,
        ...(layer.decisions !== undefined ? { decisions: layer.decisions } : {}),
      });
    }
    const item: ImportedItem = { text: doc.text, layers };
    if (doc.id !== undefined) item.id = doc.id;
    if (doc.title !== undefined) item.title = doc.title;
    if (doc.blocks !== undefined) item.blocks = doc.blocks;
    if (doc.marks !== undefined) item.marks = doc.marks;
    if (doc.meta !== undefined) item.meta = doc.meta;
    const normalized = normalizeItem(item);
    if (normalized.changed) notices.push(`${file}: ${name}: line endings of the text normalised to \\n; offsets moved accordingly`);
    items.push(normalized.item);
  }
  return schema ? { ok: true, items, notices, schema } : { ok: true, items, notices };
}
