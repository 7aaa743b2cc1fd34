// Exports made by worker threads (docs/adr/0018): real workers running the built CLI give the very
// bytes, counts, warnings, problems and notices (CoNLL's spans not written exactly) of the export
// made on one thread, whatever order the
// batches come back in; a worker that fails fails the export.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyLayerChanges, emptyLayer } from '../../../src/core/layer';
import type { SpanInput } from '../../../src/core/api';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { MIN_THREADED_DOCUMENTS, workerCount } from '../../../src/main/workspace/worker-threads';
import type { WorkerThreads } from '../../../src/main/workspace/worker-threads';
import { streamWorkspaceExport } from '../../../src/main/workspace/exporter';
import type { ExportFormat, StreamedExport } from '../../../src/main/workspace/exporter';
import { Workspace } from '../../../src/main/workspace/workspace';
import { gloss } from '../../cli/run-gloss';
import { MIXED_TEXTS, NOW, makeDocument, manyDocuments } from './helpers';
import { workerThreadTests } from './worker-helpers';

const t = workerThreadTests();

/**
 * 45 documents: the first 20 without layers (the file's first item comes in a later batch), then
 * layers of alice and bob with a few spans each, one orphan span, one corrupt layer file and one
 * missing document file.
 */
async function bigWorkspace(): Promise<void> {
  const { ws, ids } = await manyDocuments(t.dir, 'Threads', 45);
  for (const [i, id] of ids.entries()) {
    if (i < 20) continue;
    const doc = (await ws.readDocument(id))!;
    const index = new CodePointIndex(doc.text);
    for (const annotator of i % 4 === 0 ? ['alice'] : ['alice', 'bob']) {
      const spans: SpanInput[] = [
        { id: `${annotator}-1`, label: 'Person', start: 0, end: 7 },
        { id: `${annotator}-2`, label: 'Location', start: 8, end: 14, note: 'a "note"' },
      ];
      if (i % 3 === 0) spans.push({ id: `${annotator}-3`, label: 'Money', start: index.length - 6, end: index.length - 1 });
      const r = applyLayerChanges(emptyLayer(doc, annotator, NOW.toISOString()), index, DEFAULT_SCHEMA, spans.map((span) => ({ op: 'add' as const, span })), NOW.toISOString());
      if (!r.ok) throw new Error(r.error.message);
      await ws.writeLayer(r.value);
    }
  }
  const orphan = join(t.dir, 'annotations', 'doc-21', 'bob.json');
  const layer = JSON.parse(await readFile(orphan, 'utf8')) as { spans: { quote: string }[] };
  layer.spans[0]!.quote = 'changed';
  await writeFile(orphan, JSON.stringify(layer, null, 2) + '\n');
  await writeFile(join(t.dir, 'annotations', 'doc-30', 'bob.json'), '{"annotator": "bob", "spans": [');
  await rm(join(t.dir, 'documents', 'doc-33.json'));
}

/** The export as the CLI makes it (the workspace opened read-only and lazily), its bytes and what it told. */
async function exported(
  format: ExportFormat,
  threads: WorkerThreads | undefined,
  annotator?: string,
  prefer?: 'inner' | 'outer',
  { giveBack = false }: { giveBack?: boolean } = {},
): Promise<{ bytes: Buffer; output: StreamedExport; problems: string[]; byteChunks: number; givenBack: number }> {
  const opened = await Workspace.open(t.dir, { readOnly: true, lazy: true });
  if (!opened.ok) throw new Error(opened.error.message);
  const ws = opened.value;
  const pieces: Buffer[] = [];
  let byteChunks = 0;
  let givenBack = 0;
  const options = { format, exportedAt: NOW.toISOString(), ...(annotator !== undefined ? { annotator } : {}), ...(prefer !== undefined ? { prefer } : {}) };
  const output = await streamWorkspaceExport(
    ws,
    options,
    (piece, written) => {
      if (typeof piece !== 'string') byteChunks++;
      pieces.push(Buffer.from(piece));
      if (giveBack && written && typeof piece !== 'string') {
        // Copied: the buffer may go back to its worker, which moves it away from this thread.
        written();
        if (piece.buffer.byteLength === 0) givenBack++;
      }
    },
    threads,
  );
  return { bytes: Buffer.concat(pieces), output, problems: ws.problems.map((p) => p.message), byteChunks, givenBack };
}

describe('workerCount', () => {
  // It only counts: no worker is started.
  const threads = { script: new URL('file:///never-started.mjs') };
  it('starts no worker without a script, for small workspaces, or with fewer than two to start', () => {
    expect(workerCount(undefined, 5000)).toBe(0);
    expect(workerCount(threads, MIN_THREADED_DOCUMENTS - 1)).toBe(0);
    expect(workerCount({ ...threads, count: 1 }, 5000)).toBe(0);
  });

  it('starts the workers asked for, at most four; by default one a core', () => {
    expect(workerCount({ ...threads, count: 2 }, 5000)).toBe(2);
    expect(workerCount({ ...threads, count: 16 }, 5000)).toBe(4);
    expect(workerCount({ ...threads, minDocuments: 0 }, 3)).toBe(Math.min(availableParallelism(), 4) >= 2 ? Math.min(availableParallelism(), 4) : 0);
  });
});

