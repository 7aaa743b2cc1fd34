// Layers: one annotator's spans, relations and comments on one document. Pure functions that
// return new layers (inputs are never mutated), the canonical on-disk shape, and merging.

import { fail, ok } from './api';
import type { LayerChange, Result, SpanInput } from './api';
import type { ImportedLayer, ImportedSpan } from './formats/types';
import type {
  AttributeValue,
  Block,
  Comment,
  CurationDecision,
  DocumentMark,
  Fragment,
  GlossDocument,
  Layer,
  Manifest,
  Relation,
  Schema,
  Span,
} from './model';
import { LAYER_STATUSES, OFFSET_UNIT } from './model';
import type { CodePointIndex } from './offsets';
import { checkAttributes, findLabel } from './schema';

/** A new layer with no annotations, status "todo". */
export function emptyLayer(doc: { id: string; textSha256: string }, annotator: string, now: string): Layer {
  return {
    format: 'gloss.layer',
    version: 1,
    offsetUnit: OFFSET_UNIT,
    document: doc.id,
    textSha256: doc.textSha256,
    annotator,
    status: 'todo',
    updatedAt: now,
    spans: [],
    relations: [],
    comments: [],
  };
}

/** Order of spans in files and lists: (start, end, label, id). */
export function compareSpans(a: Pick<Span, 'start' | 'end' | 'label' | 'id'>, b: Pick<Span, 'start' | 'end' | 'label' | 'id'>): number {
  return a.start - b.start || a.end - b.end || compareStrings(a.label, b.label) || compareStrings(a.id, b.id);
}

// Code-unit order, not locale order: the same on every machine.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedAttributes(attrs: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const key of Object.keys(attrs).sort(compareStrings)) out[key] = attrs[key]!;
  return out;
}

/** A span with the key order of model.ts, attributes sorted, an empty note dropped. */
export function canonicalSpan(span: Span): Span {
  const out: Span = {
    id: span.id,
    label: span.label,
    start: span.start,
    end: span.end,
    quote: span.quote,
    attributes: sortedAttributes(span.attributes),
  } as Span;
  if (span.note !== undefined && span.note !== '') out.note = span.note;
  if (span.fragments !== undefined) out.fragments = span.fragments.map((f) => ({ start: f.start, end: f.end }));
  out.origin = span.origin;
  out.createdAt = span.createdAt;
  out.updatedAt = span.updatedAt;
  return out;
}

/**
 * Relations, comments and decisions made by the functions below: canonical already, and values
 * (never changed once made), so a layer made from an edit keeps them as they are.
 */
const canonicalItems = new WeakSet<object>();

function canonicalItem<T extends object>(make: (item: T) => T): (item: T) => T {
  return (item) => {
    if (canonicalItems.has(item)) return item;
    const out = make(item);
    canonicalItems.add(out);
    return out;
  };
}

const canonicalRelation = canonicalItem<Relation>((r) => ({ id: r.id, type: r.type, from: r.from, to: r.to }));

const canonicalComment = canonicalItem<Comment>((c) => ({
  id: c.id,
  target: c.target ? { annotator: c.target.annotator, spanId: c.target.spanId } : null,
  author: c.author,
  text: c.text,
  createdAt: c.createdAt,
  resolved: c.resolved,
}));

const canonicalDecision = canonicalItem<CurationDecision>((d) => {
  const out: CurationDecision = {
    id: d.id,
    itemKey: d.itemKey,
    action: d.action,
    from: d.from.map((v) => ({ annotator: v.annotator, spanId: v.spanId, updatedAt: v.updatedAt })),
  } as CurationDecision;
  if (d.chosen !== undefined) out.chosen = { annotator: d.chosen.annotator, spanId: d.chosen.spanId };
  if (d.spanId !== undefined) out.spanId = d.spanId;
  out.by = d.by;
  out.at = d.at;
  return out;
});

/**
 * Layers canonicalLayer or applyLayerChanges made (layers are values: never changed once made).
 * An edit of such a layer keeps its unchanged spans as the same objects, so an edit of one span
 * among 10,000 neither copies the other 9,999 nor, in the journal's delta, has them compared
 * field by field (docs/adr/0009).
 */
const canonicalLayers = new WeakSet<Layer>();

