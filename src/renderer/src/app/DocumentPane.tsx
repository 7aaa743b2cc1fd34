// The centre: the document's title, its layers (whose, status, counts; which one is shown) and
// the Review toggle, then the text in the ProseMirror view. React mounts the view once per
// surface (my layer, a colleague's, the review) and never renders inside it.

import { useEffect, useRef } from 'react';
import { createDocumentView, revealSpan, syncSelectionFromDOM } from '../editor/view';
import type { SessionSnapshot } from '../session/session';
import type { Surface } from '../session/surface';
import { LayerBar, ReviewBar } from './Layers';
import type { OpenedView, Workbench } from './workbench';

export interface DocumentPaneProps {
  bench: Workbench;
  me: string;
  opened: OpenedView | null;
  /** My session's snapshot. */
  snapshot: SessionSnapshot | null;
  error: string | null;
  loading: boolean;
}

export function DocumentPane({ bench, me, opened, snapshot, error, loading }: DocumentPaneProps) {
  const session = opened?.session ?? null;
  const mode = opened?.mode ?? { kind: 'mine' as const };
  return (
    <main className="gl-center">
      {error && (
        <div className="gl-banner gl-banner-error" role="alert">
          {error}
        </div>
      )}
      {opened && session && snapshot ? (
        <article className={`gl-page${mode.kind === 'review' ? ' gl-page-review' : ''}`} aria-labelledby="gl-doc-heading">
          <header className="gl-page-header">
            <h1 id="gl-doc-heading" className="gl-page-title">
              {session.document.title}
            </h1>
            <div className="gl-page-meta">
              <span>{session.document.meta.source}</span>
              <span aria-hidden="true">·</span>
              <span>{session.editor.positions.length.toLocaleString('en')} characters</span>
            </div>
            <LayerBar
              me={me}
              mine={snapshot}
              others={opened.others}
              mode={mode}
              onView={(name) => bench.viewLayer(name)}
              onToggleReview={() => (mode.kind === 'review' ? bench.stopReview() : bench.startReview())}
              onMyStatus={(status) => session.setStatus(status)}
            />
            {mode.kind === 'review' && (
              <ReviewBar candidates={bench.layerAnnotators()} chosen={mode.annotators} onChange={(chosen) => bench.setReviewAnnotators(chosen)} />
            )}
            {mode.kind === 'layer' && (
              <p className="gl-viewing" role="status">
                Showing <strong>{mode.annotator === 'curation' ? 'the curated layer' : `${mode.annotator}’s layer`}</strong>, read-only.{' '}
                <button type="button" className="gl-link-button" onClick={() => bench.viewLayer(me)}>
                  Back to mine
                </button>
              </p>
            )}
          </header>
          <DocumentView surface={opened.surface} />
        </article>
      ) : (
        !error && <p className="gl-empty gl-center-empty">{loading ? 'Opening the workspace…' : 'Choose a document.'}</p>
      )}
    </main>
  );
}

/** The host element of the ProseMirror view for one surface. */
function DocumentView({ surface }: { surface: Surface }) {
  const place = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = place.current;
    if (!element) return;
    const view = createDocumentView(element, surface.state, {
      onTransaction: (tr) => surface.onTransaction(tr),
      onClick: (ids) => surface.onClickIds(ids),
    });
    const detach = surface.attach({
      get state() {
        return view.state;
      },
      dispatch: (tr) => view.dispatch(tr),
      reveal: (id) => revealSpan(view, id),
      syncSelection: () => syncSelectionFromDOM(view),
    });
    return () => {
      detach();
      view.destroy();
    };
  }, [surface]);
  return <div className="gl-editor" data-testid="editor" ref={place} />;
}
