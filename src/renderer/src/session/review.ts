// Review mode of one document: two or more annotators' layers merged into review items
// (src/core/review.ts), drawn in the document view, walked with next/previous, and adjudicated
// into the curation layer through applyCuration, one decision at a time, in order. Decisions come
// from the curation layer on disk, so they survive a restart; undo takes back this session's
// decisions (or, after a restart, the last one taken).

import { EditorState, Selection } from 'prosemirror-state';
import type { Transaction } from 'prosemirror-state';
import type { CuratedSpanInput, CurationChange, GlossApi } from '../../../core/api';
import { isDecisionCurrent } from '../../../core/curation';
import { CURATION_ANNOTATOR } from '../../../core/model';
import type { CurationDecision, Layer, LayerStatus, Schema, Span } from '../../../core/model';
import { compareLayers } from '../../../core/review';
import type { ReviewItem, ReviewKind, ReviewLayer } from '../../../core/review';
import { createAnnotationPlugin, withAnnotationMeta } from '../editor/annotations';
import type { AnnotationMeta, RenderedSpan } from '../editor/annotations';
import type { EditorDocument } from '../editor/document';
import { readOnlyTextPlugin } from '../editor/readOnly';
import { labelColorClass } from '../labels';
import { trimRange } from '../editor/selection';
import type { QuotedRange } from '../editor/selection';
import { afterPaint } from './afterPaint';
import { beginWrite } from './writes';
import { BlockLoader } from './blockLoader';
import { StateHost } from './session';
import type { DocumentInfo, EditorHost } from './session';
import type { Surface } from './surface';

export const KIND_TEXT: Record<ReviewKind, string> = {
  agreed: 'Agreed',
  'label-conflict': 'Label conflict',
  'boundary-mismatch': 'Boundary mismatch',
  missing: 'Missing for some',
};

/** Which items the list shows (and next/previous walks). */
export type ReviewFilter = 'all' | 'disagreements' | 'undecided';

export interface ReviewOptions {
  api: Pick<GlossApi, 'applyCuration'>;
  document: DocumentInfo;
  /** The document as built for the editor (shared with the other sessions of the document). */
  editor: EditorDocument;
  schema: Schema;
  /** The layers under review, in the order chosen: keys 1..9 accept the versions of the Nth. */
  layers: readonly ReviewLayer[];
  /** The curation layer as on disk, or null when nobody has adjudicated this document yet. */
  curation: Layer | null;
  /** After the curation layer was written (the workbench keeps its copy up to date). */
  onCurationSaved?(layer: Layer): void;
  /** A decision was refused because the items are not what the workspace has: reread the layers. */
  onStale?(): void;
  /** Runs work after the next paint (the blocks of a long document; default afterPaint). */
  afterPaint?: (run: () => void) => void;
}

/** An edit in progress: the curated span being made from one annotator's version. */
export interface EditDraft {
  itemKey: string;
  /** The version the edit starts from (recorded as the one chosen). */
  from: { annotator: string; spanId: string };
  /** What the form starts with. */
  initial: CuratedSpanInput;
}

export interface ReviewSnapshot {
  /** The annotators under review, in key order (key 1 is the first). */
  readonly annotators: readonly string[];
  readonly items: readonly ReviewItem[];
  /** The items the list shows under the filter. */
  readonly visible: readonly ReviewItem[];
  readonly filter: ReviewFilter;
  /** Decisions per item key, in the order taken. */
  readonly decisions: ReadonlyMap<string, readonly CurationDecision[]>;
  /** Decisions adding a span outside any item. */
  readonly added: readonly CurationDecision[];
  /** Items whose versions changed since they were decided. */
  readonly stale: ReadonlySet<string>;
  readonly current: ReviewItem | null;
  readonly total: number;
  /** Items without a decision. */
  readonly remaining: number;
  /** Agreed items "accept all agreed" would take now. */
  readonly agreedOpen: number;
  readonly curation: Layer | null;
  /** A decision is being written. */
  readonly busy: boolean;
  readonly error: string | null;
  /** A short word on what the last key did (or why it did nothing). */
  readonly message: string | null;
  readonly textSelection: QuotedRange | null;
  readonly editing: EditDraft | null;
  /** "Accept all agreed" is waiting for a confirmation: how many items it would accept. */
  readonly confirmingAll: number | null;
  readonly canUndo: boolean;
}

