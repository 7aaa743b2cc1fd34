// The workspace's documents: title, my status and how many spans I have made in each, and how
// many other layers (colleagues', curated) each has.

import type { DocumentSummary } from '../../../core/api';
import { CURATION_ANNOTATOR } from '../../../core/model';
import type { LayerStatus } from '../../../core/model';

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

export function DocumentList({ documents, me = '', currentId, onOpen }: DocumentListProps) {
  return (
    <nav className="gl-doclist" aria-label="Documents">
      <h2 className="gl-section-title">
        Documents <span className="gl-count">{documents.length}</span>
      </h2>
      <ul data-testid="doc-list">
        {documents.map((doc) => (
          <li key={doc.id}>
            <button
              type="button"
              className="gl-doc-item"
              data-testid="doc-item"
              data-doc-id={doc.id}
              aria-current={doc.id === currentId ? 'page' : undefined}
              onClick={() => onOpen(doc.id)}
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
                    <span data-testid="doc-span-count">{doc.mySpanCount}</span> {doc.mySpanCount === 1 ? 'span' : 'spans'}
                  </span>
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {documents.length === 0 && <p className="gl-empty">No documents yet: use Import…, or drop files on the window.</p>}
    </nav>
  );
}

/** "+2 layers": the other layers of a document (colleagues' and the curated one), named in the tooltip. */
function OtherLayers({ doc, me }: { doc: DocumentSummary; me: string }) {
  const others = doc.layers.filter((l) => l.annotator !== me);
  if (others.length === 0) return null;
  const names = others.map((l) => `${l.annotator === CURATION_ANNOTATOR ? 'curated' : l.annotator}: ${l.spanCount} ${l.spanCount === 1 ? 'span' : 'spans'}`);
  return (
    <span className="gl-doc-layers" title={names.join('\n')} data-testid="doc-layers">
      +{others.length} {others.length === 1 ? 'layer' : 'layers'}
    </span>
  );
}