/** The layer in its stored shape: fixed key order, attributes sorted, spans sorted (a layer in that shape already is returned as it is). */
export function canonicalLayer(layer: Layer): Layer {
  if (canonicalLayers.has(layer)) return layer;
  return canonicalWithSpans(layer, layer.spans.map(canonicalSpan));
}

/** Up to this many spans made by one edit are put in place one by one; more, and all are sorted. */
const FEW_TOUCHED = 16;

/**
 * `next`, an edit of the canonical layer it was cloned from (its own copy of the spans), made
 * canonical: the spans in `touched` (added or updated by the edit) are made canonical, the others
 * are the canonical layer's own, kept as they are and still in order. A few touched spans are
 * taken out and put back where they belong (binary search); for an edit of one span among
 * 10,000 that is a move of the array instead of a look-up per span and a sort (issue 5).
 */
function canonicalEdit(next: Layer, touched: ReadonlySet<Span>): Layer {
  if (touched.size > FEW_TOUCHED) return canonicalWithSpans(next, next.spans.map((span) => (touched.has(span) ? canonicalSpan(span) : span)));
  const spans = next.spans;
  const made: Span[] = [];
  for (const span of touched) {
    // A span added and then removed or replaced in the same batch is no longer there.
    const at = spans.indexOf(span);
    if (at < 0) continue;
    spans.splice(at, 1);
    made.push(canonicalSpan(span));
  }
  for (const span of made) {
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareSpans(spans[mid]!, span) < 0) lo = mid + 1;
      else hi = mid;
    }
    spans.splice(lo, 0, span);
  }
  return canonicalWithSpans(next, spans, { sorted: true });
}

/** canonicalLayer with its spans already canonical (a new array, sorted here unless it is already). */
function canonicalWithSpans(layer: Layer, spans: Span[], { sorted = false }: { sorted?: boolean } = {}): Layer {
  const out: Layer = {
    format: 'gloss.layer',
    version: 1,
    offsetUnit: OFFSET_UNIT,
    document: layer.document,
    textSha256: layer.textSha256,
    annotator: layer.annotator,
    status: layer.status,
    updatedAt: layer.updatedAt,
    spans: sorted ? spans : spans.sort(compareSpans),
    relations: layer.relations.map(canonicalRelation),
    comments: layer.comments.map(canonicalComment),
  };
  // Decisions keep the order they were taken in: that is the audit trail.
  if (layer.decisions !== undefined) out.decisions = layer.decisions.map(canonicalDecision);
  canonicalLayers.add(out);
  return out;
}

/**
 * The text of a canonical span in a layer file (pretty-printed, as deep as the layer's `spans`
 * puts it), kept per span object: spans are values, and a compaction of a layer of 10,000 spans
 * after one change writes 9,999 spans it wrote before (docs/adr/0009).
 */
const spanTexts = new WeakMap<Span, string>();

function spanText(span: Span): string {
  let text = spanTexts.get(span);
  if (text === undefined) {
    // JSON escapes newlines inside strings: every newline here is the layout's own.
    text = JSON.stringify(span, null, 2).replaceAll('\n', '\n    ');
    spanTexts.set(span, text);
  }
  return text;
}

/** Where `spans` stands in a layer's pretty JSON when it is empty (its keys before it are fixed, their values strings or numbers). */
const EMPTY_SPANS = '\n  "spans": []';

/**
 * The layer file's content: canonical, pretty-printed JSON and a trailing newline; exactly
 * `JSON.stringify(canonicalLayer(layer), null, 2) + '\n'`, each span's text made once per span.
 */
export function serializeLayer(layer: Layer): string {
  const canonical = canonicalLayer(layer);
  const rest = JSON.stringify({ ...canonical, spans: [] }, null, 2);
  if (canonical.spans.length === 0) return `${rest}\n`;
  const at = rest.indexOf(EMPTY_SPANS);
  const spans = canonical.spans.map(spanText).join(',\n    ');
  return `${rest.slice(0, at)}\n  "spans": [\n    ${spans}\n  ]${rest.slice(at + EMPTY_SPANS.length)}\n`;
}

