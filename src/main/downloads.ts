// Files the app's exports made, kept for the user to take: written piece by piece
// into a private temp folder and served by `gloss serve` at /download/<id> (ADR 0017), so that a
// big export (a W3C file of 1,000 documents is ~180 MB) never travels inside a job's JSON answer
// nor sits whole in the page. The Electron app keeps its exports' files the same way and copies
// one where the user picks (GlossShell.saveFile, the menu's File > Export…).

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobFile } from '../core/api';
import { DurableFileWriter } from './workspace/durable';

/** Where the server serves a kept file: this path and its id. */
export const DOWNLOAD_PATH = '/download/';

export interface KeptDownload {
  path: string;
  name: string;
  mediaType: string;
  size: number;
  /** The export it belongs to: files of one export are kept and deleted together. */
  group: string;
}

const KEPT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;

/** The id in a kept file's href (`/download/<id>`), or null when `href` is not one. */
function downloadIdOf(href: string): string | null {
  if (!href.startsWith(DOWNLOAD_PATH)) return null;
  const id = href.slice(DOWNLOAD_PATH.length);
  return KEPT_ID.test(id) ? id : null;
}

/**
 * Writes a file's next piece; a returned promise holds the next piece back until this one is out.
 * `written` (as an ExportSink's) is called once the piece is no longer needed.
 */
export type PieceSink = (piece: string | Uint8Array, written?: () => void) => void | Promise<void>;

export interface DownloadsOptions {
  /** Exports whose files are kept; older ones' files are deleted (as finished jobs are forgotten). Default 16. */
  keep?: number;
  /** Where the private folder is made (default: the OS temp folder). */
  tempDir?: string;
}

export class Downloads {
  private folder: Promise<string> | null = null;
  /** The folder once made. */
  private made: string | null = null;
  private readonly files = new Map<string, KeptDownload>();
  private readonly keep: number;

  constructor(private readonly options: DownloadsOptions = {}) {
    this.keep = options.keep ?? 16;
  }

  /**
   * Keeps the file that `fill` writes through its sink, and answers the job file that points at
   * it. Files added with the same `group` (one export's files) count as one against the limit.
   * When `fill` or the writing fails, nothing is kept and the error is passed on.
   */
  async add(name: string, mediaType: string, fill: (write: PieceSink) => Promise<void>, group: string = randomUUID()): Promise<JobFile> {
    const folder = await (this.folder ??= mkdtemp(join(this.options.tempDir ?? tmpdir(), 'gloss-downloads-')).then((made) => (this.made = made)));
    const id = randomUUID();
    const path = join(folder, id);
    // The CLI's writer (pieces encoded into large chunks, written while the export goes on): the
    // file appears under its name only once whole.
    const out = await DurableFileWriter.open(path);
    try {
      await fill((piece, written) => out.write(piece, written));
      await out.commit();
    } catch (error) {
      await out.abort();
      throw error;
    }
    const size = (await stat(path)).size;
    this.files.set(id, { path, name, mediaType, size, group });
    await this.forgetOld();
    return { name, mediaType, size, href: `${DOWNLOAD_PATH}${id}` };
  }

  /** A kept file by the id in its href, or undefined (unknown, or deleted since). */
  get(id: string): KeptDownload | undefined {
    return this.files.get(id);
  }

  /** A kept file by its href (`/download/<id>`), or undefined (not such an href, unknown, or deleted since). */
  byHref(href: string): KeptDownload | undefined {
    const id = downloadIdOf(href);
    return id === null ? undefined : this.files.get(id);
  }

  /** Deletes every kept file and the folder. */
  async close(): Promise<void> {
    this.files.clear();
    const folder = this.folder;
    this.folder = null;
    this.made = null;
    if (folder) await rm(await folder, { recursive: true, force: true });
  }

  /** Deletes every kept file and the folder before returning (the app is quitting: no later tick). */
  closeSync(): void {
    this.files.clear();
    this.folder = null;
    // A folder whose mkdtemp has not answered yet holds no file: at worst it stays, empty.
    if (this.made) rmSync(this.made, { recursive: true, force: true });
    this.made = null;
  }

  /** Deletes the files of the oldest exports beyond the limit (the map keeps insertion order). */
  private async forgetOld(): Promise<void> {
    const groups = [...new Set([...this.files.values()].map((f) => f.group))];
    const old = new Set(groups.slice(0, Math.max(0, groups.length - this.keep)));
    for (const [id, file] of this.files) {
      if (!old.has(file.group)) continue;
      this.files.delete(id);
      await rm(file.path, { force: true });
    }
  }
}
