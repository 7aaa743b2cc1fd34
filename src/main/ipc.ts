// GlossApi on Electron IPC: one `ipcMain.handle('gloss:<method>')` per method, and one channel to
// save an export's kept file (GlossShell.saveFile). Main trusts nothing: the sender must be our
// window's main frame showing our renderer page, and every argument is checked (src/main/dispatch.ts)
// before the API sees it. Every answer is a Result.

import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { GLOSS_API_METHODS, fail } from '../core/api';
import type { GlossApi, Result } from '../core/api';
import { SAVE_FILE_CHANNEL, apiChannel } from '../preload/channels';
import { dispatchApiCall } from './dispatch';
import { isRendererUrl } from './window';

/**
 * True when an IPC message comes from `trusted` (our window's WebContents), from its main frame
 * (not an iframe), and that frame shows our renderer page. Anything else is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, trusted: WebContents | null): boolean {
  if (!trusted || trusted.isDestroyed()) return false;
  if (event.sender.id !== trusted.id) return false;
  const frame = event.senderFrame;
  if (!frame) return false;
  const main = trusted.mainFrame;
  // Electron may hand out distinct wrapper objects for one frame; its ids are what identify it.
  const isMainFrame = frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return isMainFrame && isRendererUrl(frame.url);
}

export interface IpcOptions {
  /** The API of the open workspace, or why there is none (e.g. the workspace failed to open). */
  getApi(): Result<GlossApi>;
  /** Our window's WebContents, the only sender trusted; null while there is no window. */
  trustedContents(): WebContents | null;
  /** Saves a kept export file through the save dialog (GlossApp.saveFile). */
  saveFile(href: string): Promise<Result<string | null>>;
  /** Where refused senders are reported (default console.warn). */
  warn?(message: string): void;
}

/** The longest href saveFile takes (`/download/` and a UUID are 46 characters). */
const MAX_HREF = 200;

/**
 * Registers a handler for every GlossApi method and for saving a file; returns a function that
 * removes them all.
 */
export function setupIpc(opts: IpcOptions): () => void {
  const warn = opts.warn ?? ((message: string) => console.warn(message));
  /** Answers `handle`'s Result for our window's main frame only. */
  const trusted =
    (name: string, handle: (args: unknown[]) => Promise<Result<unknown>>) =>
    async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, opts.trustedContents())) {
        warn(`gloss: refused ${name} from an untrusted frame (${event.senderFrame?.url ?? 'no frame'})`);
        return fail('forbidden', `${name}: this frame may not use the Gloss API`);
      }
      return handle(args);
    };
  for (const method of GLOSS_API_METHODS) {
    ipcMain.handle(
      apiChannel(method),
      trusted(method, async (args) => {
        const api = opts.getApi();
        if (!api.ok) return api;
        return dispatchApiCall(api.value, method, args);
      }),
    );
  }
  ipcMain.handle(
    SAVE_FILE_CHANNEL,
    trusted('saveFile', async (args) => {
      const [href] = args;
      if (args.length !== 1 || typeof href !== 'string' || href.length === 0 || href.length > MAX_HREF) {
        return fail('invalid-input', "saveFile: takes one argument, a kept file's href");
      }
      try {
        return await opts.saveFile(href);
      } catch (error) {
        return fail('internal', `saveFile failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  return () => {
    for (const method of GLOSS_API_METHODS) ipcMain.removeHandler(apiChannel(method));
    ipcMain.removeHandler(SAVE_FILE_CHANNEL);
  };
}
