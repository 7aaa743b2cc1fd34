// The workspace as the app sees it: workspace info, the document list, the open document (my
// session, a colleague's layer read-only, or the review of several layers), the agreement page,
// and what others change on disk (polled): lists and open layers are refreshed, and a change to
// my own open layer is reloaded with a notice, never overwritten. Plain TypeScript with a
// subscribe/snapshot interface for React (useSyncExternalStore).

import type { ChangeResult, DocumentSummary, GlossApi, GlossError, OpenedDocument, WorkspaceChange, WorkspaceInfo } from '../../../core/api';
import { CURATION_ANNOTATOR } from '../../../core/model';
import type { Layer, Problem } from '../../../core/model';
import type { ReviewLayer } from '../../../core/review';
import { buildEditorDocument } from '../editor/document';
import type { EditorDocument } from '../editor/document';
import { ReviewSession, reviewLayers } from '../session/review';
import { DocumentSession } from '../session/session';
import type { Surface } from '../session/surface';

/** What the document view shows. */
export type ViewMode = { kind: 'mine' } | { kind: 'layer'; annotator: string } | { kind: 'review'; annotators: string[] };

export interface OpenedView {
  /** My layer (the one I edit). */
  session: DocumentSession;
  /** Colleagues' layers and the curation layer, read-only, as last read. */
  others: readonly Layer[];
  problems: Problem[];
  mode: ViewMode;
  /** A colleague's layer shown read-only (mode "layer"). */
  layerSession: DocumentSession | null;
  /** The review (mode "review" with two or more annotators chosen). */
  review: ReviewSession | null;
  /** What the document view mounts. */
  surface: Surface;
}

export interface Notice {
  id: number;
  text: string;
}

export type Page = 'documents' | 'agreement';

export interface WorkbenchSnapshot {
  workspace: WorkspaceInfo | null;
  documents: readonly DocumentSummary[];
  /** The workspace could not be read at all. */
  loadError: string | null;
  opened: OpenedView | null;
  openError: string | null;
  /** A calm word the analyst should see (my layer reloaded after someone else changed it). */
  notice: Notice | null;
  page: Page;
  /** Counts the changes seen on disk: views that read the workspace themselves refresh on it. */
  revision: number;
  /** Why changes on disk are not being picked up, if they are not. */
  watchError: string | null;
}

export interface WorkbenchOptions {
  /** Called when a document was opened or its view changed (to remember it across reloads). */
  onOpened?(docId: string, mode: ViewMode): void;
  /** Extra session options (clock, ids) for tests. */
  sessionOptions?: { now?: () => Date; newId?: () => string };
}

