// Writes to the workspace still on their way, counted across every session of the page (also
// one closed since: its writes go on). The page is held while any is (app/unsaved.ts).

let pending = 0;

/** Count one write as on its way; call the function returned once it is answered (once). */
export function beginWrite(): () => void {
  pending++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    pending--;
  };
}

/** How many writes are on their way. */
export function writesPending(): number {
  return pending;
}
