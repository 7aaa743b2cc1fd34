// Adjudication into the curation layer (`annotations/<docId>/curation.json`, DESIGN.md §3): each
// decision on a review item (src/core/review.ts) accepts one annotator's version, edits it, adds
// a span or rejects the item, and records who, when and which versions it chose from. Pure.

import { fail, ok } from './api';
import type { Result } from './api';
import { canonicalLayer, isOrphanSpan, makeSpan } from './layer';
import type { CurationDecision, Layer, LayerStatus, Schema, Span, SpanFields, VersionRef } from './model';
import { CURATION_ANNOTATOR, LAYER_STATUSES } from './model';
import type { CodePointIndex } from './offsets';
import { compareLayers } from './review';
import type { ReviewItem } from './review';

/** A span the reviewer makes or edits in the curation layer; the workspace gives it an id. */
export type CuratedSpanInput = SpanFields;

/** One step of adjudication. A batch of them is applied atomically, in order. */
export type CurationChange =
  /** Copy one annotator's version of the item into the curation layer (its origin kept). */
  | { op: 'accept'; itemKey: string; annotator: string; spanId: string }
  /** Accept a version with changes: `span` is the whole curated span (origin "manual"). */
  | { op: 'edit'; itemKey: string; annotator: string; spanId: string; span: CuratedSpanInput }
  /** A new span: in an item (none of the versions is right) or, with itemKey null, anywhere. */
  | { op: 'add'; itemKey: string | null; span: CuratedSpanInput }
  /** Reject every version of the item: a decision, and no span. */
  | { op: 'reject'; itemKey: string }
  /** Accept every agreed item without a decision yet (the first annotator's version). */
  | { op: 'accept-all-agreed' }
  /** Take a decision back: it goes, with the span it made. */
  | { op: 'undo'; decisionId: string }
  /** The curation layer's status (mark the adjudication of the document done). */
  | { op: 'status'; status: LayerStatus };

export interface CurationOptions {
  /** The annotators' layers under review, in the order chosen: their compareLayers items are what keys name. */
  layers: readonly Layer[];
  /** The reviewer (recorded as each decision's `by`). */
  who: string;
  now: string;
  /** Fresh ids for decisions and curated spans. */
  newId: () => string;
}

/**
 * Apply adjudication steps to the curation layer, all or nothing. An item may get several
 * accept/edit/add decisions (a chain of overlaps can hold two right spans) or one reject, never
 * both, and a version is accepted at most once. A version that no longer fits the text (an
 * orphan) or the schema cannot be accepted as it is: edit it. "accept-all-agreed" skips agreed
 * items whose versions differ in attributes or do not fit, leaving them to the reviewer. Any
 * decision moves a "todo" layer to "in-progress". The input layer is not modified.
 */
