// Durable, atomic file writes for the workspace: a file is either its old or its new content,
// never half of one, even after a crash or kill -9 (temp file, fsync, rename, fsync the folder).

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Adapter } from 'lowdb';

/** Prefix of the temp files a durable write leaves behind if it is killed: `.<name>.tmp-`. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.includes('.tmp-');
}

/** A temp file left this long is no write in progress (writes take milliseconds; an export's minutes at most). */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** The process id a temp file's name carries (`.<name>.tmp-<pid>-<random>`), or null. */
function writerPid(name: string): number | null {
  const match = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Whether a process with this id is running on this machine. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

/**
 * Remove the temp files that killed writes left in `dirs`: those older than STALE_TEMP_MS whose
 * writer is not running here (a live writer, even on another machine sharing the folder, has a
 * recent file). Never touches anything but temp files; a folder that is missing is skipped.
 * Returns the paths removed.
 */
export async function sweepTempFiles(dirs: readonly string[], now: number = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!isTempFileName(name)) continue;
      const path = join(dir, name);
      try {
        const info = await stat(path);
        if (!info.isFile() || now - info.mtimeMs < STALE_TEMP_MS) continue;
        const pid = writerPid(name);
        if (pid !== null && pid !== process.pid && isRunning(pid)) continue;
        await unlink(path);
        removed.push(path);
      } catch {
        // Gone meanwhile, or not ours to remove: left as it is.
      }
    }
  }
  return removed;
}

/**
 * Write `data` to `path` atomically and durably: temp file in the same folder, fsync, rename, fsync
 * the folder. `syncFolder: false` leaves the last step to the caller, who writes many files into
 * one folder and fsyncs it once after them all (fsyncDirectory).
 */
export async function writeFileDurable(path: string, data: string | Uint8Array, { syncFolder = true }: { syncFolder?: boolean } = {}): Promise<void> {
  await installTempFile(await writeTempFileDurable(path, data), path, { syncFolder });
}

/**
 * The first half of writeFileDurable: `data` in a new temp file beside `path`, fsynced. Returns the
 * temp file's path, for installTempFile (or for removing it, if it is not wanted after all).
 */
export async function writeTempFileDurable(path: string, data: string | Uint8Array): Promise<string> {
  // Same folder, so the rename never crosses a file system; pid + random so that two writers never share it.
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return temp;
}

/** The second half of writeFileDurable: the temp file renamed to `path` (removed if that fails), the folder fsynced. */
export async function installTempFile(temp: string, path: string, { syncFolder = true }: { syncFolder?: boolean } = {}): Promise<void> {
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (syncFolder) await fsyncDirectory(dirname(path));
}

/** Bytes of a DurableFileWriter queued but not yet written past which `write` waits for the disk. */
const WRITER_HIGH_WATER = 32 * 1024 * 1024;
/** Size of the buffers a DurableFileWriter encodes text pieces into (one write each). */
const WRITER_CHUNK = 4 * 1024 * 1024;
/**
 * Bytes a DurableFileWriter writes between two fdatasyncs: the disk takes the file while it is
 * being made, so that the fsync before the rename finds little left to do.
 */
const WRITER_SYNC_EVERY = 16 * 1024 * 1024;
/** Bytes a UTF-16 unit can take in UTF-8, at most (a lone surrogate becomes a 3-byte U+FFFD). */
export const MAX_UTF8_PER_UNIT = 3;

/**
 * A file written in pieces, atomically and durably as writeFileDurable writes one: the pieces go
 * into a temp file beside `path` while the caller makes the next ones, and `commit` fsyncs it and
 * renames it into place; until then `path` is untouched. A failed write is kept and thrown by
 * `commit` (which then removes the temp file), so a writer can be fed without checking each piece.
 */
export class DurableFileWriter {
  private written: Promise<void> = Promise.resolve();
  private queued = 0;
  private failure: { error: unknown } | null = null;
  /** Text pieces are encoded straight into this buffer (one pass), written when full. */
  private chunk: Buffer = Buffer.allocUnsafe(WRITER_CHUNK);
  private used = 0;
  /** Bytes written since the last fdatasync. */
  private unsynced = 0;
  /** The fdatasyncs started so far. */
  private syncing: Promise<void> = Promise.resolve();
  /**
   * Chunks written and free again. Reused rather than allocated anew: fresh memory costs a page
   * fault per 4 KiB on first touch, which for a file of hundreds of megabytes is most of the time.
   */
  private readonly spare: Buffer[] = [];

