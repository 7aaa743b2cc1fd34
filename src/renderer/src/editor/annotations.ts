// The annotation plugin: spans drawn as inline decorations, each its own nested <span>, with a
// nesting level that offsets its underline so that nested and overlapping spans stay apart.
// All spans live in a SpanIndex (sorted, with their levels, in typed columns: docs/adr/0020); only
// those in the *window* (the part of the document in and around sight, set by the view as it
// scrolls) are decorations, so opening a long document draws a few hundred spans, not ten
// thousand (docs/adr/0011). The DecorationSet is only ever changed for the spans a transaction
// names or the window gains/loses.

import { Plugin, PluginKey } from 'prosemirror-state';
import type { EditorState, PluginView, Transaction } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { EditorView } from 'prosemirror-view';
import { firstIndex } from '../../../core/offsets';
import { PagedRows } from '../columns';
import { StringArena, stringHash } from '../stringArena';

/** A span as the editor draws it, derived from a stored span and the position index. */
export interface RenderedSpan {
  readonly id: string;
  readonly label: string;
  /** Editor range of the span's hull. */
  readonly from: number;
  readonly to: number;
  /**
   * The visible pieces of a discontinuous span, one per fragment, never empty; absent when the
   * span is drawn as one piece, [from, to) (most spans: no array kept for them).
   */
  readonly pieces?: readonly { readonly from: number; readonly to: number }[];
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

/** An editor range [from, to). */
export interface EditorRange {
  readonly from: number;
  readonly to: number;
}

/** What a transaction asks of the plugin. Removals run first, then additions. */
export interface AnnotationMeta {
  remove?: readonly RenderedSpan[];
  add?: readonly RenderedSpan[];
  /** The span to show as selected; null clears it; absent leaves it. */
  select?: RenderedSpan | null;
  /** The span to flash (after a jump); null stops it; absent leaves it. */
  flash?: RenderedSpan | null;
  /** The part of the document to draw spans in (the view sets it as it scrolls). */
  window?: EditorRange;
}

export interface AnnotationState {
  /** The decorations drawn: the spans meeting the window, and the selected and flashing ones wherever they are. */
  readonly decorations: DecorationSet;
  readonly selected: RenderedSpan | null;
  readonly flashing: RenderedSpan | null;
  /** Every span, drawn or not, with its level. */
  readonly index: SpanIndex;
  /** The editor range spans are drawn in. */
  readonly window: EditorRange;
}

export interface AnnotationPluginOptions {
  /** The range to draw spans in at first (default: the whole document). */
  window?: EditorRange;
  /** Follow the view's scrolling: keep the window on what is in sight (default true). */
  track?: boolean;
  /**
   * How a span is drawn now, by id. Given, the index keeps only ids, ranges and levels, and the
   * spans it draws are asked for here (the session draws them again from its stored spans, so a
   * long document's 10,000 spans are not kept twice). Absent, the index keeps the spans it is given.
   */
  resolve?: SpanResolver;
}

/** How a span with this id is drawn now (undefined: it is not drawn). */
export type SpanResolver = (id: string) => RenderedSpan | undefined;

/** Where a span lies and what orders it: its id and editor range. */
export type PlacedSpan = Pick<RenderedSpan, 'id' | 'from' | 'to'>;

/**
 * A span in the index with its level: spans open at its start that come before it (see precedes):
 * its underline row. Made on demand from the index's columns.
 */
export interface IndexEntry extends PlacedSpan {
  readonly level: number;
  /** The drawn span, when the index keeps them (no resolver). */
  readonly span?: RenderedSpan;
}

/** What a span's decorations carry: the span drawn and its level. */
interface SpanSpec {
  readonly span: RenderedSpan;
  readonly level: number;
}

/** Underline rows drawn distinctly; deeper nesting shares the last row. */
export const MAX_LEVEL = 3;

/**
 * A window is never narrower than this many positions (around what is in sight): a document
 * of up to ~20,000 characters is drawn whole, and small scrolls never change the window.
 */
export const MIN_WINDOW = 20_000;

export const annotationKey = new PluginKey<AnnotationState>('gloss-annotations');

/**
 * The plugin, drawing `initial` spans from the start (those in the window). Given as a function,
 * the spans are asked for when a state is made and not kept by the plugin (with a resolver, the
 * index keeps no drawn spans either).
 */
export function createAnnotationPlugin(
  initial: readonly RenderedSpan[] | (() => readonly RenderedSpan[]),
  options: AnnotationPluginOptions = {},
): Plugin<AnnotationState> {
  return new Plugin<AnnotationState>({
    key: annotationKey,
    state: {
      init: (_config, state) => {
        const index = SpanIndex.build(typeof initial === 'function' ? initial() : initial, { keep: !options.resolve });
        const window = options.window ?? { from: 0, to: state.doc.content.size };
        const members = index.overlapping(window, state.doc.content.size);
        return {
          decorations: DecorationSet.create(state.doc, members.flatMap((e) => decorate(e, options.resolve, false, false))),
          selected: null,
          flashing: null,
          index,
          window,
        };
      },
      apply: (tr, value) => applyMeta(tr, value, options.resolve),
    },
    props: {
      decorations: (state) => annotationKey.getState(state)?.decorations ?? DecorationSet.empty,
    },
    view: options.track === false ? undefined : (view) => new WindowTracker(view),
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
export function precedes(a: PlacedSpan, b: PlacedSpan): boolean {
  if (a.from !== b.from) return a.from < b.from;
  if (a.to !== b.to) return a.to > b.to;
  return a.id < b.id;
}

/** The drawn level of every drawn span (for tests and diagnostics). */
export function levelsOf(decorations: DecorationSet): Map<string, number> {
  const levels = new Map<string, number>();
  for (const d of decorations.find()) {
    const spec = d.spec as SpanSpec;
    levels.set(spec.span.id, spec.level);
  }
  return levels;
}

/** All spans drawn from scratch, whatever the window (for tests: what incremental drawing must equal). */
export function buildDecorations(
  doc: PMNode,
  spans: readonly RenderedSpan[],
  selectedId: string | null,
  flashId: string | null,
): DecorationSet {
  const index = SpanIndex.build(spans);
  return DecorationSet.create(
    doc,
    index.entries.flatMap((e) => decorate(e, undefined, e.id === selectedId, e.id === flashId)),
  );
}

/** The fields of a SpanIndex's rows, in their order. */
const [ID_AT, ID_LEN, ID_HASH, FROM, TO, LEVEL] = [0, 1, 2, 3, 4, 5] as const;

/**
 * Every span in (precedes) order with its level; immutable (each change makes a new index). The
 * spans are kept in typed columns outside the JS heap: where each id lies in a string arena, its
 * length, starts, ends and levels (10,000 spans as objects with their entries took ~0.6 MB of
 * heap, their ids as strings ~0.2 MB), plus the drawn spans themselves only when no resolver
 * draws them. Lookups are binary searches; the scans for levels and windows are
 * bounded by the longest span.
 */
export class SpanIndex {
  private constructor(
    /** The ids, outside the JS heap (shared by the versions of an index: only appended to). */
    private readonly arena: StringArena,
    /**
     * One row per span, in order: where its id lies in the arena (ID_AT, ID_LEN), the id's hash
     * (ID_HASH, stringHash: for looking one up by id), its range (FROM, TO) and its level (LEVEL,
     * written only while a new index is being made, in shift). In pages (PagedRows): a change
     * copies the page it changes, not all 10,000 rows (docs/adr/0026).
     */
    private readonly rows: PagedRows,
    /** The drawn spans, in the same order, when the index keeps them; null when a resolver draws them. */
    private readonly kept: readonly RenderedSpan[] | null,
    /** No span is longer than this (an upper bound: removals do not lower it). */
    private readonly maxLength: number,
  ) {}

  /** Sort, then sweep with a heap of open ends (O(n log n)). `keep`: keep the spans (default true). */
  static build(spans: readonly RenderedSpan[], { keep = true }: { keep?: boolean } = {}): SpanIndex {
    const sorted = [...spans].sort((a, b) => (precedes(a, b) ? -1 : precedes(b, a) ? 1 : 0));
    const n = sorted.length;
    const froms = new Int32Array(n);
    const tos = new Int32Array(n);
    const levels = new Int32Array(n);
    const arena = new StringArena();
    const idAt = new Int32Array(n);
    const idLen = new Int32Array(n);
    const idHash = new Int32Array(n);
    const openEnds = new MinHeap();
    let maxLength = 0;
    for (let i = 0; i < n; i++) {
      const span = sorted[i]!;
      while (openEnds.size > 0 && openEnds.peek() <= span.from) openEnds.pop();
      idAt[i] = arena.add(span.id);
      idLen[i] = span.id.length;
      idHash[i] = stringHash(span.id);
      froms[i] = span.from;
      tos[i] = span.to;
      levels[i] = openEnds.size;
      openEnds.push(span.to);
      maxLength = Math.max(maxLength, span.to - span.from);
    }
    return new SpanIndex(arena, PagedRows.from([idAt, idLen, idHash, froms, tos, levels]), keep ? sorted : null, maxLength);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Every entry in order (made whole: for tests and diagnostics). */
  get entries(): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (let i = 0; i < this.rows.size; i++) out.push(this.entryAt(i));
    return out;
  }

  /** The entry at a place in the order. */
  entryAt(i: number): IndexEntry {
    const { rows } = this;
    const id = this.arena.get(rows.get(ID_AT, i), rows.get(ID_LEN, i));
    const from = rows.get(FROM, i);
    const to = rows.get(TO, i);
    const level = rows.get(LEVEL, i);
    return this.kept ? { id, from, to, level, span: this.kept[i]! } : { id, from, to, level };
  }

  /** Where a span is (by its range and id), or -1. */
  indexOf(span: PlacedSpan): number {
    const i = this.insertionPoint(span);
    if (i < this.rows.size && this.idIs(i, span.id)) return i;
    // Not where its range says (a caller holding an outdated copy): look it up by id.
    return this.find(span.id);
  }

  /** The entry of a span id (linear: for rare lookups). */
  entryOf(id: string): IndexEntry | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.entryAt(i);
  }

  /**
   * The index with `span` added: its entry, and the entries whose level it raised (old and new).
   * A span already there (same id) is not looked for: take it out first (without).
   */
  with(span: RenderedSpan): { index: SpanIndex; entry: IndexEntry; shifted: [IndexEntry, IndexEntry][] } {
    const at = this.insertionPoint(span);
    // Spans open at its start and before it: scan back while one could still reach it.
    let level = 0;
    const { rows } = this;
    for (let i = at - 1; i >= 0; i--) {
      if (rows.get(FROM, i) + this.maxLength <= span.from) break;
      if (rows.get(TO, i) > span.from) level++;
    }
    let kept: RenderedSpan[] | null = null;
    if (this.kept) {
      kept = this.kept.slice();
      kept.splice(at, 0, span);
    }
    const row = [this.arena.add(span.id), span.id.length, stringHash(span.id), span.from, span.to, level];
    const index = new SpanIndex(this.arena, rows.inserted(at, row), kept, Math.max(this.maxLength, span.to - span.from));
    const shifted = index.shift(at + 1, +1, span);
    return { index, entry: index.entryAt(at), shifted };
  }

  /** The index without the span (null if it is not there), and the entries whose level it lowered. */
  without(span: PlacedSpan): { index: SpanIndex; entry: IndexEntry; shifted: [IndexEntry, IndexEntry][] } | null {
    const at = this.indexOf(span);
    if (at < 0) return null;
    const entry = this.entryAt(at);
    let kept: RenderedSpan[] | null = null;
    if (this.kept) {
      kept = this.kept.slice();
      kept.splice(at, 1);
    }
    const index = new SpanIndex(this.arena, this.rows.removed(at), kept, this.maxLength);
    // Those starting inside it came after it: they are now where it was.
    const shifted = index.shift(at, -1, entry);
    return { index, entry, shifted };
  }

  /** Entries meeting [range.from, range.to) that lie inside the first `limit` positions, in order. */
  overlapping(range: EditorRange, limit: number): IndexEntry[] {
    const { rows } = this;
    // The first span starting at or after range.to: none from there on meets the range.
    const lo = firstIndex(rows.size, (k) => rows.get(FROM, k) >= range.to);
    const out: IndexEntry[] = [];
    if (range.from >= range.to) return out;
    for (let i = lo - 1; i >= 0; i--) {
      if (rows.get(FROM, i) + this.maxLength <= range.from) break;
      const to = rows.get(TO, i);
      if (to > range.from && to <= limit) out.push(this.entryAt(i));
    }
    return out.reverse();
  }

  /**
   * Shift by `delta` the levels of the entries from `start` on that begin inside `changed`; only
   * on an index being made (with, without). Returns the [old, new] entries.
   */
  private shift(start: number, delta: number, changed: PlacedSpan): [IndexEntry, IndexEntry][] {
    const shifted: [IndexEntry, IndexEntry][] = [];
    const { rows } = this;
    for (let i = start; i < rows.size; i++) {
      if (rows.get(FROM, i) >= changed.to) break;
      const old = this.entryAt(i);
      rows.set(LEVEL, i, Math.max(0, old.level + delta));
      shifted.push([old, this.entryAt(i)]);
    }
    return shifted;
  }

  /** The first place whose span does not precede `span` (precedes, on the columns). */
  private insertionPoint(span: PlacedSpan): number {
    const { rows } = this;
    return firstIndex(rows.size, (k) => {
      const from = rows.get(FROM, k);
      if (from !== span.from) return from > span.from;
      const to = rows.get(TO, k);
      if (to !== span.to) return to < span.to;
      return this.arena.compareTo(rows.get(ID_AT, k), rows.get(ID_LEN, k), span.id) >= 0;
    });
  }

  private idIs(i: number, id: string): boolean {
    return this.arena.equals(this.rows.get(ID_AT, i), this.rows.get(ID_LEN, i), id);
  }

  /** Where the span with this id is, or -1 (linear, over the hashes: a new span is looked for so). */
  private find(id: string): number {
    const hash = stringHash(id);
    const { rows } = this;
    for (let i = 0; i < rows.size; i++) if (rows.get(ID_HASH, i) === hash && this.idIs(i, id)) return i;
    return -1;
  }
}

/** What is drawn: spans meeting the window (within the document), plus the selected and flashing ones. */
interface Drawing {
  readonly window: EditorRange;
  readonly limit: number;
  readonly selected: RenderedSpan | null;
  readonly flashing: RenderedSpan | null;
}

function isDrawn(entry: IndexEntry, d: Drawing): boolean {
  if (entry.to > d.limit) return false;
  if (entry.id === d.selected?.id || entry.id === d.flashing?.id) return true;
  return entry.from < d.window.to && entry.to > d.window.from && d.window.from < d.window.to;
}

/** Collects the decorations to take out and to put in, applied in one go. */
class Redraw {
  private readonly out: Decoration[] = [];
  private readonly in: Decoration[] = [];

  constructor(
    private readonly set: DecorationSet,
    private readonly resolve: SpanResolver | undefined,
  ) {}

  /** Take an entry's decorations out (if it has any). */
  erase(entry: IndexEntry): void {
    for (const d of this.set.find(entry.from, entry.to, (spec) => (spec as SpanSpec).span?.id === entry.id)) this.out.push(d);
  }

  /** Draw an entry if it is to be drawn. */
  draw(entry: IndexEntry, d: Drawing): void {
    if (isDrawn(entry, d)) this.in.push(...decorate(entry, this.resolve, entry.id === d.selected?.id, entry.id === d.flashing?.id));
  }

  result(doc: PMNode): DecorationSet {
    let set = this.set;
    if (this.out.length > 0) set = set.remove(this.out);
    if (this.in.length > 0) set = set.add(doc, this.in);
    return set;
  }
}

function applyMeta(tr: Transaction, value: AnnotationState, resolve: SpanResolver | undefined): AnnotationState {
  const meta = tr.getMeta(annotationKey) as AnnotationMeta | undefined;
  if (!meta && !tr.docChanged) return value;
  let decorations = value.decorations;
  let index = value.index;
  let { selected, flashing, window } = value;
  const limitBefore = tr.before.content.size;
  const limit = tr.doc.content.size;

  if (tr.docChanged) {
    // The text itself never changes: the only document change is blocks appended at the end as
    // a long document loads (session.ts). Spans that now fit in it are drawn.
    decorations = decorations.map(tr.mapping, tr.doc);
    if (limit > limitBefore) {
      const redraw = new Redraw(decorations, resolve);
      const drawing: Drawing = { window, limit, selected, flashing };
      const fresh = new Set<string>();
      for (const entry of index.overlapping(window, limit)) {
        if (entry.to > limitBefore) {
          fresh.add(entry.id);
          redraw.draw(entry, drawing);
        }
      }
      // The selected and flashing spans are drawn wherever they are, once they fit.
      for (const special of [selected, flashing]) {
        if (!special || fresh.has(special.id) || special.to <= limitBefore || special.to > limit) continue;
        const entry = index.entryOf(special.id);
        if (entry) {
          fresh.add(special.id);
          redraw.draw(entry, drawing);
        }
      }
      decorations = redraw.result(tr.doc);
    }
  }
  if (!meta) return { decorations, selected, flashing, index, window };

  const added = new Set((meta.add ?? []).map((s) => s.id));
  const removed = new Set((meta.remove ?? []).map((s) => s.id));

  // Spans: out with the old, in with the new; neighbours whose level changed are redrawn.
  if (removed.size > 0 || added.size > 0) {
    // A span taken out for good stops being selected or flashing; one added back under the same
    // id (a relabel) stays so, as its new self.
    if (selected && removed.has(selected.id)) selected = added.has(selected.id) ? meta.add!.find((s) => s.id === selected!.id)! : null;
    if (flashing && removed.has(flashing.id)) flashing = added.has(flashing.id) ? meta.add!.find((s) => s.id === flashing!.id)! : null;
    if (selected && added.has(selected.id)) selected = meta.add!.find((s) => s.id === selected!.id)!;
    if (flashing && added.has(flashing.id)) flashing = meta.add!.find((s) => s.id === flashing!.id)!;
    const drawing: Drawing = { window, limit, selected, flashing };
    // Entries replaced while this batch runs: erase what was drawn before the batch, once.
    const before = new Map<string, IndexEntry | null>();
    const after = new Map<string, IndexEntry | null>();
    const note = (old: IndexEntry | null, next: IndexEntry | null, id: string) => {
      if (!before.has(id)) before.set(id, old);
      after.set(id, next);
    };
    for (const span of meta.remove ?? []) {
      const result = index.without(span);
      if (!result) continue;
      index = result.index;
      note(result.entry, null, result.entry.id);
      for (const [old, next] of result.shifted) note(old, next, old.id);
    }
    for (const span of meta.add ?? []) {
      const existing = index.indexOf(span);
      if (existing >= 0) {
        const result = index.without(index.entryAt(existing))!;
        index = result.index;
        note(result.entry, null, span.id);
        for (const [old, next] of result.shifted) note(old, next, old.id);
      }
      const result = index.with(span);
      index = result.index;
      note(null, result.entry, span.id);
      for (const [old, next] of result.shifted) note(old, next, old.id);
    }
    const redraw = new Redraw(decorations, resolve);
    for (const [id, old] of before) {
      if (old) redraw.erase(old);
      const next = after.get(id);
      if (next) redraw.draw(next, drawing);
    }
    decorations = redraw.result(tr.doc);
  }

  // Selection and flash: the span that stops and the one that starts are redrawn.
  const restyle: RenderedSpan[] = [];
  if (meta.select !== undefined && meta.select?.id !== selected?.id) {
    if (selected) restyle.push(selected);
    selected = meta.select;
    if (selected) restyle.push(selected);
  }
  if (meta.flash !== undefined && meta.flash?.id !== flashing?.id) {
    if (flashing) restyle.push(flashing);
    flashing = meta.flash;
    if (flashing) restyle.push(flashing);
  }
  if (restyle.length > 0) {
    const drawing: Drawing = { window, limit, selected, flashing };
    const redraw = new Redraw(decorations, resolve);
    const seen = new Set<string>();
    for (const span of restyle) {
      if (seen.has(span.id)) continue;
      seen.add(span.id);
      const at = index.indexOf(span);
      if (at < 0) continue;
      const entry = index.entryAt(at);
      redraw.erase(entry);
      redraw.draw(entry, drawing);
    }
    decorations = redraw.result(tr.doc);
  }

  // The window: spans it loses are erased, spans it gains are drawn.
  if (meta.window && (meta.window.from !== window.from || meta.window.to !== window.to)) {
    const old: Drawing = { window, limit, selected, flashing };
    const next: Drawing = { window: meta.window, limit, selected, flashing };
    const redraw = new Redraw(decorations, resolve);
    const was = new Set<string>();
    for (const entry of index.overlapping(window, limit)) {
      was.add(entry.id);
      if (!isDrawn(entry, next)) redraw.erase(entry);
    }
    for (const entry of index.overlapping(meta.window, limit)) {
      if (!was.has(entry.id) && !isDrawn(entry, old)) redraw.draw(entry, next);
    }
    decorations = redraw.result(tr.doc);
    window = meta.window;
  }
  return { decorations, selected, flashing, index, window };
}

/** Offsets of a node's children in its content (and its content size last), cached per node. */
const childStarts = new WeakMap<PMNode, number[]>();

function startsOf(node: PMNode): number[] {
  let starts = childStarts.get(node);
  if (!starts) {
    starts = [];
    node.forEach((_child, offset) => starts!.push(offset));
    starts.push(node.content.size);
    childStarts.set(node, starts);
  }
  return starts;
}

/**
 * Keeps the window on what is in sight: after mounting, on scrolling and resizing (once per
 * frame at most), it finds the first and last blocks in sight (binary search over the view's
 * block elements) and, when they come near the window's edge, moves the window to them and one
 * screen's height on each side (never narrower than MIN_WINDOW positions). While scrolling flings
 * by more than a screen a frame, it waits for the scrolling to slow down.
 */
class WindowTracker implements PluginView {
  private frame = 0;
  /** Where the scroll container was at the last measure. */
  private lastTop = Number.NaN;
  private readonly scroller: HTMLElement | null;
  private readonly schedule = () => {
    if (this.frame === 0) this.frame = requestAnimationFrame(this.measure);
  };

  constructor(private readonly view: EditorView) {
    this.scroller = scrollParentOf(view.dom);
    if (typeof requestAnimationFrame !== 'function') return;
    (this.scroller ?? window).addEventListener('scroll', this.schedule, { passive: true });
    window.addEventListener('resize', this.schedule, { passive: true });
    this.schedule();
  }

  update(view: EditorView, previous: EditorState): void {
    if (view.state.doc !== previous.doc) this.schedule();
  }

  destroy(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    (this.scroller ?? window).removeEventListener('scroll', this.schedule);
    window.removeEventListener('resize', this.schedule);
  }

  /** Which window the view needs now (null: nothing laid out to measure). */
  wanted(margin: number): EditorRange | null {
    const { view } = this;
    const chunks = view.dom.children;
    const doc = view.state.doc;
    if (chunks.length === 0 || chunks.length !== doc.childCount) return null;
    const box = this.scroller ? this.scroller.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    const height = box.bottom - box.top;
    if (height <= 0) return null;
    const top = box.top - height * margin;
    const bottom = box.bottom + height * margin;
    // First chunk whose bottom is below `top`, last whose top is above `bottom`; then the same
    // among the blocks of those two chunks.
    const first = firstIndex(chunks.length, (i) => chunks[i]!.getBoundingClientRect().bottom > top);
    const last = firstIndex(chunks.length, (i) => chunks[i]!.getBoundingClientRect().top >= bottom) - 1;
    if (first >= chunks.length || last < first) return null;
    const starts = startsOf(doc);
    // The block of chunk `c` that `pick` finds among its elements, as its [start, end) offsets in
    // the document (the chunk's own offset, one for its opening, the block's in the chunk); the
    // whole chunk when its elements are not its blocks.
    const blockIn = (c: number, pick: (blocks: HTMLCollection) => number): [number, number] => {
      const node = doc.child(c);
      const blocks = chunks[c]!.children;
      if (blocks.length !== node.childCount) return [starts[c]!, starts[c + 1]!];
      const k = Math.min(Math.max(pick(blocks), 0), node.childCount - 1);
      const inner = startsOf(node);
      return [starts[c]! + 1 + inner[k]!, starts[c]! + 1 + inner[k + 1]!];
    };
    const [from] = blockIn(first, (blocks) => firstIndex(blocks.length, (i) => blocks[i]!.getBoundingClientRect().bottom > top));
    const [, to] = blockIn(last, (blocks) => firstIndex(blocks.length, (i) => blocks[i]!.getBoundingClientRect().top >= bottom) - 1);
    return { from, to };
  }

  private readonly measure = () => {
    this.frame = 0;
    const { view } = this;
    if (view.isDestroyed) return;
    // Flung far (more than a screen since the last frame): draw nothing on the way, only where
    // the scrolling slows down or stops (the next frames measure again).
    const top = this.scroller ? this.scroller.scrollTop : window.scrollY;
    const screen = this.scroller ? this.scroller.clientHeight : window.innerHeight;
    const flung = Number.isFinite(this.lastTop) && screen > 0 && Math.abs(top - this.lastTop) > screen;
    this.lastTop = top;
    if (flung) {
      this.schedule();
      return;
    }
    const current = annotationState(view.state).window;
    const near = this.wanted(0.5);
    if (!near || (near.from >= current.from && near.to <= current.to)) return;
    const next = widen(this.wanted(1.5) ?? near, MIN_WINDOW, view.state.doc.content.size);
    view.dispatch(withAnnotationMeta(view.state.tr, { window: next }));
  };
}

/** A range grown evenly (within [0, size]) to at least `min` positions. */
export function widen(range: EditorRange, min: number, size: number): EditorRange {
  const missing = min - (range.to - range.from);
  if (missing <= 0) return range;
  let from = Math.max(0, range.from - Math.ceil(missing / 2));
  const to = Math.min(size, from + Math.max(min, range.to - from));
  from = Math.max(0, Math.min(from, to - min));
  return { from, to };
}

function scrollParentOf(element: HTMLElement): HTMLElement | null {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if (overflow === 'auto' || overflow === 'scroll') return node;
  }
  return null;
}


/** An entry's decorations: the span the index keeps, else the one the resolver draws now (none if it has none). */
function decorate(entry: IndexEntry, resolve: SpanResolver | undefined, selected: boolean, flashing: boolean): Decoration[] {
  const span = entry.span ?? resolve?.(entry.id);
  return span ? decorateSpan(span, entry.level, selected, flashing) : [];
}

function decorateSpan(span: RenderedSpan, level: number, selected: boolean, flashing: boolean): Decoration[] {
  if (span.review) return decorateReview(span, span.review, level, selected, flashing);
  let cls = `gl-span gl-lv-${Math.min(level, MAX_LEVEL)} ${span.colorClass}`;
  if (selected) cls += ' gl-selected';
  if (flashing) cls += ' gl-flash';
  if (span.orphan) cls += ' gl-orphan';
  const attrs = { nodeName: 'span', class: cls, 'data-span-id': span.id, 'data-label': span.label };
  const spec: SpanSpec = { span, level };
  return piecesOf(span).map((p) => Decoration.inline(p.from, p.to, attrs, spec));
}

/** A review item: the selected one is the current item. A span the reviewer added outside any item is drawn apart. */
function decorateReview(span: RenderedSpan, mark: ReviewMark, level: number, current: boolean, flashing: boolean): Decoration[] {
  if (mark.kind === 'added') {
    const attrs = { nodeName: 'span', class: `gl-review-added gl-lv-${Math.min(level, MAX_LEVEL)} ${span.colorClass}`, 'data-added': span.id, 'data-label': span.label, title: mark.title };
    const spec: SpanSpec = { span, level };
    return piecesOf(span).map((p) => Decoration.inline(p.from, p.to, attrs, spec));
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
  return piecesOf(span).map((p) => Decoration.inline(p.from, p.to, attrs, spec));
}

/** The ranges a span is drawn in: its pieces, or its hull when it is one piece. */
export function piecesOf(span: RenderedSpan): readonly EditorRange[] {
  return span.pieces ?? [span];
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
