// The document header's layers: whose layers exist, their status and span counts, which one the
// view shows (a click switches: mine to edit, a colleague's read-only), the Review toggle, and in
// review mode the annotators under review (their key numbers) and the legend of item kinds.

import { CURATION_ANNOTATOR, LAYER_STATUSES } from '../../../core/model';
import type { Layer, LayerStatus } from '../../../core/model';
import type { ReviewKind } from '../../../core/review';
import { KIND_TEXT } from '../session/review';
import type { SessionSnapshot } from '../session/session';
import { STATUS_TEXT } from './DocumentList';
import type { ViewMode } from './workbench';

export interface LayerBarProps {
  me: string;
  mine: SessionSnapshot;
  others: readonly Layer[];
  mode: ViewMode;
  onView(annotator: string): void;
  onToggleReview(): void;
  onMyStatus(status: LayerStatus): void;
}

/** A layer as a chip shows it. */
interface ChipData {
  annotator: string;
  status: LayerStatus;
  spans: number;
}

export function LayerBar({ me, mine, others, mode, onView, onToggleReview, onMyStatus }: LayerBarProps) {
  const colleagues = others.filter((l) => l.annotator !== CURATION_ANNOTATOR && l.annotator !== me);
  const curation = others.find((l) => l.annotator === CURATION_ANNOTATOR);
  const chips: ChipData[] = [
    { annotator: me, status: mine.status, spans: mine.spans.length },
    ...colleagues.map((l) => ({ annotator: l.annotator, status: l.status, spans: l.spans.length })),
    ...(curation ? [{ annotator: curation.annotator, status: curation.status, spans: curation.spans.length }] : []),
  ];
  const viewing = mode.kind === 'mine' ? me : mode.kind === 'layer' ? mode.annotator : null;
  const reviewing = mode.kind === 'review';
  const reviewable = colleagues.length + (mine.spans.length > 0 ? 1 : 0) >= 2;
  return (
    <div className="gl-layerbar">
      <div className="gl-layer-chips" role="group" aria-label="Layers of this document">
        {chips.map((chip) => {
          const isMe = chip.annotator === me;
          const name = chip.annotator === CURATION_ANNOTATOR ? 'Curated' : chip.annotator;
          return (
            <button
              key={chip.annotator}
              type="button"
              className={`gl-layer-chip${isMe ? ' gl-layer-mine' : ''}${chip.annotator === CURATION_ANNOTATOR ? ' gl-layer-curated' : ''}`}
              data-testid="layer-chip"
              data-annotator={chip.annotator}
              data-status={chip.status}
              aria-pressed={viewing === chip.annotator}
              title={isMe ? 'Your layer: annotate it' : `Show ${name}’s layer (read-only)`}
              onClick={() => onView(chip.annotator)}
            >
              <span className={`gl-layer-dot gl-dot-${chip.status}`} aria-hidden="true" />
              <span className="gl-layer-name">
                {name}
                {isMe && <span className="gl-layer-you"> (you)</span>}
              </span>
              <span className="gl-layer-meta">
                {STATUS_TEXT[chip.status]} · <span data-testid="layer-span-count">{chip.spans.toLocaleString('en')}</span>
              </span>
            </button>
          );
        })}
      </div>
      <div className="gl-layerbar-end">
        {!reviewing && viewing === me && (
          <label className="gl-status-select">
            <span className="gl-visually-hidden">My status</span>
            <select
              className={`gl-select gl-status-${mine.status}`}
              data-testid="my-status"
              value={mine.status}
              disabled={mine.readOnly}
              onChange={(e) => onMyStatus(e.target.value as LayerStatus)}
              title="Your status of this document"
            >
              {LAYER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s === 'done' ? 'Done ✓' : STATUS_TEXT[s]}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          className={`gl-button gl-button-bar gl-review-toggle${reviewing ? ' gl-button-on' : ''}`}
          data-testid="review-toggle"
          aria-pressed={reviewing}
          disabled={!reviewing && !reviewable}
          title={reviewable || reviewing ? 'Compare layers and adjudicate them into the curated layer' : 'Review needs a colleague’s layer of this document'}
          onClick={onToggleReview}
        >
          {reviewing ? 'Close review' : 'Review'}
        </button>
      </div>
    </div>
  );
}

export interface ReviewBarProps {
  /** Every annotator with a layer here (mine first), the curation layer left out. */
  candidates: readonly string[];
  /** Those chosen, in key order. */
  chosen: readonly string[];
  onChange(chosen: string[]): void;
}

/** The annotators under review: checkboxes, each chosen one with the key that accepts its version. */
export function ReviewBar({ candidates, chosen, onChange }: ReviewBarProps) {
  const toggle = (name: string, on: boolean) => {
    // Keys follow the order of the candidates, whatever order they were ticked in.
    const next = candidates.filter((c) => (c === name ? on : chosen.includes(c)));
    onChange(next);
  };
  return (
    <div className="gl-reviewbar">
      <fieldset className="gl-review-annotators">
        <legend className="gl-visually-hidden">Annotators under review</legend>
        <span className="gl-reviewbar-caption">Compare</span>
        {candidates.map((name) => {
          const position = chosen.indexOf(name);
          return (
            <label key={name} className={`gl-review-annotator${position >= 0 ? ' gl-on' : ''}`}>
              <input
                type="checkbox"
                data-testid="review-annotator"
                data-annotator={name}
                checked={position >= 0}
                onChange={(e) => toggle(name, e.target.checked)}
              />
              {position >= 0 && position < 9 && (
                <kbd className="gl-key" title={`Key ${position + 1} accepts ${name}’s version`}>
                  {position + 1}
                </kbd>
              )}
              <span>{name}</span>
            </label>
          );
        })}
      </fieldset>
      {chosen.length < 2 && <span className="gl-reviewbar-hint">Choose at least two annotators to compare.</span>}
      <ReviewLegend />
    </div>
  );
}

const KINDS: ReviewKind[] = ['agreed', 'label-conflict', 'boundary-mismatch', 'missing'];

/** What the review highlights mean. */
export function ReviewLegend() {
  return (
    <ul className="gl-review-legend" aria-label="Legend">
      {KINDS.map((kind) => (
        <li key={kind}>
          <span className={`gl-legend-swatch gl-k-${kind}`} aria-hidden="true" />
          {KIND_TEXT[kind]}
        </li>
      ))}
      <li>
        <span className="gl-legend-swatch gl-k-agreed gl-decided" aria-hidden="true" />
        Decided
      </li>
      <li>
        <span className="gl-legend-swatch gl-legend-added" aria-hidden="true" />
        Added by a reviewer
      </li>
    </ul>
  );
}
