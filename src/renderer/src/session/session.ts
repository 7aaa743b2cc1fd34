// One opened document being annotated: my spans (stored shape, code points), the editor state
// that draws them (derived: positions and decorations), the undo history and the save queue.
// Every edit is a LayerChange batch: applied here at once, drawn by changing only the spans it
// touches, then sent to the workspace in order. React panels read snapshots of this object; the
// document view itself is never re-rendered by React.

import { EditorState, Selection } from 'prosemirror-state';
import type { Transaction } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';
import type { ChangeResult, CommentInput, GlossApi, GlossError, LayerChange, OpenedDocument } from '../../../core/api';
import type { AttributeValue, Comment, CommentTarget, GlossDocument, Layer, LayerStatus, Schema, Span } from '../../../core/model';
import type { CodePointIndex } from '../../../core/offsets';
import { findLabel } from '../../../core/schema';
import { spanTableOf } from '../../../core/span-table';
import { annotationKey, annotationState, createAnnotationPlugin, withAnnotationMeta } from '../editor/annotations';
import type { AnnotationMeta, RenderedSpan } from '../editor/annotations';
import { buildEditorDocument } from '../editor/document';
import { readOnlyTextPlugin } from '../editor/readOnly';
import type { EditorDocument } from '../editor/document';
import { trimRange } from '../editor/selection';
import type { QuotedRange } from '../editor/selection';
import { labelColorClass } from '../labels';
import { attributesAllowed, planBatch } from './changes';
import { ChangeHistory } from './history';
import { SaveQueue } from './saveQueue';
import type { SaveStatus } from './saveQueue';
import type { Surface } from './surface';
import { afterPaint } from './afterPaint';
import { BlockLoader } from './blockLoader';
import { SpanColumns } from './spanColumns';
import type { SpanList } from './spanColumns';

/** Where the editor state lives: the ProseMirror view once mounted, a plain holder before. */
export interface EditorHost {
  readonly state: EditorState;
  dispatch(tr: Transaction): void;
  /** Scroll a span into view (absent without a view). */
  reveal?(spanId: string): void;
  /**
   * Take over the browser's current selection now: browsers report selection changes a moment
   * later, and a label key pressed right after Shift+arrows must act on the new selection.
   */
  syncSelection?(): void;
}

/**
 * What a session keeps of its document: everything but the blocks and display marks, which its
 * editor holds (built into its position index and nodes), so that they are not kept twice.
 */
export type DocumentInfo = Omit<GlossDocument, 'blocks' | 'marks'>;

export interface SessionOptions {
  api: Pick<GlossApi, 'applyChanges' | 'openDocument'>;
  /** The document as opened; without its blocks (another session's `document`), `editor` is needed. */
  opened: Omit<OpenedDocument, 'document'> & { document: GlossDocument | DocumentInfo };
  schema: Schema;
  /** Nothing may be written (read-only workspace): commands do nothing. */
  readOnly?: boolean;
  now?: () => Date;
  newId?: () => string;
  /** Called after my layer was written: to refresh the document list. */
  onLayerSaved?: (docId: string, result: ChangeResult) => void;
  /**
   * Called when the workspace refused an edit because my layer changed on disk since I last
   * read it (someone else wrote it): the session has reloaded it by then.
   */
  onConflict?: (docId: string, error: GlossError) => void;
  /** How long a jumped-to span flashes, in ms. */
  flashMs?: number;
  /** The document already built for the editor (it never changes): shared between sessions. */
  editor?: EditorDocument;
  /**
   * Runs the side panels' update after the frame showing an edit (default afterPaint): the
   * highlight paints first, React follows. Tests pass a synchronous one.
   */
  afterPaint?: (run: () => void) => void;
}

/** What the side panels show; a new object whenever something in it changes. */
export interface SessionSnapshot {
  /** My spans, sorted by (start, end, label, id); each `Span` is made when read (spanColumns.ts). */
  readonly spans: SpanList;
  readonly selected: Span | null;
  /** The current text selection, trimmed; null when it is empty or blank. */
  readonly textSelection: QuotedRange | null;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly save: SaveStatus;
  readonly status: LayerStatus;
  /** Spans whose quote no longer matches the text. */
  readonly orphans: ReadonlySet<string>;
  readonly readOnly: boolean;
  /** The layer's annotator (me, or the colleague whose layer a read-only session shows). */
  readonly annotator: string;
  /** The comments stored in this layer (written by its annotator), as on disk. */
  readonly comments: readonly Comment[];
}

