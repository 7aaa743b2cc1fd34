// The Electron app's state: which workspace is open and its GlossApi, the window, and what the
// menu's workspace commands do (open, import, export through native dialogs). index.ts wires it up.

import { app, dialog } from 'electron';
import type { BrowserWindow, MessageBoxOptions, OpenDialogOptions, SaveDialogOptions, WebContents } from 'electron';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail, ok } from '../core/api';
import type { GlossApi, Result, ShellCommand } from '../core/api';
import { slugify } from '../core/document';
import { SHELL_COMMAND_CHANNEL } from '../preload/channels';
import { createGlossApi } from './api';
import type { MenuActions } from './menu';
import { SettingsStore } from './settings';
import { writeFileDurable } from './workspace/durable';
import { exportWorkspace } from './workspace/exporter';
import type { ExportFormat } from './workspace/exporter';
import { importFiles } from './workspace/importer';
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

const EXPORT_CHOICES: readonly { format: ExportFormat; button: string; extension: string; filter: string }[] = [
  { format: 'gloss', button: 'Gloss dataset (all layers)', extension: 'gloss.json', filter: 'Gloss dataset' },
  { format: 'jsonl', button: 'JSONL (my spans)', extension: 'jsonl', filter: 'JSON Lines' },
  { format: 'doccano', button: 'doccano (my spans)', extension: 'doccano.jsonl', filter: 'doccano JSONL' },
];

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface GlossAppOptions {
  settings: Result<SettingsStore>;
  now?: () => Date;
}

/** The open workspace, its API and the window; the menu's actions. One per app. */
export class GlossApp {
  private workspace: Workspace | null = null;
  private current: Result<GlossApi> = fail('not-found', 'No workspace is open yet.');
  private window: BrowserWindow | null = null;
  /** A dialog-driven command is running: a second click waits for the first to finish. */
  private busy = false;
  private readonly now: () => Date;

  constructor(private readonly options: GlossAppOptions) {
    this.now = options.now ?? (() => new Date());
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
  }

  /** Opens the workspace in `dir` for the API; on failure the API answers why, until another opens. */
  async openWorkspace(dir: string): Promise<Result<void>> {
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
    this.current = ok(createGlossApi({ workspace: opened.value, settings: settings.value, now: this.now }));
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

  /** File > Import…: reports and annotated datasets into the open workspace, as me. */
  async importFiles(): Promise<void> {
    await this.exclusive(async () => {
      const ws = this.writableWorkspace();
      if (!ws.ok) {
        await this.showMessage({ type: 'error', message: 'Nothing to import into', detail: ws.error.message });
        return;
      }
      const files = await this.showOpen({
        title: 'Import into the workspace',
        buttonLabel: 'Import',
        properties: ['openFile', 'multiSelections'],
        filters: [
          { name: 'Reports and datasets', extensions: ['txt', 'md', 'markdown', 'json', 'jsonl'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      if (!files) return;
      const settings = this.options.settings;
      const annotator = settings.ok ? settings.value.annotator : undefined;
      if (annotator === undefined) return;
      let result: Awaited<ReturnType<typeof importFiles>>;
      try {
        result = await importFiles(ws.value, files, { format: 'auto', annotator, now: this.now });
      } catch (error) {
        await this.showMessage({ type: 'error', message: 'Import failed', detail: messageOf(error) });
        return;
      }
      if (!result.ok) {
        const { file, line, message } = result.error;
        await this.showMessage({
          type: 'error',
          message: 'Nothing was imported',
          detail: `${file}${line !== undefined ? `, line ${line}` : ''}: ${message}`,
        });
        return;
      }
      this.sendCommand('reload-workspace');
      const { files: reports, notices, createdDocuments } = result.report;
      const added = reports.reduce((n, r) => n + r.spansAdded, 0);
      const skipped = reports.reduce((n, r) => n + r.spansSkipped, 0);
      await this.showMessage({
        type: 'info',
        message: `Imported ${reports.length} file${reports.length === 1 ? '' : 's'}`,
        detail: [
          `${createdDocuments.length} new document${createdDocuments.length === 1 ? '' : 's'}; ` +
            `${added} span${added === 1 ? '' : 's'} added, ${skipped} already there.`,
          ...notices,
        ].join('\n'),
      });
    });
  }

  /** File > Export…: the workspace as a dataset file the user places. */
  async exportDataset(): Promise<void> {
    await this.exclusive(async () => {
      const ws = this.workspace;
      const settings = this.options.settings;
      if (!ws || !settings.ok) {
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
      const target = await this.showSave({
        title: 'Export',
        defaultPath: join(this.documentsDir(), `${slugify(ws.name)}.${picked.extension}`),
        filters: [{ name: picked.filter, extensions: [picked.extension.split('.').pop() ?? 'json'] }],
      });
      if (!target) return;
      try {
        const output = await exportWorkspace(ws, {
          format: picked.format,
          annotator: picked.format === 'gloss' ? undefined : settings.value.annotator,
          exportedAt: this.now().toISOString(),
        });
        await writeFileDurable(target, output.text);
        await this.showMessage({
          type: output.warnings.length > 0 ? 'warning' : 'info',
          message: `Exported ${output.documents} documents, ${output.spans} spans`,
          detail: [target, ...output.warnings].join('\n'),
        });
      } catch (error) {
        await this.showMessage({ type: 'error', message: 'Export failed', detail: messageOf(error) });
      }
    });
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
