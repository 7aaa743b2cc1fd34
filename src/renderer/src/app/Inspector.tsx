// The inspector of the selected span: label, quote, the label's attributes (typed inputs) and a
// note. Text fields keep a draft while focused and save it after a pause, on Enter or on leaving;
// all edits made while a field keeps focus undo as one step.

import { useEffect, useId, useRef, useState } from 'react';
import type { AttributeDef, AttributeValue, Schema, Span } from '../../../core/model';
import { findLabel } from '../../../core/schema';
import { labelColorClass } from '../labels';
import type { DocumentSession, SessionSnapshot } from '../session/session';
import { CommentComposer } from './Comments';

export interface InspectorProps {
  schema: Schema;
  session: DocumentSession;
  snapshot: SessionSnapshot;
  /** Comment on the selected span (stored in my layer, addressed to the span's annotator). */
  onComment?(span: Span, text: string): boolean;
  /** Comments cannot be written (read-only workspace). */
  commentsDisabled?: boolean;
}

export function Inspector({ schema, session, snapshot, onComment, commentsDisabled }: InspectorProps) {
  const span = snapshot.selected;
  return (
    <section className="gl-panel gl-inspector" data-testid="inspector" aria-label="Selected span">
      <h2 className="gl-section-title">Span</h2>
      {span ? (
        <>
          <SpanInspector
            key={span.id}
            schema={schema}
            session={session}
            span={span}
            orphan={snapshot.orphans.has(span.id)}
            readOnly={snapshot.readOnly}
          />
          {onComment && (
            <CommentComposer
              key={`comment-${span.id}`}
              addressee={snapshot.annotator}
              disabled={commentsDisabled}
              onSubmit={(text) => onComment(span, text)}
            />
          )}
        </>
      ) : snapshot.textSelection ? (
        <p className="gl-empty">
          Selected <q className="gl-inline-quote">{truncate(snapshot.textSelection.quote, 80)}</q>
        </p>
      ) : (
        <p className="gl-empty">Click a highlight to see and edit it.</p>
      )}
    </section>
  );
}

interface SpanInspectorProps {
  schema: Schema;
  session: DocumentSession;
  span: Span;
  orphan: boolean;
  readOnly: boolean;
}

