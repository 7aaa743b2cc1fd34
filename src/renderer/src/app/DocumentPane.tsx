// The centre: the document's title and my status of it, then the text in the ProseMirror view.
// React mounts the view once per opened document and never renders inside it.

import { useEffect, useRef } from 'react';
import { LAYER_STATUSES } from '../../../core/model';
import type { LayerStatus } from '../../../core/model';
import { createDocumentView, revealSpan, syncSelectionFromDOM } from '../editor/view';
import type { DocumentSession, SessionSnapshot } from '../session/session';
import { STATUS_TEXT } from './DocumentList';

export interface DocumentPaneProps {
  session: DocumentSession | null;
  snapshot: SessionSnapshot | null;
  error: string | null;
  loading: boolean;
}

export function DocumentPane({ session, snapshot, error, loading }: DocumentPaneProps) {
  return (
    <main className="gl-center">
      {error && (
        <div className="gl-banner gl-banner-error" role="alert">
          {error}
        </div>
      )}
      {session && snapshot ? (
        <article className="gl-page" aria-labelledby="gl-doc-heading">
          <header className="gl-page-header">
            <h1 id="gl-doc-heading" className="gl-page-title">
              {session.document.title}
            </h1>
            <div className="gl-page-meta">
              <span>{session.document.meta.source}</span>
              <span aria-hidden="true">·</span>
              <span>{session.editor.positions.length.toLocaleString('en')} characters</span>
              <span aria-hidden="true">·</span>
              <label className="gl-status-select">
                <span className="gl-visually-hidden">My status</span>
                <select
                  className={`gl-select gl-status-${snapshot.status}`}
                  value={snapshot.status}
                  disabled={snapshot.readOnly}
                  onChange={(e) => session.setStatus(e.target.value as LayerStatus)}
                >
                  {LAYER_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_TEXT[s]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          </header>
          <DocumentView session={session} />
        </article>
      ) : (
        !error && <p className="gl-empty gl-center-empty">{loading ? 'Opening the workspace…' : 'Choose a document.'}</p>
      )}
    </main>
  );
}

/** The host element of the ProseMirror view for one session. */
function DocumentView({ session }: { session: DocumentSession }) {
  const place = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = place.current;
    if (!element) return;
    const view = createDocumentView(element, session.state, {
      onTransaction: (tr) => session.onTransaction(tr),
      onClick: (spanIds) => session.selectInnermost(spanIds),
    });
    const detach = session.attach({
      get state() {
        return view.state;
      },
      dispatch: (tr) => view.dispatch(tr),
      reveal: (spanId) => revealSpan(view, spanId),
      syncSelection: () => syncSelectionFromDOM(view),
    });
    return () => {
      detach();
      view.destroy();
    };
  }, [session]);
  return <div className="gl-editor" data-testid="editor" ref={place} />;
}
