// The app's keyboard: label keys, Delete, Escape, undo and redo, handled on the window so they
// work wherever the focus is, except while the analyst types in a field. In review mode the keys
// adjudicate instead: n/p walk the items, 1..9 accept an annotator's version, r rejects, e edits,
// a accepts all agreed, u undoes, Shift + a label key adds a span of the selected text.

import type { Schema } from '../../../core/model';
import { labelForKey } from '../../../core/schema';
import type { ReviewSession } from '../session/review';
import type { DocumentSession } from '../session/session';

/** Whether keys typed at this element are text for it (then the app's keys stay out of the way). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  }
  // The document view is contenteditable but read-only: keys there are ours.
  return target.isContentEditable && !target.closest('.gl-document');
}

/** Handle one keydown for the session; returns whether it was the app's key. */
export function handleAppKey(event: KeyboardEvent, session: DocumentSession, schema: Schema): boolean {
  if (event.defaultPrevented && !isFromDocument(event)) return false;
  if (isTypingTarget(event.target) || event.isComposing || event.altKey) return false;
  const key = event.key;
  if (event.ctrlKey || event.metaKey) {
    const lower = key.toLowerCase();
    if (lower === 'z' && !event.shiftKey) return take(event, () => session.undo());
    if ((lower === 'z' && event.shiftKey) || (lower === 'y' && !event.shiftKey)) return take(event, () => session.redo());
    return false;
  }
  if (key === 'Delete' || key === 'Backspace') return take(event, () => session.removeSelected());
  if (key === 'Escape') return take(event, () => session.clearSelection());
  const label = labelForKey(schema, key);
  if (label) return take(event, () => session.applyLabel(label.name));
  return false;
}

/** The document view swallows editing keys (preventDefault) but they are still the app's. */
function isFromDocument(event: KeyboardEvent): boolean {
  return event.target instanceof HTMLElement && event.target.closest('.gl-document') !== null;
}

function take(event: KeyboardEvent, action: () => unknown): true {
  event.preventDefault();
  action();
  return true;
}

/** Handle one keydown in review mode; returns whether it was a review key. */
export function handleReviewKey(event: KeyboardEvent, review: ReviewSession, schema: Schema): boolean {
  if (event.defaultPrevented && !isFromDocument(event)) return false;
  if (isTypingTarget(event.target) || event.isComposing || event.altKey) return false;
  const snapshot = review.getSnapshot();
  // The confirmation dialog and the edit form take their own keys.
  if (snapshot.confirmingAll !== null) return false;
  if (event.ctrlKey || event.metaKey) {
    const lower = event.key.toLowerCase();
    if (lower === 'z' && !event.shiftKey) return take(event, () => review.undo());
    return false;
  }
  if (event.shiftKey) {
    // Shift + a label key: the key's character changes with Shift ("!" for "1"), its code does not.
    const digit = /^(?:Digit|Numpad)(\d)$/.exec(event.code)?.[1] ?? (/^\d$/.test(event.key) ? event.key : null);
    const label = digit ? labelForKey(schema, digit) : undefined;
    if (label) return take(event, () => review.addSpan(label.name));
    return false;
  }
  const key = event.key;
  if (/^[1-9]$/.test(key)) return take(event, () => review.acceptPosition(Number(key)));
  switch (key) {
    case 'n':
      return take(event, () => review.next());
    case 'p':
      return take(event, () => review.previous());
    case 'r':
      return take(event, () => review.reject());
    case 'e':
      return take(event, () => review.startEdit());
    case 'a':
      return take(event, () => review.requestAcceptAll());
    case 'u':
      return take(event, () => review.undo());
    case 'Escape':
      if (snapshot.editing) return take(event, () => review.cancelEdit());
      return false;
    default:
      return false;
  }
}
