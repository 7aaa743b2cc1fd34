// GlossApi on Electron IPC: one `ipcMain.handle('gloss:<method>')` per method. Main trusts nothing:
// the sender must be our window's main frame showing our renderer page, and every argument is
// checked (src/main/dispatch.ts) before the API sees it. Every answer is a Result.

import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { GLOSS_API_METHODS, fail } from '../core/api';
import type { GlossApi, Result } from '../core/api';
import { apiChannel } from '../preload/channels';
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
  /** Where refused senders are reported (default console.warn). */
  warn?(message: string): void;
}

/** Registers a handler for every GlossApi method; returns a function that removes them all. */
export function setupIpc(opts: IpcOptions): () => void {
  const warn = opts.warn ?? ((message: string) => console.warn(message));
  for (const method of GLOSS_API_METHODS) {
    ipcMain.handle(apiChannel(method), async (event, ...args: unknown[]): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, opts.trustedContents())) {
        warn(`gloss: refused ${method} from an untrusted frame (${event.senderFrame?.url ?? 'no frame'})`);
        return fail('forbidden', `${method}: this frame may not use the Gloss API`);
      }
      const api = opts.getApi();
      if (!api.ok) return api;
      return dispatchApiCall(api.value, method, args);
    });
  }
  return () => {
    for (const method of GLOSS_API_METHODS) ipcMain.removeHandler(apiChannel(method));
  };
}
