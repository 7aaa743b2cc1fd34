// Run something once the browser has painted the current frame: edits show their highlight
// first, and the React panels (lists, inspector) follow in the next frame without holding back
// the one that shows the edit.

/** A hidden window paints no frames: past this many ms the work runs anyway. */
const AT_MOST_MS = 100;

/**
 * Run `work` at the start of the frame after the next one (the next one paints what was just
 * done), or after AT_MOST_MS, whichever comes first.
 */
export function afterPaint(work: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    work();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => requestAnimationFrame(run));
  setTimeout(run, AT_MOST_MS);
}
