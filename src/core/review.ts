// Review of one document: the layers of two or more annotators merged into items, each agreed,
// a label conflict, a boundary mismatch or missing for some. Pure; the app's review mode and
// curation (src/core/curation.ts) share it, so an item's key means the same thing in both.
//
// Grouping rule (how spans become items):
// 1. Spans with the same identity (label, start, end, fragments) chosen by every annotator form
//    an `agreed` item, one per copy all of them have (matched as multisets, like agreement's
//    span matching: two identical spans of A need two of B). This comes first, so spans agreed
//    by everyone stay their own items however they nest inside or overlap other spans.
// 2. The other spans are linked when they belong to different annotators, cover a common code
//    point (a discontinuous span only through its fragments) and either carry the same label or
//    share at least half of what the two cover together (|a ∩ b| ≥ ½ |a ∪ b|). An item is a
//    connected group of linked spans, so a chain of overlaps is one item, while a Quantity nested
//    in someone's Commitment (a different label, a small share) stays apart from it.
// 3. An item's kind: all versions the same identity -> `agreed` if each annotator has exactly one,
//    else `missing`; all the same range (and fragments) but labels differ -> `label-conflict`;
//    otherwise `boundary-mismatch`. `missing` lists the annotators without a version whatever the
//    kind (a boundary mismatch between A and B is still missing for C).

import type { Fragment, Span } from './model';

/** One annotator's spans of the document (a Layer fits). */
export interface ReviewLayer {
  annotator: string;
  spans: readonly Span[];
}

export type ReviewKind = 'agreed' | 'label-conflict' | 'boundary-mismatch' | 'missing';

/** One annotator's span in an item. */
export interface ReviewVersion {
  annotator: string;
  span: Span;
}

/** A place in the document where the annotators agree or not. */
export interface ReviewItem {
  /**
   * Stable id of the item: derived from its versions' annotators, labels and ranges (not span
   * ids or times), so it is the same after a restart or a re-import of the same layers.
   * Format `<start>-<end>-<14 hex digits>`, plus `~N` for the Nth copy of an identical item.
   */
  key: string;
  kind: ReviewKind;
  /** Hull of the versions: the smallest start and the largest end (code points, end exclusive). */
  start: number;
  end: number;
  /** The spans of the item, in the order of the layers given, then by (start, end, label, id). */
  versions: ReviewVersion[];
  /** Annotators (in the order given) with no span in the item. */
  missing: string[];
  /** Two versions with the same label and range have different attributes. */
  attributesDiffer: boolean;
}

/**
 * Merge the layers of one document into review items (grouping rule above), sorted by start,
 * then outer before inner (end descending), then key. Annotator names must be distinct.
 */
export function compareLayers(layers: readonly ReviewLayer[]): ReviewItem[] {
  const names = layers.map((l) => l.annotator);
  if (new Set(names).size !== names.length) throw new Error('compareLayers: annotators must be distinct');

  // 1. Identical spans chosen by everyone.
  const byIdentity = new Map<string, Span[][]>();
  layers.forEach((layer, a) => {
    for (const span of [...layer.spans].sort(bySpanOrder)) {
      const id = identity(span);
      let perAnnotator = byIdentity.get(id);
      if (!perAnnotator) {
        perAnnotator = layers.map(() => []);
        byIdentity.set(id, perAnnotator);
      }
      perAnnotator[a]!.push(span);
    }
  });
  const groups: Entry[][] = [];
  const leftovers: Entry[] = [];
  for (const perAnnotator of byIdentity.values()) {
    const copies = Math.min(...perAnnotator.map((s) => s.length));
    for (let c = 0; c < copies; c++) groups.push(perAnnotator.map((spans, a) => ({ a, span: spans[c]! })));
    perAnnotator.forEach((spans, a) => {
      for (const span of spans.slice(copies)) leftovers.push({ a, span });
    });
  }

  // 2. The rest, linked into connected groups.
  groups.push(...linkLeftovers(leftovers));

  // 3. Items, keyed and sorted.
  const items = groups.map((entries) => makeItem(entries, names));
  items.sort((x, y) => x.start - y.start || y.end - x.end || compareStrings(x.key, y.key) || compareStrings(spanIds(x), spanIds(y)));
  const seen = new Map<string, number>();
  for (const item of items) {
    const n = (seen.get(item.key) ?? 0) + 1;
    seen.set(item.key, n);
    if (n > 1) item.key = `${item.key}~${n}`;
  }
  return items;
}

function spanIds(item: ReviewItem): string {
  return item.versions.map((v) => v.span.id).join('\u0000');
}

