// The Electron preload (sandboxed, context-isolated): exposes `window.gloss`, named functions that
// forward each GlossApi call over IPC, and `window.glossShell` for menu commands and saving an
// export's file. Never raw ipcRenderer.

import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { fail } from '../core/api';
import type { GlossApi, GlossApiMethod, GlossShell, Result, ShellCommand } from '../core/api';
import { SAVE_FILE_CHANNEL, SHELL_COMMAND_CHANNEL, apiChannel, isShellCommand } from './channels';
import type { GlossPreloadGlobals } from './types';

/** Calls main on `channel`; `name` is what a failure of the call itself is reported as. */
async function call<T>(channel: string, name: string, args: unknown[]): Promise<Result<T>> {
  try {
    // Main validates everything and always answers a Result; it is the trusted side.
    return (await ipcRenderer.invoke(channel, ...args)) as Result<T>;
  } catch (error) {
    // Arguments that cannot be cloned, or main going away: still an answer, not an exception.
    const message = error instanceof Error ? error.message : String(error);
    return fail('internal', `${name}: ${message}`);
  }
}

function invoke<T>(method: GlossApiMethod, ...args: unknown[]): Promise<Result<T>> {
  return call<T>(apiChannel(method), method, args);
}

const gloss = {
  getWorkspace: () => invoke('getWorkspace'),
  listDocuments: () => invoke('listDocuments'),
  openDocument: (docId: string) => invoke('openDocument', docId),
  // An optional argument left out is not sent: main's argument check counts them.
  applyChanges: (docId, changes, baseUpdatedAt) =>
    baseUpdatedAt === undefined ? invoke('applyChanges', docId, changes) : invoke('applyChanges', docId, changes, baseUpdatedAt),
  getSettings: () => invoke('getSettings'),
  setAnnotator: (name: string) => invoke('setAnnotator', name),
  listFormats: () => invoke('listFormats'),
  startImport: (files, options) => invoke('startImport', files, options),
  startExport: (options) => invoke('startExport', options),
  getJob: (jobId: string) => invoke('getJob', jobId),
  applyCuration: (docId, annotators, changes) => invoke('applyCuration', docId, annotators, changes),
  getAgreement: (annotators) => (annotators === undefined ? invoke('getAgreement') : invoke('getAgreement', annotators)),
  pollChanges: (cursor: number) => invoke('pollChanges', cursor),
} satisfies GlossApi;

const listeners = new Set<(command: ShellCommand) => void>();

ipcRenderer.on(SHELL_COMMAND_CHANNEL, (_event: IpcRendererEvent, command: unknown) => {
  if (!isShellCommand(command)) return;
  for (const listener of [...listeners]) listener(command);
});

const glossShell = {
  onCommand(listener: (command: ShellCommand) => void): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  saveFile: (href: string) => call<string | null>(SAVE_FILE_CHANNEL, 'saveFile', [href]),
} satisfies GlossShell;

function expose<K extends keyof GlossPreloadGlobals>(key: K, value: GlossPreloadGlobals[K]): void {
  contextBridge.exposeInMainWorld(key, value);
}

expose('gloss', gloss);
expose('glossShell', glossShell);
