// Durable, atomic file writes for the workspace: a file is either its old or its new content,
// never half of one, even after a crash or kill -9 (temp file, fsync, rename, fsync the folder).

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Adapter } from 'lowdb';

/** Prefix of the temp files a durable write leaves behind if it is killed: `.<name>.tmp-`. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.includes('.tmp-');
}

/** Write `data` to `path` atomically and durably: temp file in the same folder, fsync, rename, fsync the folder. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  // Same folder, so the rename never crosses a file system; pid + random so that two writers never share it.
  const temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(dir);
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
async function fsyncDirectory(dir: string): Promise<void> {
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
