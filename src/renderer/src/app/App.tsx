// The workstation: top bar, document list, the document, and the label palette, inspector,
// annotations list and comments beside it (in review mode: the review panel); the agreement page;
// Import… (picker or drop) and Export… dialogs over it. The Workbench holds the data; App lays
// it out, wires the keys and keeps watching the workspace for changes made by others.

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { FormatChoices, GlossApi, GlossShell } from '../../../core/api';
import { CURATION_ANNOTATOR } from '../../../core/model';
import type { CommentTarget, Problem } from '../../../core/model';
import { installLabelColors } from '../labels';
import { AgreementView } from './AgreementView';
import { AnnotationList } from './AnnotationList';
import { CommentsPanel, collectComments } from './Comments';
import { DocumentList } from './DocumentList';
import { DocumentPane } from './DocumentPane';
import { DropOverlay, useFileDrop } from './DropOverlay';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
import { Inspector } from './Inspector';
import { handleAppKey, handleReviewKey, isTypingTarget } from './keys';
import { Modal } from './Modal';
import { Palette } from './Palette';
import { ProblemsBanner } from './ProblemsBanner';
import { ReviewPanel } from './ReviewPanel';
import { TopBar } from './TopBar';
import { fileSaver } from './transfer';
import { useReviewSnapshot, useSessionSnapshot } from './useSession';
import { Workbench } from './workbench';
import { afterPaint } from '../session/afterPaint';
import { unsavedGuard } from './unsaved';
import { writesPending } from '../session/writes';
import { opensInSteps } from '../session/blockLoader';
import type { ViewMode } from './workbench';

export interface AppProps {
  api: GlossApi;
  shell: GlossShell | null;
}

/**
 * Whether what depends on `key` (the open document) may render: at once, or, for a new key when
 * `later`, after the next paint. Opening a long document paints its text and highlights in the
 * frame after the answer arrives; the panels beside it (palette, inspector, the list of 10,000
 * annotations, the current row of the document list) would hold that frame back by ~25 ms, so they
 * render one frame later (ADR 0013). A short document's panels come with it (no blank frame).
 */
function usePaintedFirst(key: object | null, later: boolean): boolean {
  const [painted, setPainted] = useState<object | null>(key);
  const shown = key === painted || !later;
  useEffect(() => {
    if (shown) return;
    let live = true;
    afterPaint(() => {
      if (live) setPainted(key);
    });
    return () => {
      live = false;
    };
  }, [key, shown]);
  return shown;
}

/** The open Import… or Export… dialog; `key` is new for each set of files (a fresh dialog). */
type Transfer = { kind: 'import'; files: File[]; key: number } | { kind: 'export'; key: number };

