// Atomic, durable writes: content, no temp files left, lowdb adapter, corrupt files kept aside,
// and a kill -9 loop during writes never leaving a half-written file.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Low } from 'lowdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  copyFileDurable,
  DurableFileWriter,
  DurableJsonFile,
  fileTimestamp,
  fsyncDirectory,
  installTempFile,
  isTempFileName,
  moveAside,
  STALE_TEMP_MS,
  sweepTempFiles,
  writeFileDurable,
  writeTempFileDurable,
} from '../../../src/main/workspace/durable';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gloss-durable-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileDurable', () => {
  it('writes the content and leaves no temp file behind', async () => {
    const path = join(dir, 'a.json');
    await writeFileDurable(path, '{"v":1}\n');
    await writeFileDurable(path, '{"v":2}\n');
    expect(await readFile(path, 'utf8')).toBe('{"v":2}\n');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('writes bytes as given', async () => {
    const path = join(dir, 'b.bin');
    await writeFileDurable(path, new Uint8Array([0, 255, 10]));
    expect([...(await readFile(path))]).toEqual([0, 255, 10]);
  });

  it('fails without touching the target when the folder does not exist', async () => {
    await expect(writeFileDurable(join(dir, 'missing', 'a.json'), 'x')).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes its temp file when the rename fails', async () => {
    // A folder where the file should be: rename onto it fails, the old folder stays.
    const path = join(dir, 'taken');
    await writeFile(join(dir, 'keep.txt'), 'keep');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeFileDurable(path, 'x')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'taken']);
  });

  it('names temp files so that the workspace can recognise them', () => {
    expect(isTempFileName('.alice.json.tmp-123-abcdef')).toBe(true);
    expect(isTempFileName('alice.json')).toBe(false);
    expect(isTempFileName('alice.json.corrupt-2024-01-01T00-00-00-000Z')).toBe(false);
  });
});

