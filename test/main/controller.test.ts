// The Electron app state with a fake `electron` (dialogs answered by the test) over a real
// workspace on disk: argv, the sample workspace's place, opening, import and export from the menu,
// and the renderer's Export… saving a kept file through the save dialog.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';

const fake = vi.hoisted(() => ({
  app: { getPath: vi.fn(() => '/home/tester/Documents') },
  dialog: {
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
    showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePath: '' })),
    showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
    showMessageBoxSync: vi.fn((..._args: unknown[]) => 0),
  },
}));

vi.mock('electron', () => ({ app: fake.app, dialog: fake.dialog }));

const { GlossApp, parseShellArgs, sampleWorkspaceDir } = await import('../../src/main/controller');
const { SettingsStore } = await import('../../src/main/settings');
const { Workspace } = await import('../../src/main/workspace/workspace');

const SAMPLES = resolve(import.meta.dirname, '../../resources/sample');
const NOW = new Date('2024-05-01T10:00:00.000Z');

describe('parseShellArgs', () => {
  it('reads --workspace and --annotator in both spellings and ignores everything else', () => {
    expect(parseShellArgs(['/app', '--workspace', '/data/ws', '--annotator=bob', '--inspect'])).toEqual({
      workspace: '/data/ws',
      annotator: 'bob',
    });
    expect(parseShellArgs(['--workspace=/w'])).toEqual({ workspace: '/w' });
    expect(parseShellArgs(['.', '--no-sandbox'])).toEqual({});
    // A dangling flag has no value to take.
    expect(parseShellArgs(['--workspace'])).toEqual({});
  });
});

