// Run something once the browser has painted the current frame: edits show their highlight
// first, and the React panels (lists, inspector) follow without holding back the frame that
// shows the edit.

/** A hidden window paints no frames: past this many ms the work runs anyway. */
const AT_MOST_MS = 100;

/**
 * Run `work` once the next frame (which paints what was just done) has been produced and the main
 * thread is idle, or after AT_MOST_MS, whichever comes first: a requestAnimationFrame callback
 * followed by an idle callback (a task where there is no requestIdleCallback).
 *
 * Until 2026-11-28 this waited for a second animation frame before its task. Asking for that
 * frame made Chromium hold back the page's other tasks after a key (the save request, the
 * `selectionchange` ProseMirror reads) until the second frame had run, ~one frame later: the edit
 * was written later and the panels followed two frames after the highlight instead of one.
 */
export function afterPaint(work: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    work();
  };
  if (typeof requestAnimationFrame === 'function') {
    requestAnimationFrame(() => (typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: AT_MOST_MS }) : setTimeout(run, 0)));
  }
  setTimeout(run, AT_MOST_MS);
}
