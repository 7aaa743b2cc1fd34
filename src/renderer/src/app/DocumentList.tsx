// The workspace's documents: title, my status and how many spans I have made in each, and how
// many other layers (colleagues', curated) each has. Long lists render only the rows in sight.

import { memo, useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import type { DocumentSummary } from '../../../core/api';
import { CURATION_ANNOTATOR } from '../../../core/model';
import type { LayerStatus } from '../../../core/model';
import { plural } from '../../../core/plural';
import { useWindowedRows } from './useWindowedRows';

export const STATUS_TEXT: Record<LayerStatus, string> = {
  todo: 'To do',
  'in-progress': 'In progress',
  done: 'Done',
};

export interface DocumentListProps {
  documents: readonly DocumentSummary[];
  /** Who I am (my layer is not counted among the others). */
  me?: string;
  currentId: string | null;
  onOpen(id: string): void;
}

/** Row pitch in px: .gl-doc-item's height plus its bottom margin in app.css. */
const ROW = 58;
/** A few hundred rows render quickly; above that, only the rows in sight. */
const WINDOW_FROM = 300;

export function DocumentList({ documents, me = '', currentId, onOpen }: DocumentListProps) {
  const currentIndex = useMemo(() => (currentId ? documents.findIndex((d) => d.id === currentId) : -1), [documents, currentId]);
  // Keep the open document's row in sight when it was opened elsewhere (the address, the agreement view).
  const { box, list, first, last, paddingTop, paddingBottom } = useWindowedRows<HTMLElement, HTMLUListElement>({
    count: documents.length,
    rowHeight: ROW,
    keepInSight: currentIndex,
    windowFrom: WINDOW_FROM,
  });
  // The rows stay the same when the parent re-renders with a new callback.
  const open = useRef(onOpen);
  useLayoutEffect(() => {
    open.current = onOpen;
  }, [onOpen]);
  const openDocument = useCallback((id: string) => open.current(id), []);

  const rows = [];
  for (let i = first; i < last; i++) {
    const doc = documents[i]!;
    rows.push(<DocumentRow key={doc.id} doc={doc} me={me} current={doc.id === currentId} onOpen={openDocument} />);
  }
  return (
    <nav className="gl-doclist" aria-label="Documents" ref={box}>
      <h2 className="gl-section-title">
        Documents <span className="gl-count">{documents.length.toLocaleString('en')}</span>
      </h2>
      <ul data-testid="doc-list" ref={list} style={{ paddingTop, paddingBottom }}>
        {rows}
      </ul>
      {documents.length === 0 && <p className="gl-empty">No documents yet: use Import…, or drop files on the window.</p>}
    </nav>
  );
}

interface DocumentRowProps {
  doc: DocumentSummary;
  me: string;
  current: boolean;
  onOpen(id: string): void;
}

const DocumentRow = memo(function DocumentRow({ doc, me, current, onOpen }: DocumentRowProps) {
  return (
    <li>
      <button
        type="button"
        className="gl-doc-item"
        data-testid="doc-item"
        data-doc-id={doc.id}
        aria-current={current ? 'page' : undefined}
        onClick={() => onOpen(doc.id)}
        title={doc.title}
      >
        <span className="gl-doc-title" data-testid="doc-title">
          {doc.title}
        </span>
        <span className="gl-doc-meta">
          <span className={`gl-status gl-status-${doc.myStatus}`} data-testid="doc-status" data-status={doc.myStatus}>
            {STATUS_TEXT[doc.myStatus]}
          </span>
          <span className="gl-doc-counts">
            <OtherLayers doc={doc} me={me} />
            <span className="gl-doc-spans" title="My spans">
              <span data-testid="doc-span-count">{doc.mySpanCount.toLocaleString('en')}</span> {doc.mySpanCount === 1 ? 'span' : 'spans'}
            </span>
          </span>
        </span>
      </button>
    </li>
  );
});

/** "+2 layers": the other layers of a document (colleagues' and the curated one), named in the tooltip. */
function OtherLayers({ doc, me }: { doc: DocumentSummary; me: string }) {
  const others = doc.layers.filter((l) => l.annotator !== me);
  if (others.length === 0) return null;
  const names = others.map((l) => `${l.annotator === CURATION_ANNOTATOR ? 'curated' : l.annotator}: ${plural(l.spanCount, 'span')}`);
  return (
    <span className="gl-doc-layers" title={names.join('\n')} data-testid="doc-layers">
      +{plural(others.length, 'layer')}
    </span>
  );
}
