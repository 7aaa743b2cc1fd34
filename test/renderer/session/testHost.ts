// A stand-in for the mounted ProseMirror view in tests: holds the session's editor state, feeds
// transactions back to the session as DocumentPane's view does, and records reveals.

import { TextSelection } from 'prosemirror-state';
import type { EditorState, Transaction } from 'prosemirror-state';
import type { EditorDocument } from '../../../src/renderer/src/editor/document';
import type { EditorHost } from '../../../src/renderer/src/session/session';
import type { Surface } from '../../../src/renderer/src/session/surface';

export interface TestHost extends EditorHost {
  state: EditorState;
  revealed: string[];
}

/** Attach a test host to a session (as mounting the view does). */
export function mountHeadless(session: Surface): TestHost {
  const host: TestHost = {
    state: session.state,
    revealed: [],
    dispatch(tr: Transaction) {
      host.state = host.state.apply(tr);
      session.onTransaction(tr);
    },
    reveal(spanId: string) {
      host.revealed.push(spanId);
    },
  };
  session.attach(host);
  return host;
}

/** Select the text between two code points, as a drag or Shift+arrows would. */
export function selectText(session: { editor: EditorDocument }, host: TestHost, start: number, end: number): void {
  const { positions } = session.editor;
  const from = positions.toPos(start, 'start');
  const to = positions.toPos(end, 'end');
  host.dispatch(host.state.tr.setSelection(TextSelection.create(host.state.doc, from, to)));
}