function SpanInspector({ schema, session, span, orphan, readOnly }: SpanInspectorProps) {
  const label = findLabel(schema, span.label);
  const labelId = useId();
  const setAttribute = (name: string, value: AttributeValue | undefined, coalesceKey?: string) => {
    const next = { ...span.attributes };
    if (value === undefined) delete next[name];
    else next[name] = value;
    session.setAttributes(span.id, next, coalesceKey);
  };

  return (
    <div className={`gl-fields ${labelColorClass(schema, span.label)}`}>
      <div className="gl-field">
        <label htmlFor={labelId} className="gl-field-label">
          Label
        </label>
        <div className="gl-label-select">
          <span className="gl-swatch" aria-hidden="true" />
          <select
            id={labelId}
            className="gl-select"
            data-testid="inspector-label"
            value={span.label}
            disabled={readOnly}
            onChange={(e) => session.relabel(span.id, e.target.value)}
          >
            {!label && <option value={span.label}>{span.label} (not in the schema)</option>}
            {schema.labels.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className="gl-field">
        <span className="gl-field-label">
          Quote <span className="gl-offsets">{span.start}–{span.end}</span>
        </span>
        <blockquote className="gl-quote-box" data-testid="inspector-quote">
          {span.quote}
        </blockquote>
        {orphan && (
          <p className="gl-warning">The text at these offsets no longer matches this quote. The span is kept as it was.</p>
        )}
      </div>

      {label?.attributes.map((def) => (
        <AttributeField
          key={def.name}
          def={def}
          value={span.attributes[def.name]}
          readOnly={readOnly}
          onChange={(value, coalesceKey) => setAttribute(def.name, value, coalesceKey)}
        />
      ))}

      <div className="gl-field">
        <DraftText
          label="Note"
          testId="inspector-note"
          multiline
          value={span.note ?? ''}
          readOnly={readOnly}
          onCommit={(note, coalesceKey) => session.setNote(span.id, note, coalesceKey)}
        />
      </div>

      <div className="gl-inspector-footer">
        <span className="gl-origin" title={`Created ${span.createdAt}, updated ${span.updatedAt}`}>
          {originText(span.origin)}
        </span>
        {!readOnly && (
          <button
            type="button"
            className="gl-button gl-button-danger"
            data-testid="inspector-delete"
            onClick={() => session.remove(span.id)}
          >
            Delete
          </button>
        )}
      </div>
    </div>
  );
}

interface AttributeFieldProps {
  def: AttributeDef;
  value: AttributeValue | undefined;
  readOnly: boolean;
  onChange(value: AttributeValue | undefined, coalesceKey?: string): void;
}

function AttributeField({ def, value, readOnly, onChange }: AttributeFieldProps) {
  const id = useId();
  const testId = `attr-${def.name}`;
  const caption = (
    <label htmlFor={id} className="gl-field-label" title={def.description}>
      {def.name}
    </label>
  );
  if (def.type === 'enum') {
    return (
      <div className="gl-field">
        {caption}
        <select
          id={id}
          className="gl-select"
          data-testid={testId}
          value={typeof value === 'string' ? value : ''}
          disabled={readOnly}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        >
          <option value="">—</option>
          {(def.values ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (def.type === 'boolean') {
    return (
      <div className="gl-field gl-field-inline">
        <input
          id={id}
          type="checkbox"
          data-testid={testId}
          checked={value === true}
          disabled={readOnly}
          onChange={(e) => onChange(e.target.checked ? true : undefined)}
        />
        {caption}
      </div>
    );
  }
  const numeric = def.type === 'number';
  return (
    <div className="gl-field">
      <DraftText
        id={id}
        label={def.name}
        description={def.description}
        testId={testId}
        numeric={numeric}
        value={value === undefined ? '' : String(value)}
        readOnly={readOnly}
        onCommit={(text, coalesceKey) => {
          const trimmed = text.trim();
          if (trimmed === '') return onChange(undefined, coalesceKey);
          if (!numeric) return onChange(text, coalesceKey);
          const n = Number(trimmed);
          // Not a number (yet): nothing is saved; the draft stays in the field.
          if (Number.isFinite(n)) onChange(n, coalesceKey);
        }}
      />
    </div>
  );
}

interface DraftTextProps {
  id?: string;
  label: string;
  description?: string | undefined;
  testId: string;
  value: string;
  readOnly: boolean;
  multiline?: boolean;
  numeric?: boolean;
  onCommit(value: string, coalesceKey: string): void;
}

const SAVE_AFTER_MS = 600;
let focusCounter = 0;

/** A text field that saves its draft after a pause, on Enter (single line) and on blur. */
function DraftText({ id, label, description, testId, value, readOnly, multiline, numeric, onCommit }: DraftTextProps) {
  const ownId = useId();
  const fieldId = id ?? ownId;
  // null: not editing, the field shows the saved value.
  const [draft, setDraft] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const coalesceKey = useRef('');
  const pending = useRef<string | null>(null);
  const commitRef = useRef(onCommit);
  useEffect(() => {
    commitRef.current = onCommit;
  });

  const flush = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (pending.current !== null) {
      const text = pending.current;
      pending.current = null;
      commitRef.current(text, coalesceKey.current);
    }
  };
  // Leaving (another span selected, panel closed) saves what was typed.
  useEffect(() => () => flush(), []);

  const onChange = (text: string) => {
    setDraft(text);
    pending.current = text;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, SAVE_AFTER_MS);
  };
  const common = {
    id: fieldId,
    className: 'gl-input',
    'data-testid': testId,
    value: draft ?? value,
    disabled: readOnly,
    spellCheck: multiline === true,
    onFocus: () => {
      coalesceKey.current = `${testId}#${++focusCounter}`;
    },
    onBlur: () => {
      flush();
      setDraft(null);
    },
  };
  return (
    <>
      <label htmlFor={fieldId} className="gl-field-label" title={description}>
        {label}
      </label>
      {multiline ? (
        <textarea {...common} rows={3} placeholder="Add a note…" onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={numeric ? 'number' : 'text'}
          step={numeric ? 'any' : undefined}
          placeholder={description}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') flush();
          }}
        />
      )}
    </>
  );
}

function originText(origin: string): string {
  if (origin === 'manual') return 'Made by hand';
  if (origin.startsWith('imported:')) return `Imported (${origin.slice('imported:'.length)})`;
  if (origin.startsWith('suggested:')) return `Suggested (${origin.slice('suggested:'.length)})`;
  return origin;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
