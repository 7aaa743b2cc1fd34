// The annotation plugin: spans drawn as inline decorations, each its own nested <span>, with a
// nesting level that offsets its underline so that nested and overlapping spans stay apart.
// The DecorationSet is only ever changed for the spans a transaction names (plugin meta);
// it is built from scratch once, when a document opens.

import { Plugin, PluginKey } from 'prosemirror-state';
import type { EditorState, Transaction } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';
import { Decoration, DecorationSet } from 'prosemirror-view';

/** A span as the editor draws it, derived from a stored span and the position index. */
export interface RenderedSpan {
  readonly id: string;
  readonly label: string;
  /** Editor range of the span's hull. */
  readonly from: number;
  readonly to: number;
  /** The visible pieces: one range, or one per fragment of a discontinuous span; never empty ranges. */
  readonly pieces: readonly { readonly from: number; readonly to: number }[];
  /** The class that carries the label's colour (see labelStyles). */
  readonly colorClass: string;
  /** The stored quote no longer matches the text: drawn, but marked as such. */
  readonly orphan: boolean;
  /**
   * Review mode: this highlight stands for a review item (`id` is its key), drawn as
   * `.gl-review[data-item-key][data-kind][data-decided]` with a tooltip instead of a span.
   */
  readonly review?: ReviewMark;
}

/** How a review item is drawn: its kind, whether it is decided, and who chose what (tooltip). */
export interface ReviewMark {
  /** A ReviewKind, or "added" for a curated span added outside any item. */
  readonly kind: string;
  readonly decided: boolean;
  readonly title: string;
}

/** What a transaction asks of the plugin. Removals run first, then additions. */
export interface AnnotationMeta {
  remove?: readonly RenderedSpan[];
  add?: readonly RenderedSpan[];
  /** The span to show as selected; null clears it; absent leaves it. */
  select?: RenderedSpan | null;
  /** The span to flash (after a jump); null stops it; absent leaves it. */
  flash?: RenderedSpan | null;
}

export interface AnnotationState {
  readonly decorations: DecorationSet;
  readonly selected: RenderedSpan | null;
  readonly flashing: RenderedSpan | null;
}

interface SpanSpec {
  span: RenderedSpan;
  /** Spans open at this span's start that come before it (see precedes): its underline row. */
  level: number;
}

/** Underline rows drawn distinctly; deeper nesting shares the last row. */
export const MAX_LEVEL = 3;

export const annotationKey = new PluginKey<AnnotationState>('gloss-annotations');

/** The plugin, drawing `initial` spans from the start. */
export function createAnnotationPlugin(initial: readonly RenderedSpan[]): Plugin<AnnotationState> {
  return new Plugin<AnnotationState>({
    key: annotationKey,
    state: {
      init: (_config, state) => ({
        decorations: buildDecorations(state.doc, initial, null, null),
        selected: null,
        flashing: null,
      }),
      apply: (tr, value) => applyMeta(tr, value),
    },
    props: {
      decorations: (state) => annotationKey.getState(state)?.decorations ?? DecorationSet.empty,
    },
  });
}

/** The plugin's state in an editor state (throws if the plugin is missing: a programming error). */
export function annotationState(state: EditorState): AnnotationState {
  const value = annotationKey.getState(state);
  if (!value) throw new Error('the annotation plugin is not installed');
  return value;
}

/** A transaction carrying an annotation change and nothing else. */
export function withAnnotationMeta(tr: Transaction, meta: AnnotationMeta): Transaction {
  return tr.setMeta(annotationKey, meta);
}

/** Order of spans: by start, longer first, then id. A span's level counts open spans before it. */
export function precedes(a: RenderedSpan, b: RenderedSpan): boolean {
  if (a.from !== b.from) return a.from < b.from;
  if (a.to !== b.to) return a.to > b.to;
  return a.id < b.id;
}

