// The Electron app's state: which workspace is open and its GlossApi, the window, and what the
// menu's workspace commands do (open, import, export through native dialogs), and saving an
// export's kept file where the user picks. index.ts wires it up.

import { app, dialog } from 'electron';
import type { BrowserWindow, MessageBoxOptions, OpenDialogOptions, SaveDialogOptions, WebContents } from 'electron';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail, ok } from '../core/api';
import type { ExportFormatName, GlossApi, JobFile, JobStatus, Result, ShellCommand } from '../core/api';
import { SHELL_COMMAND_CHANNEL } from '../preload/channels';
import { closeGlossApi, createGlossApi } from './api';
import { Downloads } from './downloads';
import type { KeptDownload } from './downloads';
import type { MenuActions } from './menu';
import { SettingsStore } from './settings';
import { Transfers, isOneLayerFormat } from './transfer';
import { copyFileDurable, mkdirDurable } from './workspace/durable';
import { DOCUMENT_FORMATS } from './workspace/importer';
import { Workspace } from './workspace/workspace';

/** What the Electron command line may say (after Electron's own arguments). */
export interface ShellArgs {
  /** `--workspace DIR`: the workspace to open instead of the sample one. */
  workspace?: string;
  /** `--annotator NAME`: who I am for this run (like the CLI's option). */
  annotator?: string;
}

/** Reads `--workspace DIR` / `--workspace=DIR` and `--annotator NAME` from argv; ignores the rest. */
export function parseShellArgs(argv: readonly string[]): ShellArgs {
  const args: ShellArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    for (const name of ['workspace', 'annotator'] as const) {
      if (arg === `--${name}` && i + 1 < argv.length) args[name] = argv[++i];
      else if (arg.startsWith(`--${name}=`)) args[name] = arg.slice(name.length + 3);
    }
  }
  return args;
}

/**
 * Where the built-in sample workspace lives (scripts/start.mjs makes it):
 * `$GLOSS_DATA_DIR/sample-workspace`, else `$XDG_DATA_HOME/gloss/sample-workspace`,
 * else `~/.local/share/gloss/sample-workspace`.
 */
export function sampleWorkspaceDir(env: Record<string, string | undefined> = process.env, home = homedir()): string {
  const dataDir = env.GLOSS_DATA_DIR || join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'gloss');
  return join(dataDir, 'sample-workspace');
}

/** The export formats offered by the menu, in the order of the buttons. */
const EXPORT_CHOICES: readonly { format: ExportFormatName; button: string; filter: string }[] = [
  { format: 'gloss', button: 'Gloss dataset (all layers)', filter: 'Gloss dataset' },
  { format: 'jsonl', button: 'JSONL (my spans)', filter: 'JSON Lines' },
  { format: 'doccano', button: 'doccano (my spans)', filter: 'doccano JSONL' },
  { format: 'brat', button: 'brat folder (my spans)', filter: 'brat' },
  { format: 'conll', button: 'CoNLL (my spans)', filter: 'CoNLL' },
  { format: 'w3c', button: 'W3C Web Annotation (all layers)', filter: 'JSON-LD' },
  { format: 'csv', button: 'CSV (all layers)', filter: 'CSV' },
];