function canonicalBlock(b: Block): Block {
  const out: Block = { type: b.type, start: b.start, end: b.end };
  if (b.level !== undefined) out.level = b.level;
  if (b.page !== undefined) out.page = b.page;
  return out;
}

function canonicalMark(m: DocumentMark): DocumentMark {
  const out: DocumentMark = { type: m.type, start: m.start, end: m.end };
  if (m.href !== undefined) out.href = m.href;
  return out;
}

/** A manifest with a fixed key order (model.ts), so that gloss.json diffs cleanly in Git. */
export function canonicalManifest(m: Manifest): Manifest {
  return {
    format: m.format,
    version: m.version,
    name: m.name,
    schema: m.schema,
    documents: m.documents.map((d) => ({
      id: d.id,
      title: d.title,
      textSha256: d.textSha256,
      importedAt: d.importedAt,
      source: d.source,
      format: d.format,
      length: d.length,
    })),
  };
}

/** The document in its stored shape (fixed key order). */
export function canonicalDocument(doc: GlossDocument): GlossDocument {
  const out: GlossDocument = {
    format: 'gloss.document',
    version: 1,
    offsetUnit: OFFSET_UNIT,
    id: doc.id,
    title: doc.title,
    text: doc.text,
    blocks: doc.blocks.map(canonicalBlock),
  } as GlossDocument;
  if (doc.marks !== undefined) out.marks = doc.marks.map(canonicalMark);
  out.meta = { source: doc.meta.source, format: doc.meta.format };
  if (doc.meta.language !== undefined) out.meta.language = doc.meta.language;
  if (doc.meta.date !== undefined) out.meta.date = doc.meta.date;
  out.textSha256 = doc.textSha256;
  out.importedAt = doc.importedAt;
  return out;
}

/** The document file's content: canonical, pretty-printed JSON and a trailing newline. */
export function serializeDocument(doc: GlossDocument): string {
  return JSON.stringify(canonicalDocument(doc), null, 2) + '\n';
}

/**
 * Why a span's range does not fit the text, or null if it does: integers, 0 <= start < end <=
 * length, and fragments (if any) sorted, non-empty, non-overlapping, with start/end their hull.
 */
export function checkRange(
  span: { start: unknown; end: unknown; fragments?: { start: unknown; end: unknown }[] | undefined },
  length: number,
): string | null {
  const { start, end } = span;
  if (typeof start !== 'number' || typeof end !== 'number' || !Number.isInteger(start) || !Number.isInteger(end)) {
    return `offsets must be integers (got start ${String(start)}, end ${String(end)})`;
  }
  if (start < 0 || end > length || start >= end) {
    return `range [${start}, ${end}) is not a non-empty range within the text (0..${length} code points)`;
  }
  const frags = span.fragments;
  if (frags === undefined) return null;
  if (!Array.isArray(frags) || frags.length < 2) return 'a discontinuous span needs at least two fragments';
  let prevEnd = -1;
  for (const [i, f] of frags.entries()) {
    if (typeof f.start !== 'number' || typeof f.end !== 'number' || !Number.isInteger(f.start) || !Number.isInteger(f.end)) {
      return `fragment ${i}: offsets must be integers`;
    }
    if (f.start >= f.end) return `fragment ${i}: [${f.start}, ${f.end}) is empty`;
    if (f.start < prevEnd) return `fragment ${i}: [${f.start}, ${f.end}) overlaps or precedes the one before`;
    prevEnd = f.end;
  }
  const first = frags[0]!;
  const last = frags[frags.length - 1]!;
  if (first.start !== start || last.end !== end) {
    return `fragments span [${String(first.start)}, ${String(last.end)}), but the span's hull is [${start}, ${end})`;
  }
  return null;
}

/** An orphan (as checkLayer reports one): its range does not fit the text, or its quote no longer matches it. */
export function isOrphanSpan(span: Pick<Span, 'start' | 'end' | 'fragments' | 'quote'>, text: CodePointIndex): boolean {
  return checkRange(span, text.length) !== null || !text.matches(span.start, span.end, span.quote);
}

function sameFragments(a: Fragment[] | undefined, b: Fragment[] | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.length === b.length && a.every((f, i) => f.start === b[i]!.start && f.end === b[i]!.end);
}