/** A plain holder of the editor state, used until (and after) a view is mounted. */
export class StateHost implements EditorHost {
  constructor(
    public state: EditorState,
    private readonly onTransaction: (tr: Transaction) => void,
  ) {}

  dispatch(tr: Transaction): void {
    this.state = this.state.apply(tr);
    this.onTransaction(tr);
  }
}

export class DocumentSession implements Surface {
  readonly document: DocumentInfo;
  readonly editor: EditorDocument;
  readonly readOnly: boolean;
  /** Whose layer this is. */
  readonly annotator: string;

  private readonly schema: Schema;
  private readonly api: SessionOptions['api'];
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly flashMs: number;
  private readonly onLayerSaved: SessionOptions['onLayerSaved'];
  private readonly onConflict: SessionOptions['onConflict'];
  /** My layer's updatedAt as last read or written: what the workspace checks edits against. */
  private baseUpdatedAt: string;
  private comments: readonly Comment[];

  /** My spans as they are now: a version of the columns, replaced (never changed) by each edit. */
  private spans: SpanColumns;
  private readonly orphans = new Set<string>();
  /** The orphans as last handed out (copied again only when they change). */
  private orphansShown: ReadonlySet<string> | null = null;
  private status: LayerStatus;
  private selectedId: string | null = null;
  private textSelection: QuotedRange | null = null;
  private localError: string | null = null;
  /**
   * What the workspace answered for the batches written since the last reconcile: the stored
   * form of the spans they touched (undefined = removed). Taken over once nothing is pending.
   */
  private stored = new Map<string, Span | undefined>();

  private readonly history = new ChangeHistory();
  private readonly queue: SaveQueue;
  private host: EditorHost;
  private flashTimer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<() => void>();
  private snapshot: SessionSnapshot | null = null;
  private disposed = false;
  private readonly afterPaint: (run: () => void) => void;
  /** The command running came from a key in the text: its emit waits for the paint. */
  private deferPanels = false;
  /** Listeners are to hear of a change after the next paint. */
  private notifyPending = false;
  /** Work waiting for the next paint (later), and who waits for it to be done (idle). */
  private deferred = 0;
  private deferredDone: (() => void)[] = [];
  /** Appends the blocks of a long document after its first ones. */
  private readonly loader: BlockLoader;

  constructor(opts: SessionOptions) {
    this.document = documentInfo(opts.opened.document);
    this.schema = opts.schema;
    this.api = opts.api;
    this.readOnly = opts.readOnly ?? false;
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? defaultNewId;
    this.flashMs = opts.flashMs ?? 1200;
    this.onLayerSaved = opts.onLayerSaved;
    this.onConflict = opts.onConflict;
    this.status = opts.opened.mine.status;
    this.annotator = opts.opened.mine.annotator;
    this.baseUpdatedAt = opts.opened.mine.updatedAt;
    this.comments = opts.opened.mine.comments;
    this.editor = opts.editor ?? buildEditorDocument(withBlocks(opts.opened.document));
    this.afterPaint = opts.afterPaint ?? afterPaint;

    // Kept as columns: the layer's 10,000 span objects are left to the garbage collector.
    // Straight from the columns the spans came in over HTTP, when they did.
    const table = spanTableOf(opts.opened.mine);
    this.spans = (table && SpanColumns.fromTable(table, this.editor.positions.text)) ?? SpanColumns.from(opts.opened.mine.spans, this.editor.positions.text);

    // A long document: its first blocks now, the rest appended frame by frame.
    this.loader = new BlockLoader(this.editor, () => this.host, this.afterPaint, () => !this.disposed);
    // The editor's index keeps only ids, ranges and levels; what it draws, it asks for here,
    // drawn again from the stored spans (the 10,000 drawn forms are not kept besides them).
    const plugins = [
      readOnlyTextPlugin(),
      this.loader.plugin(),
      createAnnotationPlugin(() => this.drawAll(), { window: this.loader.initialWindow, resolve: (id) => this.renderedSpan(id) }),
    ];
    const state = EditorState.create({ doc: this.loader.initialDoc, plugins });
    this.host = new StateHost(state, (tr) => this.onTransaction(tr));
    this.loader.start();
    this.queue = new SaveQueue((changes) => this.api.applyChanges(this.document.id, changes, this.baseUpdatedAt), {
      onSaved: (result, pending) => this.onSaved(result, pending),
      onFailed: (error) => void this.showWhatIsOnDisk(error),
      // "Saving…" / "Saved" follow a frame after the edit they are about.
      onStatus: () => this.emit(true),
    }, { start: (run) => void setTimeout(run, 0) });
  }

