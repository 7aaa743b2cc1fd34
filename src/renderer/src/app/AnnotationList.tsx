// My spans in this document, in text order, filtered by label. A click jumps to the span,
// selects it and makes it flash. Long lists render only the rows in sight.

import { memo, useMemo, useState } from 'react';
import type { Schema, Span } from '../../../core/model';
import { labelColorClass } from '../labels';
import type { DocumentSession, SessionSnapshot } from '../session/session';
import type { SpanList } from '../session/spanColumns';
import { useWindowedRows } from './useWindowedRows';

export interface AnnotationListProps {
  schema: Schema;
  session: DocumentSession;
  snapshot: SessionSnapshot;
}

/** Row height in px (must match .gl-ann-item in app.css). */
const ROW = 48;

export function AnnotationList({ schema, session, snapshot }: AnnotationListProps) {
  const [filter, setFilter] = useState('');
  const { spans, orphans } = snapshot;
  const selectedId = snapshot.selected?.id ?? null;

  // Counted and filtered on the columns: no span object is made for the 10,000 not shown.
  const counts = useMemo(() => spans.labelCounts(), [spans]);
  const shown = useMemo(() => (filter ? spans.withLabel(filter) : spans), [spans, filter]);

  return (
    <section className="gl-panel gl-annotations" data-testid="annotation-list" aria-label="Annotations">
      <div className="gl-annotations-head">
        <h2 className="gl-section-title">
          Annotations <span className="gl-count">{shown.length.toLocaleString('en')}</span>
        </h2>
        <select
          className="gl-select gl-select-small"
          data-testid="annotation-filter"
          aria-label="Filter by label"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        >
          <option value="">All labels</option>
          {schema.labels.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name} ({(counts.get(l.name) ?? 0).toLocaleString('en')})
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? (
        <p className="gl-empty">{spans.length === 0 ? 'No annotations yet.' : 'None with this label.'}</p>
      ) : (
        <Rows schema={schema} spans={shown} orphans={orphans} selectedId={selectedId} session={session} />
      )}
    </section>
  );
}

interface RowsProps {
  schema: Schema;
  spans: SpanList;
  orphans: ReadonlySet<string>;
  selectedId: string | null;
  session: DocumentSession;
}

function Rows({ schema, spans, orphans, selectedId, session }: RowsProps) {
  const selectedIndex = useMemo(() => (selectedId ? spans.indexOf(selectedId) : -1), [spans, selectedId]);
  // Keep the selected span's row in sight when it was selected elsewhere (in the text).
  const { box, first, last, paddingTop, paddingBottom } = useWindowedRows<HTMLDivElement>({ count: spans.length, rowHeight: ROW, keepInSight: selectedIndex });

  const rows = [];
  for (let i = first; i < last; i++) {
    const span = spans.at(i)!;
    rows.push(
      <Row
        key={span.id}
        span={span}
        colorClass={labelColorClass(schema, span.label)}
        orphan={orphans.has(span.id)}
        selected={span.id === selectedId}
        session={session}
      />,
    );
  }
  return (
    <div className="gl-ann-scroll" ref={box}>
      <ul className="gl-ann-items" style={{ paddingTop, paddingBottom }}>
        {rows}
      </ul>
    </div>
  );
}

interface RowProps {
  span: Span;
  colorClass: string;
  orphan: boolean;
  selected: boolean;
  session: DocumentSession;
}

const Row = memo(function Row({ span, colorClass, orphan, selected, session }: RowProps) {
  return (
    <li>
      <button
        type="button"
        className={`gl-ann-item ${colorClass}${orphan ? ' gl-ann-orphan' : ''}`}
        data-testid="annotation-item"
        data-span-id={span.id}
        aria-current={selected ? 'true' : undefined}
        onClick={() => session.select(span.id, { reveal: true, flash: true })}
      >
        <span className="gl-swatch" aria-hidden="true" />
        <span className="gl-ann-text">
          <span className="gl-ann-quote">{span.quote}</span>
          <span className="gl-ann-meta">
            {span.label}
            {orphan ? ' · orphan' : ''}
            {span.note ? ' · note' : ''}
          </span>
        </span>
      </button>
    </li>
  );
});