/** What one step of the undo stack takes back: the decisions it made, and how to remake the ones it replaced. */
interface UndoEntry {
  made: string[];
  restore: CurationChange[];
  /** The ids of the decisions `restore` makes again (their new ids replace these in older entries). */
  restoreIds: string[];
}

/** What a step sends, worked out when its turn comes (on the decisions as they are then). */
interface Plan {
  changes: CurationChange[];
  undoable: boolean;
  message?: string;
  /** The item to make current once written (what an undo took back). */
  focus?: string;
  /** Move on from the current item if it is decided once written (accept all agreed). */
  moveOnIfDecided?: boolean;
  /** Decisions this step makes again (undo of a replacement): older undo entries follow their new ids. */
  remade?: string[];
}

/** A step to run in turn; `itemKey` is the item it decides (pending until written). */
interface Step {
  itemKey?: string;
  plan(): Plan | string | null;
}

export class ReviewSession implements Surface {
  readonly document: DocumentInfo;
  readonly editor: EditorDocument;
  readonly annotators: readonly string[];

  private readonly api: ReviewOptions['api'];
  private readonly schema: Schema;
  private readonly onCurationSaved: ReviewOptions['onCurationSaved'];
  private readonly onStale: ReviewOptions['onStale'];

  private layers: readonly ReviewLayer[];
  private items: ReviewItem[] = [];
  private byKey = new Map<string, ReviewItem>();
  private curation: Layer | null;
  private decisions = new Map<string, CurationDecision[]>();
  private readonly rendered = new Map<string, RenderedSpan>();
  private filter: ReviewFilter = 'all';
  private currentKey: string | null = null;
  private textSelection: QuotedRange | null = null;
  private editing: EditDraft | null = null;
  private confirmingAll: number | null = null;
  private error: string | null = null;
  private message: string | null = null;
  private busy = 0;
  private readonly undoStack: UndoEntry[] = [];
  /** Items with decisions queued but not yet written. */
  private readonly pending = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();

  private host: EditorHost;
  private readonly loader: BlockLoader;
  private listeners = new Set<() => void>();
  private snapshot: ReviewSnapshot | null = null;
  private disposed = false;

  constructor(opts: ReviewOptions) {
    if (opts.layers.length < 2) throw new Error('ReviewSession: review needs two or more layers');
    this.document = opts.document;
    this.editor = opts.editor;
    this.api = opts.api;
    this.schema = opts.schema;
    this.onCurationSaved = opts.onCurationSaved;
    this.onStale = opts.onStale;
    this.layers = opts.layers;
    this.annotators = opts.layers.map((l) => l.annotator);
    this.curation = opts.curation;
    this.indexDecisions();
    this.setItems(compareLayers(this.layers));
    const initial = [...this.itemsDrawn(), ...this.addedDrawn()];
    // A long document opens with its first blocks and draws the items around what is in sight.
    this.loader = new BlockLoader(this.editor, () => this.host, opts.afterPaint ?? afterPaint, () => !this.disposed);
    const plugins = [readOnlyTextPlugin(), this.loader.plugin(), createAnnotationPlugin(initial, { window: this.loader.initialWindow })];
    const state = EditorState.create({ doc: this.loader.initialDoc, plugins });
    this.host = new StateHost(state, (tr) => this.onTransaction(tr));
    this.loader.start();
    const first = this.items.find((i) => !this.isDecided(i.key)) ?? this.items[0];
    if (first) this.setCurrent(first.key);
  }

