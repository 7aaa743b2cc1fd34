// The window and its lockdown with a fake `electron`: webPreferences, navigation and new windows
// refused, permissions refused, network requests cancelled, the renderer scheme and its files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const fake = await vi.hoisted(async () => {
  // Hoisted above the imports, so it imports what it needs itself.
  const { EventEmitter } = await import('node:events');
  class FakeWebContents extends EventEmitter {
    openHandler: ((details: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.openHandler = handler;
    }
  }
  class FakeBrowserWindow extends EventEmitter {
    static created: FakeBrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    readonly loadURL = vi.fn(async (_url: string) => undefined);
    readonly show = vi.fn();
    constructor(readonly options: unknown) {
      super();
      FakeBrowserWindow.created.push(this);
    }
  }
  const app = Object.assign(new EventEmitter(), { isPackaged: false });
  const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
  return { FakeWebContents, FakeBrowserWindow, app, protocol };
});

vi.mock('electron', () => ({ BrowserWindow: fake.FakeBrowserWindow, app: fake.app, protocol: fake.protocol }));

const window = await import('../../src/main/window');
const { RENDERER_CSP } = await import('../../src/main/renderer-files');

const asContents = (c: InstanceType<typeof fake.FakeWebContents>): WebContents => c as unknown as WebContents;

function preventable(extra: Record<string, unknown> = {}): { preventDefault: ReturnType<typeof vi.fn> } & Record<string, unknown> {
  return { preventDefault: vi.fn(), ...extra };
}

beforeEach(() => {
  fake.FakeBrowserWindow.created = [];
  fake.app.removeAllListeners();
  vi.clearAllMocks();
});

describe('windowOptions', () => {
  it('sandboxes and isolates the renderer, with no Node and web security on', () => {
    const options = window.windowOptions({ preloadPath: '/app/out/preload/index.cjs', devTools: false });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
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
      devTools: false,
    });
    expect(options.webPreferences?.enableBlinkFeatures).toBeUndefined();
    expect(options.show).toBe(false);
  });
});