/** A string that is equal for two spans exactly when sameSpan says they are the same. */
function spanKey(s: { label: string; start: number; end: number; fragments?: Fragment[] | undefined }): string {
  const frags = s.fragments ? s.fragments.map((f) => `${f.start}-${f.end}`).join(',') : '';
  return JSON.stringify([s.label, s.start, s.end, frags]);
}

/** Whether two spans mark the same thing: same label, start, end and fragments. */
export function sameSpan(
  a: { label: string; start: number; end: number; fragments?: Fragment[] | undefined },
  b: { label: string; start: number; end: number; fragments?: Fragment[] | undefined },
): boolean {
  return a.label === b.label && a.start === b.start && a.end === b.end && sameFragments(a.fragments, b.fragments);
}

/**
 * A copy to change: its lists are new, their items shared. Every change below replaces an item
 * instead of editing it, and canonicalLayer copies the items for the result; a deep clone of a
 * 10,000-span layer cost ~20 ms per edit (issue 5).
 */
function cloneLayer(layer: Layer): Layer {
  const copy: Layer = { ...layer, spans: [...layer.spans], relations: [...layer.relations], comments: [...layer.comments] };
  if (layer.decisions !== undefined) copy.decisions = [...layer.decisions];
  return copy;
}

/**
 * Apply a batch of edits to a layer, all or nothing. Each change is checked against the schema
 * and the text; quotes and timestamps are filled; removing a span removes its relations; a
 * label change without new attributes keeps only the attributes the new label allows. Any edit
 * moves a "todo" layer to "in-progress". The input layer is not modified.
 */
export function applyLayerChanges(
  layer: Layer,
  text: CodePointIndex,
  schema: Schema,
  changes: LayerChange[],
  now: string,
): Result<Layer> {
  if (!Array.isArray(changes)) return fail('invalid-input', 'changes must be a list');
  if (changes.length === 0) {
    const canonical = canonicalLayer(layer);
    // A new object all the same: a caller may tell an edit by a new layer.
    return ok(canonical === layer ? canonicalWithSpans(layer, [...layer.spans]) : canonical);
  }
  const next = cloneLayer(layer);
  // Spans this edit made: the others are the input's.
  const touched = new Set<Span>();
  for (const [i, change] of changes.entries()) {
    const where = `change ${i + 1} of ${changes.length}`;
    const op: unknown = (change as { op?: unknown } | null)?.op;
    switch (op) {
      case 'add': {
        const input = (change as { span: SpanInput }).span;
        const made = makeSpan(input, text, schema, now, 'manual');
        if (!made.ok) return fail('invalid-input', `${where} (add): ${made.error.message}`);
        if (next.spans.some((s) => s.id === input.id)) {
          return fail('conflict', `${where} (add): a span with id "${input.id}" already exists`);
        }
        next.spans.push(made.value);
        touched.add(made.value);
        break;
      }
      case 'remove': {
        const { spanId } = change as { spanId: string };
        const index = next.spans.findIndex((s) => s.id === spanId);
        if (index < 0) return fail('not-found', `${where} (remove): no span with id "${String(spanId)}"`);
        next.spans.splice(index, 1);
        // A relation needs both ends: it goes with the span.
        next.relations = next.relations.filter((r) => r.from !== spanId && r.to !== spanId);
        break;
      }
      case 'update': {
        const { spanId, patch } = change as { spanId: string; patch: unknown };
        const index = next.spans.findIndex((s) => s.id === spanId);
        if (index < 0) return fail('not-found', `${where} (update): no span with id "${String(spanId)}"`);
        const updated = updateSpan(next.spans[index]!, patch, schema, now);
        if (!updated.ok) return fail('invalid-input', `${where} (update of "${spanId}"): ${updated.error.message}`);
        next.spans[index] = updated.value;
        touched.add(updated.value);
        break;
      }
      case 'status': {
        const { status } = change as { status: unknown };
        if (!LAYER_STATUSES.includes(status as Layer['status'])) {
          return fail('invalid-input', `${where} (status): unknown status ${JSON.stringify(status)}`);
        }
        next.status = status as Layer['status'];
        break;
      }
      case 'comment-add':
      case 'comment-update':
      case 'comment-remove': {
        const done = applyCommentChange(next, change as CommentChange, now);
        if (!done.ok) return fail(done.error.code, `${where} (${op}): ${done.error.message}`);
        break;
      }
      default:
        return fail('invalid-input', `${where}: unknown operation ${JSON.stringify(op)}`);
    }
    // Commenting on a colleague's span is not annotating: it leaves my own work's status alone.
    if (op !== 'status' && !isCommentOp(op) && next.status === 'todo') next.status = 'in-progress';
  }
  next.updatedAt = now;
  return ok(canonicalLayers.has(layer) ? canonicalEdit(next, touched) : canonicalLayer(next));
}

