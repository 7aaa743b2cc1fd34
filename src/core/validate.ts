// Checking what is read from disk: the shapes of document, layer and manifest files (zod), and
// a layer against its document and the schema (orphan spans, dangling relations, unknown labels,
// invalid attributes, a changed text). Every message names the file it is about.

import { z } from 'zod';
import { fail, ok } from './api';
import type { Result } from './api';
import { isValidAnnotator, isValidDocId } from './document';
import type { ImportedItem } from './formats/types';
import { sha256Hex } from './hash';
import { canonicalDocument, canonicalLayer, canonicalManifest, checkRange } from './layer';
import type { CurationAction, DocumentEntry, GlossDocument, Layer, Manifest, Problem, Schema } from './model';
import { BLOCK_TYPES, CURATION_ACTIONS, CURATION_ANNOTATOR } from './model';
import { CodePointIndex, codePointLength } from './offsets';
import { isDocumentEntriesShape } from './quick-shape';
import { checkAttributes, findLabel } from './schema';
import { formatZodError, parseSchema, schemaSchema } from './schema-file';

const offset = z.number().int().nonnegative();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lowercase hex digits' });
const docId = z.string().refine(isValidDocId, { message: 'not a valid document id' });
const annotator = z.string().refine(isValidAnnotator, { message: 'not a valid annotator name' });
const attributeValue = z.union([z.string(), z.number(), z.boolean()]);
const range = z.object({ start: offset, end: offset });

const blockSchema = z.object({
  type: z.enum(BLOCK_TYPES),
  start: offset,
  end: offset,
  level: z.number().int().min(1).optional(),
  page: z.number().int().min(1).optional(),
});

const markSchema = z.object({
  type: z.enum(['bold', 'italic', 'code', 'link']),
  start: offset,
  end: offset,
  href: z.string().optional(),
});

const metaSchema = z.object({
  source: z.string(),
  format: z.string(),
  language: z.string().optional(),
  date: z.string().optional(),
});

/** The zod schema of a document file. */
export const documentSchema = z
  .object({
    format: z.literal('gloss.document'),
    version: z.literal(1),
    offsetUnit: z.literal('codepoint'),
    id: docId,
    title: z.string(),
    text: z.string(),
    blocks: z.array(blockSchema),
    marks: z.array(markSchema).optional(),
    meta: metaSchema,
    textSha256: sha256,
    importedAt: z.string(),
  })
  .superRefine((doc, ctx) => {
    const length = codePointLength(doc.text);
    const check = (list: { start: number; end: number }[], name: 'blocks' | 'marks'): void => {
      list.forEach((r, i) => {
        if (r.start > r.end || r.end > length) {
          ctx.addIssue({
            code: 'custom',
            path: [name, i],
            message: `range [${r.start}, ${r.end}) is outside the text (0..${length} code points)`,
          });
        }
      });
    };
    check(doc.blocks, 'blocks');
    check(doc.marks ?? [], 'marks');
  });

const spanSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  start: offset,
  end: offset,
  quote: z.string(),
  attributes: z.record(z.string(), attributeValue),
  note: z.string().optional(),
  fragments: z.array(range).optional(),
  origin: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const relationSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  from: z.string(),
  to: z.string(),
});

/** The zod schema of a comment (in layers and datasets). */
export const commentSchema = z.object({
  id: z.string().min(1),
  target: z.object({ annotator: z.string(), spanId: z.string() }).nullable(),
  author: z.string(),
  text: z.string(),
  createdAt: z.string(),
  resolved: z.boolean(),
});

const versionRefSchema = z.object({ annotator, spanId: z.string().min(1), updatedAt: z.string() });

/** The zod schema of a curation decision: accept and edit name the version taken and the span made, add the span, reject neither. */
export const decisionSchema = z
  .object({
    id: z.string().min(1),
    itemKey: z.string().min(1).nullable(),
    action: z.enum(CURATION_ACTIONS as [CurationAction, ...CurationAction[]]),
    from: z.array(versionRefSchema),
    chosen: z.object({ annotator, spanId: z.string().min(1) }).optional(),
    spanId: z.string().min(1).optional(),
    by: annotator,
    at: z.string(),
  })
  .superRefine((d, ctx) => {
    const takes = d.action === 'accept' || d.action === 'edit';
    if (takes !== (d.chosen !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['chosen'], message: takes ? `an ${d.action} decision names the version it took` : `a decision to ${d.action} takes no version` });
    }
    if ((d.action === 'reject') !== (d.spanId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['spanId'], message: d.action === 'reject' ? 'a reject decision makes no span' : `an ${d.action} decision names the span it made` });
    }
    if (d.itemKey === null && d.action !== 'add') {
      ctx.addIssue({ code: 'custom', path: ['itemKey'], message: 'only an added span may be outside every review item' });
    }
  });

function uniqueIds(list: { id: string }[], name: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [name, i, 'id'], message: `duplicate id "${item.id}"` });
    seen.add(item.id);
  });
}

