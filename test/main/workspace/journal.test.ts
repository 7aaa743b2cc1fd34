// Layer journals (docs/adr/0009): a change is one appended line, every reader replays it, the
// layer file is compacted later; torn, stale and corrupt journals never lose or double-apply
// anything; a kill -9 at any moment leaves every answered change readable.

import { spawn } from 'node:child_process';
import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LayerChange } from '../../../src/core/api';
import { emptyLayer, serializeLayer } from '../../../src/core/layer';
import type { Layer, Span } from '../../../src/core/model';
import { journalEntry, replayJournal } from '../../../src/main/workspace/journal';
import { WorkspaceWatcher, classifyPath } from '../../../src/main/workspace/watcher';
import { Workspace } from '../../../src/main/workspace/workspace';
import type { JournalOptions } from '../../../src/main/workspace/workspace';
import { NOW, TEXTS, changeAlpha, makeWorkspace, removeDir, tempDir } from './helpers';

let dir: string;
const LAYER = join('annotations', 'alpha', 'alice.json');
const JOURNAL = join('annotations', 'alpha', 'alice.journal.jsonl');

beforeEach(async () => {
  dir = await tempDir();
  await makeWorkspace(dir);
});

afterEach(async () => {
  await removeDir(dir);
});

/** Never compacts on its own unless told: tests decide when. */
async function open(journal: JournalOptions = { idleMs: 60_000 }, readOnly = false): Promise<Workspace> {
  const opened = await Workspace.open(dir, { now: () => NOW, journal, readOnly });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

const change = changeAlpha;

const add = (id: string, start: number, end: number, label = 'Person'): LayerChange => ({ op: 'add', span: { id, label, start, end } });

/** The layer as a fresh process reads it (read-only: it moves nothing). */
async function freshRead(): Promise<{ layer: Layer | null; problems: string[] }> {
  const ws = await open({}, true);
  const layer = await ws.readLayer('alpha', 'alice');
  return { layer, problems: ws.problems.map((p) => p.message) };
}

async function files(): Promise<string[]> {
  return (await readdir(join(dir, 'annotations', 'alpha'))).sort();
}

describe('layer journal', () => {
  it('appends a change as one line, leaves the layer file alone, and every reader replays it', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    const layerFile = await readFile(join(dir, LAYER), 'utf8');
    const after = await change(ws, [add('s2', 19, 34), { op: 'update', spanId: 's1', patch: { label: 'Organisation' } }]);
    // The layer file is untouched; the change is one line after the header.
    expect(await readFile(join(dir, LAYER), 'utf8')).toBe(layerFile);
    const journal = (await readFile(join(dir, JOURNAL), 'utf8')).split('\n');
    expect(journal).toHaveLength(3);
    expect(journal[2]).toBe('');
    const entry = JSON.parse(journal[1]!) as { seq: number; spans: { put: { id: string }[]; remove: string[] } };
    expect(entry.seq).toBe(1);
    expect(entry.spans.put.map((s) => s.id).sort()).toEqual(['s1', 's2']);
    const read = await freshRead();
    expect(read.problems).toEqual([]);
    expect(read.layer).toEqual(after);
    expect(read.layer?.spans.map((s) => `${s.id}:${s.label}`)).toEqual(['s1:Organisation', 's2:Person']);
  });

  it('is replayed by a one-pass read (export, agreement), which knows of it from the listing of the layer folder', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    const after = await change(ws, [{ op: 'update', spanId: 's1', patch: { label: 'Organisation' } }]);
    expect(await files()).toContain('alice.journal.jsonl');
    const opened = await Workspace.open(dir, { now: () => NOW, readOnly: true, lazy: true, blockingReads: true });
    if (!opened.ok) throw new Error(opened.error.message);
    const pass = opened.value;
    // Listed first, as a one-pass read lists each document's layers, then read.
    expect(await pass.layerAnnotators('alpha')).toEqual(['alice']);
    expect(await pass.readLayer('alpha', 'alice')).toEqual(after);
    // The other layer of the listing has no journal: read from its file alone.
    await ws.flush();
    const again = await Workspace.open(dir, { now: () => NOW, readOnly: true, lazy: true, blockingReads: true });
    if (!again.ok) throw new Error(again.error.message);
    expect(await again.value.layerAnnotators('alpha')).toEqual(['alice']);
    expect(await again.value.readLayer('alpha', 'alice')).toEqual(after);
    expect(again.value.problems).toEqual([]);
  });

  it('writes only the changed span, not the layer, for a change to a large layer', async () => {
    const ws = await open();
    const spans: LayerChange[] = [];
    for (let i = 0; i < 2000; i++) spans.push(add(`big${i}`, i % 60, (i % 60) + 3));
    await change(ws, spans);
    const before = (await stat(join(dir, LAYER))).size;
    await change(ws, [{ op: 'remove', spanId: 'big7' }]);
    await change(ws, [add('one', 40, 45)]);
    expect((await stat(join(dir, LAYER))).size).toBe(before);
    // Header + two small lines: hundreds of bytes, not the ~500 KB layer.
    expect((await stat(join(dir, JOURNAL))).size).toBeLessThan(1200);
    const read = await freshRead();
    expect(read.layer?.spans).toHaveLength(2000);
    expect(read.layer?.spans.some((s) => s.id === 'big7')).toBe(false);
  });

  it('compacts on flush: the layer file holds everything, sorted, and the journal is gone', async () => {
    const ws = await open();
    await change(ws, [add('s1', 19, 34)]);
    const last = await change(ws, [add('s2', 0, 14), { op: 'status', status: 'done' }]);
    expect(await files()).toEqual(['alice.journal.jsonl', 'alice.json']);
    await ws.flush();
    expect(await files()).toEqual(['alice.json']);
    expect(await readFile(join(dir, LAYER), 'utf8')).toBe(serializeLayer(last));
    // And it goes on appending after a compaction.
    await change(ws, [add('s3', 37, 45)]);
    expect((await freshRead()).layer?.spans.map((s) => s.id)).toEqual(['s2', 's1', 's3']);
  });

  it('compacts by itself once the layer is idle, or at once when the journal has many entries', async () => {
    const idle = await open({ idleMs: 20 });
    await change(idle, [add('s1', 0, 14)]);
    await change(idle, [add('s2', 19, 34)]);
    expect(await files()).toContain('alice.journal.jsonl');
    await new Promise((r) => setTimeout(r, 150));
    await idle.readLayer('alpha', 'alice');
    expect(await files()).toEqual(['alice.json']);
    expect((JSON.parse(await readFile(join(dir, LAYER), 'utf8')) as Layer).spans).toHaveLength(2);

    const busy = await open({ idleMs: 60_000, maxEntries: 3 });
    for (const [i, at] of [0, 5, 10].entries()) await change(busy, [add(`m${i}`, at, at + 2)]);
    // The third entry starts a compaction; a read is queued after it.
    await busy.readLayer('alpha', 'alice');
    expect(await files()).toEqual(['alice.json']);
    expect((JSON.parse(await readFile(join(dir, LAYER), 'utf8')) as Layer).spans).toHaveLength(5);
  });

  it('ignores a torn last line with a problem, and goes on saving', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    await change(ws, [add('s2', 19, 34)]);
    // A crash in the middle of the next append.
    await appendFile(join(dir, JOURNAL), '{"seq":2,"base":"2024-03-14T10:00:00.002Z","upd');
    const read = await freshRead();
    expect(read.layer?.spans.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(read.problems).toEqual([expect.stringMatching(/alice\.journal\.jsonl: its last line was cut short/)]);

    const again = await open();
    expect((await again.readLayer('alpha', 'alice'))?.spans.map((s) => s.id)).toEqual(['s1', 's2']);
    await change(again, [add('s3', 37, 45)]);
    await again.flush();
    expect(await files()).toEqual(['alice.json']);
    expect((await freshRead()).layer?.spans.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
  });

  it('never applies a journal twice when a crash comes between the compacted layer file and removing the journal', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    await change(ws, [{ op: 'remove', spanId: 's1' }]);
    await change(ws, [add('s2', 19, 34)]);
    const journal = await readFile(join(dir, JOURNAL), 'utf8');
    await ws.flush();
    const compacted = await readFile(join(dir, LAYER), 'utf8');
    const hash = (await import('node:crypto')).createHash('sha256').update(compacted).digest('hex');
    // The journal as it was just before the removal: entries, then the mark of this layer file.
    await writeFile(join(dir, JOURNAL), `${journal}{"compacted":"${hash}"}\n`);
    const read = await freshRead();
    expect(read.problems).toEqual([]);
    expect(read.layer?.spans.map((s) => s.id)).toEqual(['s2']);
    // A writer removes it quietly.
    const writer = await open();
    expect((await writer.readLayer('alpha', 'alice'))?.spans.map((s) => s.id)).toEqual(['s2']);
    expect(await files()).toEqual(['alice.json']);
    expect(writer.problems).toEqual([]);
  });

  it('replays the entries when the crash came after the mark but before the layer file was written', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    await change(ws, [add('s2', 19, 34)]);
    await appendFile(join(dir, JOURNAL), `{"compacted":"${'0'.repeat(64)}"}\n`);
    const read = await freshRead();
    expect(read.problems).toEqual([]);
    expect(read.layer?.spans.map((s) => s.id)).toEqual(['s1', 's2']);
  });

  it('keeps aside a journal made on another version of the layer file (a git pull came between), losing nothing', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    await change(ws, [add('s2', 19, 34)]);
    const doc = await ws.readDocument('alpha');
    // Someone else's version of the layer file replaces mine.
    await writeFile(join(dir, LAYER), serializeLayer({ ...emptyLayer(doc!, 'alice', NOW.toISOString()), status: 'done' }));
    const writer = await open();
    const layer = await writer.readLayer('alpha', 'alice');
    expect(layer?.status).toBe('done');
    expect(layer?.spans).toEqual([]);
    const aside = (await files()).find((f) => f.startsWith('alice.journal.jsonl.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, 'annotations', 'alpha', aside!), 'utf8')).toContain('"s2"');
    expect(writer.problems.map((p) => p.message)).toEqual([expect.stringMatching(/another version of the layer file.*kept aside as annotations\/alpha\/alice\.journal\.jsonl\.corrupt-/)]);
  });

  it('keeps aside a journal with a corrupt line and reads the layer file alone', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    await change(ws, [add('s2', 19, 34)]);
    await change(ws, [add('s3', 37, 45)]);
    const lines = (await readFile(join(dir, JOURNAL), 'utf8')).split('\n');
    lines[1] = '{"seq":1,"base":"x","updatedAt":"y","status":"in-progress","spans":{"put":[{"id":"bad"}],"remove":[]}}';
    await writeFile(join(dir, JOURNAL), lines.join('\n'));
    const read = await freshRead();
    expect(read.layer?.spans.map((s) => s.id)).toEqual(['s1']);
    expect(read.problems).toEqual([expect.stringMatching(/alice\.journal\.jsonl: line 2/)]);
    const writer = await open();
    await writer.readLayer('alpha', 'alice');
    expect((await files()).some((f) => f.startsWith('alice.journal.jsonl.corrupt-'))).toBe(true);
  });

  it('sees a layer file replaced by someone else instead of its cached copy', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    await ws.flush();
    const doc = await ws.readDocument('alpha');
    await writeFile(join(dir, LAYER), serializeLayer({ ...emptyLayer(doc!, 'alice', NOW.toISOString()), status: 'done' }));
    expect((await ws.readLayer('alpha', 'alice'))?.status).toBe('done');
    // And the next change is made on that version.
    const next = await change(ws, [add('s9', 19, 34)]);
    expect(next.spans.map((s) => s.id)).toEqual(['s9']);
  });

  it('writes a whole layer (an import) over a journal it replayed, without replaying it again', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    await change(ws, [add('s2', 19, 34)]);
    const layer = await ws.readLayer('alpha', 'alice');
    await ws.writeLayer({ ...layer!, status: 'done' });
    expect(await files()).toEqual(['alice.json']);
    const read = await freshRead();
    expect(read.layer?.status).toBe('done');
    expect(read.layer?.spans.map((s) => s.id)).toEqual(['s1', 's2']);
  });
});