  // ---- store (for React) ----

  /** Subscribe to snapshot changes; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current snapshot (the same object until something changes). */
  getSnapshot = (): SessionSnapshot => {
    if (!this.snapshot) {
      const queued = this.queue.status;
      this.snapshot = {
        spans: this.spans,
        selected: this.selectedId ? (this.spans.get(this.selectedId) ?? null) : null,
        textSelection: this.textSelection,
        canUndo: this.history.canUndo,
        canRedo: this.history.canRedo,
        save: this.localError && queued.state === 'saved' ? { state: 'error', message: this.localError } : queued,
        status: this.status,
        orphans: (this.orphansShown ??= new Set(this.orphans)),
        readOnly: this.readOnly,
        annotator: this.annotator,
        comments: this.comments,
      };
    }
    return this.snapshot;
  };

  // ---- the editor ----

  /** The editor state to mount a view with. */
  get state(): EditorState {
    return this.host.state;
  }

  /** Let a mounted view hold the state; the returned function hands it back on unmount. */
  attach(host: EditorHost): () => void {
    this.host = host;
    return () => {
      if (this.host === host) this.host = new StateHost(host.state, (tr) => this.onTransaction(tr));
    };
  }

  /** Every transaction of the view passes here after it was applied. */
  onTransaction(tr: Transaction): void {
    if (!tr.selectionSet) return;
    const selection = this.host.state.selection;
    const next = selection.empty ? null : this.quoteOf(selection.from, selection.to);
    const own = tr.getMeta(annotationKey) !== undefined;
    let changed = !sameRange(next, this.textSelection);
    this.textSelection = next;
    // Selecting text starts something new: the span that was selected steps back.
    if (!own && !selection.empty && this.selectedId) {
      this.selectedId = null;
      this.host.dispatch(withAnnotationMeta(this.host.state.tr, { select: null }));
      changed = true;
    }
    // The panels show the selection a frame later: selecting stays smooth.
    if (changed) this.emit(true);
  }

  // ---- commands ----

  /**
   * What a label key or palette button does: with text selected, make a span of it (whitespace
   * trimmed; nothing for a blank selection); else relabel the selected span.
   */
  applyLabel(label: string): boolean {
    if (this.readOnly || !findLabel(this.schema, label)) return false;
    this.host.syncSelection?.();
    const selection = this.host.state.selection;
    // A key in the text: the highlight is painted first, the panels follow (afterPaint).
    this.deferPanels = true;
    try {
      if (!selection.empty) {
        const range = this.quoteOf(selection.from, selection.to);
        return range ? this.createSpan(label, range.start, range.end) !== null : false;
      }
      if (this.selectedId) return this.relabel(this.selectedId, label);
      return false;
    } finally {
      this.deferPanels = false;
    }
  }

  /** Make a span of [start, end) and select it; returns its id. */
  createSpan(label: string, start: number, end: number): string | null {
    let id = this.newId();
    while (this.spans.has(id)) id = this.newId();
    const ok = this.commit([{ op: 'add', span: { id, label, start, end, attributes: {} } }], {
      select: id,
      collapseAt: end,
    });
    return ok ? id : null;
  }

  /** Give a span another label; attributes the new label does not allow are dropped. */
  relabel(spanId: string, label: string): boolean {
    const span = this.spans.get(spanId);
    if (!span || span.label === label) return false;
    const attributes = attributesAllowed(this.schema, label, span.attributes);
    return this.commit([{ op: 'update', spanId, patch: { label, attributes } }], { select: spanId });
  }

  /** Remove a span. */
  remove(spanId: string): boolean {
    if (!this.spans.has(spanId)) return false;
    return this.commit([{ op: 'remove', spanId }], {});
  }

  /** Remove the selected span, if any. */
  removeSelected(): boolean {
    this.host.syncSelection?.();
    if (!this.selectedId) return false;
    this.deferPanels = true;
    try {
      return this.remove(this.selectedId);
    } finally {
      this.deferPanels = false;
    }
  }

