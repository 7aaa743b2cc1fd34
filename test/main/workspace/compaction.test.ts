// A layer's journal compacted in the background (docs/adr/0009): the new layer file is made and
// written to a temp file outside the file's queue, so that a change coming meanwhile is answered
// at once; the compaction then gives way (its temp file removed) and a later one folds everything.
// The temp file's write is held open here by a gate, so the change lands in the middle of it.

import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LayerChange } from '../../../src/core/api';
import { serializeLayer } from '../../../src/core/layer';
import type { Layer } from '../../../src/core/model';
import type * as Durable from '../../../src/main/workspace/durable';
import { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, changeAlpha, makeWorkspace, removeDir, tempDir } from './helpers';

/** The temp writes of background compactions: each waits for `open` (or fails with `failWith`). */
const gate = vi.hoisted(() => ({
  started: [] as string[],
  failWith: null as Error | null,
  waiting: [] as (() => void)[],
  closed: true,
  onStart: null as (() => void) | null,
}));

vi.mock('../../../src/main/workspace/durable', async (importOriginal) => {
  const real = await importOriginal<typeof Durable>();
  return {
    ...real,
    writeTempFileDurable: async (path: string, data: string | Uint8Array): Promise<string> => {
      gate.started.push(path);
      gate.onStart?.();
      if (gate.closed) await new Promise<void>((resolve) => gate.waiting.push(resolve));
      if (gate.failWith) throw gate.failWith;
      return real.writeTempFileDurable(path, data);
    },
  };
});

function openGate(): void {
  gate.closed = false;
  for (const resolve of gate.waiting.splice(0)) resolve();
}

/** Resolves when the next background compaction starts writing its temp file. */
function compactionWriting(): Promise<void> {
  return new Promise((resolve) => {
    gate.onStart = () => {
      gate.onStart = null;
      resolve();
    };
  });
}

let dir: string;
const LAYER = join('annotations', 'alpha', 'alice.json');

beforeEach(async () => {
  dir = await tempDir();
  await makeWorkspace(dir);
  gate.started.length = 0;
  gate.failWith = null;
  gate.closed = true;
  gate.onStart = null;
});

afterEach(async () => {
  openGate();
  await removeDir(dir);
});

async function open(): Promise<Workspace> {
  const opened = await Workspace.open(dir, { now: () => NOW, journal: { idleMs: 20 } });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

const change = changeAlpha;

const add = (id: string, start: number, end: number): LayerChange => ({ op: 'add', span: { id, label: 'Person', start, end } });

/**
 * A workspace whose layer has a journal and whose background compaction of it has started writing
 * its temp file (held there while the gate is closed): the first write of a layer is the whole
 * (small) file, the second goes to the journal. With the layer as the journal makes it.
 */
async function compactionUnderWay(): Promise<{ ws: Workspace; last: Layer }> {
  const ws = await open();
  await change(ws, [add('s1', 0, 14)]);
  const writing = compactionWriting();
  const last = await change(ws, [add('s2', 19, 34)]);
  await writing;
  return { ws, last };
}

async function files(): Promise<string[]> {
  return (await readdir(join(dir, 'annotations', 'alpha'))).sort();
}

async function journalLines(): Promise<number> {
  return (await readFile(join(dir, 'annotations', 'alpha', 'alice.journal.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
}

describe('compaction in the background', () => {
  it('answers a change coming while it writes the new layer file, then gives way; a later one folds everything', async () => {
    const { ws } = await compactionUnderWay();
    // The compaction is held in the middle of writing: a change is answered all the same.
    const last = await change(ws, [add('s3', 37, 45)]);
    expect(await journalLines()).toBe(3);
    openGate();
    await ws.flush();
    // The compaction's temp file is gone, the journal folded into the layer file by a later one.
    expect(await files()).toEqual(['alice.json']);
    expect(await readFile(join(dir, LAYER), 'utf8')).toBe(serializeLayer(last));
    expect(ws.problems).toEqual([]);
  });

  it('installs what it wrote when nothing changed meanwhile', async () => {
    openGate();
    const { ws, last } = await compactionUnderWay();
    // Until it is done, nothing but the compaction is queued: flush waits for it.
    await ws.flush();
    expect(gate.started).toHaveLength(1);
    expect(await files()).toEqual(['alice.json']);
    expect(await readFile(join(dir, LAYER), 'utf8')).toBe(serializeLayer(last));
  });

  it('gives way to a change by another process that a read picked up, and compacts again later', async () => {
    const { ws } = await compactionUnderWay();
    // Another process edits the layer meanwhile (its open folds our journal in first); we read it.
    const other = await Workspace.open(dir, { now: () => NOW, journal: { idleMs: 60_000 } });
    if (!other.ok) throw new Error(other.error.message);
    const theirs = await change(other.value, [add('s3', 37, 45)]);
    expect(await ws.readLayer('alpha', 'alice')).toEqual(theirs);
    openGate();
    // The compaction made on the old layer gives way; the one our read of their journal scheduled folds it in.
    await expect.poll(files, { timeout: 5000 }).toEqual(['alice.json']);
    expect(await readFile(join(dir, LAYER), 'utf8')).toBe(serializeLayer(theirs));
    expect(gate.started).toHaveLength(2);
  });

  it('is waited for by flush while it writes', async () => {
    const { ws, last } = await compactionUnderWay();
    let flushed = false;
    const flush = ws.flush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(flushed).toBe(false);
    openGate();
    await flush;
    expect(await files()).toEqual(['alice.json']);
    expect(await readFile(join(dir, LAYER), 'utf8')).toBe(serializeLayer(last));
  });

  it('keeps the journal and reports it when the new layer file cannot be written; the changes are all still read', async () => {
    gate.failWith = new Error('ENOSPC: no space left on device');
    const { ws, last } = await compactionUnderWay();
    openGate();
    await ws.flush();
    expect(ws.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('alice.journal.jsonl: could not be compacted into annotations/alpha/alice.json (ENOSPC: no space left on device)'),
    ]);
    const reader = await Workspace.open(dir, { readOnly: true });
    if (!reader.ok) throw new Error(reader.error.message);
    expect(await reader.value.readLayer('alpha', 'alice')).toEqual(last);
    expect((await files()).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
