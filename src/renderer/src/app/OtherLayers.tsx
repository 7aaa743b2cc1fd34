// Colleagues' layers of this document, listed read-only (reviewing them comes later).

import type { Layer } from '../../../core/model';
import { STATUS_TEXT } from './DocumentList';

export function OtherLayers({ others }: { others: readonly Layer[] }) {
  if (others.length === 0) return null;
  return (
    <section className="gl-panel gl-others" aria-label="Colleagues' layers">
      <h2 className="gl-section-title">Colleagues</h2>
      <ul>
        {others.map((layer) => (
          <li key={layer.annotator} className="gl-other">
            <span className="gl-other-name">{layer.annotator}</span>
            <span className="gl-other-meta">
              {STATUS_TEXT[layer.status]} · {layer.spans.length} spans
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
