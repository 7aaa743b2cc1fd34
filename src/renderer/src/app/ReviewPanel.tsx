// The review side panel: how much is left, the current item (who chose what, with the key that
// accepts each version, reject / edit / comment), the edit form for the curated copy, the keys,
// labels for adding a span, and the list of items (decided ones with who and when; long lists
// render only the rows in sight).

import { memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { CuratedSpanInput } from '../../../core/api';
import { CURATION_ANNOTATOR, LAYER_STATUSES } from '../../../core/model';
import type { AttributeValue, CurationDecision, LabelDef, LayerStatus, Schema } from '../../../core/model';
import { plural } from '../../../core/plural';
import type { ReviewItem } from '../../../core/review';
import { findLabel } from '../../../core/schema';
import { labelColorClass } from '../labels';
import { KIND_TEXT, decisionText, quoteOf } from '../session/review';
import type { EditDraft, ReviewFilter, ReviewSession, ReviewSnapshot } from '../session/review';
import { CommentComposer, shortTime } from './Comments';
import { STATUS_TEXT } from './DocumentList';
import { useWindowedRows } from './useWindowedRows';

export interface ReviewPanelProps {
  schema: Schema;
  review: ReviewSession;
  snapshot: ReviewSnapshot;
  /** Comment on a version (stored in my layer, addressed to its annotator). */
  onComment(target: { annotator: string; spanId: string }, text: string): boolean;
  commentsDisabled: boolean;
}

export function ReviewPanel({ schema, review, snapshot, onComment, commentsDisabled }: ReviewPanelProps) {
  const { current, total, remaining } = snapshot;
  const decided = total - remaining;
  const status = snapshot.curation?.status ?? 'todo';
  return (
    <section className="gl-panel gl-review-panel" data-testid="review-panel" aria-label="Review">
      <div className="gl-review-head">
        <h2 className="gl-section-title">Review</h2>
        <label className="gl-status-select" title="Status of the curated layer of this document">
          <span className="gl-visually-hidden">Adjudication status</span>
          <select
            className={`gl-select gl-status-${status}`}
            data-testid="curation-status"
            value={status}
            onChange={(e) => review.setStatus(e.target.value as LayerStatus)}
          >
            {LAYER_STATUSES.map((s) => (
              <option key={s} value={s}>
                Curation: {STATUS_TEXT[s].toLowerCase()}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="gl-review-progress">
        <span>
          <strong data-testid="review-remaining">{remaining.toLocaleString('en')}</strong> left of {total.toLocaleString('en')}
        </span>
        {snapshot.busy && <span className="gl-review-busy">Saving…</span>}
      </div>
      <progress className="gl-progress" max={Math.max(total, 1)} value={decided} aria-label="Items decided" />
      {(snapshot.error || snapshot.message) && (
        <p className={snapshot.error ? 'gl-review-error' : 'gl-review-message'} role={snapshot.error ? 'alert' : 'status'} data-testid="review-message">
          {snapshot.error ?? snapshot.message}
        </p>
      )}
      {current ? (
        <CurrentItem
          schema={schema}
          review={review}
          snapshot={snapshot}
          item={current}
          onComment={onComment}
          commentsDisabled={commentsDisabled}
        />
      ) : (
        <p className="gl-empty">{total === 0 ? 'Nobody marked anything in this document yet.' : 'Choose an item in the list or the text.'}</p>
      )}
      <KeyHelp count={snapshot.annotators.length} />
      <AddSpanLabels schema={schema} review={review} hasSelection={snapshot.textSelection !== null} />
      <ItemList review={review} snapshot={snapshot} />
    </section>
  );
}

interface CurrentItemProps extends Omit<ReviewPanelProps, 'snapshot'> {
  snapshot: ReviewSnapshot;
  item: ReviewItem;
}

function CurrentItem({ schema, review, snapshot, item, onComment, commentsDisabled }: CurrentItemProps) {
  const decisions = snapshot.decisions.get(item.key) ?? [];
  const rejected = decisions.some((d) => d.action === 'reject');
  const accepted = decisions.filter((d) => d.action !== 'reject');
  return (
    <div className={`gl-review-card gl-k-${item.kind}`} data-testid="review-current" data-item-key={item.key}>
      <div className="gl-review-card-head">
        <span className={`gl-kind-badge gl-k-${item.kind}`}>{KIND_TEXT[item.kind]}</span>
        <span className="gl-offsets">
          {item.start}–{item.end}
        </span>
      </div>
      <blockquote className="gl-review-quote">{quoteOf(review.editor, item).slice(1, -1)}</blockquote>
      <ul className="gl-versions">
        {item.versions.map((v, i) => {
          const position = snapshot.annotators.indexOf(v.annotator) + 1;
          const firstOfAnnotator = item.versions.findIndex((w) => w.annotator === v.annotator) === i;
          const taken = decisions.some((d) => d.chosen?.annotator === v.annotator && d.chosen.spanId === v.span.id);
          const versionKey = `${v.annotator}/${v.span.id}`;
          return (
            <li key={versionKey} className={`gl-version ${labelColorClass(schema, v.span.label)}${taken ? ' gl-version-taken' : ''}`}>
              <div className="gl-version-row">
                {firstOfAnnotator && position > 0 && position <= 9 ? (
                  <kbd className="gl-key" title={`Key ${position} accepts this version`}>
                    {position}
                  </kbd>
                ) : (
                  <span className="gl-key gl-key-blank" aria-hidden="true" />
                )}
                <span className="gl-version-who">{v.annotator}</span>
                <span className="gl-swatch" aria-hidden="true" />
                <span className="gl-version-label">{v.span.label}</span>
                {taken && <span className="gl-version-check" title="In the curated layer">✓</span>}
              </div>
              <div className="gl-version-quote">
                “{v.span.quote}” <span className="gl-offsets">{v.span.start}–{v.span.end}</span>
              </div>
              {Object.keys(v.span.attributes).length > 0 && (
                <div className="gl-version-attrs">
                  {Object.entries(v.span.attributes)
                    .map(([k, val]) => `${k}: ${String(val)}`)
                    .join(' · ')}
                </div>
              )}
              <div className="gl-version-actions">
                <button
                  type="button"
                  className="gl-button gl-button-quiet"
                  data-testid="review-accept"
                  data-annotator={v.annotator}
                  onClick={() => review.acceptVersion(item.key, v.annotator, v.span.id)}
                  disabled={taken && decisions.length === 1}
                >
                  Accept
                </button>
                {accepted.length > 0 && !taken && (
                  <button type="button" className="gl-button gl-button-quiet" title="Keep the accepted span and take this one too" onClick={() => review.acceptVersion(item.key, v.annotator, v.span.id, true)}>
                    Also accept
                  </button>
                )}
                <button type="button" className="gl-button gl-button-quiet" onClick={() => review.startEdit({ annotator: v.annotator, spanId: v.span.id })}>
                  Edit…
                </button>
                <CommentComposer
                  addressee={v.annotator}
                  disabled={commentsDisabled}
                  onSubmit={(text) => onComment({ annotator: v.annotator, spanId: v.span.id }, text)}
                />
              </div>
            </li>
          );
        })}
        {item.missing.length > 0 && <li className="gl-version gl-version-missing">No span: {item.missing.join(', ')}</li>}
      </ul>
      {item.attributesDiffer && <p className="gl-warning">Same label and range, different attributes: choose, or edit.</p>}
      {decisions.length > 0 && (
        <ul className="gl-decisions">
          {decisions.map((d) => (
            <DecisionLine key={d.id} decision={d} stale={snapshot.stale.has(item.key)} />
          ))}
        </ul>
      )}
      {snapshot.editing?.itemKey === item.key ? (
        <EditForm key={`${snapshot.editing.from.annotator}/${snapshot.editing.from.spanId}`} schema={schema} review={review} draft={snapshot.editing} selection={snapshot.textSelection} />
      ) : (
        <div className="gl-review-actions">
          <button type="button" className="gl-button" data-testid="review-reject" onClick={() => review.reject()} disabled={rejected}>
            Reject <kbd className="gl-key">r</kbd>
          </button>
          <button type="button" className="gl-button" data-testid="review-edit" onClick={() => review.startEdit()}>
            Edit <kbd className="gl-key">e</kbd>
          </button>
          <button type="button" className="gl-button" data-testid="review-undo" onClick={() => review.undo()} disabled={!snapshot.canUndo}>
            Undo <kbd className="gl-key">u</kbd>
          </button>
        </div>
      )}
    </div>
  );
}

function DecisionLine({ decision, stale }: { decision: CurationDecision; stale: boolean }) {
  const icon = decision.action === 'reject' ? '✕' : '✓';
  return (
    <li className={`gl-decision gl-decision-${decision.action}`}>
      <span aria-hidden="true">{icon}</span> {capitalise(decisionText(decision))}
      <span className="gl-decision-who">
        {' '}
        · {decision.by}, <time dateTime={decision.at}>{shortTime(decision.at)}</time>
      </span>
      {stale && <span className="gl-decision-stale"> · the versions changed since</span>}
    </li>
  );
}

/** The curated copy of a version: label, range, attributes and note, saved as an `edit` decision. */
function EditForm({ schema, review, draft, selection }: { schema: Schema; review: ReviewSession; draft: EditDraft; selection: ReviewSnapshot['textSelection'] }) {
  const [label, setLabel] = useState(draft.initial.label);
  const [start, setStart] = useState(String(draft.initial.start));
  const [end, setEnd] = useState(String(draft.initial.end));
  const [attributes, setAttributes] = useState<Record<string, AttributeValue>>({ ...(draft.initial.attributes ?? {}) });
  const [note, setNote] = useState(draft.initial.note ?? '');
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const def = findLabel(schema, label);
  const s = Number(start);
  const e = Number(end);
  const text = review.editor.positions.text;
  const rangeOk = Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e <= text.length && s < e;

  useEffect(() => {
    form.current?.querySelector<HTMLSelectElement>('select')?.focus();
  }, []);

  const save = () => {
    if (!rangeOk || !def) return;
    const kept: Record<string, AttributeValue> = {};
    for (const a of def.attributes) if (attributes[a.name] !== undefined) kept[a.name] = attributes[a.name]!;
    const span: CuratedSpanInput = { label, start: s, end: e, attributes: kept };
    if (note.trim()) span.note = note;
    review.saveEdit(span);
  };

  return (
    <form
      ref={form}
      className="gl-edit-form gl-fields"
      data-testid="review-edit-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        save();
      }}
      onKeyDown={(ev) => {
        if (ev.key === 'Escape') {
          ev.preventDefault();
          ev.stopPropagation();
          review.cancelEdit();
        }
      }}
    >
      <p className="gl-edit-title">
        Curated copy of {draft.from.annotator === CURATION_ANNOTATOR ? 'the curated span' : `${draft.from.annotator}’s version`}
      </p>
      <div className="gl-field">
        <label className="gl-field-label" htmlFor={`${id}-label`}>
          Label
        </label>
        <select id={`${id}-label`} className="gl-select" data-testid="review-edit-label" value={label} onChange={(ev) => setLabel(ev.target.value)}>
          {schema.labels.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
      </div>
      <div className="gl-field">
        <span className="gl-field-label">Range (code points)</span>
        <div className="gl-range-row">
          <input className="gl-input" type="number" aria-label="Start" data-testid="review-edit-start" value={start} onChange={(ev) => setStart(ev.target.value)} />
          <span aria-hidden="true">–</span>
          <input className="gl-input" type="number" aria-label="End" data-testid="review-edit-end" value={end} onChange={(ev) => setEnd(ev.target.value)} />
          <button
            type="button"
            className="gl-button gl-button-quiet"
            disabled={!selection}
            title="Select text in the document first"
            onClick={() => {
              if (!selection) return;
              setStart(String(selection.start));
              setEnd(String(selection.end));
            }}
          >
            Use selection
          </button>
        </div>
        <blockquote className="gl-quote-box">{rangeOk ? text.slice(s, e) : <em>not a range of the text</em>}</blockquote>
      </div>
      {def?.attributes.map((a) => (
        <AttributeInput key={a.name} def={def} name={a.name} value={attributes[a.name]} onChange={(v) => setAttributes((prev) => withValue(prev, a.name, v))} />
      ))}
      <div className="gl-field">
        <label className="gl-field-label" htmlFor={`${id}-note`}>
          Note
        </label>
        <textarea id={`${id}-note`} className="gl-input" rows={2} value={note} onChange={(ev) => setNote(ev.target.value)} />
      </div>
      <div className="gl-review-actions">
        <button type="button" className="gl-button" onClick={() => review.cancelEdit()}>
          Cancel
        </button>
        <button type="submit" className="gl-button gl-button-primary" data-testid="review-edit-save" disabled={!rangeOk || !def}>
          Save to curated
        </button>
      </div>
    </form>
  );
}

function AttributeInput({ def, name, value, onChange }: { def: LabelDef; name: string; value: AttributeValue | undefined; onChange(v: AttributeValue | undefined): void }) {
  const attr = def.attributes.find((a) => a.name === name)!;
  const id = useId();
  const caption = (
    <label className="gl-field-label" htmlFor={id} title={attr.description}>
      {attr.name}
    </label>
  );
  if (attr.type === 'enum') {
    return (
      <div className="gl-field">
        {caption}
        <select id={id} className="gl-select" data-testid={`review-attr-${name}`} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">—</option>
          {(attr.values ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (attr.type === 'boolean') {
    return (
      <div className="gl-field gl-field-inline">
        <input id={id} type="checkbox" data-testid={`review-attr-${name}`} checked={value === true} onChange={(e) => onChange(e.target.checked ? true : undefined)} />
        {caption}
      </div>
    );
  }
  const numeric = attr.type === 'number';
  return (
    <div className="gl-field">
      {caption}
      <input
        id={id}
        className="gl-input"
        data-testid={`review-attr-${name}`}
        type={numeric ? 'number' : 'text'}
        step={numeric ? 'any' : undefined}
        placeholder={attr.description}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => {
          const raw = e.target.value;
          if (raw.trim() === '') return onChange(undefined);
          if (!numeric) return onChange(raw);
          const n = Number(raw);
          if (Number.isFinite(n)) onChange(n);
        }}
      />
    </div>
  );
}

/** The keys of review mode, always in sight. */
function KeyHelp({ count }: { count: number }) {
  const last = Math.min(count, 9);
  return (
    <p className="gl-keyhelp" data-testid="review-keys">
      <span>
        <kbd className="gl-key">n</kbd> <kbd className="gl-key">p</kbd> next, previous
      </span>
      <span>
        <kbd className="gl-key">1</kbd>
        {last > 1 && (
          <>
            –<kbd className="gl-key">{last}</kbd>
          </>
        )}{' '}
        accept that annotator’s
      </span>
      <span>
        <kbd className="gl-key">r</kbd> reject
      </span>
      <span>
        <kbd className="gl-key">e</kbd> edit
      </span>
      <span>
        <kbd className="gl-key">a</kbd> accept all agreed
      </span>
      <span>
        <kbd className="gl-key">u</kbd> undo
      </span>
      <span>
        select text + <kbd className="gl-key">Shift</kbd>+label key: add a span
      </span>
    </p>
  );
}

/** Label buttons for a new curated span of the selected text (Shift + the label's key). */
function AddSpanLabels({ schema, review, hasSelection }: { schema: Schema; review: ReviewSession; hasSelection: boolean }) {
  return (
    <div className="gl-add-span">
      <span className="gl-field-label">Add a span {hasSelection ? 'of the selection' : '(select text first)'}</span>
      <ul className="gl-add-span-labels">
        {schema.labels.map((l) => (
          <li key={l.name}>
            <button
              type="button"
              className={`gl-add-label ${labelColorClass(schema, l.name)}`}
              data-testid="review-add-label"
              data-label={l.name}
              disabled={!hasSelection}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => review.addSpan(l.name)}
              title={l.key ? `${l.name} (Shift+${l.key})` : l.name}
            >
              <span className="gl-swatch" aria-hidden="true" />
              {l.name}
              {l.key && <kbd className="gl-key">⇧{l.key}</kbd>}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Row height in px (must match .gl-review-item in app.css). */
const ITEM_ROW = 46;

function ItemList({ review, snapshot }: { review: ReviewSession; snapshot: ReviewSnapshot }) {
  const { visible, decisions } = snapshot;
  const currentKey = snapshot.current?.key ?? null;
  const agreed = snapshot.agreedOpen;
  const currentIndex = useMemo(() => (currentKey ? visible.findIndex((i) => i.key === currentKey) : -1), [visible, currentKey]);
  // Keep the current item's row in sight, scrolling the list only (not the panel around it).
  const { box, first, last, paddingTop, paddingBottom } = useWindowedRows<HTMLDivElement>({ count: visible.length, rowHeight: ITEM_ROW, keepInSight: currentIndex });

  const rows = [];
  for (let i = first; i < last; i++) {
    const item = visible[i]!;
    rows.push(<ItemRow key={item.key} review={review} item={item} decisions={decisions.get(item.key)} current={item.key === currentKey} />);
  }
  return (
    <div className="gl-review-list">
      <div className="gl-annotations-head">
        <h3 className="gl-section-title">
          Items <span className="gl-count">{visible.length.toLocaleString('en')}</span>
        </h3>
        <select
          className="gl-select gl-select-small"
          data-testid="review-filter"
          aria-label="Which items"
          value={snapshot.filter}
          onChange={(e) => review.setFilter(e.target.value as ReviewFilter)}
        >
          <option value="all">All items</option>
          <option value="disagreements">Disagreements</option>
          <option value="undecided">Undecided</option>
        </select>
      </div>
      <button type="button" className="gl-button gl-accept-all" data-testid="review-accept-all" disabled={agreed === 0} onClick={() => review.requestAcceptAll()}>
        Accept all agreed{agreed > 0 ? ` (${agreed.toLocaleString('en')})` : ''} <kbd className="gl-key">a</kbd>
      </button>
      <div className="gl-review-scroll" ref={box}>
        <ul className="gl-review-items" style={{ paddingTop, paddingBottom }}>
          {rows}
        </ul>
      </div>
      {snapshot.added.length > 0 && (
        <p className="gl-hint">
          {plural(snapshot.added.length, 'span')} added outside the items.
        </p>
      )}
    </div>
  );
}

interface ItemRowProps {
  review: ReviewSession;
  item: ReviewItem;
  decisions: readonly CurationDecision[] | undefined;
  current: boolean;
}

/** One item of the list: its quote, and who decided what (or the versions while undecided). */
const ItemRow = memo(function ItemRow({ review, item, decisions = [], current }: ItemRowProps) {
  const last = decisions[decisions.length - 1];
  return (
    <li>
      <button
        type="button"
        className={`gl-review-item gl-k-${item.kind}${decisions.length > 0 ? ' gl-decided' : ''}`}
        data-testid="review-item"
        data-item-key={item.key}
        data-kind={item.kind}
        data-decided={String(decisions.length > 0)}
        aria-current={current ? 'true' : undefined}
        onClick={() => review.setCurrent(item.key, { reveal: true })}
      >
        <span className={`gl-kind-dot gl-k-${item.kind}`} aria-hidden="true" />
        <span className="gl-ann-text">
          <span className="gl-ann-quote">{quoteOf(review.editor, item).slice(1, -1)}</span>
          <span className="gl-ann-meta">
            {last ? (
              <span className={`gl-item-decided gl-decision-${last.action}`}>
                {last.action === 'reject' ? '✕' : '✓'} {capitalise(decisionText(last))}
                {decisions.length > 1 ? ` +${decisions.length - 1}` : ''} · {last.by}, {shortTime(last.at)}
              </span>
            ) : (
              versionsSummary(item)
            )}
          </span>
        </span>
      </button>
    </li>
  );
});

function versionsSummary(item: ReviewItem): string {
  const parts = item.versions.map((v) => `${v.annotator} ${v.span.label}`);
  if (item.missing.length > 0) parts.push(`none: ${item.missing.join(', ')}`);
  return `${KIND_TEXT[item.kind]} · ${parts.join(' · ')}`;
}

function withValue(prev: Record<string, AttributeValue>, name: string, value: AttributeValue | undefined): Record<string, AttributeValue> {
  const next = { ...prev };
  if (value === undefined) delete next[name];
  else next[name] = value;
  return next;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