type CommentChange = Extract<LayerChange, { op: 'comment-add' | 'comment-update' | 'comment-remove' }>;

function isCommentOp(op: unknown): boolean {
  return op === 'comment-add' || op === 'comment-update' || op === 'comment-remove';
}

/**
 * A comment change on `layer` (changed in place; the caller works on a copy). Comments live in
 * their author's layer, so the layer's annotator is the author of what it adds, and may change
 * or remove only comments it wrote (an imported file may carry others'). A target in this very
 * layer must name one of its spans; targets in other layers are checked by the caller, which
 * can read them.
 */
function applyCommentChange(layer: Layer, change: CommentChange, now: string): Result<void> {
  switch (change.op) {
    case 'comment-add': {
      const c: unknown = change.comment;
      if (c === null || typeof c !== 'object') return fail('invalid-input', 'a comment is required');
      const { id, target, text } = c as { id?: unknown; target?: unknown; text?: unknown };
      if (typeof id !== 'string' || id.length === 0) return fail('invalid-input', 'a comment needs a non-empty id');
      if (typeof text !== 'string' || text.trim() === '') return fail('invalid-input', 'a comment needs some text');
      if (layer.comments.some((x) => x.id === id)) return fail('conflict', `a comment with id "${id}" already exists`);
      let stored: Comment['target'] = null;
      if (target !== null) {
        const t = target as { annotator?: unknown; spanId?: unknown } | undefined;
        // The annotator's name is checked where names are (the API): here it only has to be one.
        if (!t || typeof t !== 'object' || typeof t.annotator !== 'string' || t.annotator === '' || typeof t.spanId !== 'string' || t.spanId === '') {
          return fail('invalid-input', 'a comment target is {annotator, spanId} or null');
        }
        if (t.annotator === layer.annotator && !layer.spans.some((s) => s.id === t.spanId)) {
          return fail('not-found', `no span with id "${t.spanId}" in this layer`);
        }
        stored = { annotator: t.annotator, spanId: t.spanId };
      }
      layer.comments.push({ id, target: stored, author: layer.annotator, text, createdAt: now, resolved: false });
      return ok(undefined);
    }
    case 'comment-update':
    case 'comment-remove': {
      const index = layer.comments.findIndex((x) => x.id === change.id);
      if (index < 0) return fail('not-found', `no comment with id "${String(change.id)}"`);
      const comment = layer.comments[index]!;
      if (comment.author !== layer.annotator) {
        return fail('forbidden', `comment "${comment.id}" is ${comment.author}'s: only its author changes it`);
      }
      if (change.op === 'comment-remove') {
        layer.comments.splice(index, 1);
        return ok(undefined);
      }
      const { text, resolved } = change as { text?: unknown; resolved?: unknown };
      if (text !== undefined && (typeof text !== 'string' || text.trim() === '')) return fail('invalid-input', 'a comment needs some text');
      if (resolved !== undefined && typeof resolved !== 'boolean') return fail('invalid-input', 'resolved is true or false');
      layer.comments[index] = { ...comment, ...(text !== undefined ? { text } : {}), ...(resolved !== undefined ? { resolved } : {}) };
      return ok(undefined);
    }
  }
}

