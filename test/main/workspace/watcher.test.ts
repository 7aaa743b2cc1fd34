// The workspace watcher: external changes reported once per file, our own writes and temp files
// not, cursors from earlier runs or beyond the log asking for a resync.

import type { watch } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyLayer, serializeLayer } from '../../../src/core/layer';
import type { ChangesSince } from '../../../src/core/api';
import { WorkspaceWatcher, classifyPath } from '../../../src/main/workspace/watcher';
import type { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, makeWorkspace, removeDir, tempDir } from './helpers';

let dir: string;
let ws: Workspace;
let watcher: WorkspaceWatcher | null = null;

beforeEach(async () => {
  dir = await tempDir();
  ws = await makeWorkspace(dir);
  await mkdir(join(dir, 'annotations', 'alpha'), { recursive: true });
});

afterEach(async () => {
  watcher?.close();
  watcher = null;
  await removeDir(dir);
});

function layerJson(annotator: string, doc = 'alpha'): string {
  return serializeLayer(emptyLayer({ id: doc, textSha256: 'a'.repeat(64) }, annotator, NOW.toISOString()));
}

function since(w: WorkspaceWatcher, cursor: number): ChangesSince {
  const r = w.since(cursor);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Poll until `done` holds of the answer since `cursor` (fs events take a moment). */
async function waitFor(w: WorkspaceWatcher, cursor: number, done: (c: ChangesSince) => boolean): Promise<ChangesSince> {
  for (let i = 0; i < 100; i++) {
    await w.settled();
    const c = since(w, cursor);
    if (done(c)) return c;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not seen: ${JSON.stringify(since(w, cursor))}`);
}

describe('classifyPath', () => {
  it('knows the manifest, document files and layer files, and nothing else', () => {
    expect(classifyPath('gloss.json')).toEqual({ file: 'gloss.json' });
    expect(classifyPath('documents/alpha.json')).toEqual({ document: 'alpha', file: 'documents/alpha.json' });
    expect(classifyPath('annotations/alpha/bob.json')).toEqual({ document: 'alpha', annotator: 'bob', file: 'annotations/alpha/bob.json' });
    for (const other of [
      'annotations/alpha/.bob.json.tmp-123-abcdef',
      'annotations/alpha/bob.json.corrupt-2024',
      '.git/index',
      '.git/objects/ab/cdef',
      'documents/.alpha.json.tmp-1-2',
      'notes.txt',
      'annotations/alpha',
      'annotations/alpha/bob/x.json',
    ]) {
      expect(classifyPath(other)).toBeNull();
    }
  });
});

describe('WorkspaceWatcher', () => {
  it('reports a layer written by someone else, once, and not our own writes nor temp files', async () => {
    watcher = new WorkspaceWatcher(ws, { debounceMs: 30 });
    expect(watcher.start().ok).toBe(true);
    const start = since(watcher, 0).cursor;
    expect(since(watcher, 0)).toEqual({ cursor: start, changes: [] });

    await ws.writeLayer(emptyLayer({ id: 'alpha', textSha256: 'a'.repeat(64) }, 'me', NOW.toISOString()));
    await writeFile(join(dir, 'annotations', 'alpha', '.bob.json.tmp-1-abc'), 'half');
    await writeFile(join(dir, 'annotations', 'alpha', 'bob.json'), layerJson('bob'));
    await writeFile(join(dir, 'annotations', 'alpha', 'bob.json'), layerJson('bob'));

    const seen = await waitFor(watcher, start, (c) => c.changes.length > 0);
    expect(seen.changes).toEqual([{ document: 'alpha', annotator: 'bob', file: 'annotations/alpha/bob.json' }]);
    expect(seen.cursor).toBeGreaterThan(start);
    // Nothing new since.
    expect(since(watcher, seen.cursor)).toEqual({ cursor: seen.cursor, changes: [] });
  });

  it('reports our file when someone else rewrites it after we wrote it', async () => {
    watcher = new WorkspaceWatcher(ws, { debounceMs: 30 });
    watcher.start();
    const start = since(watcher, 0).cursor;
    await ws.writeLayer(emptyLayer({ id: 'beta', textSha256: 'a'.repeat(64) }, 'me', NOW.toISOString()));
    await watcher.settled();
    // A `git pull` brings another version of my layer.
    await writeFile(join(dir, 'annotations', 'beta', 'me.json'), layerJson('me', 'beta').replace('"todo"', '"done"'));
    const seen = await waitFor(watcher, start, (c) => c.changes.length > 0);
    expect(seen.changes).toEqual([{ document: 'beta', annotator: 'me', file: 'annotations/beta/me.json' }]);
  });

  it('sees files in a folder created after it started, and the manifest', async () => {
    watcher = new WorkspaceWatcher(ws, { debounceMs: 30 });
    watcher.start();
    const start = since(watcher, 0).cursor;
    await mkdir(join(dir, 'annotations', 'beta'), { recursive: true });
    await writeFile(join(dir, 'annotations', 'beta', 'carol.json'), layerJson('carol', 'beta'));
    await writeFile(join(dir, 'gloss.json'), await readFile(join(dir, 'gloss.json'), 'utf8'));
    const seen = await waitFor(watcher, start, (c) => c.changes.length >= 2);
    expect(seen.changes).toEqual([
      { document: 'beta', annotator: 'carol', file: 'annotations/beta/carol.json' },
      { file: 'gloss.json' },
    ]);
  });

  it('asks a cursor from an earlier run, or older than the log, to resync', async () => {
    let clock = 1_000_000;
    watcher = new WorkspaceWatcher(ws, { debounceMs: 20, maxLog: 2, now: () => clock });
    watcher.start();
    const start = since(watcher, 0).cursor;
    expect(start).toBe(1_000_000);
    expect(since(watcher, start + 50)).toEqual({ cursor: start, changes: [], resync: true });
    for (const name of ['x', 'y', 'z']) {
      clock += 1;
      await writeFile(join(dir, 'annotations', 'alpha', `${name}.json`), layerJson(name));
      await waitFor(watcher, start, (c) => c.changes.some((x) => x.annotator === name));
    }
    const all = since(watcher, start);
    expect(all.resync).toBe(true);
    expect(all.changes.map((c) => c.annotator)).toEqual(['y', 'z']);
    expect(since(watcher, start + 1)).toEqual({ cursor: start + 3, changes: [{ document: 'alpha', annotator: 'y', file: 'annotations/alpha/y.json' }, { document: 'alpha', annotator: 'z', file: 'annotations/alpha/z.json' }] });
    // An earlier run's cursor (an older clock) is below every cursor of this run.
    expect(since(watcher, 999_999).resync).toBe(true);
  });

  it('fails (and keeps failing) when the folder cannot be watched', () => {
    watcher = new WorkspaceWatcher(ws, {
      watchFn: (() => {
        throw new Error('ENOSPC: inotify watch limit reached');
      }) as unknown as typeof watch,
    });
    const r = watcher.start();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/cannot watch .*ENOSPC/);
    expect(watcher.since(0).ok).toBe(false);
  });
});
