// Exported files kept for the page to download (browser mode): written piece by piece, given an
// address, the oldest deleted beyond the limit, nothing left behind by a failed export or on close.

import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_PATH, Downloads } from '../../src/main/downloads';
import { removeDir, tempDir } from './workspace/helpers';

let root: string;

beforeEach(async () => {
  root = await tempDir('gloss-downloads-');
});

afterEach(async () => {
  await removeDir(root);
});

const idOf = (file: { href?: string } | object): string => {
  if (!('href' in file) || typeof file.href !== 'string') throw new Error('expected a kept file');
  expect(file.href.startsWith(DOWNLOAD_PATH)).toBe(true);
  return file.href.slice(DOWNLOAD_PATH.length);
};

describe('Downloads', () => {
  it('keeps what an export writes, piece by piece, with its name, type and size', async () => {
    const downloads = new Downloads({ tempDir: root });
    const pieces = ['Digest 🌍,', 'Emomali Rahmon\r\n', new Uint8Array([0xe2, 0x82, 0xac])];
    const file = await downloads.add('report — 1.csv', 'text/csv; charset=utf-8', async (write) => {
      for (const piece of pieces) await write(piece);
    });
    const kept = downloads.get(idOf(file))!;
    const bytes = await readFile(kept.path);
    expect(bytes.toString('utf8')).toBe('Digest 🌍,Emomali Rahmon\r\n€');
    expect(file).toEqual({ name: 'report — 1.csv', mediaType: 'text/csv; charset=utf-8', size: bytes.length, href: expect.any(String) });
    expect(kept).toMatchObject({ name: 'report — 1.csv', mediaType: 'text/csv; charset=utf-8', size: bytes.length });
    expect(downloads.get('nope')).toBeUndefined();
    // By its href: only the `/download/<uuid>` form names a kept file.
    if (!('href' in file)) throw new Error('expected a kept file');
    expect(downloads.byHref(file.href)).toBe(kept);
    for (const href of [idOf(file), `/other/${idOf(file)}`, `${file.href}/..`, `${file.href}x`, '/download/nope', '/download/']) {
      expect(downloads.byHref(href), href).toBeUndefined();
    }
    await downloads.close();
  });

  it('writes a large export whole, waiting on the disk between pieces', async () => {
    const downloads = new Downloads({ tempDir: root });
    const line = `${'x'.repeat(1023)}\n`;
    const file = await downloads.add('big.jsonl', 'application/x-ndjson', async (write) => {
      for (let i = 0; i < 8 * 1024; i++) {
        const waited = write(line);
        if (waited) await waited;
      }
    });
    expect('size' in file && file.size).toBe(8 * 1024 * 1024);
    expect((await readFile(downloads.get(idOf(file))!.path, 'utf8')).split('\n')).toHaveLength(8 * 1024 + 1);
    await downloads.close();
  });

  it('deletes the oldest files beyond its limit, and everything on close', async () => {
    const downloads = new Downloads({ tempDir: root, keep: 2 });
    const files = [];
    for (const n of [1, 2, 3]) files.push(await downloads.add(`${n}.txt`, 'text/plain', async (write) => write(String(n))));
    const [first, second, third] = files.map(idOf);
    expect(downloads.get(first!)).toBeUndefined();
    const kept = [downloads.get(second!)!, downloads.get(third!)!];
    expect(await Promise.all(kept.map((k) => readFile(k.path, 'utf8')))).toEqual(['2', '3']);
    const folder = dirname(kept[0]!.path);
    expect((await readdir(folder)).sort()).toEqual([second, third].sort());
    await downloads.close();
    expect(existsSync(folder)).toBe(false);
    expect(downloads.get(third!)).toBeUndefined();
  });

  it('counts the files of one export as one: a folder of files outlives the limit whole', async () => {
    const downloads = new Downloads({ tempDir: root, keep: 2 });
    const folder = [];
    for (const n of [1, 2, 3, 4, 5]) folder.push(await downloads.add(`${n}.ann`, 'text/plain', async (write) => write(String(n)), 'brat-folder'));
    expect(folder.map(idOf).every((id) => downloads.get(id) !== undefined)).toBe(true);
    const later = await downloads.add('later.csv', 'text/csv', async (write) => write('x'));
    expect(folder.map(idOf).every((id) => downloads.get(id) !== undefined)).toBe(true);
    // A third export pushes out the oldest one: all five files of the folder at once.
    await downloads.add('last.csv', 'text/csv', async (write) => write('y'));
    expect(folder.map(idOf).some((id) => downloads.get(id) !== undefined)).toBe(false);
    expect(downloads.get(idOf(later))).toBeDefined();
    await downloads.close();
  });

  it('keeps nothing of an export that fails, and passes its error on', async () => {
    const downloads = new Downloads({ tempDir: root });
    const failing = downloads.add('broken.csv', 'text/csv', async (write) => {
      await write('half a file');
      throw new Error('layer unreadable');
    });
    await expect(failing).rejects.toThrow('layer unreadable');
    const ok = await downloads.add('fine.csv', 'text/csv', async (write) => write('a'));
    const folder = dirname(downloads.get(idOf(ok))!.path);
    expect(await readdir(folder)).toEqual([idOf(ok)]);
    await downloads.close();
  });
});
