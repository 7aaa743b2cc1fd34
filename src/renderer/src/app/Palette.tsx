// The label palette: each label with its key and colour. A click does what its key does.

import type { Schema } from '../../../core/model';
import { labelColorClass } from '../labels';
import type { DocumentSession, SessionSnapshot } from '../session/session';

export interface PaletteProps {
  schema: Schema;
  session: DocumentSession;
  snapshot: SessionSnapshot;
}

export function Palette({ schema, session, snapshot }: PaletteProps) {
  const hint = snapshot.readOnly
    ? 'Read-only: labels cannot be applied.'
    : snapshot.textSelection
      ? 'Press a label key to annotate the selection.'
      : snapshot.selected
        ? 'Press a label key to relabel the selected span.'
        : 'Select text, then press a label key.';
  return (
    <section className="gl-panel gl-palette" data-testid="palette" aria-label="Labels">
      <h2 className="gl-section-title">Labels</h2>
      <ul className="gl-palette-grid">
        {schema.labels.map((label) => {
          const current = snapshot.selected?.label === label.name && !snapshot.textSelection;
          return (
            <li key={label.name}>
              <button
                type="button"
                className={`gl-label-button ${labelColorClass(schema, label.name)}`}
                data-testid="label-button"
                data-label={label.name}
                aria-pressed={current}
                disabled={snapshot.readOnly}
                // Keep the focus (and the visible text selection) in the document.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => session.applyLabel(label.name)}
                title={label.key ? `${label.name} (key ${label.key})` : label.name}
              >
                <span className="gl-swatch" aria-hidden="true" />
                <span className="gl-label-name">{label.name}</span>
                {label.key && <kbd className="gl-key">{label.key}</kbd>}
              </button>
            </li>
          );
        })}
      </ul>
      <p className="gl-hint">{hint}</p>
    </section>
  );
}
