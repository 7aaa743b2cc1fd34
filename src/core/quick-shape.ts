// Zod-free checks of the document and layer file shapes, exactly as strict as the zod schemas of
// validate.ts, for passes that read thousands of files (export, agreement, validate): zod costs
// about a microsecond per span. A value that passes is one zod accepts unchanged (canonicalDocument
// and canonicalLayer then give the same result as after zod); anything else, including the rare
// shapes not checked here (curation decisions), goes to zod, which says what is wrong.

import { isValidAnnotator, isValidDocId } from './document';
import type { DocumentEntry, GlossDocument, Layer } from './model';
import { BLOCK_TYPES as ALL_BLOCK_TYPES } from './model';
import { codePointLength } from './offsets';

type JsonObject = Record<string, unknown>;

const BLOCK_TYPES = new Set<string>(ALL_BLOCK_TYPES);
const MARK_TYPES = new Set(['bold', 'italic', 'code', 'link']);
const LAYER_STATUSES = new Set(['todo', 'in-progress', 'done']);
const SHA256 = /^[0-9a-f]{64}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** z.number().int().nonnegative() */
function isOffset(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** z.number().int().min(1).optional() */
function isOptionalPositive(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

/** z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])): zod drops a "__proto__" key, so that is left to it. */
function isAttributes(value: unknown): boolean {
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (key === '__proto__' || !Object.hasOwn(value, key)) return false;
    const v = value[key];
    if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) return false;
  }
  return true;
}

function isSpan(value: unknown): boolean {
  if (!isObject(value)) return false;
  const s = value;
  if (!isNonEmptyString(s.id) || !isNonEmptyString(s.label) || !isOffset(s.start) || !isOffset(s.end)) return false;
  if (typeof s.quote !== 'string' || !isAttributes(s.attributes) || !isOptionalString(s.note)) return false;
  if (typeof s.origin !== 'string' || typeof s.createdAt !== 'string' || typeof s.updatedAt !== 'string') return false;
  if (s.fragments !== undefined) {
    if (!Array.isArray(s.fragments)) return false;
    for (const f of s.fragments as unknown[]) if (!isObject(f) || !isOffset(f.start) || !isOffset(f.end)) return false;
  }
  return true;
}

function isRelation(value: unknown): boolean {
  return isObject(value) && isNonEmptyString(value.id) && isNonEmptyString(value.type) && typeof value.from === 'string' && typeof value.to === 'string';
}

function isComment(value: unknown): boolean {
  if (!isObject(value) || !isNonEmptyString(value.id)) return false;
  const target = value.target;
  if (target !== null && !(isObject(target) && typeof target.annotator === 'string' && typeof target.spanId === 'string')) return false;
  return typeof value.author === 'string' && typeof value.text === 'string' && typeof value.createdAt === 'string' && typeof value.resolved === 'boolean';
}

/** Every item passes `check` and no two share an id. */
function allWithUniqueIds(list: unknown, check: (item: unknown) => boolean): boolean {
  if (!Array.isArray(list)) return false;
  const ids = new Set<unknown>();
  for (const item of list as unknown[]) {
    if (!check(item)) return false;
    const id = (item as JsonObject).id;
    if (ids.has(id)) return false;
    ids.add(id);
  }
  return true;
}

/**
 * Whether `json` (from JSON.parse) is a layer file that layerSchema accepts, so that
 * canonicalLayer(json) is what parseLayerJson would give. False for anything else, and for a
 * layer with curation decisions: zod checks those.
 */
export function isLayerFileShape(json: unknown): json is Layer {
  if (!isObject(json)) return false;
  const l = json;
  if (l.format !== 'gloss.layer' || l.version !== 1 || l.offsetUnit !== 'codepoint') return false;
  if (typeof l.document !== 'string' || !isValidDocId(l.document)) return false;
  if (typeof l.textSha256 !== 'string' || !SHA256.test(l.textSha256)) return false;
  if (typeof l.annotator !== 'string' || !isValidAnnotator(l.annotator)) return false;
  if (typeof l.status !== 'string' || !LAYER_STATUSES.has(l.status) || typeof l.updatedAt !== 'string') return false;
  if (l.decisions !== undefined && !(Array.isArray(l.decisions) && l.decisions.length === 0)) return false;
  return allWithUniqueIds(l.spans, isSpan) && allWithUniqueIds(l.relations, isRelation) && allWithUniqueIds(l.comments, isComment);
}

/** Ranges within a text of `length` code points (documentSchema's refinement). */
function rangesWithin(list: unknown[], length: number, check: (item: JsonObject) => boolean): boolean {
  for (const r of list) {
    if (!isObject(r) || !isOffset(r.start) || !isOffset(r.end) || !check(r)) return false;
    if ((r.start as number) > (r.end as number) || (r.end as number) > length) return false;
  }
  return true;
}

/**
 * Whether `json` (from JSON.parse) is a document file that documentSchema accepts, so that
 * canonicalDocument(json) is what parseDocumentJson would give.
 */
export function isDocumentFileShape(json: unknown): json is GlossDocument {
  if (!isObject(json)) return false;
  const d = json;
  if (d.format !== 'gloss.document' || d.version !== 1 || d.offsetUnit !== 'codepoint') return false;
  if (typeof d.id !== 'string' || !isValidDocId(d.id) || typeof d.title !== 'string' || typeof d.text !== 'string') return false;
  if (typeof d.textSha256 !== 'string' || !SHA256.test(d.textSha256) || typeof d.importedAt !== 'string') return false;
  const meta = d.meta;
  if (!isObject(meta) || typeof meta.source !== 'string' || typeof meta.format !== 'string') return false;
  if (!isOptionalString(meta.language) || !isOptionalString(meta.date)) return false;
  if (!Array.isArray(d.blocks) || (d.marks !== undefined && !Array.isArray(d.marks))) return false;
  const length = codePointLength(d.text);
  const block = (b: JsonObject): boolean => typeof b.type === 'string' && BLOCK_TYPES.has(b.type) && isOptionalPositive(b.level) && isOptionalPositive(b.page);
  const mark = (m: JsonObject): boolean => typeof m.type === 'string' && MARK_TYPES.has(m.type) && isOptionalString(m.href);
  return rangesWithin(d.blocks as unknown[], length, block) && rangesWithin((d.marks ?? []) as unknown[], length, mark);
}

/** documentEntrySchema (validate.ts): what the manifest says of one document. */
function isDocumentEntry(value: unknown): boolean {
  if (!isObject(value)) return false;
  const e = value;
  if (typeof e.id !== 'string' || !isValidDocId(e.id) || typeof e.title !== 'string') return false;
  if (typeof e.textSha256 !== 'string' || !SHA256.test(e.textSha256) || typeof e.importedAt !== 'string') return false;
  return typeof e.source === 'string' && typeof e.format === 'string' && isOffset(e.length);
}

/**
 * Whether the manifest's `documents` is a list zod accepts (entries of the right shape, ids
 * unique), so that canonicalManifest gives from it what it gives after zod: each command and each
 * worker thread reads the manifest, and zod took ~17 ms over 1,000 entries there.
 */
export function isDocumentEntriesShape(documents: unknown): documents is DocumentEntry[] {
  return allWithUniqueIds(documents, isDocumentEntry);
}