/**
 * The zod schema of a layer file. Ranges are only checked for shape here: a span that does not
 * fit the text is an orphan reported by checkLayer, not a reason to reject the whole file.
 */
export const layerSchema = z
  .object({
    format: z.literal('gloss.layer'),
    version: z.literal(1),
    offsetUnit: z.literal('codepoint'),
    document: docId,
    textSha256: sha256,
    annotator,
    status: z.enum(['todo', 'in-progress', 'done']),
    updatedAt: z.string(),
    spans: z.array(spanSchema),
    relations: z.array(relationSchema),
    comments: z.array(commentSchema),
    decisions: z.array(decisionSchema).optional(),
  })
  .superRefine((layer, ctx) => {
    uniqueIds(layer.spans, 'spans', ctx);
    uniqueIds(layer.relations, 'relations', ctx);
    uniqueIds(layer.comments, 'comments', ctx);
    if (layer.decisions) uniqueIds(layer.decisions, 'decisions', ctx);
  });

const documentEntrySchema = z.object({
  id: docId,
  title: z.string(),
  textSha256: sha256,
  importedAt: z.string(),
  source: z.string(),
  format: z.string(),
  length: offset,
});

/** The zod schema of the manifest `gloss.json`. */
export const manifestSchema = z
  .object({
    format: z.literal('gloss.workspace'),
    version: z.literal(1),
    name: z.string(),
    schema: schemaSchema,
    documents: z.array(documentEntrySchema),
  })
  .superRefine((m, ctx) => uniqueIds(m.documents, 'documents', ctx));

/** A document file's JSON checked and in canonical shape, or an error naming the file. */
export function parseDocumentJson(json: unknown, file: string): Result<GlossDocument> {
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) return fail('corrupt', `${file}: not a valid Gloss document: ${formatZodError(parsed.error)}`);
  return ok(canonicalDocument(parsed.data));
}

/** A layer file's JSON checked and in canonical shape, or an error naming the file. */
export function parseLayerJson(json: unknown, file: string): Result<Layer> {
  const parsed = layerSchema.safeParse(json);
  if (!parsed.success) return fail('corrupt', `${file}: not a valid Gloss layer: ${formatZodError(parsed.error)}`);
  return ok(canonicalLayer(parsed.data));
}

/** The manifest's JSON checked, or an error naming the file. */
export function parseManifestJson(json: unknown, file: string): Result<Manifest> {
  // The document list checked without zod when it passes the quick check (zod then sees the rest).
  const object = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  const documents = object?.documents;
  const quick = object !== null && isDocumentEntriesShape(documents);
  const parsed = manifestSchema.safeParse(quick ? { ...object, documents: [] } : json);
  if (!parsed.success) return fail('corrupt', `${file}: not a valid Gloss workspace manifest: ${formatZodError(parsed.error)}`);
  const schema = parseSchema(parsed.data.schema);
  if (!schema.ok) return fail('corrupt', `${file}: ${schema.error.message}`);
  return ok(canonicalManifest({ format: 'gloss.workspace', version: 1, name: parsed.data.name, schema: schema.value, documents: quick ? (documents as DocumentEntry[]) : parsed.data.documents }));
}

function shorten(s: string, max = 40): string {
  const chars = [...s];
  return JSON.stringify(chars.length > max ? chars.slice(0, max).join('') + '…' : s);
}

/**
 * Problems of a layer against its document and the schema: orphan spans (offsets outside the
 * text, or a quote that no longer matches), dangling relations, unknown labels and relation
 * types, invalid attributes, a layer made on another text. Nothing is changed or dropped.
 */
export function checkLayer(layer: Layer, doc: GlossDocument, schema: Schema, file: string): Problem[] {
  const problems: Problem[] = [];
  const base = { file, document: doc.id, annotator: layer.annotator };
  if (layer.document !== doc.id) {
    problems.push({ ...base, kind: 'invalid-file', message: `${file}: the layer is for document "${layer.document}", not "${doc.id}"` });
  }
  if (layer.textSha256 !== doc.textSha256) {
    problems.push({
      ...base,
      kind: 'text-mismatch',
      message: `${file}: the layer was made on a different text (textSha256 ${layer.textSha256.slice(0, 12)}… vs the document's ${doc.textSha256.slice(0, 12)}…)`,
    });
  }
  const text = new CodePointIndex(doc.text);
  const spanIds = new Set<string>();
  for (const span of layer.spans) {
    spanIds.add(span.id);
    const at = { ...base, spanId: span.id };
    const rangeProblem = checkRange(span, text.length);
    if (rangeProblem) {
      problems.push({ ...at, kind: 'orphan-span', message: `${file}: span "${span.id}" (${span.label}) is an orphan: ${rangeProblem}` });
    } else {
      const actual = text.slice(span.start, span.end);
      if (actual !== span.quote) {
        problems.push({
          ...at,
          kind: 'orphan-span',
          message: `${file}: span "${span.id}" (${span.label}) is an orphan: its quote ${shorten(span.quote)} no longer matches the text at [${span.start}, ${span.end}), ${shorten(actual)}`,
        });
      }
    }
    const label = findLabel(schema, span.label);
    if (!label) {
      problems.push({ ...at, kind: 'unknown-label', message: `${file}: span "${span.id}" has the label "${span.label}", which is not in the schema` });
      continue;
    }
    for (const message of checkAttributes(label, span.attributes)) {
      problems.push({ ...at, kind: 'invalid-attribute', message: `${file}: span "${span.id}": ${message}` });
    }
  }
  problems.push(...checkDecisions(layer, spanIds, file, base));
  for (const rel of layer.relations) {
    const missing = [rel.from, rel.to].filter((id) => !spanIds.has(id));
    if (missing.length) {
      problems.push({
        ...base,
        kind: 'dangling-relation',
        message: `${file}: relation "${rel.id}" (${rel.type}) points at ${missing.map((id) => `"${id}"`).join(' and ')}, not a span of this layer`,
      });
    }
    if (!schema.relations.some((r) => r.type === rel.type)) {
      problems.push({ ...base, kind: 'unknown-label', message: `${file}: relation "${rel.id}" has the type "${rel.type}", which is not in the schema` });
    }
  }
  return problems;
}