/** A stored span from what the renderer or a file gives, checked against schema and text. */
export function makeSpan(
  input: SpanInput | ImportedSpan,
  text: CodePointIndex,
  schema: Schema,
  now: string,
  origin: string,
): Result<Span> {
  if (input === null || typeof input !== 'object') return fail('invalid-input', 'a span is required');
  if (typeof input.id !== 'string' || input.id.length === 0) return fail('invalid-input', 'a span needs a non-empty id');
  const label = typeof input.label === 'string' ? findLabel(schema, input.label) : undefined;
  if (!label) return fail('invalid-input', `unknown label ${JSON.stringify(input.label)}`);
  const rangeProblem = checkRange(input, text.length);
  if (rangeProblem) return fail('invalid-input', rangeProblem);
  const attributes = input.attributes ?? {};
  const attrProblems = checkAttributes(label, attributes);
  if (attrProblems.length) return fail('invalid-input', attrProblems.join('; '));
  if (input.note !== undefined && typeof input.note !== 'string') return fail('invalid-input', 'a note is text');
  const span: Span = {
    id: input.id,
    label: label.name,
    start: input.start,
    end: input.end,
    quote: text.slice(input.start, input.end),
    attributes: { ...attributes },
    origin,
    createdAt: now,
    updatedAt: now,
  };
  if (input.note) span.note = input.note;
  if (input.fragments) span.fragments = input.fragments.map((f) => ({ start: f.start, end: f.end }));
  return ok(span);
}

function updateSpan(span: Span, patch: unknown, schema: Schema, now: string): Result<Span> {
  if (patch === null || typeof patch !== 'object') return fail('invalid-input', 'a patch is required');
  const p = patch as { label?: unknown; attributes?: unknown; note?: unknown };
  const next: Span = { ...span, attributes: { ...span.attributes } };
  const labelName = p.label === undefined ? span.label : p.label;
  const label = typeof labelName === 'string' ? findLabel(schema, labelName) : undefined;
  if (!label) return fail('invalid-input', `unknown label ${JSON.stringify(labelName)}`);
  next.label = label.name;
  if (p.attributes !== undefined) {
    if (p.attributes === null || typeof p.attributes !== 'object' || Array.isArray(p.attributes)) {
      return fail('invalid-input', 'attributes must be an object');
    }
    // The patch's attributes replace the span's: that is what makes undo a plain inverse patch.
    next.attributes = { ...(p.attributes as Record<string, AttributeValue>) };
  } else if (label.name !== span.label) {
    // Relabelling keeps what the new label understands (e.g. Money -> Quantity keeps "value").
    next.attributes = {};
    for (const [name, value] of Object.entries(span.attributes)) {
      if (checkAttributes(label, { [name]: value }).length === 0) next.attributes[name] = value;
    }
  }
  const problems = checkAttributes(label, next.attributes);
  if (problems.length) return fail('invalid-input', problems.join('; '));
  if (p.note !== undefined) {
    if (typeof p.note !== 'string') return fail('invalid-input', 'a note is text');
    if (p.note === '') delete next.note;
    else next.note = p.note;
  }
  next.updatedAt = now;
  return ok(next);
}

/** Options of mergeSpans / mergeImportedLayer. */
export interface MergeOptions {
  /** Replace the layer's spans (and relations) instead of adding to them. */
  replace: boolean;
  /** Origin of the new spans, e.g. "imported:jsonl". */
  origin: string;
  now: string;
  /** A fresh span id, for spans without one or whose id is taken. */
  newId: () => string;
  text: CodePointIndex;
}

/** What a merge did. `idMap` maps each incoming span's id (or its index, as "#i") to its id in the layer. */
export interface MergeResult {
  layer: Layer;
  added: number;
  skipped: number;
  idMap: Map<string, string>;
}

/**
 * Merge imported spans into a layer: spans identical to one already there (label, start, end,
 * fragments) are skipped, so importing the same file twice changes nothing. Incoming ids are
 * kept unless taken. The spans must have been checked (checkImportedItem): a bad one throws.
 */
