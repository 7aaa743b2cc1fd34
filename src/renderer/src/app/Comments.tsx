// Comments on spans: the "Comment…" composer (in the inspector and the review card), addressed to
// the span's annotator and stored in my own layer, and the document's Comments panel listing
// everyone's, unresolved first by default; the author resolves (or reopens) their own.

import { useMemo, useState } from 'react';
import type { Comment, CommentTarget, Layer, Span } from '../../../core/model';
import { CURATION_ANNOTATOR } from '../../../core/model';
import type { SpanList } from '../session/spanColumns';

export interface CommentComposerProps {
  /** Whom the comment is addressed to (the span's annotator). */
  addressee: string;
  /** Saves the comment; false when it could not be (read-only workspace). */
  onSubmit(text: string): boolean;
  disabled?: boolean;
}

/** "Comment…": a button that opens a small text box; Ctrl+Enter adds, Escape closes. */
export function CommentComposer({ addressee, onSubmit, disabled }: CommentComposerProps) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (text === null) {
    return (
      <button
        type="button"
        className="gl-button gl-button-quiet gl-comment-open"
        data-testid="comment-button"
        disabled={disabled}
        onClick={() => {
          setText('');
          setError(null);
        }}
      >
        Comment…
      </button>
    );
  }
  const submit = () => {
    if (!text.trim()) {
      setError('Write something first.');
      return;
    }
    if (onSubmit(text)) setText(null);
    else setError('The comment could not be saved.');
  };
  return (
    <div className="gl-comment-compose">
      <label className="gl-field-label" htmlFor="gl-comment-text">
        Comment to {addressee === CURATION_ANNOTATOR ? 'the reviewers' : addressee}
      </label>
      <textarea
        id="gl-comment-text"
        className="gl-input"
        data-testid="comment-text"
        rows={3}
        autoFocus
        value={text}
        placeholder="What should they look at?"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            setText(null);
          }
        }}
      />
      {error && <p className="gl-warning">{error}</p>}
      <div className="gl-comment-actions">
        <span className="gl-hint">Ctrl+Enter adds it</span>
        <button type="button" className="gl-button gl-button-quiet" onClick={() => setText(null)}>
          Cancel
        </button>
        <button type="button" className="gl-button gl-button-primary" data-testid="comment-submit" onClick={submit}>
          Add comment
        </button>
      </div>
    </div>
  );
}

/** A comment with the layer it is stored in (its author's). */
export interface ListedComment {
  comment: Comment;
  /** Quote of the span it is about, or null (the span is gone, or the comment is on the document). */
  quote: string | null;
  /** Label of that span. */
  label: string | null;
}

/** Every comment of a document: mine (as my session has them) and those in the other layers. */
export function collectComments(
  mine: { annotator: string; spans: Pick<SpanList, 'get'>; comments: readonly Comment[] },
  others: readonly Layer[],
): ListedComment[] {
  const theirs = others.filter((l) => l.annotator !== mine.annotator);
  const layers = [mine, ...theirs];
  const spanOf = (target: CommentTarget | null): Span | undefined => {
    if (!target) return undefined;
    if (target.annotator === mine.annotator) return mine.spans.get(target.spanId);
    return theirs.find((l) => l.annotator === target.annotator)?.spans.find((s) => s.id === target.spanId);
  };
  const out: ListedComment[] = [];
  for (const layer of layers) {
    for (const comment of layer.comments) {
      const span = spanOf(comment.target);
      out.push({ comment, quote: span?.quote ?? null, label: span?.label ?? null });
    }
  }
  return out.sort((a, b) => (a.comment.createdAt < b.comment.createdAt ? -1 : a.comment.createdAt > b.comment.createdAt ? 1 : 0));
}

type CommentFilter = 'open' | 'resolved' | 'all';

export interface CommentsPanelProps {
  me: string;
  comments: readonly ListedComment[];
  onResolve(id: string, resolved: boolean): void;
  onRemove(id: string): void;
  /** Show the span a comment is about. */
  onJump(target: CommentTarget): void;
}

export function CommentsPanel({ me, comments, onResolve, onRemove, onJump }: CommentsPanelProps) {
  const [filter, setFilter] = useState<CommentFilter>('open');
  const shown = useMemo(
    () => comments.filter((c) => (filter === 'all' ? true : filter === 'open' ? !c.comment.resolved : c.comment.resolved)),
    [comments, filter],
  );
  const open = comments.filter((c) => !c.comment.resolved).length;
  return (
    <section className="gl-panel gl-comments" data-testid="comments-panel" aria-label="Comments">
      <div className="gl-annotations-head">
        <h2 className="gl-section-title">
          Comments <span className="gl-count">{open > 0 ? `${open} open` : comments.length}</span>
        </h2>
        <select
          className="gl-select gl-select-small"
          data-testid="comments-filter"
          aria-label="Which comments"
          value={filter}
          onChange={(e) => setFilter(e.target.value as CommentFilter)}
        >
          <option value="open">Unresolved</option>
          <option value="resolved">Resolved</option>
          <option value="all">All</option>
        </select>
      </div>
      {shown.length === 0 ? (
        <p className="gl-empty">{comments.length === 0 ? 'No comments on this document.' : filter === 'open' ? 'Nothing left open.' : 'None here.'}</p>
      ) : (
        <ul className="gl-comment-list">
          {shown.map(({ comment, quote, label }) => {
            const target = comment.target;
            const to = target ? (target.annotator === CURATION_ANNOTATOR ? 'the curated layer' : target.annotator === me ? 'you' : target.annotator) : 'everyone';
            return (
              <li
                key={`${comment.author}/${comment.id}`}
                className={`gl-comment${comment.resolved ? ' gl-comment-resolved' : ''}`}
                data-testid="comment-item"
                data-comment-id={comment.id}
                data-resolved={String(comment.resolved)}
              >
                <div className="gl-comment-head">
                  <span>
                    <strong>{comment.author === me ? 'You' : comment.author}</strong> → {to}
                  </span>
                  <time dateTime={comment.createdAt} title={comment.createdAt}>
                    {shortTime(comment.createdAt)}
                  </time>
                </div>
                {target && (
                  <button type="button" className="gl-comment-quote" onClick={() => onJump(target)} title="Show this span">
                    {label && <span className="gl-comment-label">{label}</span>}
                    {quote ?? <em>the span is no longer there</em>}
                  </button>
                )}
                <p className="gl-comment-text">{comment.text}</p>
                <div className="gl-comment-foot">
                  {comment.resolved && <span className="gl-comment-state">Resolved</span>}
                  {comment.author === me && (
                    <>
                      <button
                        type="button"
                        className="gl-button gl-button-quiet"
                        data-testid="comment-resolve"
                        onClick={() => onResolve(comment.id, !comment.resolved)}
                      >
                        {comment.resolved ? 'Reopen' : 'Resolve'}
                      </button>
                      <button type="button" className="gl-button gl-button-quiet" onClick={() => onRemove(comment.id)}>
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** "12 May, 14:03" (this year) or "12 May 2023": when, at a glance. */
export function shortTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameYear = d.getFullYear() === now.getFullYear();
  const day = d.toLocaleDateString('en-GB', sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' });
  return sameYear ? `${day}, ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}` : day;
}