describe('sampleWorkspaceDir', () => {
  it('is under $GLOSS_DATA_DIR, else $XDG_DATA_HOME/gloss, else ~/.local/share/gloss', () => {
    expect(sampleWorkspaceDir({ GLOSS_DATA_DIR: '/g', XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/g/sample-workspace');
    expect(sampleWorkspaceDir({ XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/x/gloss/sample-workspace');
    expect(sampleWorkspaceDir({}, '/home/u')).toBe('/home/u/.local/share/gloss/sample-workspace');
    expect(sampleWorkspaceDir({ GLOSS_DATA_DIR: '', XDG_DATA_HOME: '' }, '/home/u')).toBe('/home/u/.local/share/gloss/sample-workspace');
  });
});

describe('GlossApp', () => {
  let root: string;
  let wsDir: string;
  /** Where the app keeps its exports' files. */
  let keptDir: string;
  const sent: unknown[][] = [];
  const fakeWindow = {
    isDestroyed: () => false,
    on: vi.fn(),
    setProgressBar: vi.fn(),
    webContents: Object.assign(new EventEmitter(), { send: (...args: unknown[]) => sent.push(args) }),
  };

  async function makeApp(annotator = 'alice'): Promise<InstanceType<typeof GlossApp>> {
    const settings = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: join(root, 'config') }, annotatorOverride: annotator });
    const app = new GlossApp({ settings, now: () => NOW, tempDir: keptDir });
    app.attachWindow(fakeWindow as unknown as BrowserWindow);
    return app;
  }

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'gloss-controller-test-'));
    wsDir = join(root, 'ws');
    keptDir = join(root, 'kept');
    mkdirSync(keptDir);
    const init = await Workspace.init(wsDir, { name: 'Field reports', now: () => NOW });
    expect(init.ok).toBe(true);
    sent.length = 0;
    vi.clearAllMocks();
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('answers "no workspace" until one is open, then serves its API and tells the renderer', async () => {
    const app = await makeApp();
    expect(app.api()).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await app.openWorkspace(wsDir)).toEqual({ ok: true, value: undefined });
    const api = app.api();
    if (!api.ok) throw new Error(api.error.message);
    const info = await api.value.getWorkspace();
    expect(info).toMatchObject({ ok: true, value: { name: 'Field reports', annotator: 'alice', path: wsDir } });
    expect(sent).toEqual([['gloss:shell-command', 'reload-workspace']]);
  });

  it('sweeps the temp files that writes killed long ago left in the workspace it opens', async () => {
    // No process has this pid (above Linux's limit); two hours old.
    const litter = join(wsDir, '.gloss.json.tmp-99999999-abcdef');
    writeFileSync(litter, '{"half":');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(litter, old, old);
    const app = await makeApp();
    expect((await app.openWorkspace(wsDir)).ok).toBe(true);
    await vi.waitFor(() => expect(existsSync(litter)).toBe(false));
    expect(existsSync(join(wsDir, 'gloss.json'))).toBe(true);
  });

  it('keeps the reason a workspace failed to open, naming the folder, for the renderer to show', async () => {
    const app = await makeApp();
    const missing = join(root, 'nowhere');
    const opened = await app.openWorkspace(missing);
    expect(opened.ok).toBe(false);
    const api = app.api();
    expect(api.ok).toBe(false);
    if (!api.ok) expect(api.error.message).toContain(missing);
  });

  it('reports unreadable settings (an invalid --annotator) through the API instead of crashing', async () => {
    const settings = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: join(root, 'config') }, annotatorOverride: '.bad name' });
    const app = new GlossApp({ settings, now: () => NOW });
    expect((await app.openWorkspace(wsDir)).ok).toBe(false);
    const api = app.api();
    expect(api).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('asks before closing a window whose page is still saving an edit', async () => {
    fakeWindow.webContents.removeAllListeners();
    await makeApp();
    const unload = (answer: number) => {
      fake.dialog.showMessageBoxSync.mockReturnValueOnce(answer);
      const event = { preventDefault: vi.fn() };
      fakeWindow.webContents.emit('will-prevent-unload', event);
      return event.preventDefault;
    };
    // "Stay": the page keeps its hold, the window stays.
    expect(unload(0)).not.toHaveBeenCalled();
    const [parent, options] = fake.dialog.showMessageBoxSync.mock.calls.at(-1) ?? [];
    expect(parent).toBe(fakeWindow);
    expect(options).toMatchObject({ type: 'warning', buttons: ['Stay', 'Close anyway'], cancelId: 0, message: 'Gloss is still saving your last change.' });
    // "Close anyway": the hold is ignored and the window closes.
    expect(unload(1)).toHaveBeenCalledOnce();
  });

  it('trusts only the attached window, and no window once it is destroyed', async () => {
    const app = await makeApp();
    expect(app.trustedContents()).toBe(fakeWindow.webContents);
    const closedWindow = { ...fakeWindow, isDestroyed: () => true, on: vi.fn() };
    app.attachWindow(closedWindow as unknown as BrowserWindow);
    expect(app.trustedContents()).toBeNull();
  });

  it('imports the files picked in the dialog as me, then reloads the renderer', async () => {
    const app = await makeApp('alice');
    await app.openWorkspace(wsDir);
    sent.length = 0;
    const files = ['social-monitoring-digest.txt', 'ru-ministry-briefing.txt'].map((f) => join(SAMPLES, f));
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: files });
    await app.importFiles();
    const [parent, options] = fake.dialog.showOpenDialog.mock.calls[0] ?? [];
    expect(parent).toBe(fakeWindow);
    expect(options).toMatchObject({ properties: ['openFile', 'multiSelections'] });
    const api = app.api();
    if (!api.ok) throw new Error(api.error.message);
    const docs = await api.value.listDocuments();
    expect(docs.ok && docs.value.map((d) => d.title).sort()).toEqual(['ru-ministry-briefing', 'social-monitoring-digest']);
    expect(sent).toEqual([['gloss:shell-command', 'reload-workspace']]);
    const message = fake.dialog.showMessageBox.mock.calls[0]?.[1] as { type: string; message: string };
    expect(message).toMatchObject({ type: 'info', message: 'Imported 2 files: 2 new documents.' });
    // The taskbar progress is cleared once the job is over.
    expect(fakeWindow.setProgressBar).toHaveBeenLastCalledWith(-1);
  });

  it('imports nothing when the dialog is cancelled, and says why when a file is bad', async () => {
    const app = await makeApp();
    await app.openWorkspace(wsDir);
    await app.importFiles();
    expect(fake.dialog.showMessageBox).not.toHaveBeenCalled();
    const bad = join(root, 'bad.jsonl');
    writeFileSync(bad, '{"text":"ok","spans":[]}\n{"text": broken\n');
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [bad] });
    await app.importFiles();
    const message = fake.dialog.showMessageBox.mock.calls[0]?.[1] as { type: string; message: string; detail: string };
    expect(message.type).toBe('error');
    expect(message.message).toBe('Nothing was imported');
    expect(message.detail).toContain('bad.jsonl');
    expect(message.detail).toContain('line 2');
    expect(message.detail).toContain('The workspace is unchanged.');
    const api = app.api();
    if (!api.ok) throw new Error(api.error.message);
    expect(await api.value.listDocuments()).toEqual({ ok: true, value: [] });
  });

  it('exports the chosen format to the file picked in the save dialog', async () => {
    const app = await makeApp();
    await app.openWorkspace(wsDir);
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [join(SAMPLES, 'social-monitoring-digest.txt')] });
    await app.importFiles();
    vi.clearAllMocks();
    const target = join(root, 'out', 'dataset.gloss.json');
    mkdirSync(join(root, 'out'));
    fake.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    fake.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    await app.exportDataset();
    const saveOptions = fake.dialog.showSaveDialog.mock.calls[0]?.[1] as { defaultPath: string };
    expect(saveOptions.defaultPath).toBe('/home/tester/Documents/field-reports.gloss.json');
    expect(existsSync(target)).toBe(true);
    const dataset = JSON.parse(readFileSync(target, 'utf8')) as { format: string; exportedAt: string; documents: { text: string }[] };
    expect(dataset.format).toBe('gloss.dataset');
    expect(dataset.exportedAt).toBe(NOW.toISOString());
    expect(dataset.documents[0]?.text).toBe(readFileSync(join(SAMPLES, 'social-monitoring-digest.txt'), 'utf8').replace(/\r\n?/g, '\n'));
  });

  it('writes nothing when the export is cancelled at the format question', async () => {
    const app = await makeApp();
    await app.openWorkspace(wsDir);
    const options = await (async () => {
      fake.dialog.showMessageBox.mockResolvedValueOnce({ response: 7, checkboxChecked: false });
      await app.exportDataset();
      return fake.dialog.showMessageBox.mock.calls[0]?.[1] as { buttons: string[]; cancelId: number };
    })();
    expect(options.buttons).toEqual([
      'Gloss dataset (all layers)',
      'JSONL (my spans)',
      'doccano (my spans)',
      'brat folder (my spans)',
      'CoNLL (my spans)',
      'W3C Web Annotation (all layers)',
      'CSV (all layers)',
      'Cancel',
    ]);
    expect(options.cancelId).toBe(7);
    expect(fake.dialog.showSaveDialog).not.toHaveBeenCalled();
    expect(fake.dialog.showOpenDialog).not.toHaveBeenCalled();
  });

  it('exports my spans as brat into the folder picked, one .txt and .ann per document', async () => {
    const app = await makeApp('alice');
    await app.openWorkspace(wsDir);
    const source = join(root, 'alice.jsonl');
    writeFileSync(source, `${JSON.stringify({ text: 'Rahmon visited Moscow.', spans: [{ start: 0, end: 6, label: 'Person' }] })}\n`);
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [source] });
    await app.importFiles();
    vi.clearAllMocks();
    const target = join(root, 'brat-out');
    fake.dialog.showMessageBox.mockResolvedValueOnce({ response: 3, checkboxChecked: false });
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [target] });
    await app.exportDataset();
    const folderOptions = fake.dialog.showOpenDialog.mock.calls[0]?.[1] as { properties: string[] };
    expect(folderOptions.properties).toEqual(['openDirectory', 'createDirectory']);
    expect(readFileSync(join(target, 'rahmon-visited-moscow.ann'), 'utf8')).toBe('T1\tPerson 0 6\tRahmon\n');
    expect(readFileSync(join(target, 'rahmon-visited-moscow.txt'), 'utf8')).toBe('Rahmon visited Moscow.');
    const done = fake.dialog.showMessageBox.mock.calls[1]?.[1] as { message: string; detail: string };
    expect(done.message).toBe('Exported 1 document, 1 span of alice as brat');
    expect(done.detail.split('\n')).toEqual([target, '2 files: <document>.txt + <document>.ann']);
  });

  /** The app with the sample digest imported, and a CSV export made through its API as the renderer asks. */
  async function exported(): Promise<{ app: InstanceType<typeof GlossApp>; file: { name: string; href: string }; bytes: string }> {
    const app = await makeApp();
    await app.openWorkspace(wsDir);
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [join(SAMPLES, 'social-monitoring-digest.txt')] });
    await app.importFiles();
    vi.clearAllMocks();
    const api = app.api();
    if (!api.ok) throw new Error(api.error.message);
    const started = await api.value.startExport({ format: 'csv' });
    if (!started.ok) throw new Error(started.error.message);
    let job = await api.value.getJob(started.value);
    while (job.ok && job.value.state === 'running') {
      await new Promise((r) => setTimeout(r, 10));
      job = await api.value.getJob(started.value);
    }
    const file = job.ok ? job.value.result?.files?.[0] : undefined;
    if (!file || !('href' in file)) throw new Error(`expected a kept file, got ${JSON.stringify(job)}`);
    const kept = readdirSync(keptDir).flatMap((d) => readdirSync(join(keptDir, d)).map((f) => join(keptDir, d, f)));
    expect(kept).toHaveLength(1);
    return { app, file, bytes: readFileSync(kept[0]!, 'utf8') };
  }

  it('keeps the renderer’s export in a temp folder (not in the job’s answer) and saves it where the dialog says', async () => {
    const { app, file, bytes } = await exported();
    expect(file.name).toBe('field-reports.csv');
    expect(bytes.split('\n')[0]).toContain('document');
    const target = join(root, 'out.csv');
    fake.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    expect(await app.saveFile(file.href)).toEqual({ ok: true, value: target });
    const [parent, options] = fake.dialog.showSaveDialog.mock.calls[0] ?? [];
    expect(parent).toBe(fakeWindow);
    expect(options).toMatchObject({ defaultPath: '/home/tester/Documents/field-reports.csv', filters: [{ extensions: ['csv'] }, { extensions: ['*'] }] });
    expect(readFileSync(target, 'utf8')).toBe(bytes);
    // No temp file is left beside the saved one.
    expect(readdirSync(root).filter((f) => f.includes('out.csv'))).toEqual(['out.csv']);
    // Saved again elsewhere: the kept file stays until the app quits.
    const again = join(root, 'again.csv');
    fake.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: again });
    expect(await app.saveFile(file.href)).toEqual({ ok: true, value: again });
    expect(readFileSync(again, 'utf8')).toBe(bytes);
    app.removeKeptFiles();
    expect(readdirSync(keptDir)).toEqual([]);
    expect(await app.saveFile(file.href)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('writes nothing when the save dialog is cancelled, and says why a file cannot be written', async () => {
    const { app, file } = await exported();
    expect(await app.saveFile(file.href)).toEqual({ ok: true, value: null });
    const target = join(root, 'missing-folder', 'out.csv');
    fake.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    const failed = await app.saveFile(file.href);
    expect(failed).toMatchObject({ ok: false, error: { code: 'io' } });
    if (!failed.ok) expect(failed.error.message).toContain(`Cannot write ${target}: ENOENT`);
    expect(existsSync(join(root, 'missing-folder'))).toBe(false);
  });

  it('saves only files it kept, and one dialog at a time', async () => {
    const { app, file } = await exported();
    for (const href of ['/download/not-an-id', '/download/00000000-0000-4000-8000-000000000000', '../../etc/passwd', file.href.replace('/download/', '/other/')]) {
      expect(await app.saveFile(href), href).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
    expect(fake.dialog.showSaveDialog).not.toHaveBeenCalled();
    let answer: (value: { canceled: boolean; filePath: string }) => void = () => undefined;
    fake.dialog.showSaveDialog.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const first = app.saveFile(file.href);
    expect(await app.saveFile(file.href)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    answer({ canceled: true, filePath: '' });
    expect(await first).toEqual({ ok: true, value: null });
  });
});