export function mergeSpans(layer: Layer, incoming: ImportedSpan[], opts: MergeOptions): MergeResult {
  const next = cloneLayer(layer);
  if (opts.replace) {
    next.spans = [];
    next.relations = [];
  }
  const taken = new Set(next.spans.map((s) => s.id));
  // Identity key -> span id, so that a large import stays linear.
  const present = new Map<string, string>();
  for (const s of next.spans) if (!present.has(spanKey(s))) present.set(spanKey(s), s.id);
  const idMap = new Map<string, string>();
  let added = 0;
  let skipped = 0;
  for (const [i, span] of incoming.entries()) {
    const key = span.id ?? `#${i}`;
    const existing = present.get(spanKey(span));
    if (existing !== undefined) {
      skipped++;
      idMap.set(key, existing);
      continue;
    }
    let id = span.id !== undefined && span.id !== '' && !taken.has(span.id) ? span.id : opts.newId();
    while (taken.has(id)) id = opts.newId();
    const problem = checkRange(span, opts.text.length);
    if (problem) throw new Error(`mergeSpans: span ${key} was not checked before merging: ${problem}`);
    const made: Span = {
      id,
      label: span.label,
      start: span.start,
      end: span.end,
      quote: opts.text.slice(span.start, span.end),
      attributes: { ...(span.attributes ?? {}) },
      origin: opts.origin,
      createdAt: opts.now,
      updatedAt: opts.now,
    };
    if (span.note) made.note = span.note;
    if (span.fragments) made.fragments = span.fragments.map((f) => ({ start: f.start, end: f.end }));
    next.spans.push(made);
    present.set(spanKey(made), id);
    taken.add(id);
    idMap.set(key, id);
    added++;
  }
  if (added > 0 || opts.replace) next.updatedAt = opts.now;
  return { layer: canonicalLayer(next), added, skipped, idMap };
}

/**
 * Merge a whole imported layer: spans as mergeSpans, relations re-pointed at the merged span
 * ids (duplicates skipped), comments not already present (by id) appended, and the file's status
 * taken when it has one. `added`/`skipped` count spans.
 */
export function mergeImportedLayer(layer: Layer, imported: ImportedLayer, opts: MergeOptions): MergeResult {
  const merged = mergeSpans(layer, imported.spans, opts);
  const next = merged.layer;
  if (opts.replace) next.comments = [];
  const relationIds = new Set(next.relations.map((r) => r.id));
  const relationKeys = new Set(next.relations.map((r) => JSON.stringify([r.type, r.from, r.to])));
  let changed = false;
  for (const rel of imported.relations) {
    const from = merged.idMap.get(rel.from);
    const to = merged.idMap.get(rel.to);
    if (from === undefined || to === undefined) {
      throw new Error(`mergeImportedLayer: relation ${rel.id ?? rel.type} points at a span not in the item`);
    }
    const relationKey = JSON.stringify([rel.type, from, to]);
    if (relationKeys.has(relationKey)) continue;
    relationKeys.add(relationKey);
    let id = rel.id !== undefined && rel.id !== '' && !relationIds.has(rel.id) ? rel.id : opts.newId();
    while (relationIds.has(id)) id = opts.newId();
    relationIds.add(id);
    next.relations.push({ id, type: rel.type, from, to });
    changed = true;
  }
  const commentIds = new Set(next.comments.map((c) => c.id));
  for (const comment of imported.comments) {
    if (commentIds.has(comment.id)) continue;
    commentIds.add(comment.id);
    // A comment on a span of the imported layer follows that span to its id in this layer.
    const own = comment.target !== null && comment.target.annotator === (imported.annotator ?? layer.annotator);
    const mapped = comment.target !== null && own ? merged.idMap.get(comment.target.spanId) : undefined;
    const target =
      comment.target === null
        ? null
        : mapped !== undefined
          ? { annotator: layer.annotator, spanId: mapped }
          : { annotator: comment.target.annotator, spanId: comment.target.spanId };
    next.comments.push({ ...comment, target });
    changed = true;
  }
  if (imported.decisions !== undefined) {
    // Decisions keep their ids (an id already present is the same decision); the spans they made
    // follow those spans to their ids in this layer.
    const decisionIds = new Set((next.decisions ?? []).map((d) => d.id));
    for (const decision of imported.decisions) {
      if (decisionIds.has(decision.id)) continue;
      decisionIds.add(decision.id);
      const spanId = decision.spanId !== undefined ? (merged.idMap.get(decision.spanId) ?? decision.spanId) : undefined;
      next.decisions = [...(next.decisions ?? []), { ...decision, ...(spanId !== undefined ? { spanId } : {}) }];
      changed = true;
    }
  }
  if (imported.status !== undefined && imported.status !== next.status) {
    next.status = imported.status;
    changed = true;
  }
  if (changed) next.updatedAt = opts.now;
  return { ...merged, layer: canonicalLayer(next) };
}
