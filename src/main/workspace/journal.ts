// The append-only journal of a layer (docs/adr/0009): each change batch is one JSON line appended
// and fsynced before the answer; every reader replays it on top of the layer file. Pure: no I/O.

import { canonicalLayer } from '../../core/layer';
import type { Comment, CurationDecision, Layer, LayerStatus, Relation, Span } from '../../core/model';
import { LAYER_STATUSES } from '../../core/model';
import { parseLayerJson } from '../../core/validate';

/** `annotations/<doc>/<annotator>` + this is the journal of `annotations/<doc>/<annotator>.json`. */
export const JOURNAL_SUFFIX = '.journal.jsonl';

/** The journal's file name for a layer file name (`alice.json` -> `alice.journal.jsonl`). */
export function journalFileOf(layerFile: string): string {
  return `${layerFile.slice(0, -'.json'.length)}${JOURNAL_SUFFIX}`;
}

/** First line: which layer file (its exact bytes, by SHA-256) the entries apply to. */
export interface JournalHeader {
  format: 'gloss.journal';
  version: 1;
  document: string;
  annotator: string;
  /** SHA-256 (hex) of the layer file the entries were made on. */
  base: string;
}

/** Items with an id put (replaced in place or appended) and removed; or the whole list. */
export type Delta<T> = { put: T[]; remove: string[] } | { all: T[] };

/** One applyChanges (or curation) batch, resolved: the full objects it made or changed. */
export interface JournalEntry {
  seq: number;
  /** updatedAt of the layer before the batch. */
  base: string;
  updatedAt: string;
  status: LayerStatus;
  spans?: Delta<Span>;
  relations?: Delta<Relation>;
  comments?: Delta<Comment>;
  decisions?: Delta<CurationDecision>;
}

/** Last line written before a compaction: the layer file with this SHA-256 holds every entry. */
export interface CompactedMark {
  compacted: string;
}

/** The journal's header line for a layer file with these bytes' hash. */
export function journalHeader(layer: Pick<Layer, 'document' | 'annotator'>, base: string): string {
  const header: JournalHeader = { format: 'gloss.journal', version: 1, document: layer.document, annotator: layer.annotator, base };
  return `${JSON.stringify(header)}\n`;
}

/** The mark line appended before a compaction writes the layer file with hash `hash`. */
export function compactedMark(hash: string): string {
  const mark: CompactedMark = { compacted: hash };
  return `${JSON.stringify(mark)}\n`;
}

/**
 * The entry that turns `before` into `after`, or null when the difference cannot be a journal
 * entry (another document, annotator or text: then the whole layer is written).
 */
export function journalEntry(before: Layer, after: Layer, seq: number): JournalEntry | null {
  if (
    before.document !== after.document ||
    before.annotator !== after.annotator ||
    before.textSha256 !== after.textSha256 ||
    (before.decisions === undefined) !== (after.decisions === undefined)
  ) {
    return null;
  }
  const entry: JournalEntry = { seq, base: before.updatedAt, updatedAt: after.updatedAt, status: after.status };
  const spans = spanDelta(before.spans, after.spans);
  if (spans) entry.spans = spans;
  const relations = orderedDelta(before.relations, after.relations);
  if (relations) entry.relations = relations;
  const comments = orderedDelta(before.comments, after.comments);
  if (comments) entry.comments = comments;
  if (before.decisions && after.decisions) {
    const decisions = orderedDelta(before.decisions, after.decisions);
    if (decisions) entry.decisions = decisions;
  }
  return entry;
}

/** What reading a journal on top of a layer file gave. */
export type Replay =
  /** Entries applied (torn: the last line was cut by a crash and was ignored). */
  | { state: 'replayed'; layer: Layer; seq: number; entries: number; torn: boolean }
  /** Already in the layer file (compacted): nothing to apply, the journal can go. */
  | { state: 'compacted' }
  /** Made on another version of the layer file than this one: not applied, to be kept aside. */
  | { state: 'stale'; message: string }
  /** Not a journal we can read: not applied, to be kept aside. */
  | { state: 'corrupt'; message: string };

/**
 * Replay a journal's text on top of the layer file it belongs to (`layer`, whose bytes hash to
 * `layerHash`; null when there is no readable layer file). Never throws.
 */