  // ---- store (for React) ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ReviewSnapshot => {
    if (!this.snapshot) {
      const decided = this.items.filter((i) => this.isDecided(i.key)).length;
      const stale = new Set<string>();
      for (const item of this.items) {
        const ds = this.decisions.get(item.key);
        if (ds?.some((d) => !isDecisionCurrent(d, item))) stale.add(item.key);
      }
      this.snapshot = {
        annotators: this.annotators,
        items: this.items,
        visible: this.visibleItems(),
        filter: this.filter,
        decisions: this.decisions,
        added: (this.curation?.decisions ?? []).filter((d) => d.itemKey === null),
        stale,
        current: this.currentKey ? (this.byKey.get(this.currentKey) ?? null) : null,
        total: this.items.length,
        remaining: this.items.length - decided,
        agreedOpen: this.agreedOpen(),
        curation: this.curation,
        busy: this.busy > 0,
        error: this.error,
        message: this.message,
        textSelection: this.textSelection,
        editing: this.editing,
        confirmingAll: this.confirmingAll,
        canUndo: this.undoStack.length > 0 || this.lastDecision() !== null,
      };
    }
    return this.snapshot;
  };

  // ---- Surface ----

  get state(): EditorState {
    return this.host.state;
  }

  attach(host: EditorHost): () => void {
    this.host = host;
    return () => {
      if (this.host === host) this.host = new StateHost(host.state, (tr) => this.onTransaction(tr));
    };
  }

  onTransaction(tr: Transaction): void {
    if (!tr.selectionSet) return;
    const selection = this.host.state.selection;
    let next: QuotedRange | null = null;
    if (!selection.empty) {
      const range = this.editor.positions.fromRange(selection.from, selection.to);
      next = trimRange(this.editor.positions.text, range.start, range.end);
    }
    const same = next === this.textSelection || (!!next && !!this.textSelection && next.start === this.textSelection.start && next.end === this.textSelection.end);
    this.textSelection = next;
    if (!same) this.emit();
  }

  /** A click on highlighted text: the innermost item under the pointer becomes the current one. */
  onClickIds(ids: readonly string[]): void {
    let best: ReviewItem | null = null;
    for (const id of ids) {
      const item = this.byKey.get(id);
      if (item && (!best || item.end - item.start < best.end - best.start)) best = item;
    }
    if (best) this.setCurrent(best.key);
  }

  // ---- walking the items ----

  /** Show only some items in the list; next/previous walk those. */
  setFilter(filter: ReviewFilter): void {
    if (filter === this.filter) return;
    this.filter = filter;
    this.emit();
  }

  /** Make an item the current one (highlighted, in the inspector); `reveal` scrolls to it. */
  setCurrent(key: string | null, opts: { reveal?: boolean } = {}): void {
    const id = key && this.byKey.has(key) ? key : null;
    if (this.editing && this.editing.itemKey !== id) this.editing = null;
    const changed = id !== this.currentKey;
    this.currentKey = id;
    const drawn = id ? this.rendered.get(id) : undefined;
    // An item in blocks not loaded yet: load up to it, so that it can be drawn and revealed.
    if (drawn) this.loader.upTo(drawn.to);
    this.host.dispatch(withAnnotationMeta(this.host.state.tr, { select: drawn ?? null }));
    if (id && opts.reveal) this.host.reveal?.(id);
    if (changed) this.emit();
  }

  /** The next item in the list (`n`); the first when none is current. */
  next(): boolean {
    return this.step(+1);
  }

  /** The previous item in the list (`p`). */
  previous(): boolean {
    return this.step(-1);
  }

  // ---- decisions ----

  /**
   * Key `1`..`9`: accept the version of the annotator in that position (its first version in
   * the item not yet taken). It replaces the item's decisions, if any, and moves on.
   */
  acceptPosition(position: number): boolean {
    const annotator = this.annotators[position - 1];
    if (!annotator) return this.say(`No annotator ${position} in this review.`);
    const item = this.currentItem();
    if (!item) return this.say('No item is selected.');
    const version = item.versions.find((v) => v.annotator === annotator);
    if (!version) return this.say(`${annotator} marked nothing here: choose another version, add a span, or reject.`);
    return this.decide(item.key, (now) => this.planAccept(now, annotator, version.span.id, false));
  }

  /** Accept one given version; `also` keeps the item's other accepted versions (two right spans in one chain). */
  acceptVersion(itemKey: string, annotator: string, spanId: string, also = false): boolean {
    if (!this.byKey.has(itemKey)) return this.say('That item is gone (the layers changed).');
    return this.decide(itemKey, (now) => this.planAccept(now, annotator, spanId, also), !also);
  }

  /** `r`: reject every version of the current item (replacing its decisions, if any), and move on. */
  reject(): boolean {
    const target = this.currentItem();
    if (!target) return this.say('No item is selected.');
    return this.decide(target.key, (item) => {
      const existing = this.decisions.get(item.key) ?? [];
      if (existing.length === 1 && existing[0]!.action === 'reject') return { changes: [], undoable: false };
      return {
        changes: [...existing.map((d) => undoOf(d)), { op: 'reject', itemKey: item.key }],
        undoable: true,
        message: `Rejected ${quoteOf(this.editor, item)}.`,
      };
    });
  }

  /**
   * `e`: edit the current item into the curation layer, starting from its accepted span if it
   * has one, else from the given (or the first) version.
   */
  startEdit(from?: { annotator: string; spanId: string }): boolean {
    const item = this.currentItem();
    if (!item) return this.say('No item is selected.');
    const taken = (this.decisions.get(item.key) ?? []).find((d) => (d.action === 'accept' || d.action === 'edit') && d.chosen);
    let draft: EditDraft | null = null;
    if (!from && taken?.chosen && taken.spanId) {
      const curated = this.curation?.spans.find((s) => s.id === taken.spanId);
      if (curated) draft = { itemKey: item.key, from: taken.chosen, initial: spanInputOf(curated) };
    }
    if (!draft) {
      const version = from ? item.versions.find((v) => v.annotator === from.annotator && v.span.id === from.spanId) : item.versions[0];
      if (!version) return this.say('That version is not in this item.');
      draft = { itemKey: item.key, from: { annotator: version.annotator, spanId: version.span.id }, initial: spanInputOf(version.span) };
    }
    this.editing = draft;
    this.message = null;
    this.emit();
    return true;
  }

  cancelEdit(): void {
    if (!this.editing) return;
    this.editing = null;
    this.emit();
  }

  /** Save the edit: the item's decisions are replaced by one `edit` decision making `span`. */
  saveEdit(span: CuratedSpanInput): boolean {
    const draft = this.editing;
    if (!draft) return false;
    this.editing = null;
    return this.decide(draft.itemKey, (item) => {
      const existing = this.decisions.get(item.key) ?? [];
      return {
        changes: [...existing.map((d) => undoOf(d)), { op: 'edit', itemKey: item.key, annotator: draft.from.annotator, spanId: draft.from.spanId, span }],
        undoable: true,
        message: `Saved ${span.label} (edited from ${draft.from.annotator}'s).`,
      };
    });
  }

  /**
   * Shift + a label key: a new curated span of the selected text. It belongs to the current item
   * when it overlaps it (and the item is not rejected), else to no item.
   */
  addSpan(label: string): boolean {
    const range = this.textSelection;
    if (!range) return this.say('Select text first, then press Shift and a label key to add a span.');
    if (!this.schema.labels.some((l) => l.name === label)) return false;
    const item = this.currentItem();
    const rejected = item ? (this.decisions.get(item.key) ?? []).some((d) => d.action === 'reject') : false;
    const inItem = item && !rejected && range.start < item.end && item.start < range.end ? item.key : null;
    this.collapseSelection();
    const plan = (): Plan => ({
      changes: [{ op: 'add', itemKey: inItem, span: { label, start: range.start, end: range.end, attributes: {} } }],
      undoable: true,
      message: `Added ${label} “${range.quote}”${inItem ? ' to this item' : ''}.`,
    });
    // Another span may belong to the same item: stay on it.
    return inItem ? this.decide(inItem, plan, false) : this.enqueue({ plan });
  }

  /** `a`: ask to accept every agreed item without a decision (confirmAcceptAll does it). */
  requestAcceptAll(): boolean {
    const n = this.agreedOpen();
    if (n === 0) return this.say('No agreed items are waiting for a decision.');
    this.confirmingAll = n;
    this.emit();
    return true;
  }

  cancelAcceptAll(): void {
    if (this.confirmingAll === null) return;
    this.confirmingAll = null;
    this.emit();
  }

  confirmAcceptAll(): boolean {
    if (this.confirmingAll === null) return false;
    this.confirmingAll = null;
    return this.enqueue({
      plan: () => ({ changes: [{ op: 'accept-all-agreed' }], undoable: true, message: 'Accepted the agreed items.', moveOnIfDecided: true }),
    });
  }

  /** `u`: take back the last decision step of this session (after a restart: the last decision taken). */
  undo(): boolean {
    return this.enqueue({
      plan: () => {
        const entry = this.undoStack.pop();
        if (entry) {
          const decisions = this.curation?.decisions ?? [];
          const taken = decisions.filter((d) => entry.made.includes(d.id));
          const changes: CurationChange[] = taken.map((d) => ({ op: 'undo', decisionId: d.id }));
          // One decision (not "accept all agreed"): show the item it was about.
          const focus = taken.length === 1 ? (taken[0]!.itemKey ?? undefined) : undefined;
          return { changes: [...changes, ...entry.restore], undoable: false, message: 'Undone.', remade: entry.restoreIds, ...(focus ? { focus } : {}) };
        }
        const last = this.lastDecision();
        if (!last) return 'Nothing to undo.';
        return { changes: [{ op: 'undo', decisionId: last.id }], undoable: false, message: 'Undone.', ...(last.itemKey ? { focus: last.itemKey } : {}) };
      },
    });
  }

  /** The curation layer's status: the adjudication of this document is done (or not). */
  setStatus(status: LayerStatus): boolean {
    return this.enqueue({ plan: () => ({ changes: [{ op: 'status', status }], undoable: false }) });
  }

  /** Resolves when every decision asked for so far has been written (or refused). */
  idle(): Promise<void> {
    return this.chain;
  }

  // ---- from disk ----

  /** The layers (or the curation layer) changed on disk: recompute the items, redraw what changed. */
  updateLayers(layers: readonly ReviewLayer[], curation: Layer | null): void {
    if (this.disposed) return;
    this.layers = layers.filter((l) => this.annotators.includes(l.annotator));
    this.curation = curation;
    this.indexDecisions();
    const before = this.currentItem();
    this.redrawAll(compareLayers(this.layers));
    this.redrawAdded();
    if (before && !this.byKey.has(before.key)) {
      // The same place, if an item is still there.
      const near = this.items.find((i) => i.end > before.start) ?? this.items[this.items.length - 1] ?? null;
      this.setCurrent(near?.key ?? null);
    } else {
      this.setCurrent(this.currentKey);
    }
    this.emit();
  }

  /** The curation layer as on disk now (another reviewer wrote it). */
  updateCuration(curation: Layer | null): void {
    if (this.disposed) return;
    this.curation = curation;
    this.indexDecisions();
    this.redrawDecided();
    this.redrawAdded();
    this.emit();
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  // ---- internals ----

  private planAccept(item: ReviewItem, annotator: string, spanId: string, also: boolean): Plan {
    const existing = this.decisions.get(item.key) ?? [];
    const same = existing.find((d) => d.chosen?.annotator === annotator && d.chosen.spanId === spanId && d.action === 'accept');
    if (same && (also || existing.length === 1)) return { changes: [], undoable: false };
    const replaced = also ? existing.filter((d) => d.action === 'reject') : existing;
    const label = item.versions.find((v) => v.annotator === annotator && v.span.id === spanId)?.span.label ?? '';
    return {
      changes: [...replaced.map((d) => undoOf(d)), { op: 'accept', itemKey: item.key, annotator, spanId }],
      undoable: true,
      message: `Accepted ${annotator}'s ${label}.`,
    };
  }

  /**
   * A decision on an item, taken on the item as it is when its turn comes. The review moves on
   * at once (`advance`) past items with decisions written or pending, so keys can be typed ahead.
   */
  private decide(itemKey: string, plan: (item: ReviewItem) => Plan | string, advance = true): boolean {
    this.pending.set(itemKey, (this.pending.get(itemKey) ?? 0) + 1);
    const queued = this.enqueue({
      itemKey,
      plan: () => {
        const item = this.byKey.get(itemKey);
        return item ? plan(item) : 'That item is gone (the layers changed).';
      },
    });
    if (advance) this.advanceFrom(itemKey);
    return queued;
  }

  private enqueue(step: Step): boolean {
    if (this.disposed) return false;
    this.busy++;
    this.emit();
    const endWrite = beginWrite();
    this.chain = this.chain.then(() => this.execute(step)).finally(endWrite);
    return true;
  }

  private async execute(step: Step): Promise<void> {
    try {
      // A step queued before the review was closed is still written (a decision typed ahead
      // must not be lost by moving on to another document); only the screen is left alone.
      const plan = step.plan();
      if (plan === null) return;
      if (typeof plan === 'string') {
        this.message = plan;
        return;
      }
      if (plan.changes.length === 0) return;
      const before = this.curation;
      const result = await this.api.applyCuration(this.document.id, [...this.annotators], plan.changes).catch((error: unknown) => ({
        ok: false as const,
        error: { code: 'io' as const, message: error instanceof Error ? error.message : String(error) },
      }));
      if (this.disposed) {
        // Closed meanwhile: the steps behind this one plan from what was written; nothing is drawn.
        if (result.ok) {
          this.curation = result.value;
          this.indexDecisions();
        }
        return;
      }
      if (!result.ok) {
        this.error = result.error.message;
        this.message = null;
        if (result.error.code === 'not-found' || result.error.code === 'conflict') this.onStale?.();
        return;
      }
      this.error = null;
      this.message = plan.message ?? null;
      const had = new Set((before?.decisions ?? []).map((d) => d.id));
      const made = (result.value.decisions ?? []).filter((d) => !had.has(d.id)).map((d) => d.id);
      if (plan.undoable) {
        const undone = new Set(plan.changes.flatMap((c) => (c.op === 'undo' ? [c.decisionId] : [])));
        const restore: CurationChange[] = [];
        const restoreIds: string[] = [];
        for (const d of before?.decisions ?? []) {
          const again = undone.has(d.id) ? remakeOf(d, before) : null;
          if (!again) continue;
          restore.push(again);
          restoreIds.push(d.id);
        }
        this.undoStack.push({ made, restore, restoreIds });
      }
      if (plan.remade && plan.remade.length === made.length) {
        // The decisions made again stand for the ones undone earlier: older entries take them back.
        const renamed = new Map(plan.remade.map((id, i) => [id, made[i]!]));
        for (const entry of this.undoStack) entry.made = entry.made.map((id) => renamed.get(id) ?? id);
      }
      this.applyCurationLayer(result.value);
      if (plan.focus) this.setCurrent(plan.focus, { reveal: true });
      if (plan.moveOnIfDecided && this.currentKey && this.isDecided(this.currentKey)) this.advanceFrom(this.currentKey);
    } finally {
      if (step.itemKey !== undefined) {
        const left = (this.pending.get(step.itemKey) ?? 1) - 1;
        if (left > 0) this.pending.set(step.itemKey, left);
        else this.pending.delete(step.itemKey);
      }
      this.busy--;
      this.emit();
    }
  }

  private applyCurationLayer(layer: Layer): void {
    this.curation = layer;
    this.indexDecisions();
    this.redrawDecided();
    this.redrawAdded();
    this.onCurationSaved?.(layer);
  }

  /** After a decision on `key`: the next item in the list without a decision (written or pending). */
  private advanceFrom(key: string): void {
    const list = this.visibleItems();
    const all = list.length > 0 ? list : this.items;
    const at = Math.max(0, all.findIndex((i) => i.key === key));
    for (let k = 1; k <= all.length; k++) {
      const item = all[(at + k) % all.length]!;
      if (!this.isDecided(item.key) && !this.pending.has(item.key)) {
        this.setCurrent(item.key, { reveal: true });
        return;
      }
    }
    // Everything is decided: stay, so the last decision stays in sight.
    this.setCurrent(key);
  }

  private step(direction: 1 | -1): boolean {
    const list = this.visibleItems();
    if (list.length === 0) return false;
    const at = list.findIndex((i) => i.key === this.currentKey);
    let index: number;
    if (at < 0) {
      // The current item is not in the list (filtered out): the nearest one in that direction.
      const current = this.currentItem();
      const pos = current ? current.start : -1;
      index = direction > 0 ? list.findIndex((i) => i.start > pos) : findLastIndex(list, (i) => i.start < pos);
      if (index < 0) index = direction > 0 ? 0 : list.length - 1;
    } else {
      index = at + direction;
      if (index < 0 || index >= list.length) return this.say(direction > 0 ? 'This is the last item.' : 'This is the first item.');
    }
    this.message = null;
    this.setCurrent(list[index]!.key, { reveal: true });
    this.emit();
    return true;
  }

  private visibleItems(): ReviewItem[] {
    if (this.filter === 'all') return this.items;
    if (this.filter === 'disagreements') return this.items.filter((i) => i.kind !== 'agreed');
    return this.items.filter((i) => !this.isDecided(i.key) || i.key === this.currentKey);
  }

  private currentItem(): ReviewItem | null {
    return this.currentKey ? (this.byKey.get(this.currentKey) ?? null) : null;
  }

  private isDecided(key: string): boolean {
    return (this.decisions.get(key)?.length ?? 0) > 0;
  }

  private agreedOpen(): number {
    return this.items.filter((i) => i.kind === 'agreed' && !i.attributesDiffer && !this.isDecided(i.key)).length;
  }

  /** The last decision taken on an item of this review (or adding a span outside any). */
  private lastDecision(): CurationDecision | null {
    const ds = this.curation?.decisions ?? [];
    for (let i = ds.length - 1; i >= 0; i--) {
      const d = ds[i]!;
      if (d.itemKey === null || this.byKey.has(d.itemKey)) return d;
    }
    return null;
  }

  private say(message: string): false {
    this.message = message;
    this.emit();
    return false;
  }

  private collapseSelection(): void {
    const selection = this.host.state.selection;
    if (selection.empty) return;
    this.host.dispatch(this.host.state.tr.setSelection(Selection.near(this.host.state.doc.resolve(selection.to))));
  }

  private indexDecisions(): void {
    const map = new Map<string, CurationDecision[]>();
    for (const d of this.curation?.decisions ?? []) {
      if (d.itemKey === null) continue;
      const list = map.get(d.itemKey);
      if (list) list.push(d);
      else map.set(d.itemKey, [d]);
    }
    this.decisions = map;
  }

  private setItems(items: ReviewItem[]): void {
    this.items = items;
    this.byKey = new Map(items.map((i) => [i.key, i]));
  }

  /** Every item drawn from scratch (only when the review opens). */
  private *itemsDrawn(): Generator<RenderedSpan> {
    for (const item of this.items) {
      const drawn = this.render(item);
      if (!drawn) continue;
      this.rendered.set(item.key, drawn);
      yield drawn;
    }
  }

  /** The curated spans added outside any item, drawn from scratch (only when the review opens). */
  private *addedDrawn(): Generator<RenderedSpan> {
    for (const drawn of this.addedSpans().values()) {
      this.rendered.set(drawn.id, drawn);
      yield drawn;
    }
  }

  /** The curated spans added outside any item as they should be drawn, by drawing id. */
  private addedSpans(): Map<string, RenderedSpan> {
    const out = new Map<string, RenderedSpan>();
    const spans = new Map((this.curation?.spans ?? []).map((s) => [s.id, s]));
    for (const d of this.curation?.decisions ?? []) {
      if (d.itemKey !== null || !d.spanId) continue;
      const span = spans.get(d.spanId);
      const piece = span && span.start < span.end && span.end <= this.editor.positions.text.length ? this.editor.positions.toRange(span.start, span.end) : null;
      if (!span || !piece) continue;
      const id = `added:${d.id}`;
      out.set(id, {
        id,
        label: span.label,
        from: piece.from,
        to: piece.to,
        colorClass: labelColorClass(this.schema, span.label),
        orphan: false,
        review: { kind: 'added', decided: true, title: `Added to the curated layer by ${d.by}\n${span.label} “${span.quote}”` },
      });
    }
    return out;
  }

  /** Bring the drawn added spans in line with the curation layer. */
  private redrawAdded(): void {
    const wanted = this.addedSpans();
    const remove: RenderedSpan[] = [];
    const add: RenderedSpan[] = [];
    for (const [id, drawn] of [...this.rendered]) {
      if (!id.startsWith('added:')) continue;
      const next = wanted.get(id);
      if (next && sameDrawing(drawn, next)) continue;
      remove.push(drawn);
      this.rendered.delete(id);
    }
    for (const [id, next] of wanted) {
      if (this.rendered.has(id)) continue;
      this.rendered.set(id, next);
      add.push(next);
    }
    if (remove.length > 0 || add.length > 0) this.host.dispatch(withAnnotationMeta(this.host.state.tr, { remove, add }));
  }

  /** New items: remove the drawings of items gone or changed, add those of new or changed ones. */
  private redrawAll(items: ReviewItem[]): void {
    const old = this.byKey;
    this.setItems(items);
    const meta: AnnotationMeta = { remove: [], add: [] };
    const remove = meta.remove as RenderedSpan[];
    const add = meta.add as RenderedSpan[];
    for (const [key, drawn] of [...this.rendered]) {
      if (!key.startsWith('added:') && !this.byKey.has(key)) {
        remove.push(drawn);
        this.rendered.delete(key);
      }
    }
    for (const item of items) {
      const had = old.get(item.key);
      const drawn = this.rendered.get(item.key);
      const next = this.render(item);
      if (had && drawn && next && sameDrawing(drawn, next)) continue;
      if (drawn) remove.push(drawn);
      this.rendered.delete(item.key);
      if (next) {
        this.rendered.set(item.key, next);
        add.push(next);
      }
    }
    if (remove.length > 0 || add.length > 0) this.host.dispatch(withAnnotationMeta(this.host.state.tr, meta));
  }

  /** Redraw the items whose decided state or tooltip changed. */
  private redrawDecided(): void {
    const remove: RenderedSpan[] = [];
    const add: RenderedSpan[] = [];
    for (const item of this.items) {
      const drawn = this.rendered.get(item.key);
      const next = this.render(item);
      if (!drawn || !next || sameDrawing(drawn, next)) continue;
      remove.push(drawn);
      add.push(next);
      this.rendered.set(item.key, next);
    }
    if (add.length > 0) this.host.dispatch(withAnnotationMeta(this.host.state.tr, { remove, add }));
  }

  private render(item: ReviewItem): RenderedSpan | null {
    const text = this.editor.positions.text;
    if (item.start < 0 || item.end > text.length || item.start >= item.end) return null;
    const piece = this.editor.positions.toRange(item.start, item.end);
    if (!piece) return null;
    const decided = this.isDecided(item.key);
    return {
      id: item.key,
      label: item.versions[0]?.span.label ?? '',
      from: piece.from,
      to: piece.to,
      colorClass: '',
      orphan: false,
      review: { kind: item.kind, decided, title: itemTitle(item, this.decisions.get(item.key) ?? []) },
    };
  }

  private emit(): void {
    this.snapshot = null;
    for (const listener of [...this.listeners]) listener();
  }
}

