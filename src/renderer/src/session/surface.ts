// What the document view mounts: an editor state holder that hears the view's transactions and
// clicks. My layer, a colleague's layer (read-only) and the review of several layers each are one.

import type { EditorState, Transaction } from 'prosemirror-state';
import type { EditorHost } from './session';

export interface Surface {
  /** The editor state to mount a view with. */
  readonly state: EditorState;
  /** Let a mounted view hold the state; the returned function hands it back on unmount. */
  attach(host: EditorHost): () => void;
  /** Every transaction of the view passes here after it was applied. */
  onTransaction(tr: Transaction): void;
  /** A click in the text; `ids` are the highlights under the pointer, innermost first. */
  onClickIds(ids: readonly string[]): void;
}