describe('journal entries', () => {
  it('rebuild relations, comments and spans exactly, in order', async () => {
    const ws = await open();
    const doc = (await ws.readDocument('alpha'))!;
    const before = await change(ws, [add('a', 0, 14), add('b', 19, 34), add('c', 37, 45)]);
    const after: Layer = {
      ...before,
      updatedAt: 'later',
      relations: [{ id: 'r1', type: 'meets', from: 'a', to: 'b' }],
      comments: [{ id: 'c1', target: null, author: 'alice', text: 'check', createdAt: 'later', resolved: false }],
      spans: before.spans.filter((s) => s.id !== 'c'),
    };
    const entry = journalEntry(before, after, 1)!;
    expect(entry.spans).toEqual({ put: [], remove: ['c'] });
    const text = `{"format":"gloss.journal","version":1,"document":"alpha","annotator":"alice","base":"h"}\n${JSON.stringify(entry)}\n`;
    const replay = replayJournal(before, 'h', text, 'j');
    expect(replay.state).toBe('replayed');
    if (replay.state === 'replayed') expect(replay.layer).toEqual(after);
    expect(doc.text).toBe(TEXTS.alpha);
  });
});

describe('span deltas', () => {
  const span = (id: string, start: number, label = 'Person'): Span => ({
    id,
    label,
    start,
    end: start + 3,
    quote: 'abc',
    attributes: {},
    origin: 'manual',
    createdAt: 't',
    updatedAt: 't',
  });
  const layerOf = (spans: Span[]): Layer => ({ ...emptyLayer({ id: 'alpha', textSha256: 'h' }, 'alice', 't'), spans });
  const spans = Array.from({ length: 100 }, (_, i) => span(`s${i}`, i * 4));

  it('names only what changed among unchanged objects, wherever it is', () => {
    const before = layerOf(spans);
    const relabelled = { ...spans[50]!, label: 'Location' };
    const added = span('new', 202);
    const after = layerOf([...spans.slice(1, 50), relabelled, added, ...spans.slice(51, 99)]);
    expect(journalEntry(before, after, 1)!.spans).toEqual({ put: [relabelled, added], remove: ['s0', 's99'] });
    // At the very ends, and everything.
    expect(journalEntry(before, layerOf([span('first', 0), ...spans, span('last', 400)]), 1)!.spans).toEqual({
      put: [span('first', 0), span('last', 400)],
      remove: [],
    });
    expect(journalEntry(before, layerOf([]), 1)!.spans).toEqual({ put: [], remove: spans.map((s) => s.id) });
    expect(journalEntry(layerOf([]), before, 1)!.spans).toEqual({ put: spans, remove: [] });
  });

  it('compares by content where the objects differ: a copy read again is no change, a moved span is one', () => {
    const before = layerOf(spans);
    const copies = spans.map((s) => ({ ...s }));
    expect(journalEntry(before, layerOf(copies), 1)!.spans).toBeUndefined();
    // The same spans in another order (ids unique): no change either.
    expect(journalEntry(before, layerOf([...copies].reverse()), 1)!.spans).toBeUndefined();
    const moved = { ...spans[10]!, start: 41 };
    expect(journalEntry(before, layerOf([...spans.slice(0, 10), moved, ...spans.slice(11)]), 1)!.spans).toEqual({ put: [moved], remove: [] });
  });
});

