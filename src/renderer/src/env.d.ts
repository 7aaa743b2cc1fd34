// Globals the renderer may find on `window`: what the Electron preload exposes. Both are absent
// in browser mode, where src/transport installs an HTTP client instead.

import type { GlossPreloadGlobals } from '../../preload/types';

declare global {
  interface Window {
    gloss?: GlossPreloadGlobals['gloss'];
    glossShell?: GlossPreloadGlobals['glossShell'];
  }
}

export {};