  private constructor(
    private readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  /** Create the temp file for `path` (fails as writeFileDurable would, e.g. a missing folder). */
  static async open(path: string): Promise<DurableFileWriter> {
    const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    return new DurableFileWriter(path, temp, await open(temp, 'wx', 0o644));
  }

  /**
   * Take the next piece. Returns a promise, to be awaited before the next piece, only when many
   * bytes wait for the disk; most pieces are only encoded into the current chunk. `written` is
   * called once the piece is no longer needed: bytes once written (or dropped after a failure),
   * text at once (it is copied).
   */
  write(piece: string | Uint8Array, written?: () => void): Promise<void> | undefined {
    if (this.failure) {
      written?.();
      return undefined;
    }
    if (typeof piece !== 'string') {
      this.flush();
      this.enqueue(piece, written);
      return this.queued > WRITER_HIGH_WATER ? this.written : undefined;
    }
    // Text is copied (encoded) here: not needed after this call.
    written?.();
    if (piece.length * MAX_UTF8_PER_UNIT <= this.chunk.length - this.used) {
      this.used += this.chunk.write(piece, this.used, 'utf8');
      return undefined;
    }
    this.flush();
    if (piece.length * MAX_UTF8_PER_UNIT <= this.chunk.length) this.used = this.chunk.write(piece, 0, 'utf8');
    else this.enqueue(Buffer.from(piece));
    return this.queued > WRITER_HIGH_WATER ? this.written : undefined;
  }

  /** Send the filled part of the chunk to the disk and start a new chunk. */
  private flush(): void {
    if (this.used === 0) return;
    const full = this.chunk;
    this.enqueue(full.subarray(0, this.used), () => this.spare.push(full));
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafe(WRITER_CHUNK);
    this.used = 0;
  }

  /** Write `bytes` after everything queued before (in the thread pool, while the caller goes on). */
  private enqueue(bytes: Uint8Array, done?: () => void): void {
    this.queued += bytes.length;
    this.written = this.written.then(async () => {
      try {
        if (!this.failure) await this.handle.writeFile(bytes);
        this.unsynced += bytes.length;
        if (!this.failure && this.unsynced >= WRITER_SYNC_EVERY) {
          this.unsynced = 0;
          // Beside the writes, not before the next one: only commit waits for it.
          const synced = this.handle.datasync().catch((error: unknown) => {
            this.failure ??= { error };
          });
          this.syncing = this.syncing.then(() => synced);
        }
      } catch (error) {
        this.failure ??= { error };
      } finally {
        this.queued -= bytes.length;
        done?.();
      }
    });
  }

  /** Write what is queued, fsync, rename into place, fsync the folder; or clean up and throw the first failure. */
  async commit(): Promise<void> {
    this.flush();
    await this.written;
    await this.syncing;
    try {
      if (this.failure) throw this.failure.error;
      try {
        await this.handle.sync();
      } finally {
        await this.handle.close();
      }
      await rename(this.temp, this.path);
    } catch (error) {
      await this.handle.close().catch(() => undefined);
      await unlink(this.temp).catch(() => undefined);
      throw error;
    }
    await fsyncDirectory(dirname(this.path));
  }

  /** Give up: the temp file is removed and `path` stays as it was. */
  async abort(): Promise<void> {
    await this.written;
    await this.syncing;
    await this.handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
  }
}

/**
 * Copy the file `source` to `target` as writeFileDurable writes one (temp file, fsync, rename,
 * folder fsync), read and written piece by piece: a file of hundreds of megabytes is never whole
 * in memory. `target` is untouched when anything fails.
 */
export async function copyFileDurable(source: string, target: string): Promise<void> {
  const input = await open(source, 'r');
  try {
    const out = await DurableFileWriter.open(target);
    try {
      for await (const chunk of input.createReadStream({ autoClose: false, highWaterMark: WRITER_CHUNK })) {
        await out.write(chunk as Buffer);
      }
      await out.commit();
    } catch (error) {
      await out.abort();
      throw error;
    }
  } finally {
    await input.close();
  }
}

/**
 * Append `data` to `path` and make it durable (fdatasync) before resolving. `create`: the file
 * must not exist yet (it is made, and its folder fsynced so that the new entry survives too).
 */
export async function appendFileDurable(path: string, data: string, create: boolean): Promise<void> {
  const handle = await open(path, create ? 'wx' : 'a', 0o644);
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  if (create) await fsyncDirectory(dirname(path));
}

/** Remove a file (absent is fine) and fsync its folder, so that the removal survives a crash. */
export async function removeFileDurable(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return;
    throw error;
  }
  await fsyncDirectory(dirname(path));
}

/**
 * Create a folder (and missing parents) so that it survives a power loss: a new folder is an
 * entry in its parent, which must be fsynced too, or a file written inside it could vanish with it.
 */
export async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  // Every folder from the first one created down to `dir` is a new entry in its parent.
  const created: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    created.push(d);
    if (d === resolve(first) || dirname(d) === d) break;
  }
  for (const d of created.reverse()) await fsyncDirectory(dirname(d));
}

/** Make a rename or a new file in `dir` survive a power loss (the entry lives in the folder). */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    // Some platforms (Windows) cannot open a folder; the rename is still atomic there.
    return;
  }
  try {
    await handle.sync();
  } catch {
    // fsync on a folder is not supported everywhere (EINVAL/EISDIR): the write is still atomic.
  } finally {
    await handle.close();
  }
}

/** The text stored for a JSON value: pretty-printed with 2 spaces and a trailing newline. */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export interface DurableJsonFileOptions<T> {
  /** How the data becomes text (default: pretty JSON with a trailing newline). */
  serialize?: (data: T) => string;
}

/**
 * A lowdb adapter that writes through writeFileDurable (lowdb's own JSONFile uses steno, which
 * does not fsync). `read()` gives null for a missing file and throws on a file that is not JSON,
 * so that the caller can keep the corrupt file aside instead of overwriting it.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  private readonly serialize: (data: T) => string;

  constructor(
    readonly path: string,
    options: DurableJsonFileOptions<T> = {},
  ) {
    this.serialize = options.serialize ?? stringifyJson;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return null;
      throw error;
    }
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    await writeFileDurable(this.path, this.serialize(data));
  }
}

/** `2024-03-14T10:20:30.000Z` -> `2024-03-14T10-20-30-000Z`: safe in file names everywhere. */
export function fileTimestamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/**
 * Rename a corrupt file to `<file>.corrupt-<time>` (never overwriting an earlier one) so that it is
 * kept, not overwritten by the next write. Returns the new path.
 */
export async function moveAside(path: string, now: Date): Promise<string> {
  const base = `${path}.corrupt-${fileTimestamp(now)}`;
  for (let n = 1; ; n++) {
    const target = n === 1 ? base : `${base}-${n}`;
    if (await exists(target)) continue;
    await rename(path, target);
    await fsyncDirectory(dirname(path));
    return target;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return false;
    throw error;
  }
}

/** Narrow an unknown error to a Node system error with a `code`. */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