  /** Replace a span's attributes. Edits with the same coalesceKey undo as one step. */
  setAttributes(spanId: string, attributes: Record<string, AttributeValue>, coalesceKey?: string): boolean {
    const span = this.spans.get(spanId);
    if (!span || sameRecord(span.attributes, attributes)) return false;
    return this.commit([{ op: 'update', spanId, patch: { attributes } }], { coalesceKey });
  }

  /** Set a span's note ("" removes it). Edits with the same coalesceKey undo as one step. */
  setNote(spanId: string, note: string, coalesceKey?: string): boolean {
    const span = this.spans.get(spanId);
    if (!span || (span.note ?? '') === note) return false;
    return this.commit([{ op: 'update', spanId, patch: { note } }], { coalesceKey });
  }

  /**
   * Comment on a span of any layer of this document (or, target null, on the document). The
   * comment is stored in my layer; it is not an undoable step (resolve or remove it instead).
   */
  addComment(target: CommentTarget | null, text: string): string | null {
    const body = text.trim();
    if (!body) return null;
    const id = `c-${this.newId()}`;
    const comment: CommentInput = { id, target, text: body };
    return this.commit([{ op: 'comment-add', comment }], { record: false }) ? id : null;
  }

  /** Mark one of my comments resolved (or open again). */
  resolveComment(id: string, resolved: boolean): boolean {
    return this.commit([{ op: 'comment-update', id, resolved }], { record: false });
  }

  /** Remove one of my comments. */
  removeComment(id: string): boolean {
    return this.commit([{ op: 'comment-remove', id }], { record: false });
  }

  /**
   * Take over my layer as it is now on disk (someone else changed it): spans, status, comments.
   * The undo history goes, since it was made against what was there before.
   */
  replaceLayer(layer: Layer): void {
    if (this.disposed) return;
    this.history.clear();
    this.stored.clear();
    this.status = layer.status;
    this.baseUpdatedAt = layer.updatedAt;
    this.comments = layer.comments;
    this.resetTo(layer.spans);
  }

  /** Set my status of this document (not an undoable step). */
  setStatus(status: LayerStatus): boolean {
    if (status === this.status) return false;
    return this.commit([{ op: 'status', status }], { record: false });
  }

  /** Select a span (null: none). `reveal` scrolls it into view, `flash` makes it blink once. */
  select(spanId: string | null, opts: { reveal?: boolean; flash?: boolean } = {}): void {
    // Our transaction would otherwise put back a selection the browser has already moved.
    this.host.syncSelection?.();
    const id = spanId && this.spans.has(spanId) ? spanId : null;
    const drawnSpan = id ? this.renderedSpan(id) : undefined;
    if (drawnSpan) this.loader.upTo(drawnSpan.to);
    let tr = this.host.state.tr;
    const meta: AnnotationMeta = {};
    if (id !== this.selectedId) meta.select = drawnSpan ?? null;
    if (opts.flash && id) meta.flash = drawnSpan ?? null;
    // A text selection would turn the next label key into a new span rather than a relabel.
    if (id && !this.host.state.selection.empty) {
      tr = tr.setSelection(caretAt(tr.doc, drawnSpan ? drawnSpan.from : this.host.state.selection.from));
    }
    const changed = id !== this.selectedId;
    this.selectedId = id;
    this.host.dispatch(withAnnotationMeta(tr, meta));
    if (id && opts.reveal) this.host.reveal?.(id);
    if (id && opts.flash) this.scheduleFlashEnd(id);
    // A click in the text: the highlight first, the panels after.
    if (changed) this.emit(!opts.reveal);
  }

  /** A click in the text (Surface): selects the innermost span under the pointer. */
  onClickIds(ids: readonly string[]): void {
    this.selectInnermost(ids);
  }

  /** A click on highlighted text: select the innermost of the spans under the pointer. */
  selectInnermost(spanIds: readonly string[]): void {
    let best: Span | null = null;
    for (const id of spanIds) {
      const span = this.spans.get(id);
      if (span && (!best || span.end - span.start < best.end - best.start)) best = span;
    }
    this.select(best ? best.id : null);
  }

  /** Escape: no span selected, no text selected. */
  clearSelection(): void {
    this.host.syncSelection?.();
    const selection = this.host.state.selection;
    if (!selection.empty) {
      this.host.dispatch(this.host.state.tr.setSelection(caretAt(this.host.state.doc, selection.head)));
    }
    this.select(null);
  }