/** A span and the index of its layer. */
interface Entry {
  a: number;
  span: Span;
}

/** Union-find over the leftovers, linking pairs found by a sweep over spans sorted by start. */
function linkLeftovers(leftovers: Entry[]): Entry[][] {
  const sorted = [...leftovers].sort((x, y) => x.span.start - y.span.start || x.span.end - y.span.end);
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const active: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    // Spans that ended before this one starts can overlap nothing further on.
    for (let k = active.length - 1; k >= 0; k--) if (sorted[active[k]!]!.span.end <= x.span.start) active.splice(k, 1);
    for (const j of active) {
      const y = sorted[j]!;
      if (y.a !== x.a && linked(x.span, y.span)) parent[find(i)] = find(j);
    }
    active.push(i);
  }
  const components = new Map<number, Entry[]>();
  sorted.forEach((entry, i) => {
    const root = find(i);
    const list = components.get(root);
    if (list) list.push(entry);
    else components.set(root, [entry]);
  });
  return [...components.values()];
}

/** Whether two spans of different annotators are about the same thing (rule 2). */
function linked(a: Span, b: Span): boolean {
  const common = intersection(pieces(a), pieces(b));
  if (common === 0) return false;
  if (a.label === b.label) return true;
  const union = covered(a) + covered(b) - common;
  return 2 * common >= union;
}

function pieces(s: Span): readonly Fragment[] {
  return s.fragments ?? [{ start: s.start, end: s.end }];
}

function covered(s: Span): number {
  return pieces(s).reduce((n, f) => n + f.end - f.start, 0);
}

/** Code points two sorted, non-overlapping fragment lists have in common. */
function intersection(a: readonly Fragment[], b: readonly Fragment[]): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    n += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
    if (x.end <= y.end) i++;
    else j++;
  }
  return n;
}

function makeItem(entries: Entry[], names: readonly string[]): ReviewItem {
  entries.sort((x, y) => x.a - y.a || bySpanOrder(x.span, y.span));
  const versions = entries.map((e) => ({ annotator: names[e.a]!, span: e.span }));
  const counts = names.map(() => 0);
  for (const e of entries) counts[e.a]!++;
  const missing = names.filter((_, a) => counts[a] === 0);
  const first = entries[0]!.span;
  let kind: ReviewKind;
  if (entries.every((e) => identity(e.span) === identity(first))) {
    kind = counts.every((c) => c === 1) ? 'agreed' : 'missing';
  } else if (entries.every((e) => rangeOf(e.span) === rangeOf(first))) {
    kind = 'label-conflict';
  } else {
    kind = 'boundary-mismatch';
  }
  const start = Math.min(...entries.map((e) => e.span.start));
  const end = Math.max(...entries.map((e) => e.span.end));
  // The key ignores the order the annotators were chosen in, ids and times: only what was marked.
  const content = versions.map((v) => `${v.annotator}\u0000${identity(v.span)}`).sort(compareStrings);
  const key = `${start}-${end}-${hash53(content.join('\u0001'))}`;
  return { key, kind, start, end, versions, missing, attributesDiffer: attributesDiffer(entries) };
}

function attributesDiffer(entries: Entry[]): boolean {
  const seen = new Map<string, string>();
  for (const { span } of entries) {
    const attrs = canonicalJson(span.attributes);
    const before = seen.get(identity(span));
    if (before !== undefined && before !== attrs) return true;
    seen.set(identity(span), attrs);
  }
  return false;
}

function canonicalJson(attrs: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(attrs).sort(compareStrings).map((k) => [k, attrs[k]]));
}

/** Range and fragments, as a string: equal exactly when the two mark the same text. */
function rangeOf(s: Pick<Span, 'start' | 'end' | 'fragments'>): string {
  const frags = s.fragments ? s.fragments.map((f) => `${f.start}-${f.end}`).join(',') : '';
  return `${s.start}-${s.end}/${frags}`;
}

/** Label, range and fragments: agreement's span identity (ADR 0005). */
function identity(s: Pick<Span, 'label' | 'start' | 'end' | 'fragments'>): string {
  return `${s.label}\u0000${rangeOf(s)}`;
}

function bySpanOrder(a: Span, b: Span): number {
  return a.start - b.start || a.end - b.end || compareStrings(a.label, b.label) || compareStrings(a.id, b.id);
}

// Code-unit order, not locale order: the same on every machine.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A 53-bit hash of a string (cyrb53, public domain) as 14 hex digits: short, synchronous and the
 * same on every machine. Keys only need to tell apart the items of one document.
 */
function hash53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n.toString(16).padStart(14, '0');
}
