// Closing the window or reloading the page while an edit is still on its way to the workspace
// would lose it: the page asks to stay (the browser's "Leave site?" dialog; in Electron, main
// asks, src/main/controller.ts). What is on its way is counted in session/writes.ts, for every
// session, closed ones too. A save takes a few ms, so this is seldom seen.

/** A beforeunload listener that holds the page while `saving()` says an edit is not yet written. */
export function unsavedGuard(saving: () => boolean): (event: BeforeUnloadEvent) => void {
  return (event) => {
    if (!saving()) return;
    event.preventDefault();
    // Older engines look at returnValue instead.
    event.returnValue = '';
  };
}
