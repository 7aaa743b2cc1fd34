// Transport choice and the browser-mode token: preload first, else HTTP with the token taken
// from the address bar, kept for reloads, and removed from the visible URL.
import { Window } from 'happy-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../../src/core/api';
import type { GlossApi, GlossShell } from '../../../src/core/api';
import {
  TOKEN_STORAGE_KEY,
  getShell,
  installTransport,
  resetTransportForTests,
  takeToken,
} from '../../../src/renderer/src/transport';
import type { TransportWindow } from '../../../src/renderer/src/transport';

function preloadApi(): GlossApi {
  return {
    getWorkspace: vi.fn(),
    listDocuments: vi.fn(),
    openDocument: vi.fn(),
    applyChanges: vi.fn(),
    getSettings: vi.fn(async () => ok({ annotator: 'from-preload' })),
    setAnnotator: vi.fn(),
    listFormats: vi.fn(),
    startImport: vi.fn(),
    startExport: vi.fn(),
    getJob: vi.fn(),
    applyCuration: vi.fn(),
    getAgreement: vi.fn(),
    pollChanges: vi.fn(),
  };
}

const windows: Window[] = [];
function browserWindow(url: string): Window {
  const win = new Window({ url });
  windows.push(win);
  return win;
}

afterEach(async () => {
  resetTransportForTests();
  vi.unstubAllGlobals();
  for (const w of windows.splice(0)) await w.happyDOM.close();
});

describe('takeToken', () => {
  it('takes the token from the URL, stores it and removes it from the address bar', () => {
    const win = browserWindow('http://127.0.0.1:4321/?token=abc_DEF-123&view=x#doc-1');
    const entries = win.history.length;
    expect(takeToken(win)).toBe('abc_DEF-123');
    expect(win.location.href).toBe('http://127.0.0.1:4321/?view=x#doc-1');
    expect(win.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc_DEF-123');
    // Replaced, not pushed: Back does not bring the token back.
    expect(win.history.length).toBe(entries);
  });

  it('uses the stored token after a reload without one in the URL', () => {
    const win = browserWindow('http://127.0.0.1:4321/');
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, 'stored');
    expect(takeToken(win)).toBe('stored');
    expect(win.location.href).toBe('http://127.0.0.1:4321/');
  });

  it('prefers a new token in the URL over a stored one', () => {
    const win = browserWindow('http://127.0.0.1:4321/?token=fresh');
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, 'old');
    expect(takeToken(win)).toBe('fresh');
    expect(win.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('fresh');
  });

  it('answers null when there is no token anywhere', () => {
    expect(takeToken(browserWindow('http://127.0.0.1:4321/'))).toBeNull();
  });
});

describe('installTransport', () => {
  it('returns the preload API when Electron provided one, and touches no token', async () => {
    const win = browserWindow('http://127.0.0.1:4321/?token=t');
    const gloss = preloadApi();
    const target: TransportWindow = Object.assign(win, { gloss });
    const api = installTransport(target);
    expect(api).toBe(gloss);
    expect(await api.getSettings()).toEqual(ok({ annotator: 'from-preload' }));
    expect(win.location.href).toBe('http://127.0.0.1:4321/?token=t');
  });

  it('installs an HTTP client in browser mode that posts to /api/<method> with the token', async () => {
    const win = browserWindow('http://127.0.0.1:4321/?token=secret-token');
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(ok({ annotator: 'alice' }))));
    vi.stubGlobal('fetch', fetchMock);
    const api = installTransport(win);
    expect(win.location.href).toBe('http://127.0.0.1:4321/');
    expect(await api.setAnnotator('alice')).toEqual(ok({ annotator: 'alice' }));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/setAnnotator');
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('X-Gloss-Token')).toBe('secret-token');
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ args: ['alice'] });
  });

  it('installs once: a second call returns the same API', () => {
    const win = browserWindow('http://127.0.0.1:4321/?token=t');
    const first = installTransport(win);
    expect(installTransport(browserWindow('http://127.0.0.1:4321/'))).toBe(first);
  });

  it('gives calls a clear forbidden Result when the page has no token', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const api = installTransport(browserWindow('http://127.0.0.1:4321/'));
    const result = await api.listDocuments();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('forbidden');
      expect(result.error.message).toContain('gloss serve');
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('getShell', () => {
  it('returns the preload shell in Electron and null in browser mode', () => {
    const shell: GlossShell = { onCommand: () => () => undefined, saveFile: async () => ({ ok: true, value: null }) };
    const win = browserWindow('http://127.0.0.1:4321/');
    expect(getShell(win)).toBeNull();
    expect(getShell(Object.assign(win, { glossShell: shell }))).toBe(shell);
  });
});
