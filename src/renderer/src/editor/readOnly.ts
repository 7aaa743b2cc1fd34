// The document is never edited: a plugin that refuses every doc-changing transaction and
// swallows typing, pasting, dropping and dragging before the browser touches the DOM. The view
// stays editable so that the caret and keyboard selection (Shift+arrows, Ctrl+Shift+arrows) work.

import { Plugin } from 'prosemirror-state';
import type { Transaction } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';

/** Marks the one document change allowed: chunks of a long document appended as it loads. */
const APPEND = 'gloss-append-chunks';

/** A transaction appending chunks at the end of the document (text is never edited). */
export function appendChunks(tr: Transaction, chunks: readonly PMNode[]): Transaction {
  return tr.insert(tr.doc.content.size, chunks).setMeta(APPEND, true).setMeta('addToHistory', false);
}

const PASS_THROUGH = new Set([
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Tab',
  'Escape',
  'Shift',
  'Control',
  'Alt',
  'Meta',
  'CapsLock',
  'ContextMenu',
]);

/** Shortcuts that only read: copy, select all, find, reload, zoom, close. */
const SAFE_WITH_MODIFIER = new Set(['c', 'a', 'f', 'g', 'r', 'w', 'q', 'l', 't', 'n', 'p', '=', '+', '-', '0']);

/**
 * Whether a key would edit the text (and so must be swallowed by the view). Navigation,
 * selection and read-only shortcuts pass. The app's own keys (labels, Delete, undo) are handled
 * on the window, where the event still arrives.
 */
export function isEditingKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey'>): boolean {
  if (PASS_THROUGH.has(event.key) || /^F\d{1,2}$/.test(event.key)) return false;
  if (event.ctrlKey || event.metaKey) return !SAFE_WITH_MODIFIER.has(event.key.toLowerCase());
  return true;
}

/**
 * Says on the view whether the document is still loading (`aria-busy`): a long document shows
 * its first chunks at once and appends the rest, `total` chunks in all.
 */
export function loadingPlugin(total: number): Plugin {
  return new Plugin({
    props: {
      attributes: (state) => ({ 'aria-busy': state.doc.childCount < total ? 'true' : 'false' }),
    },
  });
}

/**
 * How the view's root says it is editable: `plaintext-only` rather than ProseMirror's `true`.
 * Caret, keyboard selection and copying are the same (no edit gets through either way), but React
 * reads the selection of a focused element whose `contentEditable` is exactly "true" before every
 * commit, walking its whole DOM to turn the selection into character offsets (react-dom's
 * commitBeforeMutationEffects; see react/react#9992): ~10 ms per commit of the side panels for the
 * benchmark report. With this value React leaves the document alone.
 */
export const EDITABLE_ROOT = 'plaintext-only';

/** Keep the root at EDITABLE_ROOT (ProseMirror sets "true" when it builds or redraws its root). */
function markEditableRoot(dom: HTMLElement): void {
  if (dom.getAttribute('contenteditable') === 'true') dom.setAttribute('contenteditable', EDITABLE_ROOT);
}

/** The plugin that keeps the document as it is. */
export function readOnlyTextPlugin(): Plugin {
  return new Plugin({
    view: (view) => {
      markEditableRoot(view.dom);
      return { update: (v) => markEditableRoot(v.dom) };
    },
    filterTransaction: (tr) => !tr.docChanged || tr.getMeta(APPEND) === true,
    props: {
      handleTextInput: () => true,
      handleKeyDown: (_view, event) => isEditingKey(event),
      handlePaste: () => true,
      handleDrop: () => true,
      handleDOMEvents: {
        // Stop edits before the browser applies them. (IME composition cannot be stopped; its
        // DOM change is redrawn away when the resulting transaction is refused.)
        beforeinput: (_view, event) => {
          event.preventDefault();
          return true;
        },
        // Dragging selected text would move it: annotating needs selecting, never dragging.
        dragstart: (_view, event) => {
          event.preventDefault();
          return true;
        },
      },
    },
  });
}