/** Who chose what, for the tooltip of an item's highlight. */
export function itemTitle(item: ReviewItem, decisions: readonly CurationDecision[]): string {
  const lines = [KIND_TEXT[item.kind]];
  for (const v of item.versions) lines.push(`${v.annotator}: ${v.span.label} “${v.span.quote}”`);
  if (item.missing.length > 0) lines.push(`No span: ${item.missing.join(', ')}`);
  if (item.attributesDiffer) lines.push('Attributes differ');
  for (const d of decisions) lines.push(`Decided: ${decisionText(d)} (${d.by})`);
  return lines.join('\n');
}

/** What a decision did, in words: "accepted bob's", "rejected", "edited from carol's", "added". */
export function decisionText(d: CurationDecision): string {
  switch (d.action) {
    case 'accept':
      return `accepted ${d.chosen?.annotator ?? '?'}'s`;
    case 'edit':
      return `edited from ${d.chosen?.annotator ?? '?'}'s`;
    case 'add':
      return 'added a span';
    case 'reject':
      return 'rejected';
  }
}

/** The text an item covers, quoted and shortened for messages. */
export function quoteOf(editor: EditorDocument, item: Pick<ReviewItem, 'start' | 'end'>): string {
  const text = editor.positions.text.slice(item.start, item.end);
  const chars = [...text];
  return `“${chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : text}”`;
}

