// What the preload puts into the page's main world: the names and their types. The preload
// checks its exposeInMainWorld calls against this; the renderer declares `window` from it.

import type { GlossApi, GlossShell } from '../core/api';

/** The globals the Electron preload exposes (absent in browser mode). */
export interface GlossPreloadGlobals {
  /** The GlossApi, forwarded to the main process over IPC. */
  gloss: GlossApi;
  /** Menu commands from the main process. */
  glossShell: GlossShell;
}