/** Decisions only in the curation layer, each span they made still there, and no span made twice. */
function checkDecisions(layer: Layer, spanIds: ReadonlySet<string>, file: string, base: Pick<Problem, 'file' | 'document' | 'annotator'>): Problem[] {
  const decisions = layer.decisions ?? [];
  if (decisions.length === 0) return [];
  if (layer.annotator !== CURATION_ANNOTATOR) {
    return [{ ...base, kind: 'invalid-file', message: `${file}: only the ${CURATION_ANNOTATOR} layer holds decisions, this one holds ${decisions.length}` }];
  }
  const problems: Problem[] = [];
  const madeBy = new Map<string, string>();
  for (const d of decisions) {
    if (d.spanId === undefined) continue;
    if (!spanIds.has(d.spanId)) {
      problems.push({ ...base, kind: 'dangling-decision', spanId: d.spanId, message: `${file}: decision "${d.id}" (${d.action}) made span "${d.spanId}", which is not in this layer` });
    }
    const other = madeBy.get(d.spanId);
    if (other !== undefined) {
      problems.push({ ...base, kind: 'dangling-decision', spanId: d.spanId, message: `${file}: decisions "${other}" and "${d.id}" both claim span "${d.spanId}"` });
    }
    madeBy.set(d.spanId, d.id);
  }
  return problems;
}

/** Problems of a document file: its text no longer matches its textSha256. */
export async function checkDocument(doc: GlossDocument, file: string): Promise<Problem[]> {
  const actual = await sha256Hex(doc.text);
  if (actual === doc.textSha256) return [];
  return [
    {
      kind: 'text-mismatch',
      file,
      document: doc.id,
      message: `${file}: the text does not match its textSha256 (the document was changed after import)`,
    },
  ];
}

/**
 * Why an imported item cannot be merged into a workspace with this schema (empty = fine):
 * offsets outside the text or bad fragments, unknown labels, invalid attributes, annotator
 * names, relations to spans not in the item, unknown relation types.
 */
export function checkImportedItem(item: ImportedItem, schema: Schema): string[] {
  const messages: string[] = [];
  const length = codePointLength(item.text);
  if (item.id !== undefined && !isValidDocId(item.id)) messages.push(`document id ${JSON.stringify(item.id)} is not valid`);
  item.layers.forEach((layer, l) => {
    const who = item.layers.length > 1 || layer.annotator ? `layer ${layer.annotator ?? l + 1}: ` : '';
    if (layer.annotator !== undefined && !isValidAnnotator(layer.annotator)) {
      messages.push(`${who}annotator name ${JSON.stringify(layer.annotator)} is not valid`);
    }
    const ids = new Set<string>();
    layer.spans.forEach((span, i) => {
      const name = `${who}span ${i + 1}${span.id !== undefined ? ` ("${span.id}")` : ''}`;
      if (span.id !== undefined) {
        if (ids.has(span.id)) messages.push(`${name}: duplicate span id`);
        ids.add(span.id);
      }
      const rangeProblem = checkRange(span, length);
      if (rangeProblem) messages.push(`${name}: ${rangeProblem}`);
      const label = findLabel(schema, span.label);
      if (!label) {
        messages.push(`${name}: unknown label ${JSON.stringify(span.label)} (the schema has ${schema.labels.map((x) => x.name).join(', ')})`);
        return;
      }
      for (const m of checkAttributes(label, span.attributes ?? {})) messages.push(`${name}: ${m}`);
    });
    for (const rel of layer.relations) {
      for (const end of [rel.from, rel.to]) {
        if (!ids.has(end)) messages.push(`${who}relation ${rel.id ?? rel.type}: no span "${end}" in this item`);
      }
      if (!schema.relations.some((r) => r.type === rel.type)) {
        messages.push(`${who}relation ${rel.id ?? rel.type}: unknown relation type ${JSON.stringify(rel.type)}`);
      }
    }
  });
  return messages;
}
