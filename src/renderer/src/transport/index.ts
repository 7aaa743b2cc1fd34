// Which GlossApi the renderer talks to: the Electron preload's `window.gloss` when present, else
// the HTTP client of browser mode. The rest of the renderer only ever sees GlossApi.

import type { GlossApi, GlossShell } from '../../../core/api';
import { createHttpApi, httpCaller, xhrCaller } from './http';
import type { HttpCall } from './http';
import { workerCaller } from './worker';
import type { WorkerLike } from './worker';

/** sessionStorage key of the browser-mode token: survives a reload, not the tab. */
export const TOKEN_STORAGE_KEY = 'gloss.token';

/**
 * The parts of `window` the transport touches, typed without the DOM library so that tests
 * (compiled for Node) can hand in their own.
 */
export interface TransportWindow {
  location: { readonly href: string };
  history: { readonly state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  gloss?: GlossApi;
  glossShell?: GlossShell;
}

// In the page, globalThis is the window; the structural type above is what we rely on of it.
const pageWindow = (): TransportWindow => globalThis as unknown as TransportWindow;

/**
 * The browser-mode token: taken from `?token=` (then stored for reloads and removed from the
 * address bar, so it is not left in history or screenshots), else the stored one, else null.
 */
export function takeToken(win: TransportWindow): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

let installed: GlossApi | null = null;

/**
 * The renderer's GlossApi: the preload's when running in Electron, else an HTTP client of
 * `gloss serve`. Installed once; later calls return the same object.
 */
export function installTransport(win: TransportWindow = pageWindow()): GlossApi {
  if (installed) return installed;
  if (win.gloss) return (installed = win.gloss);
  const token = takeToken(win);
  installed = createHttpApi({ token, offload: startHttpWorker(token) ?? undefined, opener: xhrCaller({ token }) ?? undefined });
  return installed;
}

/**
 * Browser mode's calls (but openDocument) made in a worker (worker.ts, ADR 0021); null where
 * there are no workers (Node tests), and then they are made in the page.
 */
function startHttpWorker(token: string | null): HttpCall | null {
  // Typed here: this file is also compiled for Node's tests, which have no DOM library.
  const Worker = (globalThis as { Worker?: new (url: URL, options: { type: 'module'; name: string }) => WorkerLike }).Worker;
  if (typeof Worker !== 'function') return null;
  let worker: WorkerLike;
  try {
    // Written out in full so that vite finds it and builds the worker's own bundle.
    worker = new Worker(new URL('./httpWorker.ts', import.meta.url), { type: 'module', name: 'gloss-http' });
  } catch {
    return null;
  }
  return workerCaller(worker, { token }, httpCaller({ token }));
}

/** The Electron shell (menu commands), or null in browser mode. */
export function getShell(win: TransportWindow = pageWindow()): GlossShell | null {
  return win.glossShell ?? null;
}

/** Forgets the installed transport; for tests only. */
export function resetTransportForTests(): void {
  installed = null;
}