export function replayJournal(layer: Layer | null, layerHash: string | null, text: string, file: string): Replay {
  const lines = text.split('\n');
  // Text after the last newline is an append a crash cut short: it was never answered as saved.
  const tail = lines.pop() ?? '';
  const torn = tail.length > 0;
  if (lines.length === 0) {
    // Not even a whole header: the first append was cut; nothing in it was ever answered.
    return layer ? { state: 'replayed', layer, seq: 0, entries: 0, torn } : { state: 'corrupt', message: `${file}: no header line` };
  }
  const header = parseLine(lines[0]!);
  if (!isHeader(header)) return { state: 'corrupt', message: `${file}: line 1 is not a Gloss journal header` };
  const last = lines.length > 1 ? parseLine(lines[lines.length - 1]!) : undefined;
  const marked = isMark(last);
  if (marked && last.compacted === layerHash) return { state: 'compacted' };
  if (layer === null || header.base !== layerHash) {
    return {
      state: 'stale',
      message: `${file}: changes made on another version of the layer file than the one there now; not applied`,
    };
  }
  if (header.document !== layer.document || header.annotator !== layer.annotator) {
    return { state: 'corrupt', message: `${file}: journal of "${header.annotator}" on "${header.document}", not of this layer` };
  }
  let current: Layer = { ...layer, spans: layer.spans, relations: layer.relations, comments: layer.comments };
  let seq = 0;
  const end = marked ? lines.length - 1 : lines.length;
  for (let i = 1; i < end; i++) {
    const where = `${file}: line ${i + 1}`;
    const entry = parseEntry(parseLine(lines[i]!), current, where);
    if (!entry.ok) return { state: 'corrupt', message: entry.message };
    if (entry.entry.seq !== seq + 1) return { state: 'corrupt', message: `${where}: sequence ${entry.entry.seq} after ${seq}` };
    const applied = applyEntry(current, entry.entry);
    if (applied === null) return { state: 'corrupt', message: `${where}: removes an item the layer does not have` };
    current = applied;
    seq = entry.entry.seq;
  }
  return { state: 'replayed', layer: seq > 0 ? canonicalLayer(current) : layer, seq, entries: seq, torn };
}

/** Apply one entry (already checked) to a layer; null when it names an item that is not there. */
export function applyEntry(layer: Layer, entry: JournalEntry): Layer | null {
  const next: Layer = { ...layer, status: entry.status, updatedAt: entry.updatedAt };
  if (entry.spans) {
    const spans = applyDelta(layer.spans, entry.spans);
    if (!spans) return null;
    next.spans = spans;
  }
  if (entry.relations) {
    const relations = applyDelta(layer.relations, entry.relations);
    if (!relations) return null;
    next.relations = relations;
  }
  if (entry.comments) {
    const comments = applyDelta(layer.comments, entry.comments);
    if (!comments) return null;
    next.comments = comments;
  }
  if (entry.decisions) {
    const decisions = applyDelta(layer.decisions ?? [], entry.decisions);
    if (!decisions) return null;
    next.decisions = decisions;
  }
  return next;
}

function applyDelta<T extends { id: string }>(items: readonly T[], delta: Delta<T>): T[] | null {
  if ('all' in delta) return [...delta.all];
  const out = [...items];
  if (delta.remove.length > 0) {
    const gone = new Set(delta.remove);
    const kept = out.filter((item) => !gone.has(item.id));
    if (out.length - kept.length !== gone.size) return null;
    out.splice(0, out.length, ...kept);
  }
  if (delta.put.length > 0) {
    const index = new Map<string, number>();
    out.forEach((item, i) => index.set(item.id, i));
    for (const item of delta.put) {
      const at = index.get(item.id);
      if (at === undefined) {
        index.set(item.id, out.length);
        out.push(item);
      } else {
        out[at] = item;
      }
    }
  }
  return out;
}

/**
 * Spans are sorted on writing, so their order is not part of the delta. A layer's unchanged spans
 * are the very objects of the version before (applyLayerChanges keeps them), in the same order: the runs of
 * identical objects at both ends are skipped by reference, and only what lies between them (for
 * one edit, a span or two) is matched by id. Ids are unique in a layer, so a span in those runs
 * is in both versions and in neither list.
 */