export function applyCurationChanges(
  curation: Layer,
  text: CodePointIndex,
  schema: Schema,
  changes: readonly CurationChange[],
  options: CurationOptions,
): Result<Layer> {
  if (curation.annotator !== CURATION_ANNOTATOR) {
    throw new Error(`applyCurationChanges: the layer is ${curation.annotator}'s, not the curation layer`);
  }
  if (!Array.isArray(changes)) return fail('invalid-input', 'changes must be a list');
  const { who, now, newId } = options;
  if (typeof who !== 'string' || who === '') return fail('invalid-input', 'the reviewer needs a name');
  const next = structuredClone(curation);
  const decisions = (next.decisions ??= []);
  if (changes.length === 0) return ok(canonicalLayer(next));
  const items = new Map<string, ReviewItem>();
  for (const item of compareLayers(options.layers)) items.set(item.key, item);

  const itemFor = (key: unknown): Result<ReviewItem> => {
    const item = typeof key === 'string' ? items.get(key) : undefined;
    return item ? ok(item) : fail('not-found', `no review item ${JSON.stringify(key)} among these annotators' layers (they may have changed: reload)`);
  };
  const decide = (decision: Omit<CurationDecision, 'id' | 'by' | 'at'>): void => {
    decisions.push({ id: newId(), ...decision, by: who, at: now });
  };
  const addSpan = (input: CuratedSpanInput, origin: string): Result<Span> => {
    const made = makeSpan({ ...input, id: freshSpanId(next, newId) }, text, schema, now, origin);
    if (made.ok) next.spans.push(made.value);
    return made;
  };

  for (const [i, change] of changes.entries()) {
    const where = `change ${i + 1} of ${changes.length}`;
    const op: unknown = (change as { op?: unknown } | null)?.op;
    switch (op) {
      case 'accept':
      case 'edit': {
        const c = change as Extract<CurationChange, { op: 'accept' | 'edit' }>;
        const found = itemFor(c.itemKey);
        if (!found.ok) return fail(found.error.code, `${where} (${op}): ${found.error.message}`);
        const item = found.value;
        const version = item.versions.find((v) => v.annotator === c.annotator && v.span.id === c.spanId);
        if (!version) return fail('not-found', `${where} (${op}): ${c.annotator}'s span "${String(c.spanId)}" is not a version of item ${item.key}`);
        const refused = refuseDecision(decisions, item.key, 'take');
        if (refused) return fail('conflict', `${where} (${op}): ${refused}`);
        if (decisions.some((d) => d.itemKey === item.key && d.chosen?.annotator === c.annotator && d.chosen.spanId === c.spanId)) {
          return fail('conflict', `${where} (${op}): ${c.annotator}'s span "${c.spanId}" is already taken (undo that decision first)`);
        }
        const source = version.span;
        if (op === 'accept' && isOrphanSpan(source, text)) {
          return fail('invalid-input', `${where} (accept): ${c.annotator}'s span "${source.id}" is an orphan (its quote no longer matches the text): edit it instead`);
        }
        const input: CuratedSpanInput = op === 'accept' ? spanInputOf(source) : (c as Extract<CurationChange, { op: 'edit' }>).span;
        const made = addSpan(input, op === 'accept' ? source.origin : 'manual');
        if (!made.ok) return fail('invalid-input', `${where} (${op}): ${made.error.message}`);
        decide({ itemKey: item.key, action: op, from: refsOf(item), chosen: { annotator: c.annotator, spanId: source.id }, spanId: made.value.id });
        break;
      }
      case 'add': {
        const c = change as Extract<CurationChange, { op: 'add' }>;
        let item: ReviewItem | null = null;
        if (c.itemKey !== null) {
          const found = itemFor(c.itemKey);
          if (!found.ok) return fail(found.error.code, `${where} (add): ${found.error.message}`);
          item = found.value;
          const refused = refuseDecision(decisions, item.key, 'take');
          if (refused) return fail('conflict', `${where} (add): ${refused}`);
        }
        const made = addSpan(c.span, 'manual');
        if (!made.ok) return fail('invalid-input', `${where} (add): ${made.error.message}`);
        decide({ itemKey: item?.key ?? null, action: 'add', from: item ? refsOf(item) : [], spanId: made.value.id });
        break;
      }
      case 'reject': {
        const c = change as Extract<CurationChange, { op: 'reject' }>;
        const found = itemFor(c.itemKey);
        if (!found.ok) return fail(found.error.code, `${where} (reject): ${found.error.message}`);
        const refused = refuseDecision(decisions, found.value.key, 'reject');
        if (refused) return fail('conflict', `${where} (reject): ${refused}`);
        decide({ itemKey: found.value.key, action: 'reject', from: refsOf(found.value) });
        break;
      }
      case 'accept-all-agreed': {
        for (const item of items.values()) {
          if (item.kind !== 'agreed' || item.attributesDiffer || decisions.some((d) => d.itemKey === item.key)) continue;
          const source = item.versions[0]!;
          // An orphan, or a label or attributes the schema refuses: left to the reviewer, who
          // sees why when accepting it by hand.
          if (isOrphanSpan(source.span, text)) continue;
          const made = addSpan(spanInputOf(source.span), source.span.origin);
          if (!made.ok) continue;
          decide({
            itemKey: item.key,
            action: 'accept',
            from: refsOf(item),
            chosen: { annotator: source.annotator, spanId: source.span.id },
            spanId: made.value.id,
          });
        }
        break;
      }
      case 'undo': {
        const { decisionId } = change as Extract<CurationChange, { op: 'undo' }>;
        const index = decisions.findIndex((d) => d.id === decisionId);
        if (index < 0) return fail('not-found', `${where} (undo): no decision with id "${String(decisionId)}"`);
        const [undone] = decisions.splice(index, 1);
        if (undone?.spanId !== undefined) {
          const spanId = undone.spanId;
          next.spans = next.spans.filter((s) => s.id !== spanId);
          next.relations = next.relations.filter((r) => r.from !== spanId && r.to !== spanId);
        }
        break;
      }
      case 'status': {
        const { status } = change as { status: unknown };
        if (!LAYER_STATUSES.includes(status as LayerStatus)) {
          return fail('invalid-input', `${where} (status): unknown status ${JSON.stringify(status)}`);
        }
        next.status = status as LayerStatus;
        break;
      }
      default:
        return fail('invalid-input', `${where}: unknown operation ${JSON.stringify(op)}`);
    }
    if (op !== 'status' && next.status === 'todo') next.status = 'in-progress';
  }
  next.updatedAt = now;
  return ok(canonicalLayer(next));
}