export class Workbench {
  private state: WorkbenchSnapshot = {
    workspace: null,
    documents: [],
    loadError: null,
    opened: null,
    openError: null,
    notice: null,
    page: 'documents',
    revision: 0,
    watchError: null,
  };
  private readonly listeners = new Set<() => void>();
  private openRequest = 0;
  private editor: { docId: string; built: EditorDocument } | null = null;
  private cursor = 0;
  private noticeId = 0;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly api: GlossApi,
    private readonly options: WorkbenchOptions = {},
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): WorkbenchSnapshot => this.state;

  /** My open session, if any. */
  get session(): DocumentSession | null {
    return this.state.opened?.session ?? null;
  }

  /** The session the keys act on outside review: mine, or the colleague's layer being viewed. */
  get viewSession(): DocumentSession | null {
    const opened = this.state.opened;
    return opened ? (opened.layerSession ?? opened.session) : null;
  }

  get review(): ReviewSession | null {
    return this.state.opened?.review ?? null;
  }

  /** Read the workspace and its documents, then open `docToOpen` (else the first document). */
  async load(docToOpen: string | null, mode: ViewMode = { kind: 'mine' }): Promise<void> {
    const [info, docs] = await Promise.all([this.api.getWorkspace(), this.api.listDocuments()]);
    if (!info.ok || !docs.ok) {
      const error = !info.ok ? info.error : !docs.ok ? docs.error : null;
      this.set({ loadError: error?.message ?? 'unknown error' });
      return;
    }
    this.set({ loadError: null, workspace: info.value, documents: docs.value });
    const id = docToOpen && docs.value.some((d) => d.id === docToOpen) ? docToOpen : (docs.value[0]?.id ?? null);
    if (id) await this.open(id, docToOpen === id ? mode : { kind: 'mine' });
  }

  /** Open a document (in a view); edits of the one being left are written first. */
  async open(docId: string, mode: ViewMode = { kind: 'mine' }): Promise<void> {
    const workspace = this.state.workspace;
    if (!workspace) return;
    const request = ++this.openRequest;
    await this.session?.idle();
    await this.review?.idle();
    const result = await this.api.openDocument(docId);
    // A later click won: this answer is no longer wanted.
    if (request !== this.openRequest) return;
    if (!result.ok) {
      this.set({ openError: `Could not open the document: ${result.error.message}` });
      return;
    }
    const editor = this.editorFor(result.value);
    const session = new DocumentSession({
      api: this.api,
      opened: result.value,
      schema: workspace.schema,
      readOnly: workspace.readOnly,
      editor,
      onLayerSaved: (id, saved) => this.onLayerSaved(id, saved),
      onConflict: (id, error) => this.onConflict(id, error),
      ...this.options.sessionOptions,
    });
    this.disposeOpened();
    const base: OpenedView = {
      session,
      others: result.value.others,
      problems: result.value.problems,
      mode: { kind: 'mine' },
      layerSession: null,
      review: null,
      surface: session,
    };
    this.set({ openError: null, page: 'documents', opened: this.withMode(base, mode) });
    this.remember();
  }

  /** Show another layer of the open document: mine (editable) or a colleague's (read-only). */
  viewLayer(annotator: string): void {
    const me = this.state.workspace?.annotator;
    this.setMode(annotator === me ? { kind: 'mine' } : { kind: 'layer', annotator });
  }

  /** Review the open document: these annotators (default: every one with spans here). */
  startReview(annotators?: readonly string[]): void {
    this.setMode({ kind: 'review', annotators: [...(annotators ?? this.defaultReviewAnnotators())] });
  }

  /** Back to my own layer. */
  stopReview(): void {
    this.setMode({ kind: 'mine' });
  }

  /** Choose the annotators under review (in this order: keys 1..9 follow it). */
  setReviewAnnotators(annotators: readonly string[]): void {
    this.setMode({ kind: 'review', annotators: [...annotators] });
  }

  /** Every annotator whose layer of the open document can be reviewed: mine first (if I have one), the curation layer left out. */
  layerAnnotators(): string[] {
    return this.availableLayers().map((l) => l.annotator);
  }

  /** Who a review starts with: the annotators with spans here (all with a layer when fewer than two). */
  defaultReviewAnnotators(): string[] {
    const layers = this.availableLayers();
    const marked = layers.filter((l) => l.spans.length > 0).map((l) => l.annotator);
    return marked.length >= 2 ? marked : layers.map((l) => l.annotator);
  }

  /** Open a document straight into review (from the agreement page). */
  async openReview(docId: string, annotators: readonly string[]): Promise<void> {
    await this.open(docId, { kind: 'review', annotators: [...annotators] });
  }

  /** Show the documents or the agreement page. */
  showPage(page: Page): void {
    if (page !== this.state.page) this.set({ page });
  }

  dismissNotice(): void {
    if (this.state.notice) this.set({ notice: null });
  }

  /** Change who I am: pending edits are written under the old name, then everything is reread. */
  async changeAnnotator(name: string): Promise<string | null> {
    await this.session?.idle();
    const result = await this.api.setAnnotator(name);
    if (!result.ok) return result.error.message;
    await this.load(this.session?.document.id ?? null);
    return null;
  }

  /** Read everything again (menu: Reload workspace), keeping the open document and its view. */
  reload(): Promise<void> {
    const opened = this.state.opened;
    return this.load(opened?.session.document.id ?? null, opened?.mode ?? { kind: 'mine' });
  }

  /**
   * Ask the workspace every `intervalMs` what others changed on disk, and take it in. Returns
   * the function that stops watching.
   */
  watch(intervalMs = 1500): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = async () => {
      if (stopped) return;
      await this.pollOnce();
      if (!stopped && this.state.watchError === null) timer = setTimeout(() => void tick(), intervalMs);
    };
    timer = setTimeout(() => void tick(), 0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }

  /** One poll: what changed on disk since the last one, taken in (lists, open layers, review). */
  pollOnce(): Promise<void> {
    // One at a time: a slow reload must not overlap the next poll.
    this.polling ??= this.pollNow().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  dispose(): void {
    this.disposeOpened();
    this.listeners.clear();
  }

  // ---- internals ----

  private async pollNow(): Promise<void> {
    if (!this.state.workspace) return;
    const result = await this.api.pollChanges(this.cursor).catch(() => null);
    if (!result) return;
    if (!result.ok) {
      this.set({ watchError: `Changes made on disk by others are not picked up: ${result.error.message}` });
      return;
    }
    const { cursor, changes, resync } = result.value;
    this.cursor = cursor;
    if (resync) {
      await this.takeIn(null);
      return;
    }
    if (changes.length > 0) await this.takeIn(changes);
  }

  /** Take in changes made on disk (null: anything may have changed). */
  private async takeIn(changes: readonly WorkspaceChange[] | null): Promise<void> {
    const docs = await this.api.listDocuments();
    if (docs.ok) this.set({ documents: docs.value });
    const opened = this.state.opened;
    const me = this.state.workspace?.annotator;
    if (opened && me) {
      const docId = opened.session.document.id;
      const here = changes === null ? null : changes.filter((c) => c.document === docId && c.annotator !== undefined);
      const mineChanged = here === null || here.some((c) => c.annotator === me);
      const othersChanged = here === null || here.some((c) => c.annotator !== me);
      if (docs.ok && !docs.value.some((d) => d.id === docId)) {
        this.set({ openError: 'This document is no longer in the workspace.' });
      } else if (mineChanged || othersChanged) {
        await this.refreshOpened(mineChanged);
      }
    }
    this.set({ revision: this.state.revision + 1 });
  }

  /** Read the open document's layers again; `mine` says my own layer was changed by someone else. */
  private async refreshOpened(mine: boolean): Promise<void> {
    const before = this.state.opened;
    if (!before) return;
    // My edits in flight are written (or refused as a conflict) before the layer is reread.
    await before.session.idle();
    const result = await this.api.openDocument(before.session.document.id);
    const opened = this.state.opened;
    if (!result.ok || opened !== before) return;
    const fresh = result.value;
    if (mine && !sameLayer(fresh.mine, opened.session)) {
      opened.session.replaceLayer(fresh.mine);
      this.notify(`Your layer of “${fresh.document.title}” was changed on disk by someone else; it has been reloaded.`);
    }
    let next: OpenedView = { ...opened, others: fresh.others, problems: fresh.problems };
    if (opened.mode.kind === 'layer') {
      const name = opened.mode.annotator;
      const layer = fresh.others.find((l) => l.annotator === name);
      if (!layer) next = this.withMode(next, { kind: 'mine' }, true);
      else opened.layerSession?.replaceLayer(layer);
    }
    this.set({ opened: next });
    if (next.review) {
      const chosen = next.review.annotators;
      next.review.updateLayers(reviewLayers(chosen, this.availableLayers()), curationOf(fresh.others));
    }
  }

  private setMode(mode: ViewMode): void {
    const opened = this.state.opened;
    if (!opened) return;
    this.set({ opened: this.withMode(opened, mode, true), page: 'documents' });
    this.remember();
  }

  /** The view in `mode` (sessions for it made, the previous ones disposed when `replace`). */
  private withMode(opened: OpenedView, mode: ViewMode, replace = false): OpenedView {
    const workspace = this.state.workspace;
    if (replace) {
      opened.layerSession?.dispose();
      opened.review?.dispose();
    }
    const base: OpenedView = { ...opened, mode: { kind: 'mine' }, layerSession: null, review: null, surface: opened.session };
    if (!workspace) return base;
    const editor = opened.session.editor;
    if (mode.kind === 'layer') {
      const layer = opened.others.find((l) => l.annotator === mode.annotator);
      if (!layer) return base;
      const layerSession = new DocumentSession({
        api: this.api,
        opened: { document: opened.session.document, mine: layer, others: [], problems: [] },
        schema: workspace.schema,
        readOnly: true,
        editor,
      });
      return { ...base, mode, layerSession, surface: layerSession };
    }
    if (mode.kind === 'review') {
      const available = this.availableLayers(opened);
      const chosen = mode.annotators.filter((a) => available.some((l) => l.annotator === a));
      const reviewMode: ViewMode = { kind: 'review', annotators: chosen };
      if (chosen.length < 2) return { ...base, mode: reviewMode };
      const review = new ReviewSession({
        api: this.api,
        document: opened.session.document,
        editor,
        schema: workspace.schema,
        layers: reviewLayers(chosen, available),
        curation: curationOf(opened.others),
        onCurationSaved: (layer) => this.onCurationSaved(layer),
        onStale: () => void this.refreshOpened(false),
      });
      return { ...base, mode: reviewMode, review, surface: review };
    }
    return base;
  }

  /** Layers that can be reviewed: mine (as I have it now) and colleagues', not the curation layer. */
  private availableLayers(opened: OpenedView | null = this.state.opened): ReviewLayer[] {
    const me = this.state.workspace?.annotator;
    if (!opened || !me) return [];
    const mine = opened.session.getSnapshot();
    const layers: ReviewLayer[] = [];
    // Mine counts when it holds something (a file on disk may exist but say nothing).
    if (mine.spans.length > 0 || this.myLayerOnDisk(opened)) layers.push({ annotator: me, spans: mine.spans.toArray() });
    for (const l of [...opened.others].sort((a, b) => (a.annotator < b.annotator ? -1 : 1))) {
      if (l.annotator !== CURATION_ANNOTATOR && l.annotator !== me) layers.push(l);
    }
    return layers;
  }

  private myLayerOnDisk(opened: OpenedView): boolean {
    const me = this.state.workspace?.annotator;
    const summary = this.state.documents.find((d) => d.id === opened.session.document.id);
    return summary?.layers.some((l) => l.annotator === me) ?? false;
  }

  private editorFor(opened: OpenedDocument): EditorDocument {
    // The text never changes: build its editor document once per document.
    if (this.editor?.docId !== opened.document.id) this.editor = { docId: opened.document.id, built: buildEditorDocument(opened.document) };
    return this.editor.built;
  }

  private onCurationSaved(layer: Layer): void {
    const opened = this.state.opened;
    if (!opened || layer.document !== opened.session.document.id) return;
    const others = [...opened.others.filter((l) => l.annotator !== CURATION_ANNOTATOR), layer];
    this.set({
      opened: { ...opened, others },
      documents: this.state.documents.map((d) => (d.id === layer.document ? withLayer(d, layer) : d)),
    });
  }

  private onLayerSaved(docId: string, result: ChangeResult): void {
    this.set({
      documents: this.state.documents.map((d) =>
        d.id === docId ? { ...d, myStatus: result.status, mySpanCount: result.spanCount } : d,
      ),
    });
  }

  private onConflict(docId: string, error: GlossError): void {
    const title = this.state.documents.find((d) => d.id === docId)?.title ?? docId;
    this.notify(`Your last edit of “${title}” was not saved: your layer had been changed on disk by someone else (${error.message}). It has been reloaded; check it and redo the edit.`);
  }

  private notify(text: string): void {
    this.set({ notice: { id: ++this.noticeId, text } });
  }

  private remember(): void {
    const opened = this.state.opened;
    if (opened) this.options.onOpened?.(opened.session.document.id, opened.mode);
  }

  private disposeOpened(): void {
    const opened = this.state.opened;
    opened?.session.dispose();
    opened?.layerSession?.dispose();
    opened?.review?.dispose();
  }

  private set(patch: Partial<WorkbenchSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}

function curationOf(others: readonly Layer[]): Layer | null {
  return others.find((l) => l.annotator === CURATION_ANNOTATOR) ?? null;
}

/** Whether my session already shows exactly this layer (then reloading it changes nothing). */
function sameLayer(layer: Layer, session: DocumentSession): boolean {
  const snap = session.getSnapshot();
  if (snap.status !== layer.status || snap.spans.length !== layer.spans.length || snap.comments.length !== layer.comments.length) return false;
  return layer.spans.every((s) => {
    const mine = snap.spans.get(s.id);
    return !!mine && mine.label === s.label && mine.start === s.start && mine.end === s.end && mine.updatedAt === s.updatedAt;
  });
}

function withLayer(doc: DocumentSummary, layer: Layer): DocumentSummary {
  const summary = { annotator: layer.annotator, status: layer.status, spanCount: layer.spans.length };
  const has = doc.layers.some((l) => l.annotator === layer.annotator);
  return { ...doc, layers: has ? doc.layers.map((l) => (l.annotator === layer.annotator ? summary : l)) : [...doc.layers, summary] };
}