describe('an export made by worker threads', () => {
  it('is byte for byte the export made on one thread, with the same counts, warnings and problems (W3C, Gloss)', async () => {
    await bigWorkspace();
    // Made by the workers, the documents come as bytes, one piece a batch of 16 that has items:
    // W3C's first batch has none (no layers there), the dataset's documents are its items.
    const cases: [ExportFormat, number, string?][] = [['w3c', 2], ['gloss', 3], ['w3c', 2, 'bob']];
    for (const [format, batches, annotator] of cases) {
      const one = await exported(format, undefined, annotator);
      const threaded = await exported(format, { script: t.bundle, count: 2, minDocuments: 0 }, annotator);
      expect(one.byteChunks).toBe(0);
      expect(threaded.byteChunks, format).toBe(batches);
      expect(threaded.bytes.equals(one.bytes), format).toBe(true);
      expect(threaded.output).toEqual(one.output);
      expect(threaded.problems).toEqual(one.problems);
      JSON.parse(threaded.bytes.toString('utf8'));
    }
    const { output, problems } = await exported('w3c', { script: t.bundle, count: 3, minDocuments: 0 });
    // 100 spans in the layers; not exported: bob's corrupt layer of doc-30 (3) and doc-33's two layers (6).
    expect(output).toMatchObject({ documents: 44, spans: 91 });
    expect(output.warnings.join('\n')).toMatch(/document "doc-33" skipped/u);
    expect(output.warnings.join('\n')).toMatch(/annotations\/doc-21\/bob\.json: span "bob-1" \(Person\) is an orphan.*\(exported with its stored offsets\)/u);
    expect(output.warnings.join('\n')).toMatch(/annotations\/doc-30\/bob\.json.*\(not exported\)/u);
    expect(problems.join('\n')).toMatch(/annotations\/doc-30\/bob\.json/u);
  }, 60_000);

  it('is what `gloss export` writes for a workspace big enough for threads', async () => {
    await bigWorkspace();
    const opened = await Workspace.open(t.dir, { readOnly: false });
    if (!opened.ok) throw new Error(opened.error.message);
    const more = Array.from({ length: MIN_THREADED_DOCUMENTS }, (_, i) => `more-${String(i).padStart(3, '0')}`);
    await opened.value.addDocuments(await Promise.all(more.map((id, i) => makeDocument(id, MIXED_TEXTS[i % 3]!))));
    const out = join(t.dir, 'export.jsonld');
    const configDir = join(t.dir, 'config');
    const run = await gloss(['export', t.dir, '--format', 'w3c', '--out', out], { cwd: t.dir, configDir });
    expect(run.stdout).toMatch(/^exported 244 document\(s\), 91 span\(s\) to /u);
    expect(run.code).toBe(0);
    expect((await readFile(out)).equals((await exported('w3c', undefined)).bytes)).toBe(true);
  }, 60_000);

  it('gives each batch’s buffer back to its worker once written, which fills it again: the same bytes', async () => {
    await bigWorkspace();
    const opened = await Workspace.open(t.dir, { readOnly: false });
    if (!opened.ok) throw new Error(opened.error.message);
    const more = Array.from({ length: 160 }, (_, i) => `more-${String(i).padStart(3, '0')}`);
    await opened.value.addDocuments(await Promise.all(more.map((id, i) => makeDocument(id, MIXED_TEXTS[i % 3]!))));
    const one = await exported('gloss', undefined);
    // 205 documents (the dataset's items) in 13 batches for 2 workers: most are made in a buffer given back.
    const threaded = await exported('gloss', { script: t.bundle, count: 2, minDocuments: 0 }, undefined, undefined, { giveBack: true });
    expect(threaded.byteChunks).toBe(13);
    expect(threaded.givenBack).toBe(13);
    expect(threaded.bytes.equals(one.bytes)).toBe(true);
    expect(threaded.output).toEqual(one.output);
  }, 60_000);

  it('makes CoNLL apart too: the same bytes, and its spans not written exactly reported in document order', async () => {
    await bigWorkspace();
    // carol's layers overlap (CoNLL writes the outermost and reports the other) in docs of every batch.
    const ws = await Workspace.open(t.dir, { readOnly: false });
    if (!ws.ok) throw new Error(ws.error.message);
    // A label of two words: CoNLL writes it as one, with a notice per document.
    const schema = { ...DEFAULT_SCHEMA, labels: [...DEFAULT_SCHEMA.labels, { name: 'Weird label', category: 'entity' as const, color: '#777777', attributes: [] }] };
    await ws.value.setSchema(schema);
    for (const id of ['doc-03', 'doc-17', 'doc-22', 'doc-40']) {
      const doc = (await ws.value.readDocument(id))!;
      const index = new CodePointIndex(doc.text);
      const spans: SpanInput[] = [
        { id: `carol-${id}-a`, label: 'Weird label', start: 0, end: 14 },
        { id: `carol-${id}-b`, label: 'Person', start: 0, end: 7 },
        { id: `carol-${id}-c`, label: 'Location', start: 8, end: 14 },
      ];
      const r = applyLayerChanges(emptyLayer(doc, 'carol', NOW.toISOString()), index, schema, spans.map((span) => ({ op: 'add' as const, span })), NOW.toISOString());
      if (!r.ok) throw new Error(r.error.message);
      await ws.value.writeLayer(r.value);
    }
    const cases: [ExportFormat, string | undefined, 'inner' | 'outer' | undefined][] = [
      ['conll', 'carol', undefined],
      ['conll', 'carol', 'inner'],
      ['conll', 'alice', undefined],
    ];
    for (const [format, annotator, prefer] of cases) {
      const one = await exported(format, undefined, annotator, prefer);
      const threaded = await exported(format, { script: t.bundle, count: 2, minDocuments: 0 }, annotator, prefer);
      const what = `${format} ${annotator ?? ''} ${prefer ?? ''}`;
      expect(one.byteChunks).toBe(0);
      expect(threaded.byteChunks, what).toBeGreaterThanOrEqual(2);
      expect(threaded.bytes.equals(one.bytes), what).toBe(true);
      expect(threaded.output, what).toEqual(one.output);
      expect(threaded.problems, what).toEqual(one.problems);
    }
    const conll = await exported('conll', { script: t.bundle, count: 3, minDocuments: 0 }, 'carol');
    // In each of the four documents: the two spans inside the outer one are not written.
    expect(conll.output.unrepresented?.map((u) => `${u.document} ${u.spanId}`)).toEqual(
      ['doc-03', 'doc-17', 'doc-22', 'doc-40'].flatMap((id) => [`${id} carol-${id}-b`, `${id} carol-${id}-c`]),
    );
    expect(conll.output.notices).toEqual(['doc-03', 'doc-17', 'doc-22', 'doc-40'].map((id) => `${id}: label "Weird label" written as Weird_label (a tag is one word)`));
  }, 60_000);

  it('makes CSV apart too: the same bytes, a piece a batch with rows', async () => {
    await bigWorkspace();
    for (const annotator of [undefined, 'bob']) {
      const one = await exported('csv', undefined, annotator);
      const threaded = await exported('csv', { script: t.bundle, count: 2, minDocuments: 0 }, annotator);
      expect(one.byteChunks).toBe(0);
      // The first batch's 16 documents have no layers: no rows, no piece.
      expect(threaded.byteChunks).toBe(2);
      expect(threaded.bytes.equals(one.bytes)).toBe(true);
      expect(threaded.output).toEqual(one.output);
      expect(threaded.problems).toEqual(one.problems);
      expect(threaded.bytes.toString('utf8')).toMatch(/^document,title,annotator,/u);
    }
  });

  it('keeps one thread for JSON lines and doccano, and asks a one-layer format for its annotator first', async () => {
    await bigWorkspace();
    for (const format of ['jsonl', 'doccano'] as const) {
      const one = await exported(format, undefined, 'alice');
      const asked = await exported(format, { script: t.bundle, count: 2, minDocuments: 0 }, 'alice');
      expect(asked.byteChunks).toBe(0);
      expect(asked.bytes.equals(one.bytes)).toBe(true);
    }
    await expect(exported('conll', { script: t.bundle, count: 2, minDocuments: 0 })).rejects.toThrow('exporting conll needs an annotator');
  });

  it('fails, naming why, when a worker stops', async () => {
    await bigWorkspace();
    const notAWorker = new URL('data:text/javascript,process.exit(3)');
    await expect(exported('w3c', { script: notAWorker, count: 2, minDocuments: 0 })).rejects.toThrow('an export worker stopped (exit code 3)');
  });

  it('fails with the worker’s own error when it cannot open the workspace', async () => {
    await bigWorkspace();
    const opened = await Workspace.open(t.dir, { readOnly: true, lazy: true });
    if (!opened.ok) throw new Error(opened.error.message);
    await rm(join(t.dir, 'gloss.json'));
    const write = (): void => undefined;
    await expect(streamWorkspaceExport(opened.value, { format: 'w3c', exportedAt: NOW.toISOString() }, write, { script: t.bundle, count: 2, minDocuments: 0 })).rejects.toThrow(/gloss\.json/u);
  });
});
