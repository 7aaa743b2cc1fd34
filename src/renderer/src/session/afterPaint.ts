// Run something once the browser has painted the current frame: edits show their highlight
// first, and the React panels (lists, inspector) follow in the next frame without holding back
// the one that shows the edit.

/** A hidden window paints no frames: past this many ms the work runs anyway. */
const AT_MOST_MS = 100;

/**
 * Run `work` in a task after the next frame (which paints what was just done) and the one after
 * it have begun, or after AT_MOST_MS, whichever comes first. A task queued from the next frame's
 * callback could still run before that frame reaches the screen when frames are late; one frame
 * later it cannot.
 */
export function afterPaint(work: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    work();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(run, 0)));
  setTimeout(run, AT_MOST_MS);
}