describe('writeFileDurable in two halves (a file made ahead, installed later)', () => {
  it('writes a temp file beside the target, leaving the target as it was until it is installed', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, 'old');
    const temp = await writeTempFileDurable(path, Buffer.from('new'));
    expect(isTempFileName(temp.slice(dir.length + 1))).toBe(true);
    expect(await readFile(temp, 'utf8')).toBe('new');
    expect(await readFile(path, 'utf8')).toBe('old');
    await installTempFile(temp, path);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('removes the temp file when it cannot be installed', async () => {
    const path = join(dir, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true });
    const temp = await writeTempFileDurable(path, 'x');
    await expect(installTempFile(temp, path)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('fails without leaving anything when the folder does not exist', async () => {
    await expect(writeTempFileDurable(join(dir, 'missing', 'a.json'), 'x')).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeFileDurable without syncing the folder', () => {
  it('writes files as usual; the folder is fsynced once after them', async () => {
    await writeFileDurable(join(dir, 'a.txt'), 'a', { syncFolder: false });
    await writeFileDurable(join(dir, 'b.txt'), 'b', { syncFolder: false });
    await fsyncDirectory(dir);
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.txt']);
    expect(await readFile(join(dir, 'b.txt'), 'utf8')).toBe('b');
  });
});

describe('DurableFileWriter', () => {
  it('writes the pieces in order, text and bytes, small and bigger than its buffers; the file appears on commit', async () => {
    const path = join(dir, 'out.json');
    await writeFile(path, 'old');
    const writer = await DurableFileWriter.open(path);
    // Bigger than a buffer (4 MiB encoded at up to 3 bytes a unit), multi-byte text, a lone surrogate.
    const big = 'Ёж 😀 '.repeat(300_000);
    const pieces: (string | Uint8Array)[] = ['{"a":', '"Путин"', new Uint8Array([44, 32]), big, '\ud800', '}\n'];
    for (const piece of pieces) await writer.write(piece);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect((await readdir(dir)).filter(isTempFileName)).toHaveLength(1);
    await writer.commit();
    const expected = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    expect((await readFile(path)).equals(expected)).toBe(true);
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('tells when it no longer needs a piece: bytes once written to the temp file, text at once', async () => {
    const path = join(dir, 'out.json');
    const writer = await DurableFileWriter.open(path);
    const temp = join(dir, (await readdir(dir)).find(isTempFileName)!);
    const told: string[] = [];
    await writer.write('["text",', () => told.push('text'));
    expect(told).toEqual(['text']);
    const bytes = Buffer.from('"bytes"]\n');
    const written = new Promise<string>((resolve) => {
      void writer.write(bytes, () => {
        told.push('bytes');
        // Called after the write: the temp file already holds the bytes (the text came first).
        void readFile(temp, 'utf8').then(resolve);
      });
    });
    expect(await written).toBe('["text","bytes"]\n');
    await writer.commit();
    expect(told).toEqual(['text', 'bytes']);
    expect(await readFile(path, 'utf8')).toBe('["text","bytes"]\n');
  });

  it('fails when the folder does not exist, without creating anything', async () => {
    await expect(DurableFileWriter.open(join(dir, 'missing', 'out.json'))).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });

  it('throws the failure on commit and removes its temp file, leaving the target as it was', async () => {
    // A folder where the file should be: the final rename fails.
    const path = join(dir, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true });
    const writer = await DurableFileWriter.open(path);
    await writer.write('x');
    await expect(writer.commit()).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('leaves nothing behind when aborted', async () => {
    const writer = await DurableFileWriter.open(join(dir, 'out.json'));
    await writer.write('partial');
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('copyFileDurable', () => {
  it('copies a file of several pieces byte for byte, replacing the target and leaving no temp file', async () => {
    // 9 MB: three reads of 4 MB, the last one short; every byte value.
    const bytes = Buffer.alloc(9 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
    await writeFile(join(dir, 'source.bin'), bytes);
    await writeFile(join(dir, 'target.bin'), 'old');
    await copyFileDurable(join(dir, 'source.bin'), join(dir, 'target.bin'));
    expect((await readFile(join(dir, 'target.bin'))).equals(bytes)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['source.bin', 'target.bin']);
    await writeFile(join(dir, 'empty'), '');
    await copyFileDurable(join(dir, 'empty'), join(dir, 'copy-of-empty'));
    expect(await readFile(join(dir, 'copy-of-empty'), 'utf8')).toBe('');
  });

  it('leaves the target as it was when the source is missing or the target cannot be written', async () => {
    await writeFile(join(dir, 'target.txt'), 'kept');
    await expect(copyFileDurable(join(dir, 'missing'), join(dir, 'target.txt'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(dir, 'target.txt'), 'utf8')).toBe('kept');
    await writeFile(join(dir, 'source.txt'), 'new');
    await expect(copyFileDurable(join(dir, 'source.txt'), join(dir, 'no-folder', 'target.txt'))).rejects.toThrow(/ENOENT/);
    // A folder where the file should go: the rename fails, the temp file is removed.
    await mkdir(join(dir, 'a-folder'));
    await expect(copyFileDurable(join(dir, 'source.txt'), join(dir, 'a-folder'))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['a-folder', 'source.txt', 'target.txt']);
    expect(await readdir(join(dir, 'a-folder'))).toEqual([]);
  });
});

describe('DurableJsonFile with lowdb', () => {
  it('reads null for a missing file, then writes pretty JSON with a trailing newline', async () => {
    const path = join(dir, 'db.json');
    const db = new Low(new DurableJsonFile<{ items: string[] }>(path), { items: [] });
    await db.read();
    expect(db.data).toEqual({ items: [] });
    db.data.items.push('a');
    await db.write();
    expect(await readFile(path, 'utf8')).toBe('{\n  "items": [\n    "a"\n  ]\n}\n');
    const again = new Low(new DurableJsonFile<{ items: string[] }>(path), { items: [] });
    await again.read();
    expect(again.data.items).toEqual(['a']);
  });

  it('uses the given serializer', async () => {
    const path = join(dir, 'db.json');
    const file = new DurableJsonFile<{ b: number; a: number }>(path, { serialize: (d) => `${d.a},${d.b}\n` });
    await file.write({ b: 2, a: 1 });
    expect(await readFile(path, 'utf8')).toBe('1,2\n');
  });

  it('throws on a corrupt file instead of reading it as empty', async () => {
    const path = join(dir, 'db.json');
    await writeFile(path, '{"items": [');
    await expect(new DurableJsonFile(path).read()).rejects.toThrow(SyntaxError);
    expect(await readFile(path, 'utf8')).toBe('{"items": [');
  });
});

describe('moveAside', () => {
  it('renames to <file>.corrupt-<time> and never overwrites an earlier one', async () => {
    const now = new Date('2024-03-14T10:20:30.123Z');
    const path = join(dir, 'alice.json');
    await writeFile(path, 'first');
    const first = await moveAside(path, now);
    expect(first).toBe(`${path}.corrupt-2024-03-14T10-20-30-123Z`);
    await writeFile(path, 'second');
    const second = await moveAside(path, now);
    expect(second).toBe(`${path}.corrupt-2024-03-14T10-20-30-123Z-2`);
    expect(await readFile(first, 'utf8')).toBe('first');
    expect(await readFile(second, 'utf8')).toBe('second');
    expect((await readdir(dir)).includes('alice.json')).toBe(false);
  });

  it('formats times without characters that file systems refuse', () => {
    expect(fileTimestamp(new Date('2024-01-02T03:04:05.006Z'))).toBe('2024-01-02T03-04-05-006Z');
  });
});

describe('kill -9 during durable writes', () => {
  const writer = resolve(import.meta.dirname, 'fixtures', 'durable-writer.ts');

  /** Deterministic delays, so that a failure can be reproduced. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('always leaves a complete version of the file', async () => {
    const random = rng(20240314);
    const path = join(dir, 'layer.json');
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, path], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
      await new Promise<void>((ready, failed) => {
        createInterface({ input: child.stdout }).once('line', () => ready());
        child.once('exit', (code) => failed(new Error(`writer exited early (${code}): ${stderr}`)));
      });
      await new Promise((r) => setTimeout(r, 5 + random() * 200));
      child.kill('SIGKILL');
      // Killed, not exited on its own: it was still writing when the signal came.
      expect(await exited).toBe('SIGKILL');
      const content = JSON.parse(await readFile(path, 'utf8')) as { version: number; items: number[] };
      expect(content.items).toHaveLength(20_000);
      expect(content.items.every((v) => v === content.version)).toBe(true);
    }
    // Killed writers may leave temp files; they are never the file itself.
    for (const name of await readdir(dir)) expect(name === 'layer.json' || isTempFileName(name)).toBe(true);
    // An hour later their writers are gone: the sweep removes them and nothing else.
    const left = (await readdir(dir)).filter(isTempFileName);
    const later = Date.now() + STALE_TEMP_MS + 1000;
    expect((await sweepTempFiles([dir], later)).map((p) => p.slice(dir.length + 1)).sort()).toEqual(left.sort());
    expect(await readdir(dir)).toEqual(['layer.json']);
  });
});

describe('sweepTempFiles', () => {
  const anHourAgo = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;

  async function file(name: string, old: boolean): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, 'x');
    if (old) await utimes(path, anHourAgo, anHourAgo);
    return path;
  }

  it('removes old temp files whose writer is gone, and keeps everything else', async () => {
    // A pid no process has: above the kernel's limit (4,194,304 at most on Linux).
    const gone = await file('.layer.json.tmp-99999999-0a1b2c', true);
    const noPid = await file('.gloss.json.tmp-abc', true);
    await file('.layer.json.tmp-99999999-0d0e0f', false); // recent: may be a write in progress elsewhere
    await file(`.layer.json.tmp-${process.ppid}-aaaaaa`, true); // its writer runs: left to it
    await file('layer.json', true);
    await file('.hidden-note', true);
    await mkdir(join(dir, '.folder.tmp-1-ab'));
    expect((await sweepTempFiles([dir, join(dir, 'missing')])).sort()).toEqual([gone, noPid].sort());
    expect((await readdir(dir)).sort()).toEqual(['.folder.tmp-1-ab', '.hidden-note', `.layer.json.tmp-${process.ppid}-aaaaaa`, '.layer.json.tmp-99999999-0d0e0f', 'layer.json']);
  });
});
