// The Gloss window and everything that keeps its renderer locked down (Electron's security
// checklist): sandboxed, context-isolated webPreferences; the renderer served from our own
// `gloss://app/` scheme with a strict CSP; no navigation, no new windows, no permissions, no network.

import { BrowserWindow, app, protocol } from 'electron';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { RENDERER_CSP, SECURITY_HEADERS, readRendererFile } from './renderer-files';

/** The privileged scheme the renderer is served from (never file://, checklist item 18). */
export const RENDERER_SCHEME = 'gloss';
export const RENDERER_HOST = 'app';
/** The one page the window ever shows. */
export const RENDERER_URL = `${RENDERER_SCHEME}://${RENDERER_HOST}/index.html`;

/** True when `url` is our renderer page (any query or hash), the only page trusted with IPC. */
export function isRendererUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${RENDERER_SCHEME}:` &&
    parsed.host === RENDERER_HOST &&
    parsed.username === '' &&
    parsed.password === '' &&
    (parsed.pathname === '/index.html' || parsed.pathname === '/')
  );
}

/**
 * Whether the renderer's session may load `url`: our own scheme, DevTools, and in-memory data.
 * Everything else (http, https, ws, file, ftp, ...) is cancelled: Gloss never uses the network.
 */
export function isAllowedRequest(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  switch (parsed.protocol) {
    case `${RENDERER_SCHEME}:`:
      return parsed.host === RENDERER_HOST;
    case 'devtools:':
    case 'data:':
    case 'blob:':
      return true;
    default:
      return false;
  }
}

/** Registers `gloss:` as a standard, secure scheme. Must run before the app is ready. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: RENDERER_SCHEME,
      // No bypassCSP: the CSP applies to our own pages like to any other.
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
    },
  ]);
}

/** The handler of `gloss://app/...`: the built renderer's files, with the security headers. */
export function rendererProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const headers = { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers });
    }
    const file = url.host === RENDERER_HOST ? await readRendererFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { ...headers, 'Content-Type': file.contentType },
    });
  };
}

/** Serves the built renderer on `gloss://app/`. Call once the app is ready. */
export function setupRendererProtocol(rendererDir: string): void {
  protocol.handle(RENDERER_SCHEME, rendererProtocolHandler(rendererDir));
}

/**
 * Locks a session down: every permission refused, every request that is not ours cancelled,
 * the CSP added to our responses, no spell-check dictionary downloads.
 */
export function setupSessionSecurity(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.setSpellCheckerEnabled(false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url) });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    // The protocol handler sets the CSP itself; this also covers any response it did not make.
    if (!details.url.startsWith(`${RENDERER_SCHEME}:`)) {
      callback({});
      return;
    }
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
}

/**
 * Refuses navigation, redirects, new windows and <webview> for one WebContents. Our own page is
 * loaded by main (loadURL), which emits none of these events, so nothing legitimate is refused.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    // Any frame, main or not; an anchor jump inside our page cannot leave it, so it may stay.
    if (!event.isSameDocument) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Hardens every WebContents the app ever creates (windows, DevTools, anything else). */
export function setupContentsSecurity(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}

export interface WindowPaths {
  /** The built preload script (`out/preload/index.cjs`). */
  preloadPath: string;
  /** Whether DevTools may be opened (development builds only). */
  devTools: boolean;
}

/** The window's options: sandboxed, context-isolated, no Node in the page, web security on. */
export function windowOptions(paths: WindowPaths): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Gloss',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: paths.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: paths.devTools,
    },
  };
}

/** Creates the Gloss window and loads the renderer; shown once it has painted. */
export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow(windowOptions(paths));
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(RENDERER_URL);
  return window;
}