function undoOf(d: CurationDecision): CurationChange {
  return { op: 'undo', decisionId: d.id };
}

/** The change that makes a decision again (to restore one that a later decision replaced). */
function remakeOf(d: CurationDecision, curation: Layer | null): CurationChange | null {
  const key = d.itemKey;
  const curated = d.spanId ? curation?.spans.find((s) => s.id === d.spanId) : undefined;
  switch (d.action) {
    case 'reject':
      return key ? { op: 'reject', itemKey: key } : null;
    case 'accept':
      return key && d.chosen ? { op: 'accept', itemKey: key, annotator: d.chosen.annotator, spanId: d.chosen.spanId } : null;
    case 'edit':
      return key && d.chosen && curated ? { op: 'edit', itemKey: key, annotator: d.chosen.annotator, spanId: d.chosen.spanId, span: spanInputOf(curated) } : null;
    case 'add':
      return curated ? { op: 'add', itemKey: key, span: spanInputOf(curated) } : null;
  }
}

/** The fields of a span a curated copy is made of. */
export function spanInputOf(span: Span): CuratedSpanInput {
  const input: CuratedSpanInput = { label: span.label, start: span.start, end: span.end, attributes: { ...span.attributes } };
  if (span.note !== undefined) input.note = span.note;
  if (span.fragments !== undefined) input.fragments = span.fragments.map((f) => ({ start: f.start, end: f.end }));
  return input;
}

function sameDrawing(a: RenderedSpan, b: RenderedSpan): boolean {
  return a.from === b.from && a.to === b.to && a.review?.kind === b.review?.kind && a.review?.decided === b.review?.decided && a.review?.title === b.review?.title;
}

function findLastIndex<T>(list: readonly T[], test: (x: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i]!)) return i;
  return -1;
}

/** The layers to review, in the order chosen, from what is open (the curation layer is never one). */
export function reviewLayers(chosen: readonly string[], available: readonly ReviewLayer[]): ReviewLayer[] {
  const out: ReviewLayer[] = [];
  for (const name of chosen) {
    if (name === CURATION_ANNOTATOR) continue;
    const layer = available.find((l) => l.annotator === name);
    if (layer) out.push(layer);
  }
  return out;
}