  undo(): boolean {
    const entry = this.history.takeUndo();
    if (!entry) return false;
    if (this.commit([...entry.inverse], { record: false, select: focusOf(entry.inverse) })) return true;
    this.history.restore(entry, 'undo');
    return false;
  }

  redo(): boolean {
    const entry = this.history.takeRedo();
    if (!entry) return false;
    if (this.commit([...entry.changes], { record: false, select: focusOf(entry.changes) })) return true;
    this.history.restore(entry, 'redo');
    return false;
  }

  /** Resolves when every edit so far has been written (or refused) and what it changed was shown. */
  async idle(): Promise<void> {
    await this.queue.idle();
    while (this.deferred > 0) await new Promise<void>((resolve) => this.deferredDone.push(resolve));
  }

  /** Where a span is drawn (undefined when it is not visible). */
  renderedSpan(spanId: string): RenderedSpan | undefined {
    // Drawn again from the stored span: the same values the editor holds (no second map of 10,000).
    const row = this.spans.rowOf(spanId);
    return row < 0 ? undefined : (this.draw(this.spans, row, spanId) ?? undefined);
  }

  dispose(): void {
    this.disposed = true;
    if (this.flashTimer) clearTimeout(this.flashTimer);
    this.listeners.clear();
  }

  // ---- internals ----

  /**
   * Apply a batch: locally at once (spans, drawing, selection), then queue it for the workspace
   * and record it for undo. Returns false (and changes nothing) if the batch is not valid.
   */
  private commit(
    changes: LayerChange[],
    how: { record?: boolean; coalesceKey?: string | undefined; select?: string | null; collapseAt?: number },
  ): boolean {
    if (this.readOnly || this.disposed) return false;
    this.host.syncSelection?.();
    const plan = planBatch(this.spans, changes, {
      text: this.editor.positions.text,
      schema: this.schema,
      status: this.status,
      now: this.now().toISOString(),
    });
    if (!plan.ok) {
      this.localError = plan.message;
      this.emit();
      return false;
    }
    this.localError = null;
    const { after, status, inverse } = plan.effect;
    const meta = this.replaceSpans(after);
    this.status = status;

    let select = how.select;
    if (select === undefined && this.selectedId && !this.spans.has(this.selectedId)) select = null;
    if (select !== undefined) {
      const id = select && this.spans.has(select) ? select : null;
      if (id !== this.selectedId) meta.select = id ? (this.renderedSpan(id) ?? null) : null;
      this.selectedId = id;
    }
    let tr = withAnnotationMeta(this.host.state.tr, meta);
    if (how.collapseAt !== undefined) {
      tr = tr.setSelection(caretAt(tr.doc, this.editor.positions.toPos(how.collapseAt, 'end')));
    }
    this.host.dispatch(tr);

    if (how.record !== false) this.history.record({ changes, inverse, coalesceKey: how.coalesceKey });
    this.queue.enqueue(changes);
    this.emit(this.deferPanels);
    return true;
  }

  /** Put new versions of spans in place (undefined = gone) and say what to redraw. */
  private replaceSpans(after: ReadonlyMap<string, Span | undefined>): AnnotationMeta {
    const remove: RenderedSpan[] = [];
    const add: RenderedSpan[] = [];
    for (const id of after.keys()) {
      const oldDrawn = this.renderedSpan(id);
      if (oldDrawn) remove.push(oldDrawn);
      if (this.orphans.delete(id)) this.orphansShown = null;
    }
    this.spans = this.spans.with(after);
    for (const [id, next] of after) {
      if (!next) continue;
      const drawn = this.render(this.spans.rowOf(id), id);
      if (drawn) add.push(drawn);
    }
    return { remove, add };
  }

  /** Every span that can be drawn, as drawn, noting the orphans: the editor's first drawing. */
  private drawAll(): RenderedSpan[] {
    const out: RenderedSpan[] = [];
    this.spans.forEachRow((row, id) => {
      const drawn = this.render(row, id);
      if (drawn) out.push(drawn);
    });
    return out;
  }

  /** Draw a span taken in (draw), noting it as an orphan if its quote no longer matches. */
  private render(row: number, id: string): RenderedSpan | null {
    const drawn = this.draw(this.spans, row, id);
    // Not drawn: outside the text (an orphan), or only between blocks (not one, if its quote fits).
    if (drawn ? drawn.orphan : this.spans.drawn(row).ownQuote) {
      this.orphans.add(id);
      this.orphansShown = null;
    }
    return drawn;
  }

