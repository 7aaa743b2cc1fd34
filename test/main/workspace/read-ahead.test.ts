// Lazy opening and reading ahead (ADR 0010): a one-pass command reads each file once, the disk
// in parallel, and finds exactly what an eager open finds, in the same order, without writing.
// So do blocking reads (ADR 0024), which read each file when asked and nothing ahead.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyLayer } from '../../../src/core/layer';
import { exportWorkspace } from '../../../src/main/workspace/exporter';
import { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, fixedNow, makeDocument, makeWorkspace, openWorkspace, removeDir, snapshot, tempDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

async function openLazily(blockingReads = false): Promise<Workspace> {
  const opened = await Workspace.open(dir, { now: fixedNow, readOnly: true, lazy: true, blockingReads });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

/** alpha and beta with layers of alice and bob, a corrupt layer of carol on beta, 40 more documents. */
async function makeBigWorkspace(): Promise<void> {
  const ws = await makeWorkspace(dir);
  const more = await Promise.all(Array.from({ length: 40 }, (_, i) => makeDocument(`doc-${String(i).padStart(2, '0')}`, `Text number ${i}.`)));
  await ws.addDocuments(more);
  for (const id of ['alpha', 'beta', ...more.map((d) => d.id)]) {
    const doc = await ws.readDocument(id);
    if (!doc) throw new Error(`no ${id}`);
    for (const annotator of ['alice', 'bob']) await ws.writeLayer(emptyLayer(doc, annotator, NOW.toISOString()));
  }
  await mkdir(join(dir, 'annotations', 'beta'), { recursive: true });
  await writeFile(join(dir, 'annotations', 'beta', 'carol.json'), 'not json');
}

describe.each([
  ['read ahead', false],
  ['blocking reads', true],
])('lazy open, %s', (_, blocking) => {
  it('reads only the manifest: problems are found when the files are read', async () => {
    await makeWorkspace(dir);
    await writeFile(join(dir, 'documents', 'beta.json'), Buffer.from([0x7b, 0xff, 0xfe]));
    const ws = await openLazily(blocking);
    expect(ws.problems).toEqual([]);
    expect(await ws.readDocument('beta')).toBeNull();
    expect(ws.problems.map((p) => [p.kind, p.file])).toEqual([['corrupt-file', 'documents/beta.json']]);
    expect(ws.documents().map((d) => d.id)).toEqual(['alpha']);
  });

  it('validates to exactly the problems of an eager open, in the same order, writing nothing', async () => {
    await makeBigWorkspace();
    await writeFile(join(dir, 'documents', 'doc-07.json'), 'not json');
    const before = await snapshot(dir);
    const eager = await (await openWorkspace(dir, true)).validate();
    const lazy = await (await openLazily(blocking)).validate();
    expect(eager.map((p) => p.file)).toEqual(['annotations/beta/carol.json', 'documents/doc-07.json']);
    expect(lazy).toEqual(eager);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('exports the same bytes read ahead as read one file at a time', async () => {
    await makeBigWorkspace();
    const eager = await exportWorkspace(await openWorkspace(dir, true), { format: 'gloss', exportedAt: NOW.toISOString() });
    const lazy = await exportWorkspace(await openLazily(blocking), { format: 'gloss', exportedAt: NOW.toISOString() });
    expect(lazy.text).toBe(eager.text);
    expect(lazy.documents).toBe(42);
    expect(eager.warnings).toHaveLength(1);
    expect(eager.warnings[0]).toContain('annotations/beta/carol.json');
    expect(lazy.warnings).toEqual(eager.warnings);
  });
});

describe.each([
  ['by the reading thread', false],
  ['blocking', true],
])('reads %s', (_, blocking) => {
  it('finds missing and unreadable files as reading them one at a time does', async () => {
    await makeBigWorkspace();
    await rm(join(dir, 'documents', 'doc-03.json'));
    // A file where a document's layer folder should be: it has no layers.
    await rm(join(dir, 'annotations', 'doc-05'), { recursive: true });
    await writeFile(join(dir, 'annotations', 'doc-05'), 'not a folder');
    const eager = await exportWorkspace(await openWorkspace(dir, true), { format: 'csv', exportedAt: NOW.toISOString() });
    const lazy = await exportWorkspace(await openLazily(blocking), { format: 'csv', exportedAt: NOW.toISOString() });
    expect(lazy).toEqual(eager);
    expect(lazy.documents).toBe(41);
    expect(lazy.warnings.some((w) => w.includes('documents/doc-03.json'))).toBe(true);
    const lazyProblems = await (await openLazily(blocking)).validate();
    expect(lazyProblems).toEqual(await (await openWorkspace(dir, true)).validate());
    expect(lazyProblems.map((p) => p.kind)).toContain('missing-document');
  });
});

describe('blocking reads', () => {
  it('start no reading thread, and read a file changed after opening as it is then', async () => {
    await makeBigWorkspace();
    const ws = await openLazily(true);
    await writeFile(join(dir, 'annotations', 'beta', 'carol.json'), JSON.stringify(emptyLayer((await ws.readDocument('beta'))!, 'carol', NOW.toISOString())));
    const exported = await exportWorkspace(ws, { format: 'csv', exportedAt: NOW.toISOString() });
    expect(exported.warnings).toEqual([]);
    expect(exported.documents).toBe(42);
    expect((ws as unknown as { ahead: unknown }).ahead).toBeNull();
    // Asked of a workspace that may be written, they are not used: its reads stay asynchronous.
    const writable = await Workspace.open(dir, { now: fixedNow, lazy: true, blockingReads: true });
    if (!writable.ok) throw new Error(writable.error.message);
    expect((writable.value as unknown as { blockingReads: boolean }).blockingReads).toBe(false);
  });
});
