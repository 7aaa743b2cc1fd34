// The document view: a ProseMirror view of a session's state (which carries the read-only and
// annotation plugins), reporting transactions and clicks on highlights to the session.

import { TextSelection } from 'prosemirror-state';
import type { EditorState, Transaction } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';

export interface DocumentViewEvents {
  /** After every applied transaction (selection changes, annotation changes). */
  onTransaction(tr: Transaction): void;
  /** A click (not a drag) in the text; `spanIds` are the highlights under the pointer, innermost element first. */
  onClick(spanIds: string[]): void;
}

/** Mount the view for a state in `place`. */
export function createDocumentView(place: HTMLElement, state: EditorState, events: DocumentViewEvents): EditorView {
  const view: EditorView = new EditorView(place, {
    state,
    attributes: {
      class: 'gl-document',
      spellcheck: 'false',
      autocorrect: 'off',
      autocapitalize: 'off',
      translate: 'no',
      role: 'document',
      'aria-readonly': 'true',
      'aria-label': 'Document text',
    },
    dispatchTransaction: (tr) => {
      view.updateState(view.state.apply(tr));
      events.onTransaction(tr);
    },
    handleClick: (_view, _pos, event) => {
      // The browser counts the presses of a double or triple click (event.detail) and selects the
      // word or paragraph; ProseMirror times them by its own clock when it handles them, and takes
      // a second press handled more than 500 ms after the first (a busy page) for a single click.
      // Selecting the span under it would then undo the browser's word selection.
      if (event.detail > 1) return false;
      events.onClick(spanIdsAt(event.target, view.dom));
      // Let ProseMirror place the caret as usual.
      return false;
    },
  });
  return view;
}

/**
 * The ids of the highlights containing a DOM node, from the innermost element outwards: span
 * ids of `.gl-span` elements, item keys of review items (`.gl-review`).
 */
export function spanIdsAt(target: EventTarget | null, root: Element): string[] {
  const ids: string[] = [];
  let node: Node | null = target instanceof Node ? target : null;
  while (node && node !== root) {
    if (node instanceof HTMLElement) {
      const id = node.classList.contains('gl-span')
        ? node.getAttribute('data-span-id')
        : node.classList.contains('gl-review')
          ? node.getAttribute('data-item-key')
          : null;
      if (id && !ids.includes(id)) ids.push(id);
    }
    node = node.parentNode;
  }
  return ids;
}

/** Scroll the first element of a span (or review item) into the middle of the view's scroll container. */
export function revealSpan(view: EditorView, spanId: string): void {
  const id = CSS.escape(spanId);
  const element = view.dom.querySelector(`[data-span-id="${id}"], [data-item-key="${id}"]`);
  if (!element) return;
  element.scrollIntoView({ block: 'center', behavior: 'smooth' });
  settleOn(element);
}

/** The last reveal still settling: a new one takes over. */
let settling: { stop: boolean } | null = null;

/**
 * Blocks out of sight are not laid out (content-visibility: auto in app.css): until drawn they
 * count with an estimated height, so a long smooth scroll ends off its target once the blocks it
 * passed got their real heights. When the scroll has come to rest, put the element back in the
 * middle if it is not near it (a few times at most; each pass draws the blocks it lands among).
 * Any input of the analyst's (wheel, mouse button, key, touch) ends this: the view is theirs.
 */
function settleOn(element: Element): void {
  const scroller = scrollParentOf(element);
  if (!scroller) return;
  if (settling) settling.stop = true;
  const token = { stop: false };
  settling = token;
  // The analyst takes over (wheel, scroll bar, keys, touch): stop putting the view back.
  const takeOver = () => {
    token.stop = true;
  };
  const inputs = ['wheel', 'mousedown', 'touchstart', 'keydown'] as const;
  for (const type of inputs) window.addEventListener(type, takeOver, { capture: true, passive: true });
  const done = () => {
    for (const type of inputs) window.removeEventListener(type, takeOver, { capture: true });
  };
  let lastTop = Number.NaN;
  let still = 0;
  let frames = 0;
  let corrections = 0;
  const step = () => {
    if (token.stop || !element.isConnected || ++frames > 240) {
      done();
      return;
    }
    const top = scroller.scrollTop;
    still = top === lastTop ? still + 1 : 0;
    lastTop = top;
    // At rest for a few frames: the smooth scroll (or the last correction) is over.
    if (still < 3) {
      requestAnimationFrame(step);
      return;
    }
    const box = scroller.getBoundingClientRect();
    const rect = element.getBoundingClientRect();
    const offCentre = Math.abs(rect.top + rect.height / 2 - (box.top + box.height / 2));
    if (offCentre <= box.height / 4 || corrections >= 4) {
      done();
      return;
    }
    corrections++;
    still = 0;
    element.scrollIntoView({ block: 'center' });
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

function scrollParentOf(element: Element): Element | null {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && node.scrollHeight > node.clientHeight) return node;
  }
  return element.ownerDocument.scrollingElement;
}

/**
 * Bring the view's selection up to date with the DOM selection at once. ProseMirror reads it on
 * the browser's "selectionchange" event, which comes a moment after the key that changed it.
 */
export function syncSelectionFromDOM(view: EditorView): void {
  const selection = view.dom.ownerDocument.getSelection();
  if (!selection || selection.rangeCount === 0 || !selection.anchorNode || !selection.focusNode) return;
  if (!view.dom.contains(selection.anchorNode) || !view.dom.contains(selection.focusNode)) return;
  let anchor: number;
  let head: number;
  try {
    anchor = view.posAtDOM(selection.anchorNode, selection.anchorOffset);
    head = view.posAtDOM(selection.focusNode, selection.focusOffset);
  } catch {
    // A DOM position ProseMirror cannot map (outside its content): keep its own selection.
    return;
  }
  const current = view.state.selection;
  if (current.anchor === anchor && current.head === head) return;
  view.dispatch(view.state.tr.setSelection(TextSelection.between(view.state.doc.resolve(anchor), view.state.doc.resolve(head))));
}