  /** How a stored span is drawn: its pieces in editor positions, its colour, orphan or not. */
  private draw(spans: SpanColumns, row: number, id: string): RenderedSpan | null {
    const span = spans.drawn(row);
    // Its quote is kept only when it differs from the text (or the span lies outside it).
    const orphan = span.ownQuote;
    // A span outside the text cannot be placed: it stays listed (as an orphan), never moved.
    if (!fitsText(span, this.editor.positions.text)) return null;
    const ranges = span.fragments && span.fragments.length > 0 ? span.fragments : [span];
    const pieces: { from: number; to: number }[] = [];
    for (const r of ranges) {
      const piece = this.editor.positions.toRange(r.start, r.end);
      if (piece) pieces.push(piece);
    }
    if (pieces.length === 0) return null;
    return {
      id,
      label: span.label,
      from: pieces[0]!.from,
      to: pieces[pieces.length - 1]!.to,
      ...(pieces.length > 1 ? { pieces } : {}),
      colorClass: labelColorClass(this.schema, span.label),
      orphan,
    };
  }

  private quoteOf(from: number, to: number): QuotedRange | null {
    const range = this.editor.positions.fromRange(from, to);
    return trimRange(this.editor.positions.text, range.start, range.end);
  }

  private onSaved(result: ChangeResult, pending: number): void {
    this.baseUpdatedAt = result.updatedAt;
    // What a save changes on screen (comments, counts, quotes filled in) waits for the next
    // paint: an answer arriving while the next edit is being drawn must not hold that frame.
    if (result.comments !== this.comments) {
      this.comments = result.comments;
      this.emit(true);
    }
    for (const span of result.changed) this.stored.set(span.id, span);
    for (const id of result.removed) this.stored.set(id, undefined);
    const onLayerSaved = this.onLayerSaved;
    if (onLayerSaved) this.later(() => onLayerSaved(this.document.id, result));
    // Once everything is written, the workspace's spans are the truth: take over the values it
    // filled in (quotes, times) and, should the two ever disagree, show what is on disk.
    if (pending === 0 && !this.disposed) {
      this.status = result.status;
      const stored = this.stored;
      this.stored = new Map();
      this.reconcile(stored, result.spanCount);
    }
  }

  /** After a refused edit (and the ones behind it, dropped), show again what is saved on disk. */
  private async showWhatIsOnDisk(error: GlossError): Promise<void> {
    this.localError = null;
    this.emit();
    const reopened = await this.api.openDocument(this.document.id).catch(() => null);
    if (!reopened || !reopened.ok || this.disposed) return;
    this.replaceLayer(reopened.value.mine);
    if (error.code === 'conflict') this.onConflict?.(this.document.id, error);
  }

  /**
   * Take over what the workspace stored for the spans written since the last reconcile (`stored`,
   * undefined = removed; `spanCount` = how many the layer holds now). Only those spans are looked
   * at; should they (or the count) disagree with mine, the layer is read again from disk.
   */
  private reconcile(stored: ReadonlyMap<string, Span | undefined>, spanCount: number): void {
    let same = spanCount === this.spans.size;
    // What the workspace filled in (quote, times, origin) for spans otherwise as I have them.
    const filledIn = new Map<string, Span>();
    for (const [id, span] of stored) {
      if (!same) break;
      const mine = this.spans.get(id);
      if (span ? !mine || !sameContent(mine, span) : mine !== undefined) same = false;
      else if (span && mine && (mine.quote !== span.quote || !sameStamps(mine, span))) filledIn.set(id, span);
    }
    if (!same) {
      void this.reloadSpans();
      return;
    }
    if (filledIn.size === 0) return;
    this.spans = this.spans.with(filledIn);
    this.emit(true);
  }

  /** Make my spans what is on disk (keeping the history), after the two disagreed. */
  private async reloadSpans(): Promise<void> {
    const reopened = await this.api.openDocument(this.document.id).catch(() => null);
    // Edits made meanwhile are answered (and checked) on their own.
    if (!reopened || !reopened.ok || this.disposed || this.queue.status.state !== 'saved') return;
    this.resetTo(reopened.value.mine.spans);
  }