describe('createMainWindow', () => {
  it('creates the window with those options, loads our page, and shows it when painted', () => {
    const created = window.createMainWindow({ preloadPath: '/p/index.cjs', devTools: true });
    const [win] = fake.FakeBrowserWindow.created;
    if (!win) throw new Error('no window created');
    expect(created).toBe(win);
    expect(win.options).toEqual(window.windowOptions({ preloadPath: '/p/index.cjs', devTools: true }));
    expect((win.options as BrowserWindowConstructorOptions).webPreferences?.sandbox).toBe(true);
    expect(win.loadURL).toHaveBeenCalledWith('gloss://app/index.html');
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledTimes(1);
    // Its WebContents is hardened: no navigation, no new windows.
    const nav = preventable({ url: 'https://evil.example/' });
    win.webContents.emit('will-navigate', nav);
    expect(nav.preventDefault).toHaveBeenCalled();
    expect(win.webContents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('hardenWebContents', () => {
  it('refuses navigation of the page, of frames, redirects and webviews', () => {
    const contents = new fake.FakeWebContents();
    window.hardenWebContents(asContents(contents));
    for (const url of ['https://evil.example/', 'gloss://app/index.html', 'file:///etc/passwd']) {
      const event = preventable({ url });
      contents.emit('will-navigate', event);
      expect(event.preventDefault, url).toHaveBeenCalled();
    }
    const frameNav = preventable({ url: 'https://evil.example/', isMainFrame: false, isSameDocument: false });
    contents.emit('will-frame-navigate', frameNav);
    expect(frameNav.preventDefault).toHaveBeenCalled();
    const redirect = preventable({ url: 'https://evil.example/' });
    contents.emit('will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = preventable();
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('lets an anchor jump inside our page happen', () => {
    const contents = new fake.FakeWebContents();
    window.hardenWebContents(asContents(contents));
    const jump = preventable({ url: 'gloss://app/index.html#s1', isMainFrame: true, isSameDocument: true });
    contents.emit('will-frame-navigate', jump);
    expect(jump.preventDefault).not.toHaveBeenCalled();
  });

  it('denies every new window', () => {
    const contents = new fake.FakeWebContents();
    window.hardenWebContents(asContents(contents));
    for (const url of ['https://example.com/', 'gloss://app/index.html', 'about:blank']) {
      expect(contents.openHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
  });
});

describe('setupContentsSecurity', () => {
  it('hardens every WebContents the app creates', () => {
    window.setupContentsSecurity();
    const contents = new fake.FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const nav = preventable({ url: 'https://example.com/' });
    contents.emit('will-navigate', nav);
    expect(nav.preventDefault).toHaveBeenCalled();
  });
});

describe('setupSessionSecurity', () => {
  type RequestListener = (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void;
  type HeadersListener = (
    details: { url: string; responseHeaders?: Record<string, string[]> },
    callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
  ) => void;

  interface FakeSession {
    permissionRequest: null | ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void);
    permissionCheck: null | ((wc: unknown, permission: string) => boolean);
    deviceCheck: null | ((details: unknown) => boolean);
    beforeRequest: null | RequestListener;
    headersReceived: null | HeadersListener;
    spellChecker: boolean;
  }

  function fakeSession(): FakeSession {
    const s: FakeSession = {
      permissionRequest: null,
      permissionCheck: null,
      deviceCheck: null,
      beforeRequest: null,
      headersReceived: null,
      spellChecker: true,
    };
    const session = {
      setPermissionRequestHandler: (h: FakeSession['permissionRequest']) => (s.permissionRequest = h),
      setPermissionCheckHandler: (h: FakeSession['permissionCheck']) => (s.permissionCheck = h),
      setDevicePermissionHandler: (h: FakeSession['deviceCheck']) => (s.deviceCheck = h),
      setSpellCheckerEnabled: (on: boolean) => (s.spellChecker = on),
      webRequest: {
        onBeforeRequest: (l: RequestListener) => (s.beforeRequest = l),
        onHeadersReceived: (l: HeadersListener) => (s.headersReceived = l),
      },
    };
    window.setupSessionSecurity(session as unknown as Session);
    return s;
  }

  it('refuses every permission request and check', () => {
    const s = fakeSession();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const callback = vi.fn();
      s.permissionRequest?.({}, permission, callback);
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect(s.permissionCheck?.({}, permission), permission).toBe(false);
    }
    expect(s.deviceCheck?.({ deviceType: 'usb' })).toBe(false);
    expect(s.spellChecker).toBe(false);
  });

  it('cancels every request that would leave the app', () => {
    const s = fakeSession();
    const cancelled = (url: string): boolean | undefined => {
      let answer: boolean | undefined;
      s.beforeRequest?.({ url }, (r) => (answer = r.cancel));
      return answer;
    };
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/api/getWorkspace',
      'ws://127.0.0.1:9000/',
      'file:///etc/passwd',
      'ftp://example.com/',
      'gloss://evil/index.html',
      'not a url',
    ]) {
      expect(cancelled(url), url).toBe(true);
    }
    for (const url of ['gloss://app/index.html', 'gloss://app/assets/index-abc.js', 'devtools://devtools/bundled/x.html', 'data:image/png;base64,AA==']) {
      expect(cancelled(url), url).toBe(false);
    }
  });

  it('adds the CSP to our responses', () => {
    const s = fakeSession();
    let headers: Record<string, string | string[]> | undefined;
    s.headersReceived?.({ url: 'gloss://app/index.html', responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => {
      headers = r.responseHeaders;
    });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [RENDERER_CSP] });
  });
});

describe('the gloss:// renderer scheme', () => {
  let root: string;
  let rendererDir: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gloss-window-test-'));
    rendererDir = join(root, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Gloss</title>');
    writeFileSync(join(rendererDir, 'assets', 'index.js'), 'export {};');
    writeFileSync(join(root, 'secret.txt'), 'secret');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is registered as standard and secure, without bypassing the CSP', () => {
    window.registerRendererScheme();
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    const [schemes] = fake.protocol.registerSchemesAsPrivileged.mock.calls[0] as [
      { scheme: string; privileges: Record<string, boolean> }[],
    ];
    expect(schemes).toHaveLength(1);
    expect(schemes[0]?.scheme).toBe('gloss');
    expect(schemes[0]?.privileges).toMatchObject({ standard: true, secure: true });
    expect(schemes[0]?.privileges.bypassCSP).not.toBe(true);
  });

  it('is handled by serving the renderer folder', async () => {
    window.setupRendererProtocol(rendererDir);
    expect(fake.protocol.handle).toHaveBeenCalledWith('gloss', expect.any(Function));
    const handler = fake.protocol.handle.mock.calls[0]?.[1] as (r: Request) => Promise<Response>;
    const response = await handler(new Request('gloss://app/index.html'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<!doctype html><title>Gloss</title>');
  });

  it('serves files with their type, the CSP and nosniff', async () => {
    const handle = window.rendererProtocolHandler(rendererDir);
    const page = await handle(new Request('gloss://app/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await handle(new Request('gloss://app/assets/index.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('export {};');
  });

  it('serves nothing outside the folder, for another host, or for other methods', async () => {
    const handle = window.rendererProtocolHandler(rendererDir);
    for (const url of [
      'gloss://app/../secret.txt',
      'gloss://app/%2e%2e/secret.txt',
      'gloss://app/assets/..%2f..%2fsecret.txt',
      'gloss://app/missing.js',
      'gloss://evil/index.html',
    ]) {
      const response = await handle(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('secret');
      expect(response.headers.get('content-security-policy'), url).toBe(RENDERER_CSP);
    }
    const post = await handle(new Request('gloss://app/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });
});

describe('isRendererUrl', () => {
  it('accepts only our page', () => {
    expect(window.isRendererUrl('gloss://app/index.html')).toBe(true);
    expect(window.isRendererUrl('gloss://app/')).toBe(true);
    expect(window.isRendererUrl('gloss://app/index.html?x=1#y')).toBe(true);
    for (const url of ['gloss://app/x.html', 'gloss://app.evil/index.html', 'https://app/index.html', 'file:///index.html', 'x']) {
      expect(window.isRendererUrl(url), url).toBe(false);
    }
  });
});