describe('watching journals', () => {
  it('classifies a journal as a change of its layer', () => {
    expect(classifyPath('annotations/alpha/bob.journal.jsonl')).toEqual({ document: 'alpha', annotator: 'bob', file: 'annotations/alpha/bob.journal.jsonl' });
    expect(classifyPath('annotations/alpha/bob.journal.jsonl.corrupt-2024')).toBeNull();
  });

  it('reports appends by someone else, not our own', async () => {
    const ws = await open();
    await change(ws, [add('s1', 0, 14)]);
    const watcher = new WorkspaceWatcher(ws, { debounceMs: 30 });
    try {
      expect(watcher.start().ok).toBe(true);
      const start = watcher.since(0);
      if (!start.ok) throw new Error(start.error.message);
      await change(ws, [add('s2', 19, 34)]);
      await change(ws, [add('s3', 37, 45)]);
      await new Promise((r) => setTimeout(r, 120));
      await watcher.settled();
      const quiet = watcher.since(start.value.cursor);
      expect(quiet.ok && quiet.value.changes).toEqual([]);
      await appendFile(join(dir, JOURNAL), '{"seq":3}\n');
      let seen: unknown[] = [];
      for (let i = 0; i < 60 && seen.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await watcher.settled();
        const now = watcher.since(start.value.cursor);
        seen = now.ok ? now.value.changes : [];
      }
      expect(seen).toEqual([{ document: 'alpha', annotator: 'alice', file: 'annotations/alpha/alice.journal.jsonl' }]);
    } finally {
      watcher.close();
    }
  });
});