/** The decisions about an item, in the order taken. */
export function decisionsFor(curation: Layer | null | undefined, itemKey: string): CurationDecision[] {
  return (curation?.decisions ?? []).filter((d) => d.itemKey === itemKey);
}

/**
 * Whether a decision was taken on the item as it is now: the same versions, none changed since
 * (by span id and updatedAt). A stale decision still stands; the reviewer may want to look again.
 */
export function isDecisionCurrent(decision: CurationDecision, item: ReviewItem): boolean {
  const now = refsOf(item);
  return (
    decision.itemKey === item.key &&
    now.length === decision.from.length &&
    now.every((v, i) => {
      const d = decision.from[i]!;
      return d.annotator === v.annotator && d.spanId === v.spanId && d.updatedAt === v.updatedAt;
    })
  );
}

/** Review progress: items with at least one decision, and those left. */
export function curationProgress(items: readonly ReviewItem[], curation: Layer | null | undefined): { total: number; decided: number; left: number } {
  const decided = new Set((curation?.decisions ?? []).map((d) => d.itemKey));
  const n = items.filter((item) => decided.has(item.key)).length;
  return { total: items.length, decided: n, left: items.length - n };
}

/** Why a decision of this sort cannot be added to the item now, or null. */
function refuseDecision(decisions: readonly CurationDecision[], itemKey: string, sort: 'take' | 'reject'): string | null {
  const existing = decisions.filter((d) => d.itemKey === itemKey);
  if (existing.some((d) => d.action === 'reject')) return `item ${itemKey} is rejected (undo that decision first)`;
  if (sort === 'reject' && existing.length > 0) return `item ${itemKey} already has a span accepted or added (undo those decisions first)`;
  return null;
}

function refsOf(item: ReviewItem): VersionRef[] {
  return item.versions.map((v) => ({ annotator: v.annotator, spanId: v.span.id, updatedAt: v.span.updatedAt }));
}

function spanInputOf(span: Span): CuratedSpanInput {
  const input: CuratedSpanInput = { label: span.label, start: span.start, end: span.end, attributes: { ...span.attributes } };
  if (span.note !== undefined) input.note = span.note;
  if (span.fragments !== undefined) input.fragments = span.fragments.map((f) => ({ start: f.start, end: f.end }));
  return input;
}

function freshSpanId(layer: Layer, newId: () => string): string {
  let id = newId();
  while (layer.spans.some((s) => s.id === id)) id = newId();
  return id;
}
