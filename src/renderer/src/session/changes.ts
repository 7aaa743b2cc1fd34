// The renderer's mirror of a LayerChange batch: what it does to my spans (so the view can change
// at once, before the workspace answers) and the batch that reverts it (for undo). It follows
// the rules of applyLayerChanges in src/core/layer.ts; the workspace stays the judge.

import type { LayerChange, SpanInput, SpanPatch } from '../../../core/api';
import type { AttributeValue, LayerStatus, Schema, Span } from '../../../core/model';
import type { CodePointIndex } from '../../../core/offsets';
import { checkAttributes, findLabel } from '../../../core/schema';

export interface BatchContext {
  text: CodePointIndex;
  schema: Schema;
  status: LayerStatus;
  /** ISO time stamped on new and updated spans until the workspace's own values arrive. */
  now: string;
}

/** What a batch does: each touched span before and after (undefined = absent), and its inverse. */
export interface BatchEffect {
  readonly before: ReadonlyMap<string, Span | undefined>;
  readonly after: ReadonlyMap<string, Span | undefined>;
  readonly status: LayerStatus;
  /** Applying this batch after the original restores the spans and status as they were. */
  readonly inverse: LayerChange[];
}

export type BatchResult = { ok: true; effect: BatchEffect } | { ok: false; message: string };

/** The fields that re-create a span (what undoing its removal sends). */
export function toSpanInput(span: Span): SpanInput {
  const input: SpanInput = {
    id: span.id,
    label: span.label,
    start: span.start,
    end: span.end,
    attributes: { ...span.attributes },
  };
  if (span.note) input.note = span.note;
  if (span.fragments) input.fragments = span.fragments.map((f) => ({ start: f.start, end: f.end }));
  return input;
}

/** The attributes of a span that a label allows (what survives a relabel). */
export function attributesAllowed(
  schema: Schema,
  label: string,
  attributes: Record<string, AttributeValue>,
): Record<string, AttributeValue> {
  const def = findLabel(schema, label);
  const kept: Record<string, AttributeValue> = {};
  if (!def) return kept;
  for (const [name, value] of Object.entries(attributes)) {
    if (checkAttributes(def, { [name]: value }).length === 0) kept[name] = value;
  }
  return kept;
}

/**
 * Work out a batch against the current spans without changing them: all or nothing, like the
 * workspace. Fails with a message when the workspace would refuse the batch too.
 */
export function planBatch(
  spans: Pick<ReadonlyMap<string, Span>, 'get'>,
  changes: readonly LayerChange[],
  ctx: BatchContext,
): BatchResult {
  const before = new Map<string, Span | undefined>();
  const after = new Map<string, Span | undefined>();
  const current = (id: string): Span | undefined => (after.has(id) ? after.get(id) : spans.get(id));
  const touch = (id: string, next: Span | undefined) => {
    if (!before.has(id)) before.set(id, spans.get(id));
    after.set(id, next);
  };
  const inverse: LayerChange[] = [];
  let status = ctx.status;

  for (const [i, change] of changes.entries()) {
    const where = `change ${i + 1} of ${changes.length}`;
    switch (change.op) {
      case 'add': {
        const made = makeSpan(change.span, ctx);
        if (typeof made === 'string') return { ok: false, message: `${where}: ${made}` };
        if (current(made.id)) return { ok: false, message: `${where}: a span with id "${made.id}" already exists` };
        touch(made.id, made);
        inverse.push({ op: 'remove', spanId: made.id });
        break;
      }
      case 'remove': {
        const old = current(change.spanId);
        if (!old) return { ok: false, message: `${where}: no span with id "${change.spanId}"` };
        touch(old.id, undefined);
        inverse.push({ op: 'add', span: toSpanInput(old) });
        break;
      }
      case 'update': {
        const old = current(change.spanId);
        if (!old) return { ok: false, message: `${where}: no span with id "${change.spanId}"` };
        const updated = updateSpan(old, change.patch, ctx);
        if (typeof updated === 'string') return { ok: false, message: `${where}: ${updated}` };
        touch(old.id, updated);
        inverse.push({ op: 'update', spanId: old.id, patch: inversePatch(old, change.patch) });
        break;
      }
      case 'status': {
        inverse.push({ op: 'status', status });
        status = change.status;
        break;
      }
      case 'comment-add':
      case 'comment-update':
      case 'comment-remove':
        // Comments touch no span; the workspace answers with the comments as stored.
        break;
    }
    // Any edit of a span starts the work on a document (as the workspace does). Undo does not
    // go back to "todo": the inverse is itself an edit. Commenting is not annotating.
    if (change.op !== 'status' && !isCommentChange(change) && status === 'todo') status = 'in-progress';
  }
  return { ok: true, effect: { before, after, status, inverse: inverse.reverse() } };
}

/** Whether a change is about comments (which live in my layer but are not annotations). */
export function isCommentChange(change: LayerChange): boolean {
  return change.op === 'comment-add' || change.op === 'comment-update' || change.op === 'comment-remove';
}

function makeSpan(input: SpanInput, ctx: BatchContext): Span | string {
  const label = findLabel(ctx.schema, input.label);
  if (!label) return `unknown label "${input.label}"`;
  if (!Number.isInteger(input.start) || !Number.isInteger(input.end) || input.start < 0 || input.end > ctx.text.length || input.start >= input.end) {
    return `offsets ${input.start}..${input.end} are not a non-empty range of the text (0..${ctx.text.length})`;
  }
  const attributes = { ...(input.attributes ?? {}) };
  const problems = checkAttributes(label, attributes);
  if (problems.length) return problems.join('; ');
  const span: Span = {
    id: input.id,
    label: label.name,
    start: input.start,
    end: input.end,
    quote: ctx.text.slice(input.start, input.end),
    attributes,
    origin: 'manual',
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  if (input.note) span.note = input.note;
  if (input.fragments) span.fragments = input.fragments.map((f) => ({ start: f.start, end: f.end }));
  return span;
}

function updateSpan(span: Span, patch: SpanPatch, ctx: BatchContext): Span | string {
  const next: Span = { ...span, attributes: { ...span.attributes }, updatedAt: ctx.now };
  if (patch.label !== undefined) {
    const label = findLabel(ctx.schema, patch.label);
    if (!label) return `unknown label "${patch.label}"`;
    next.label = label.name;
  }
  if (patch.attributes !== undefined) next.attributes = { ...patch.attributes };
  else if (patch.label !== undefined) next.attributes = attributesAllowed(ctx.schema, next.label, span.attributes);
  const label = findLabel(ctx.schema, next.label);
  if (label) {
    const problems = checkAttributes(label, next.attributes);
    if (problems.length) return problems.join('; ');
  }
  if (patch.note !== undefined) {
    if (patch.note === '') delete next.note;
    else next.note = patch.note;
  }
  return next;
}

/** The patch that puts back what `patch` changes on `old`. */
function inversePatch(old: Span, patch: SpanPatch): SpanPatch {
  const back: SpanPatch = {};
  if (patch.label !== undefined) back.label = old.label;
  // A relabel may drop attributes the new label does not allow: put them all back.
  if (patch.label !== undefined || patch.attributes !== undefined) back.attributes = { ...old.attributes };
  if (patch.note !== undefined) back.note = old.note ?? '';
  return back;
}