describe('kill -9 while saving through the journal', () => {
  const writer = resolve(import.meta.dirname, 'fixtures', 'journal-writer.ts');

  it('keeps every answered change and leaves a readable workspace', async () => {
    let seed = 20261127;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let answered = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
      const lines = createInterface({ input: child.stdout });
      await new Promise<void>((ready, failed) => {
        lines.on('line', (line) => {
          if (line === 'ready') ready();
          const saved = /^saved (\d+)$/.exec(line);
          if (saved) answered = Math.max(answered, Number(saved[1]));
        });
        child.once('exit', (code) => failed(new Error(`writer exited early (${code}): ${stderr}`)));
      });
      await new Promise((r) => setTimeout(r, 30 + random() * 300));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Every change answered as saved is there, each once; nothing fails to read.
      const read = await freshRead();
      const ids = read.layer?.spans.map((s) => s.id) ?? [];
      expect(new Set(ids).size).toBe(ids.length);
      for (let n = 1; n <= answered; n++) expect(ids).toContain(`s${n}`);
      expect(read.problems.filter((p) => !/last line was cut short/.test(p))).toEqual([]);
    }
    expect(answered).toBeGreaterThan(5);
    const ws = await open();
    expect((await ws.validate()).filter((p) => p.kind !== 'orphan-span' && !/cut short/.test(p.message))).toEqual([]);
  }, 60_000);
});
