// The real Electron shell, driven by Playwright's `_electron.launch`: the window opens the
// workspace given by --workspace, the page has the preload's API and no Node, IPC writes layers
// to disk, an export is saved where the save dialog says, navigation and new windows are refused. Skipped, saying why, where there is no
// Electron binary (the binary cannot be downloaded on every machine). Self-contained.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import type { DocumentSummary, GlossApi, OpenedDocument, Result } from '../src/core/api';

const ROOT = resolve(import.meta.dirname, '..');
const GLOSS_BIN = join(ROOT, 'bin', 'gloss.mjs');
const SAMPLES = join(ROOT, 'resources', 'sample');

/**
 * The Electron executable, or null. Not `require('electron')`: without its binary that module
 * tries to download it, and the machines this runs on may have no network.
 */
function findElectron(): string | null {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const executable = join(process.env.ELECTRON_OVERRIDE_DIST_PATH || join(dir, 'dist'), relative);
  return relative && existsSync(executable) ? executable : null;
}

const ELECTRON = findElectron();
const SKIP_REASON = 'Electron binary not installed (node_modules/electron has no dist/): Electron e2e skipped';
if (!ELECTRON) console.log(`[e2e/electron.spec.ts] ${SKIP_REASON}`);
test.skip(!ELECTRON, SKIP_REASON);

type PageGlobals = { gloss?: GlossApi; glossShell?: unknown; require?: unknown; process?: unknown; module?: unknown };

/** Calls window.gloss in the page (the preload's API, over IPC), as the renderer does. */
function apiCall<M extends 'listDocuments' | 'openDocument' | 'applyChanges' | 'getSettings'>(
  page: Page,
  method: M,
  args: Parameters<GlossApi[M]>,
): Promise<Awaited<ReturnType<GlossApi[M]>>> {
  return page.evaluate(
    async ({ method, args }) => {
      const api = (globalThis as unknown as PageGlobals).gloss;
      if (!api) throw new Error('no window.gloss in the page');
      const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
      return fn(...args);
    },
    { method, args },
  ) as Promise<Awaited<ReturnType<GlossApi[M]>>>;
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

test.describe('Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;
  let workspace: string;

  test.beforeEach(async () => {
    const testInfo = test.info();
    if (!existsSync(join(ROOT, 'out', 'main', 'index.js')) || !existsSync(join(ROOT, 'out', 'preload', 'index.cjs'))) {
      throw new Error('Gloss is not built: run `npm run build` before the Electron e2e test.');
    }
    workspace = testInfo.outputPath('workspace');
    const samples = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => join(SAMPLES, f));
    execFileSync(process.execPath, [GLOSS_BIN, 'init', workspace, '--name', 'Electron e2e'], { stdio: 'pipe' });
    execFileSync(process.execPath, [GLOSS_BIN, 'import', workspace, ...samples], { stdio: 'pipe' });
    app = await _electron.launch({
      executablePath: ELECTRON ?? undefined,
      args: [ROOT, '--workspace', workspace, '--annotator', 'alice'],
      cwd: ROOT,
      env: {
        ...process.env,
        GLOSS_CONFIG_DIR: testInfo.outputPath('config'),
        GLOSS_DATA_DIR: testInfo.outputPath('data'),
      },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterEach(async () => {
    await app?.close();
  });

  test('opens the workspace in a sandboxed window: preload API, no Node, our page only', async () => {
    expect(page.url()).toBe('gloss://app/index.html');
    await expect(page.getByTestId('doc-list')).toBeVisible();
    await expect(page.locator('[data-testid=doc-item]')).toHaveCount(3);

    const globals = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return {
        gloss: typeof g.gloss,
        shell: typeof g.glossShell,
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
      };
    });
    expect(globals).toEqual({ gloss: 'object', shell: 'object', require: 'undefined', process: 'undefined', module: 'undefined' });

    // Exactly one window, showing our page from our own scheme (never file://, never the network).
    const urls = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.webContents.getURL()));
    expect(urls).toEqual(['gloss://app/index.html']);

    const settings = value(await apiCall(page, 'getSettings', []));
    expect(settings.annotator).toBe('alice');
  });

  test('writes a span to the layer file on disk through IPC', async () => {
    const docs: DocumentSummary[] = value(await apiCall(page, 'listDocuments', []));
    const summary = docs.find((d) => d.title === 'tajikistan-russia-industrial-cooperation');
    if (!summary) throw new Error(`sample document missing: ${docs.map((d) => d.title).join(', ')}`);
    const opened: OpenedDocument = value(await apiCall(page, 'openDocument', [summary.id]));
    const start = [...opened.document.text.slice(0, opened.document.text.indexOf('Emomali Rahmon'))].length;
    expect(start).toBe(75);
    const applied = await apiCall(page, 'applyChanges', [
      summary.id,
      [{ op: 'add', span: { id: 'e2e-1', label: 'Person', start, end: start + 14 } }],
    ]);
    expect(applied).toMatchObject({ ok: true });
    const layer = JSON.parse(readFileSync(join(workspace, 'annotations', summary.id, 'alice.json'), 'utf8')) as {
      spans: { label: string; start: number; end: number; quote: string }[];
    };
    expect(layer.spans.map((s) => [s.label, s.start, s.end, s.quote])).toEqual([['Person', 75, 89, 'Emomali Rahmon']]);
  });

  test('saves an export through the save dialog: main copies the file it kept, the page never holds it', async () => {
    const target = test.info().outputPath('saved.csv');
    // The native dialog answered as a person would, in the main process.
    await app.evaluate(({ dialog }, filePath) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath })) as unknown as typeof dialog.showSaveDialog;
    }, target);
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-format').selectOption('csv');
    await page.getByTestId('export-start').click();
    await expect(page.getByTestId('export-file')).toContainText(`Saved ${target}`);
    const rows = readFileSync(target, 'utf8').trim().split(/\r?\n/u);
    expect(rows[0]).toBe('document,title,annotator,id,label,category,start,end,text,attributes,note');
  });

  test('refuses navigation away and new windows', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(300);
    expect(page.url()).toBe('gloss://app/index.html');
    const opened = await page.evaluate(() => {
      const open = (globalThis as unknown as { open: (url: string) => unknown }).open;
      return open('https://example.com/') === null;
    });
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });
});
