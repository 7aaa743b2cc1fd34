// The app's keyboard: label keys, Delete, Escape, undo and redo, handled on the window so they
// work wherever the focus is, except while the analyst types in a field.

import type { Schema } from '../../../core/model';
import { labelForKey } from '../../../core/schema';
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