/** The drawn level of every span (for tests and diagnostics). */
export function levelsOf(decorations: DecorationSet): Map<string, number> {
  const levels = new Map<string, number>();
  for (const d of decorations.find()) {
    const spec = d.spec as SpanSpec;
    levels.set(spec.span.id, spec.level);
  }
  return levels;
}

/** All spans from scratch: sort, then sweep with a heap of open ends (O(n log n)). */
export function buildDecorations(
  doc: PMNode,
  spans: readonly RenderedSpan[],
  selectedId: string | null,
  flashId: string | null,
): DecorationSet {
  const sorted = [...spans].sort((a, b) => (precedes(a, b) ? -1 : precedes(b, a) ? 1 : 0));
  const openEnds = new MinHeap();
  const decorations: Decoration[] = [];
  for (const span of sorted) {
    while (openEnds.size > 0 && openEnds.peek() <= span.from) openEnds.pop();
    decorations.push(...decorate(span, openEnds.size, span.id === selectedId, span.id === flashId));
    openEnds.push(span.to);
  }
  return DecorationSet.create(doc, decorations);
}

function applyMeta(tr: Transaction, value: AnnotationState): AnnotationState {
  // The document never changes (the view refuses such transactions), but mapping keeps this
  // plugin correct on its own.
  let decorations = tr.docChanged ? value.decorations.map(tr.mapping, tr.doc) : value.decorations;
  const meta = tr.getMeta(annotationKey) as AnnotationMeta | undefined;
  if (!meta) return decorations === value.decorations ? value : { ...value, decorations };

  let selected = value.selected;
  let flashing = value.flashing;
  const flags = (id: string) => ({ selected: selected?.id === id, flashing: flashing?.id === id });

  for (const span of meta.remove ?? []) {
    const old = decorationsOf(decorations, span);
    if (old.length === 0) continue;
    // The span as drawn (DecorationSet.remove empties the array it is given).
    const drawn = specOf(old[0]!).span;
    decorations = decorations.remove(old);
    decorations = shiftLevelsAfter(tr.doc, decorations, drawn, -1, flags);
  }
  for (const span of meta.add ?? []) {
    // A span added back under the same id (a relabel) keeps being selected or flashing.
    if (selected?.id === span.id) selected = span;
    if (flashing?.id === span.id) flashing = span;
    const level = levelAt(decorations, span);
    const f = flags(span.id);
    decorations = decorations.add(tr.doc, decorate(span, level, f.selected, f.flashing));
    decorations = shiftLevelsAfter(tr.doc, decorations, span, +1, flags);
  }
  const added = new Set((meta.add ?? []).map((s) => s.id));
  const removed = new Set((meta.remove ?? []).map((s) => s.id));
  if (selected && removed.has(selected.id) && !added.has(selected.id)) selected = null;
  if (flashing && removed.has(flashing.id) && !added.has(flashing.id)) flashing = null;
  if (meta.select !== undefined && meta.select?.id !== selected?.id) {
    const previous = selected;
    selected = meta.select;
    if (previous) decorations = restyle(tr.doc, decorations, previous, flags);
    if (selected) decorations = restyle(tr.doc, decorations, selected, flags);
  }
  if (meta.flash !== undefined && meta.flash?.id !== flashing?.id) {
    const previous = flashing;
    flashing = meta.flash;
    if (previous) decorations = restyle(tr.doc, decorations, previous, flags);
    if (flashing) decorations = restyle(tr.doc, decorations, flashing, flags);
  }
  return { decorations, selected, flashing };
}

type Flags = (id: string) => { selected: boolean; flashing: boolean };

function specOf(d: Decoration): SpanSpec {
  return d.spec as SpanSpec;
}

/** The decorations drawn for one span (found within its hull, by id). */
function decorationsOf(set: DecorationSet, span: RenderedSpan): Decoration[] {
  return set.find(span.from, span.to, (spec) => (spec as SpanSpec).span?.id === span.id);
}