  /** Make my spans exactly `stored`, redrawing only those that differ. */
  private resetTo(stored: readonly Span[]): void {
    const after = new Map<string, Span | undefined>();
    const quiet = new Map<string, Span>();
    const incoming = new Set(stored.map((s) => s.id));
    this.spans.forEachRow((_, id) => {
      if (!incoming.has(id)) after.set(id, undefined);
    });
    for (const span of stored) {
      const mine = this.spans.get(span.id);
      if (!mine || !sameContent(mine, span) || mine.quote !== span.quote) after.set(span.id, span);
      else if (!sameStamps(mine, span)) quiet.set(span.id, span);
    }
    const meta = this.replaceSpans(after);
    // What is the same as far as the analyst is concerned is taken over without a redraw.
    if (quiet.size > 0) this.spans = this.spans.with(quiet);
    if (this.selectedId && !this.spans.has(this.selectedId)) {
      this.selectedId = null;
      meta.select = null;
    }
    this.host.dispatch(withAnnotationMeta(this.host.state.tr, meta));
    this.emit();
  }

  private scheduleFlashEnd(id: string): void {
    if (this.flashTimer) clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => {
      this.flashTimer = null;
      if (this.disposed || annotationState(this.host.state).flashing?.id !== id) return;
      this.host.dispatch(withAnnotationMeta(this.host.state.tr, { flash: null }));
    }, this.flashMs);
  }

  /**
   * Something the panels show changed. `later`: tell them after the next paint (a key or click in
   * the text, whose highlight must not wait for React); else at once (and so anything pending too).
   */
  private emit(later = false): void {
    this.snapshot = null;
    if (later) {
      if (this.notifyPending) return;
      this.notifyPending = true;
      this.later(() => {
        if (this.notifyPending) this.notify();
      });
      return;
    }
    this.notify();
  }

  private notify(): void {
    this.notifyPending = false;
    for (const listener of [...this.listeners]) listener();
  }

  /** Run `work` after the next paint (afterPaint), counted so that idle() can wait for it. */
  private later(work: () => void): void {
    this.deferred++;
    this.afterPaint(() => {
      try {
        if (!this.disposed) work();
      } finally {
        if (--this.deferred === 0) for (const resolve of this.deferredDone.splice(0)) resolve();
      }
    });
  }

  /** Whether the whole document is in the editor (a long one loads while shown). */
  get loaded(): boolean {
    return this.loader.loaded;
  }
}

function documentInfo(d: DocumentInfo): DocumentInfo {
  const { format, version, offsetUnit, id, title, text, meta, textSha256, importedAt } = d;
  return { format, version, offsetUnit, id, title, text, meta, textSha256, importedAt };
}

function withBlocks(d: GlossDocument | DocumentInfo): GlossDocument {
  if (!('blocks' in d)) throw new Error(`The document ${d.id} came without its blocks and no editor was given for it.`);
  return d;
}

/** A caret at (or, between blocks, next to) an editor position. */
function caretAt(doc: PMNode, pos: number): Selection {
  return Selection.near(doc.resolve(pos));
}

function defaultNewId(): string {
  return `s-${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** The span an undo or redo is about: the last one it adds or updates. */
function focusOf(changes: readonly LayerChange[]): string | null | undefined {
  for (let i = changes.length - 1; i >= 0; i--) {
    const change = changes[i]!;
    if (change.op === 'add') return change.span.id;
    if (change.op === 'update') return change.spanId;
    if (change.op === 'remove') return undefined;
  }
  return undefined;
}

function fitsText(span: { start: number; end: number }, text: CodePointIndex): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.end <= text.length && span.start < span.end;
}

function sameRange(a: QuotedRange | null, b: QuotedRange | null): boolean {
  return a === b || (!!a && !!b && a.start === b.start && a.end === b.end);
}

function sameRecord(a: Record<string, AttributeValue>, b: Record<string, AttributeValue>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

/** Same times and origin (what the workspace fills in besides the quote). */
function sameStamps(a: Span, b: Span): boolean {
  return a.createdAt === b.createdAt && a.updatedAt === b.updatedAt && a.origin === b.origin;
}

/** Same span as far as the analyst is concerned (what the workspace fills in aside). */
function sameContent(a: Span, b: Span): boolean {
  return (
    a.id === b.id &&
    a.label === b.label &&
    a.start === b.start &&
    a.end === b.end &&
    (a.note ?? '') === (b.note ?? '') &&
    sameRecord(a.attributes, b.attributes) &&
    JSON.stringify(a.fragments ?? null) === JSON.stringify(b.fragments ?? null)
  );
}