function spanDelta(before: readonly Span[], after: readonly Span[]): Delta<Span> | null {
  let head = 0;
  const shorter = Math.min(before.length, after.length);
  while (head < shorter && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < shorter - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const was = before.slice(head, before.length - tail);
  const now = after.slice(head, after.length - tail);
  const old = new Map<string, Span>();
  for (const span of was) old.set(span.id, span);
  const put: Span[] = [];
  const seen = new Set<string>();
  for (const span of now) {
    seen.add(span.id);
    const previous = old.get(span.id);
    if (previous !== span && (previous === undefined || !sameStoredSpan(previous, span))) put.push(span);
  }
  const remove = was.filter((s) => !seen.has(s.id)).map((s) => s.id);
  return put.length === 0 && remove.length === 0 ? null : { put, remove };
}

/** Lists whose order is kept (relations, comments, decisions): a delta only if it rebuilds `after` exactly. */
function orderedDelta<T extends { id: string }>(before: readonly T[], after: readonly T[]): Delta<T> | null {
  // An edit keeps the items it did not change as the same objects (values): the same list.
  if (before.length === after.length && before.every((item, i) => item === after[i])) return null;
  const afterJson = JSON.stringify(after);
  if (JSON.stringify(before) === afterJson) return null;
  const old = new Map<string, string>();
  for (const item of before) old.set(item.id, JSON.stringify(item));
  const ids = new Set(after.map((item) => item.id));
  const delta = {
    put: after.filter((item) => old.get(item.id) !== JSON.stringify(item)),
    remove: before.filter((item) => !ids.has(item.id)).map((item) => item.id),
  };
  const rebuilt = applyDelta(before, delta);
  return rebuilt && JSON.stringify(rebuilt) === afterJson ? delta : { all: [...after] };
}

function sameStoredSpan(a: Span, b: Span): boolean {
  return (
    a.id === b.id &&
    a.label === b.label &&
    a.start === b.start &&
    a.end === b.end &&
    a.quote === b.quote &&
    a.note === b.note &&
    a.origin === b.origin &&
    a.createdAt === b.createdAt &&
    a.updatedAt === b.updatedAt &&
    sameRecord(a.attributes, b.attributes) &&
    sameFragments(a.fragments, b.fragments)
  );
}

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function sameFragments(a: Span['fragments'], b: Span['fragments']): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((f, i) => f.start === b[i]!.start && f.end === b[i]!.end);
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHeader(value: unknown): value is JournalHeader {
  return (
    isRecord(value) &&
    value.format === 'gloss.journal' &&
    value.version === 1 &&
    typeof value.document === 'string' &&
    typeof value.annotator === 'string' &&
    typeof value.base === 'string'
  );
}

function isMark(value: unknown): value is CompactedMark {
  return isRecord(value) && typeof value.compacted === 'string' && Object.keys(value).length === 1;
}

type ParsedEntry = { ok: true; entry: JournalEntry } | { ok: false; message: string };

/** Check an entry's shape; its spans, relations, comments and decisions as the layer file's are checked. */
function parseEntry(value: unknown, layer: Layer, where: string): ParsedEntry {
  if (!isRecord(value)) return { ok: false, message: `${where}: not a JSON object` };
  const { seq, base, updatedAt, status } = value;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || typeof base !== 'string' || typeof updatedAt !== 'string') {
    return { ok: false, message: `${where}: not a journal entry (seq, base, updatedAt)` };
  }
  if (!LAYER_STATUSES.includes(status as LayerStatus)) return { ok: false, message: `${where}: unknown status` };
  const deltas: Record<'spans' | 'relations' | 'comments' | 'decisions', { put: unknown[]; remove: string[]; all: boolean } | undefined> = {
    spans: undefined,
    relations: undefined,
    comments: undefined,
    decisions: undefined,
  };
  for (const key of ['spans', 'relations', 'comments', 'decisions'] as const) {
    const delta = value[key];
    if (delta === undefined) continue;
    if (isRecord(delta) && Array.isArray(delta.all)) {
      deltas[key] = { put: delta.all, remove: [], all: true };
    } else if (isRecord(delta) && Array.isArray(delta.put) && Array.isArray(delta.remove) && delta.remove.every((id) => typeof id === 'string')) {
      deltas[key] = { put: delta.put, remove: delta.remove as string[], all: false };
    } else {
      return { ok: false, message: `${where}: ${key} is not a delta` };
    }
  }
  // The items are checked by the layer file's own schema, inside a layer made of them alone.
  const probe = parseLayerJson(
    {
      format: 'gloss.layer',
      version: 1,
      offsetUnit: 'codepoint',
      document: layer.document,
      textSha256: layer.textSha256,
      annotator: layer.annotator,
      status,
      updatedAt,
      spans: deltas.spans?.put ?? [],
      relations: deltas.relations?.put ?? [],
      comments: deltas.comments?.put ?? [],
      ...(deltas.decisions ? { decisions: deltas.decisions.put } : {}),
    },
    where,
  );
  if (!probe.ok) return { ok: false, message: probe.error.message };
  const entry: JournalEntry = { seq, base, updatedAt, status: probe.value.status };
  const checked = { spans: probe.value.spans, relations: probe.value.relations, comments: probe.value.comments, decisions: probe.value.decisions ?? [] };
  // canonicalLayer sorts spans; the delta's own order does not matter for them.
  if (deltas.spans) entry.spans = deltas.spans.all ? { all: checked.spans } : { put: checked.spans, remove: deltas.spans.remove };
  if (deltas.relations) entry.relations = deltas.relations.all ? { all: checked.relations } : { put: checked.relations, remove: deltas.relations.remove };
  if (deltas.comments) entry.comments = deltas.comments.all ? { all: checked.comments } : { put: checked.comments, remove: deltas.comments.remove };
  if (deltas.decisions) entry.decisions = deltas.decisions.all ? { all: checked.decisions } : { put: checked.decisions, remove: deltas.decisions.remove };
  return { ok: true, entry };
}