/** The level a span gets: how many drawn spans are open at its start and come before it. */
function levelAt(set: DecorationSet, span: RenderedSpan): number {
  const open = new Set<string>();
  for (const d of set.find(span.from, span.from)) {
    const other = specOf(d).span;
    if (other.id !== span.id && other.from <= span.from && other.to > span.from && precedes(other, span)) {
      open.add(other.id);
    }
  }
  return open.size;
}

/** Spans that start inside `changed` and come after it gain (+1) or lose (-1) one level. */
function shiftLevelsAfter(
  doc: PMNode,
  set: DecorationSet,
  changed: RenderedSpan,
  delta: number,
  flags: Flags,
): DecorationSet {
  const seen = new Map<string, SpanSpec>();
  for (const d of set.find(changed.from, changed.to)) {
    const spec = specOf(d);
    const other = spec.span;
    if (other.id === changed.id || seen.has(other.id)) continue;
    if (other.from >= changed.from && other.from < changed.to && precedes(changed, other)) seen.set(other.id, spec);
  }
  let next = set;
  for (const spec of seen.values()) {
    const f = flags(spec.span.id);
    next = next.remove(decorationsOf(next, spec.span));
    next = next.add(doc, decorate(spec.span, Math.max(0, spec.level + delta), f.selected, f.flashing));
  }
  return next;
}

/** Redraw one span with its current level and flags (selection or flash changed). */
function restyle(doc: PMNode, set: DecorationSet, span: RenderedSpan, flags: Flags): DecorationSet {
  const old = decorationsOf(set, span);
  if (old.length === 0) return set;
  const { span: drawn, level } = specOf(old[0]!);
  const f = flags(drawn.id);
  return set.remove(old).add(doc, decorate(drawn, level, f.selected, f.flashing));
}

function decorate(span: RenderedSpan, level: number, selected: boolean, flashing: boolean): Decoration[] {
  if (span.review) return decorateReview(span, span.review, level, selected, flashing);
  let cls = `gl-span gl-lv-${Math.min(level, MAX_LEVEL)} ${span.colorClass}`;
  if (selected) cls += ' gl-selected';
  if (flashing) cls += ' gl-flash';
  if (span.orphan) cls += ' gl-orphan';
  const attrs = { nodeName: 'span', class: cls, 'data-span-id': span.id, 'data-label': span.label };
  const spec: SpanSpec = { span, level };
  return span.pieces.map((p) => Decoration.inline(p.from, p.to, attrs, spec));
}

/** A review item: the selected one is the current item. A span the reviewer added outside any item is drawn apart. */
function decorateReview(span: RenderedSpan, mark: ReviewMark, level: number, current: boolean, flashing: boolean): Decoration[] {
  if (mark.kind === 'added') {
    const attrs = { nodeName: 'span', class: `gl-review-added gl-lv-${Math.min(level, MAX_LEVEL)} ${span.colorClass}`, 'data-added': span.id, 'data-label': span.label, title: mark.title };
    const spec: SpanSpec = { span, level };
    return span.pieces.map((p) => Decoration.inline(p.from, p.to, attrs, spec));
  }
  let cls = `gl-review gl-lv-${Math.min(level, MAX_LEVEL)} gl-k-${mark.kind}`;
  if (mark.decided) cls += ' gl-decided';
  if (current) cls += ' gl-current';
  if (flashing) cls += ' gl-flash';
  const attrs = {
    nodeName: 'span',
    class: cls,
    'data-item-key': span.id,
    'data-kind': mark.kind,
    'data-decided': String(mark.decided),
    title: mark.title,
  };
  const spec: SpanSpec = { span, level };
  return span.pieces.map((p) => Decoration.inline(p.from, p.to, attrs, spec));
}

/** A binary min-heap of numbers: the ends of the spans open during the sweep. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items[0]!;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