/** Extensions the Import dialog offers first: every document format's, and the annotation files'. */
function importExtensions(): string[] {
  const documents = Object.values(DOCUMENT_FORMATS).flatMap((f) => f.extensions.map((e) => e.slice(1)));
  return [...new Set([...documents, 'json', 'jsonl', 'ndjson', 'jsonld', 'ann', 'conll', 'iob', 'bio'])];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface GlossAppOptions {
  settings: Result<SettingsStore>;
  now?: () => Date;
  /** Where exports' files are kept until saved (default: the OS temp folder). */
  tempDir?: string;
}

/** The open workspace, its API and the window; the menu's actions. One per app. */
export class GlossApp {
  private workspace: Workspace | null = null;
  /** The open workspace's import and export jobs, shared by the menu and the API. */
  private transfers: Transfers | null = null;
  private current: Result<GlossApi> = fail('not-found', 'No workspace is open yet.');
  private window: BrowserWindow | null = null;
  /** A dialog-driven command is running: a second click waits for the first to finish. */
  private busy = false;
  private readonly now: () => Date;
  /**
   * The files exports made (docs/adr/0017), in a private temp folder: the renderer's Export… and
   * the menu's copy one where the user picks. A W3C file of 1,000 documents is ~180 MB; it never
   * crosses IPC nor sits whole in memory. Kept across workspaces, removed when the app quits.
   */
  private readonly downloads: Downloads;

  constructor(private readonly options: GlossAppOptions) {
    this.now = options.now ?? (() => new Date());
    this.downloads = new Downloads(options.tempDir !== undefined ? { tempDir: options.tempDir } : {});
  }

  /** Reads the per-user settings (`--annotator` overrides who I am) and makes the app state. */
  static async create(args: ShellArgs, now?: () => Date): Promise<GlossApp> {
    const settings = await SettingsStore.open({ annotatorOverride: args.annotator, now });
    return new GlossApp({ settings, now });
  }

  /** The API of the open workspace, or why there is none (the renderer shows the message). */
  api(): Result<GlossApi> {
    return this.current;
  }

  /** The WebContents trusted with the API: our window's, while it lives. */
  trustedContents(): WebContents | null {
    return this.window && !this.window.isDestroyed() ? this.window.webContents : null;
  }

  attachWindow(window: BrowserWindow): void {
    this.window = window;
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    // The renderer holds the page while an edit is still being written (beforeunload). Electron
    // shows nothing for that and keeps the window open: ask here. A save takes a few ms.
    window.webContents.on('will-prevent-unload', (event) => {
      const choice = dialog.showMessageBoxSync(window, {
        type: 'warning',
        buttons: ['Stay', 'Close anyway'],
        defaultId: 0,
        cancelId: 0,
        message: 'Gloss is still saving your last change.',
        detail: 'Stay, and it is saved in a moment. Closing now may lose it.',
      });
      // Preventing the event lets the page go after all.
      if (choice === 1) event.preventDefault();
    });
  }

  /** Opens the workspace in `dir` for the API; on failure the API answers why, until another opens. */
  async openWorkspace(dir: string): Promise<Result<void>> {
    // The workspace open until now stops being watched, whatever happens next.
    if (this.current.ok) closeGlossApi(this.current.value);
    // Its layer journals go into their layer files (docs/adr/0009); left there, the next open would.
    await this.workspace?.flush();
    const settings = this.options.settings;
    if (!settings.ok) {
      const failure = fail(settings.error.code, `Cannot read your settings: ${settings.error.message}`);
      this.current = failure;
      return failure;
    }
    const opened = await Workspace.open(resolve(dir), { now: this.now });
    if (!opened.ok) {
      this.workspace = null;
      const failure = fail(opened.error.code, `Cannot open workspace ${resolve(dir)}: ${opened.error.message}`);
      this.current = failure;
      this.sendCommand('reload-workspace');
      return failure;
    }
    this.workspace = opened.value;
    // Temp files of writes killed long ago are litter, not data: removed in the background.
    void opened.value.sweepTempFiles().catch(() => undefined);
    this.transfers = new Transfers({ workspace: opened.value, now: this.now, downloads: this.downloads });
    this.current = ok(createGlossApi({ workspace: opened.value, settings: settings.value, now: this.now, transfers: this.transfers }));
    this.sendCommand('reload-workspace');
    return ok(undefined);
  }

  /** Sends a menu command to the renderer, if the window is there. */
  sendCommand(command: ShellCommand): void {
    this.trustedContents()?.send(SHELL_COMMAND_CHANNEL, command);
  }

  /** File > Open workspace…: pick a folder holding gloss.json. */
  async chooseWorkspace(): Promise<void> {
    await this.exclusive(async () => {
      const picked = await this.showOpen({
        title: 'Open workspace',
        buttonLabel: 'Open workspace',
        properties: ['openDirectory'],
      });
      if (!picked) return;
      const opened = await this.openWorkspace(picked[0] ?? '');
      if (!opened.ok) await this.showMessage({ type: 'error', message: 'Cannot open that workspace', detail: opened.error.message });
    });
  }

  /** File > Import…: reports and annotated datasets into the open workspace, as me (format by name and content). */
  async importFiles(): Promise<void> {
    await this.exclusive(async () => {
      const ws = this.writableWorkspace();
      const settings = this.options.settings;
      if (!ws.ok || !this.transfers || !settings.ok) {
        const detail = !ws.ok ? ws.error.message : 'No workspace is open.';
        await this.showMessage({ type: 'error', message: 'Nothing to import into', detail });
        return;
      }
      const files = await this.showOpen({
        title: 'Import into the workspace',
        buttonLabel: 'Import',
        properties: ['openFile', 'multiSelections'],
        filters: [
          { name: 'Reports and datasets', extensions: importExtensions() },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      if (!files) return;
      const started = this.transfers.startImport({ kind: 'paths', paths: files }, { format: 'auto', annotator: settings.value.annotator });
      if (!started.ok) {
        await this.showMessage({ type: 'error', message: 'Nothing was imported', detail: started.error.message });
        return;
      }
      const job = await this.watch(this.transfers, started.value);
      if (job.state === 'failed') {
        const { file, line, message } = job.error ?? { message: 'unknown error' };
        const where = file !== undefined ? `${file}${line !== undefined ? `, line ${line}` : ''}: ` : '';
        await this.showMessage({
          type: 'error',
          message: 'Nothing was imported',
          detail: `${where}${message}\nThe workspace is unchanged.`,
        });
        return;
      }
      this.sendCommand('reload-workspace');
      const [headline = 'Imported', ...lines] = job.result?.summary ?? [];
      await this.showMessage({ type: 'info', message: headline, detail: [...lines, ...(job.result?.notices ?? [])].join('\n') });
    });
  }

  /** File > Export…: the workspace as a dataset the user places (brat: a folder of files). */
  async exportDataset(): Promise<void> {
    await this.exclusive(async () => {
      const ws = this.workspace;
      const settings = this.options.settings;
      if (!ws || !this.transfers || !settings.ok) {
        await this.showMessage({ type: 'error', message: 'Nothing to export', detail: 'No workspace is open.' });
        return;
      }
      const choice = await this.showMessage({
        type: 'question',
        message: 'Export the workspace as',
        buttons: [...EXPORT_CHOICES.map((c) => c.button), 'Cancel'],
        cancelId: EXPORT_CHOICES.length,
        defaultId: 0,
      });
      const picked = EXPORT_CHOICES[choice];
      if (!picked) return;
      const annotator = isOneLayerFormat(picked.format) ? settings.value.annotator : undefined;
      const started = this.transfers.startExport({ format: picked.format, ...(annotator !== undefined ? { annotator } : {}), bundle: false });
      if (!started.ok) {
        await this.showMessage({ type: 'error', message: 'Export failed', detail: started.error.message });
        return;
      }
      const job = await this.watch(this.transfers, started.value);
      const files = job.result?.files ?? [];
      if (job.state === 'failed' || files.length === 0) {
        await this.showMessage({ type: 'error', message: 'Export failed', detail: job.error?.message ?? 'nothing was exported' });
        return;
      }
      let written: string;
      try {
        if (picked.format === 'brat') {
          const folder = await this.showOpen({
            title: 'Export brat files into a folder',
            buttonLabel: 'Export here',
            properties: ['openDirectory', 'createDirectory'],
          });
          if (!folder?.[0]) return;
          written = folder[0];
          await mkdirDurable(written);
          for (const f of files) await copyFileDurable(this.kept(f).path, join(written, f.name));
        } else {
          const only = files[0]!;
          const target = await this.showSave({
            title: 'Export',
            defaultPath: join(this.documentsDir(), only.name),
            filters: [{ name: picked.filter, extensions: [only.name.split('.').pop() ?? 'txt'] }],
          });
          if (!target) return;
          written = target;
          await copyFileDurable(this.kept(only).path, target);
        }
      } catch (error) {
        await this.showMessage({ type: 'error', message: 'Export failed', detail: messageOf(error) });
        return;
      }
      const [headline = 'Exported', ...lines] = job.result?.summary ?? [];
      const notices = job.result?.notices ?? [];
      await this.showMessage({
        type: notices.length > 0 ? 'warning' : 'info',
        message: headline,
        detail: [written, ...lines, ...notices].join('\n'),
      });
    });
  }

  /**
   * The renderer's Export… saving a finished export's file (GlossShell.saveFile): the save dialog
   * offers the file's name in Documents, then the kept file is copied there durably. Answers the
   * path written, or null when the dialog was cancelled; refused while another dialog is open.
   */
  async saveFile(href: string): Promise<Result<string | null>> {
    const file = this.downloads.byHref(href);
    if (!file) return fail('not-found', 'That exported file is no longer kept; export again.');
    if (this.busy) return fail('conflict', 'Another dialog is open; finish it first.');
    this.busy = true;
    try {
      const extension = file.name.includes('.') ? (file.name.split('.').pop() ?? '') : '';
      const target = await this.showSave({
        title: 'Save export',
        defaultPath: join(this.documentsDir(), file.name),
        filters: [...(extension ? [{ name: `.${extension} file`, extensions: [extension] }] : []), { name: 'All files', extensions: ['*'] }],
      });
      if (!target) return ok(null);
      try {
        await copyFileDurable(file.path, target);
      } catch (error) {
        return fail('io', `Cannot write ${target}: ${messageOf(error)}`);
      }
      return ok(target);
    } finally {
      this.busy = false;
    }
  }

  /** Removes the exports' kept files; the app is quitting. */
  removeKeptFiles(): void {
    this.downloads.closeSync();
  }

  /** Where a job's file is kept (the app's exports always keep theirs). */
  private kept(file: JobFile): KeptDownload {
    const kept = 'href' in file ? this.downloads.byHref(file.href) : undefined;
    if (!kept) throw new Error(`${file.name} is no longer kept; export again`);
    return kept;
  }

  /** Waits for a job, showing its progress on the window's taskbar entry. */
  private async watch(transfers: Transfers, jobId: string): Promise<JobStatus> {
    const bar = (fraction: number): void => {
      if (this.window && !this.window.isDestroyed()) this.window.setProgressBar(fraction);
    };
    try {
      return await transfers.finished(jobId, (status) => bar(status.total > 0 ? status.done / status.total : 2));
    } finally {
      bar(-1);
    }
  }

  /** The menu's actions, bound to this app. */
  menuActions(): MenuActions {
    return {
      openWorkspace: () => void this.chooseWorkspace(),
      importFiles: () => void this.importFiles(),
      exportDataset: () => void this.exportDataset(),
      sendCommand: (command) => this.sendCommand(command),
    };
  }

  private writableWorkspace(): Result<Workspace> {
    if (!this.workspace) return fail('not-found', this.current.ok ? 'No workspace is open.' : this.current.error.message);
    if (this.workspace.readOnly) return fail('read-only', `Workspace ${this.workspace.dir} is open read-only.`);
    return ok(this.workspace);
  }

  private async exclusive(task: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await task();
    } finally {
      this.busy = false;
    }
  }

  private documentsDir(): string {
    try {
      return app.getPath('documents');
    } catch {
      return homedir();
    }
  }

  private async showOpen(options: OpenDialogOptions): Promise<string[] | null> {
    const answer = this.window ? await dialog.showOpenDialog(this.window, options) : await dialog.showOpenDialog(options);
    return answer.canceled || answer.filePaths.length === 0 ? null : answer.filePaths;
  }

  private async showSave(options: SaveDialogOptions): Promise<string | null> {
    const answer = this.window ? await dialog.showSaveDialog(this.window, options) : await dialog.showSaveDialog(options);
    return answer.canceled || !answer.filePath ? null : answer.filePath;
  }

  private async showMessage(options: MessageBoxOptions): Promise<number> {
    const answer = this.window ? await dialog.showMessageBox(this.window, options) : await dialog.showMessageBox(options);
    return answer.response;
  }
}