export function App({ api, shell }: AppProps) {
  const [bench] = useState(() => new Workbench(api, { onOpened: rememberDocument }));
  const { workspace, documents, loadError, opened, openError, notice, page, revision, watchError } = useSyncExternalStore(
    bench.subscribe,
    bench.getSnapshot,
  );
  const session = opened?.session ?? null;
  // A long document just opened shows its text first; the panels beside it follow a frame later.
  const panelsShown = usePaintedFirst(session, session !== null && opensInSteps(session.editor));
  const snapshot = useSessionSnapshot(session);
  const layerSession = opened?.layerSession ?? null;
  const layerSnapshot = useSessionSnapshot(layerSession);
  const review = opened?.review ?? null;
  const reviewSnapshot = useReviewSnapshot(review);
  const confirming = reviewSnapshot?.confirmingAll ?? null;
  const [dismissedFor, setDismissedFor] = useState<unknown>(null);
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [jobBusy, setJobBusy] = useState(false);
  const [formats, setFormats] = useState<FormatChoices | string | null>(null);
  // An export's files: Electron's save dialog through the shell, else a browser download.
  const saveFile = useMemo(() => fileSaver(shell), [shell]);
  const fileInput = useRef<HTMLInputElement>(null);
  const dialogOpen = useRef(false);
  const transferKey = useRef(0);

  useEffect(() => {
    dialogOpen.current = transfer !== null;
  }, [transfer]);

  // An edit not yet written holds the page: closing or reloading asks first (unsaved.ts).
  useEffect(() => {
    const guard = unsavedGuard(() => writesPending() > 0);
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, []);

  // Asked again once a workspace is open: in Electron the API answers nothing before that.
  const haveFormats = formats !== null && typeof formats !== 'string';
  useEffect(() => {
    if (!workspace || haveFormats) return;
    let live = true;
    void api.listFormats().then((result) => {
      if (live) setFormats(result.ok ? result.value : result.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, workspace, haveFormats]);

  const openImport = useCallback((files: File[]) => setTransfer({ kind: 'import', files, key: ++transferKey.current }), []);
  const closeTransfer = useCallback(() => {
    setTransfer(null);
    setJobBusy(false);
  }, []);

  const formatsRefusal = formats === null ? 'Loading the formats…' : typeof formats === 'string' ? formats : null;
  const importRefusal = !workspace
    ? 'No workspace is open'
    : workspace.readOnly
      ? 'This workspace is open read-only'
      : jobBusy
        ? 'An import or export is running'
        : formatsRefusal;
  const exportRefusal = !workspace ? 'No workspace is open' : jobBusy ? 'An import or export is running' : formatsRefusal;
  const hovering = useFileDrop(importRefusal === null, openImport);

  useEffect(() => {
    const remembered = rememberedView();
    void bench.load(remembered?.docId ?? null, remembered?.mode);
  }, [bench]);

  // Files others change on disk (a git pull, a colleague, gloss import) are taken in as they come.
  const haveWorkspace = workspace !== null;
  useEffect(() => {
    if (!haveWorkspace) return;
    return bench.watch();
  }, [bench, haveWorkspace]);

  useEffect(() => {
    if (!workspace) return;
    installLabelColors(workspace.schema);
    document.title = `${workspace.name} — Gloss`;
  }, [workspace]);

  // Keys: labels, Delete, Escape, undo/redo, wherever the focus is (except in text fields).
  useEffect(() => {
    if (!workspace) return;
    const onKeyDown = (event: KeyboardEvent) => {
      // Behind an open dialog, or on the agreement page, the document takes no keys.
      const now = bench.getSnapshot();
      if (dialogOpen.current || now.page !== 'documents' || !now.opened) return;
      if (now.opened.mode.kind === 'review') {
        if (now.opened.review) handleReviewKey(event, now.opened.review, workspace.schema);
        return;
      }
      const target = bench.viewSession;
      if (target) handleAppKey(event, target, workspace.schema);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [bench, workspace]);

  // The Electron menu's Undo/Redo/Reload. In a text field, Undo belongs to the field.
  useEffect(() => {
    if (!shell) return;
    return shell.onCommand((command) => {
      if (command === 'reload-workspace') {
        void bench.reload();
        return;
      }
      if (isTypingTarget(document.activeElement)) {
        document.execCommand(command);
        return;
      }
      const review = bench.review;
      if (review) {
        if (command === 'undo') review.undo();
        return;
      }
      if (command === 'undo') bench.session?.undo();
      else bench.session?.redo();
    });
  }, [bench, shell]);

  const problems = useMemo(() => mergeProblems(workspace?.problems ?? [], opened?.problems ?? []), [workspace, opened]);
  const me = workspace?.annotator ?? '';
  const others = opened?.others;
  const comments = useMemo(
    () => (snapshot && others ? collectComments({ annotator: me, spans: snapshot.spans, comments: snapshot.comments }, others) : []),
    [snapshot, others, me],
  );

  if (loadError) {
    return (
      <div className="gl-fatal" role="alert">
        <h1>Gloss could not open the workspace</h1>
        <p>{loadError}</p>
      </div>
    );
  }

  const schema = workspace?.schema ?? null;
  const choices = haveFormats ? formats : null;
  const mode: ViewMode = opened?.mode ?? { kind: 'mine' };
  const commentsDisabled = workspace?.readOnly ?? true;
  const comment = (target: CommentTarget, text: string): boolean => session?.addComment(target, text) != null;
  const jumpTo = (target: CommentTarget) => {
    if (review && reviewSnapshot && review.annotators.includes(target.annotator)) {
      const item = reviewSnapshot.items.find((i) => i.versions.some((v) => v.annotator === target.annotator && v.span.id === target.spanId));
      if (item) {
        review.setCurrent(item.key, { reveal: true });
        return;
      }
    }
    bench.viewLayer(target.annotator);
    // The view of that layer mounts on the next render; then the span can be shown.
    setTimeout(() => bench.viewSession?.select(target.spanId, { reveal: true, flash: true }), 0);
  };
  const viewed = layerSession && layerSnapshot ? { session: layerSession, snapshot: layerSnapshot } : session && snapshot ? { session, snapshot } : null;
  const colleagues = [...new Set(documents.flatMap((d) => d.layers.map((l) => l.annotator)))]
    .filter((name) => name !== me && name !== CURATION_ANNOTATOR)
    .sort();
  return (
    <>
      <div className="gl-app" inert={transfer !== null || confirming !== null}>
        <TopBar
          workspace={workspace}
          save={snapshot?.save ?? { state: 'saved' }}
          onChangeAnnotator={(name) => bench.changeAnnotator(name)}
          onImport={() => fileInput.current?.click()}
          onExport={() => setTransfer({ kind: 'export', key: ++transferKey.current })}
          importRefusal={importRefusal}
          exportRefusal={exportRefusal}
          agreementOpen={page === 'agreement'}
          onAgreement={() => bench.showPage(page === 'agreement' ? 'documents' : 'agreement')}
        />
        {workspace?.readOnly && (
          <div className="gl-banner gl-banner-readonly" role="status">
            This workspace opened read-only: nothing can be changed until the problems below are fixed.
          </div>
        )}
        {notice && (
          <div className="gl-banner gl-notice" data-testid="notice" role="status" key={notice.id}>
            <span>{notice.text}</span>
            <button type="button" className="gl-button gl-button-quiet" onClick={() => bench.dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
        {watchError && (
          <div className="gl-banner gl-banner-readonly" role="status">
            {watchError}
          </div>
        )}
        {dismissedFor !== problems && problems.length > 0 && (
          <ProblemsBanner problems={problems} onDismiss={() => setDismissedFor(problems)} />
        )}
        {page === 'agreement' && workspace ? (
          <AgreementView
            api={api}
            workspaceName={workspace.name}
            revision={revision}
            onOpenReview={(docId, annotators) => void bench.openReview(docId, annotators)}
            onClose={() => bench.showPage('documents')}
          />
        ) : (
          <div className={`gl-main${mode.kind === 'review' ? ' gl-main-review' : ''}`}>
            <DocumentList
              documents={documents}
              me={me}
              currentId={panelsShown ? (session?.document.id ?? null) : null}
              onOpen={(id) => void bench.open(id)}
            />
            <DocumentPane bench={bench} me={me} opened={opened} snapshot={snapshot} error={openError} loading={!workspace} />
            <aside className={`gl-side${mode.kind === 'review' ? ' gl-side-review' : ''}`} aria-label="Annotation tools">
              {schema && session && snapshot && panelsShown && (
                <>
                  {mode.kind === 'review' ? (
                    review && reviewSnapshot ? (
                      <ReviewPanel schema={schema} review={review} snapshot={reviewSnapshot} onComment={comment} commentsDisabled={commentsDisabled} />
                    ) : (
                      <section className="gl-panel">
                        <h2 className="gl-section-title">Review</h2>
                        <p className="gl-empty">Choose at least two annotators above the text.</p>
                      </section>
                    )
                  ) : (
                    viewed && (
                      <>
                        {mode.kind === 'mine' && <Palette schema={schema} session={session} snapshot={snapshot} />}
                        <Inspector
                          schema={schema}
                          session={viewed.session}
                          snapshot={viewed.snapshot}
                          onComment={(span, text) => comment({ annotator: viewed.snapshot.annotator, spanId: span.id }, text)}
                          commentsDisabled={commentsDisabled}
                        />
                        <AnnotationList key={viewed.snapshot.annotator} schema={schema} session={viewed.session} snapshot={viewed.snapshot} />
                      </>
                    )
                  )}
                  <CommentsPanel
                    me={me}
                    comments={comments}
                    onResolve={(id, resolved) => session.resolveComment(id, resolved)}
                    onRemove={(id) => session.removeComment(id)}
                    onJump={jumpTo}
                  />
                </>
              )}
            </aside>
          </div>
        )}
      </div>
      {review && confirming !== null && (
        <Modal
          title="Accept all agreed items?"
          testId="accept-all-dialog"
          onClose={() => review.cancelAcceptAll()}
          initialFocus="[data-testid=accept-all-confirm]"
          footer={
            <>
              <button type="button" className="gl-button" onClick={() => review.cancelAcceptAll()}>
                Cancel
              </button>
              <button type="button" className="gl-button gl-button-primary" data-testid="accept-all-confirm" onClick={() => review.confirmAcceptAll()}>
                Accept {confirming}
              </button>
            </>
          }
        >
          <p className="gl-modal-text">
            {confirming === 1 ? 'The one item' : `The ${confirming} items`} on which {review.annotators.join(', ')} all agree will be copied into the
            curated layer, each as a decision in your name. Items whose attributes differ are left to you. <kbd className="gl-key">u</kbd> takes
            the whole step back.
          </p>
        </Modal>
      )}
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="import-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Cleared, so that picking the same file again is a change too.
          event.target.value = '';
          if (files.length > 0) openImport(files);
        }}
      />
      {hovering && <DropOverlay refusal={importRefusal} />}
      {transfer?.kind === 'import' && choices && (
        <ImportDialog
          key={transfer.key}
          api={api}
          files={transfer.files}
          me={me}
          formats={choices.import}
          onChooseFiles={() => fileInput.current?.click()}
          onImported={() => void bench.reload()}
          onBusyChange={setJobBusy}
          onClose={closeTransfer}
        />
      )}
      {transfer?.kind === 'export' && choices && (
        <ExportDialog
          key={transfer.key}
          api={api}
          me={me}
          colleagues={colleagues}
          formats={choices.export}
          onBusyChange={setJobBusy}
          onClose={closeTransfer}
          save={saveFile}
        />
      )}
    </>
  );
}

/** Workspace problems and the open document's, each once. */
function mergeProblems(a: readonly Problem[], b: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of [...a, ...b]) {
    const key = `${p.kind}\u0000${p.file}\u0000${p.spanId ?? ''}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** The document open before a reload and its view, kept in the address's fragment: `#doc=ID[&review=a,b|&layer=a]`. */
export function rememberedView(hash: string = window.location.hash): { docId: string; mode: ViewMode } | null {
  if (!hash.startsWith('#')) return null;
  const params = new URLSearchParams(hash.slice(1));
  const docId = params.get('doc');
  if (!docId) return null;
  const review = params.get('review');
  const layer = params.get('layer');
  const mode: ViewMode =
    review !== null ? { kind: 'review', annotators: review.split(',').filter(Boolean) } : layer ? { kind: 'layer', annotator: layer } : { kind: 'mine' };
  return { docId, mode };
}

/** The fragment that brings back a document and its view. */
export function viewHash(docId: string, mode: ViewMode): string {
  const params = new URLSearchParams({ doc: docId });
  if (mode.kind === 'review') params.set('review', mode.annotators.join(','));
  if (mode.kind === 'layer') params.set('layer', mode.annotator);
  return `#${params.toString()}`;
}

function rememberDocument(docId: string, mode: ViewMode): void {
  // After the paint: the browser's history call (~1-5 ms) would hold back the frame showing the document.
  afterPaint(() => {
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}${viewHash(docId, mode)}`);
  });
}
