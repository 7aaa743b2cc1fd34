// The workspace on disk: init/open, documents and layers, corrupt files kept aside and reported
// while the rest opens, serialised writes, validation, and files left by an interrupted import.

import { mkdir, readFile, readdir, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../../src/core/api';
import { emptyLayer, serializeLayer } from '../../../src/core/layer';
import type { Layer, Span } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, TEXTS, fixedNow, makeDocument, makeWorkspace, openWorkspace, removeDir, snapshot, tempDir } from './helpers';

let dir: string;

beforeEach(async () => {
  dir = await tempDir();
});

afterEach(async () => {
  await removeDir(dir);
});

function span(text: string, id: string, label: string, start: number, end: number): Span {
  return {
    id,
    label,
    start,
    end,
    quote: new CodePointIndex(text).slice(start, end),
    attributes: {},
    origin: 'manual',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

async function alphaLayer(ws: Workspace, annotator: string, spans: Span[]): Promise<Layer> {
  const doc = await ws.readDocument('alpha');
  if (!doc) throw new Error('alpha missing');
  return { ...emptyLayer(doc, annotator, NOW.toISOString()), spans };
}

describe('init and open', () => {
  it('creates the manifest with the default schema and the two folders', async () => {
    const created = await Workspace.init(join(dir, 'ws'), { name: 'Reports', now: fixedNow });
    expect(created.ok).toBe(true);
    const text = await readFile(join(dir, 'ws', 'gloss.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "format": "gloss.workspace",\n  "version": 1,\n  "name": "Reports",\n  "schema"')).toBe(true);
    expect(JSON.parse(text)).toEqual({ format: 'gloss.workspace', version: 1, name: 'Reports', schema: DEFAULT_SCHEMA, documents: [] });
    expect((await readdir(join(dir, 'ws'))).sort()).toEqual(['annotations', 'documents', 'gloss.json']);
  });

  it('names the workspace after its folder by default', async () => {
    const created = await Workspace.init(join(dir, 'my-reports'));
    expect(created.ok && created.value.name).toBe('my-reports');
  });

  it('refuses to init over an existing workspace and leaves it alone', async () => {
    await makeWorkspace(dir);
    const before = await snapshot(dir);
    const again = await Workspace.init(dir);
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!again.ok && again.error.message).toContain('gloss.json');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('fails to open a folder without a manifest, naming the file', async () => {
    const opened = await Workspace.open(dir);
    expect(opened).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(!opened.ok && opened.error.message).toContain(join(dir, 'gloss.json'));
  });

  it('fails to open with an unreadable manifest, naming it, and does not touch it', async () => {
    await makeWorkspace(dir);
    await writeFile(join(dir, 'gloss.json'), '{"format": "gloss.workspace", ');
    const before = await snapshot(dir);
    const opened = await Workspace.open(dir);
    expect(opened).toMatchObject({ ok: false, error: { code: 'corrupt' } });
    expect(!opened.ok && opened.error.message).toContain('gloss.json');
    expect(!opened.ok && opened.error.message).toContain('not valid JSON');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('fails on a manifest of the wrong shape', async () => {
    await makeWorkspace(dir);
    await writeFile(join(dir, 'gloss.json'), '{"format": "something-else"}\n');
    const opened = await Workspace.open(dir);
    expect(!opened.ok && opened.error.message).toMatch(/gloss\.json.*not a valid Gloss workspace manifest/);
  });
});

describe('documents and layers', () => {
  it('adds documents: files, then manifest entries in order', async () => {
    const ws = await makeWorkspace(dir);
    expect(ws.documents().map((d) => d.id)).toEqual(['alpha', 'beta']);
    const manifest = JSON.parse(await readFile(join(dir, 'gloss.json'), 'utf8')) as { documents: Record<string, unknown>[] };
    expect(Object.keys(manifest.documents[1]!)).toEqual(['id', 'title', 'textSha256', 'importedAt', 'source', 'format', 'length']);
    // Code points, not UTF-16 units: the digest has astral characters.
    expect(manifest.documents[1]!.length).toBe([...TEXTS.beta].length);
    expect((await readdir(join(dir, 'documents'))).sort()).toEqual(['alpha.json', 'beta.json']);
    const reopened = await openWorkspace(dir);
    expect((await reopened.readDocument('beta'))?.text).toBe(TEXTS.beta);
    expect(reopened.problems).toEqual([]);
  });

  it('refuses a document id that is already there', async () => {
    const ws = await makeWorkspace(dir);
    await expect(ws.addDocuments([await makeDocument('alpha', 'other')])).rejects.toThrow(/already/);
  });

  it('writes an import’s files several at a time, the manifest last, and lists none when one fails', async () => {
    const ws = await makeWorkspace(dir);
    const docs = await Promise.all(Array.from({ length: 20 }, (_, i) => makeDocument(`doc-${String(i).padStart(2, '0')}`, `Text ${i}.`)));
    const layers = docs.map((doc) => emptyLayer(doc, 'alice', NOW.toISOString()));
    let writing = 0;
    let most = 0;
    const order: string[] = [];
    ws.onWrite((file, done) => {
      order.push(file);
      most = Math.max(most, ++writing);
      void done.then(() => writing--);
    });
    const progress: number[] = [];
    await ws.addDocuments(docs, layers, (done) => progress.push(done));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    expect(order[order.length - 1]).toBe('gloss.json');
    expect(progress).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await openWorkspace(dir)).documents()).toHaveLength(22);

    // A folder where one document's file should go: its write fails, the others finish, the
    // manifest is not written and lists none of them.
    const more = await Promise.all(Array.from({ length: 12 }, (_, i) => makeDocument(`more-${String(i).padStart(2, '0')}`, `More ${i}.`)));
    await mkdir(join(dir, 'documents', 'more-05.json'), { recursive: true });
    const before = await readFile(join(dir, 'gloss.json'), 'utf8');
    await expect(ws.addDocuments(more)).rejects.toThrow();
    expect(await readFile(join(dir, 'gloss.json'), 'utf8')).toBe(before);
    expect(ws.documents()).toHaveLength(22);
    expect(writing).toBe(0);
  });

  it('writes a layer as its canonical text and reads it back', async () => {
    const ws = await makeWorkspace(dir);
    expect(await ws.readLayer('alpha', 'alice')).toBeNull();
    const layer = await alphaLayer(ws, 'alice', [span(TEXTS.alpha, 's2', 'Person', 19, 34), span(TEXTS.alpha, 's1', 'Person', 0, 14)]);
    await ws.writeLayer(layer);
    const onDisk = await readFile(join(dir, 'annotations', 'alpha', 'alice.json'), 'utf8');
    expect(onDisk).toBe(serializeLayer(layer));
    const read = await ws.readLayer('alpha', 'alice');
    expect(read?.spans.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(await ws.layerAnnotators('alpha')).toEqual(['alice']);
  });

  it('refuses ids that could escape the workspace (programmer error)', async () => {
    const ws = await makeWorkspace(dir);
    await expect(ws.readLayer('../alpha', 'alice')).rejects.toThrow(/invalid document id/);
    await expect(ws.readLayer('alpha', '../../x')).rejects.toThrow(/invalid annotator/);
  });

  it('serialises concurrent read-change-writes of one layer: none is lost', async () => {
    const ws = await makeWorkspace(dir);
    const doc = await ws.readDocument('alpha');
    const updates = Array.from({ length: 20 }, (_, i) =>
      ws.updateLayer('alpha', 'alice', (current) => {
        const base = current ?? emptyLayer(doc!, 'alice', NOW.toISOString());
        return { ok: true, value: { ...base, spans: [...base.spans, span(TEXTS.alpha, `s${i}`, 'Person', i, i + 1)] } };
      }),
    );
    await Promise.all(updates);
    const layer = await ws.readLayer('alpha', 'alice');
    expect(layer?.spans).toHaveLength(20);
  });

  it('does not write when the change fails or gives null', async () => {
    const ws = await makeWorkspace(dir);
    const failed = await ws.updateLayer('alpha', 'alice', () => ({ ok: false, error: { code: 'invalid-input', message: 'no' } }));
    expect(failed.ok).toBe(false);
    await ws.updateLayer('alpha', 'alice', () => ({ ok: true, value: null }));
    expect(await ws.layerAnnotators('alpha')).toEqual([]);
  });

  it('picks up documents another process added when reloaded', async () => {
    const ws = await makeWorkspace(dir);
    const other = await openWorkspace(dir);
    await other.addDocuments([await makeDocument('gamma', 'Third text.')]);
    expect(ws.documents().map((d) => d.id)).toEqual(['alpha', 'beta']);
    await ws.reload();
    expect(ws.documents().map((d) => d.id)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('keeps its schema object through a reload that finds the schema unchanged, and takes a changed one', async () => {
    const ws = await makeWorkspace(dir);
    const before = ws.schema;
    const other = await openWorkspace(dir);
    await other.addDocuments([await makeDocument('gamma', 'Third text.')]);
    await ws.reload();
    // The manifest changed (a document more), its schema did not: what was checked against it stays valid.
    expect(ws.documents()).toHaveLength(3);
    expect(ws.schema).toBe(before);
    const changed = structuredClone(before);
    changed.labels[0]!.color = '#123456';
    await other.setSchema(changed);
    await ws.reload();
    expect(ws.schema).not.toBe(before);
    expect(ws.schema).toEqual(changed);
  });

  it('refuses every write when open read-only', async () => {
    await makeWorkspace(dir);
    const ws = await openWorkspace(dir, true);
    await expect(ws.writeLayer(await alphaLayer(ws, 'alice', []))).rejects.toThrow(/read-only/);
    await expect(ws.addDocuments([await makeDocument('gamma', 'x')])).rejects.toThrow(/read-only/);
  });
});

describe('corrupt files', () => {
  it('keeps a corrupt layer aside, reports it, and opens the rest', async () => {
    const ws = await makeWorkspace(dir);
    await ws.writeLayer(await alphaLayer(ws, 'bob', [span(TEXTS.alpha, 's1', 'Person', 0, 14)]));
    await mkdir(join(dir, 'annotations', 'alpha'), { recursive: true });
    await writeFile(join(dir, 'annotations', 'alpha', 'alice.json'), '{"format":"gloss.layer", "spans": [ {"id": ');
    const reopened = await openWorkspace(dir);
    expect(reopened.problems).toHaveLength(1);
    const problem = reopened.problems[0]!;
    expect(problem).toMatchObject({ kind: 'corrupt-file', file: 'annotations/alpha/alice.json', document: 'alpha', annotator: 'alice' });
    expect(problem.movedTo).toBe('annotations/alpha/alice.json.corrupt-2024-03-14T10-00-00-000Z');
    expect(problem.message).toContain('annotations/alpha/alice.json');
    expect(problem.message).toContain('kept aside as annotations/alpha/alice.json.corrupt-');
    // The corrupt bytes are kept, the name is free for a new layer, and bob's layer still reads.
    expect(await readFile(join(dir, problem.movedTo!), 'utf8')).toBe('{"format":"gloss.layer", "spans": [ {"id": ');
    expect(await reopened.layerAnnotators('alpha')).toEqual(['bob']);
    expect(await reopened.readLayer('alpha', 'alice')).toBeNull();
    expect((await reopened.readLayer('alpha', 'bob'))?.spans).toHaveLength(1);
    expect(reopened.documents().map((d) => d.id)).toEqual(['alpha', 'beta']);
  });

  it('keeps aside a layer that is JSON but not a layer, or not the layer its name says', async () => {
    const ws = await makeWorkspace(dir);
    await mkdir(join(dir, 'annotations', 'alpha'), { recursive: true });
    await writeFile(join(dir, 'annotations', 'alpha', 'alice.json'), '{"hello": "world"}\n');
    const carol = await alphaLayer(ws, 'carol', []);
    await writeFile(join(dir, 'annotations', 'alpha', 'dave.json'), serializeLayer(carol));
    const reopened = await openWorkspace(dir);
    expect(reopened.problems.map((p) => [p.kind, p.file])).toEqual([
      ['invalid-file', 'annotations/alpha/alice.json'],
      ['invalid-file', 'annotations/alpha/dave.json'],
    ]);
    expect(reopened.problems[1]!.message).toContain('expected "dave"');
    expect(await reopened.layerAnnotators('alpha')).toEqual([]);
  });

  it('read-only: reports a corrupt file without moving it', async () => {
    await makeWorkspace(dir);
    await mkdir(join(dir, 'annotations', 'alpha'), { recursive: true });
    await writeFile(join(dir, 'annotations', 'alpha', 'alice.json'), 'not json');
    const before = await snapshot(dir);
    const ws = await openWorkspace(dir, true);
    expect(ws.problems).toHaveLength(1);
    expect(ws.problems[0]!.movedTo).toBeUndefined();
    expect(await ws.validate()).toHaveLength(1);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('keeps a corrupt document aside; the other documents still open', async () => {
    await makeWorkspace(dir);
    await writeFile(join(dir, 'documents', 'beta.json'), Buffer.from([0x7b, 0xff, 0xfe]));
    const ws = await openWorkspace(dir);
    expect(ws.documents().map((d) => d.id)).toEqual(['alpha']);
    expect(ws.problems).toHaveLength(1);
    expect(ws.problems[0]).toMatchObject({ kind: 'corrupt-file', file: 'documents/beta.json', document: 'beta' });
    expect(ws.problems[0]!.message).toContain('invalid UTF-8 at byte 1');
    expect(await ws.readDocument('beta')).toBeNull();
    // Reported once, not again as "missing" now that it has been moved.
    expect(await ws.validate()).toHaveLength(1);
  });

  it('reports a document file that is missing', async () => {
    await makeWorkspace(dir);
    await unlink(join(dir, 'documents', 'alpha.json'));
    const ws = await openWorkspace(dir);
    expect(ws.problems.map((p) => p.kind)).toEqual(['missing-document']);
    expect(ws.documents().map((d) => d.id)).toEqual(['beta']);
  });
});

describe('validate', () => {
  it('passes a clean workspace', async () => {
    const ws = await makeWorkspace(dir);
    await ws.writeLayer(await alphaLayer(ws, 'alice', [span(TEXTS.alpha, 's1', 'Person', 0, 14)]));
    expect(await (await openWorkspace(dir, true)).validate()).toEqual([]);
  });

  it('reports orphan spans, dangling relations and unknown labels, naming the file', async () => {
    const ws = await makeWorkspace(dir);
    const orphan = { ...span(TEXTS.alpha, 's1', 'Person', 0, 14), quote: 'Someone Else' };
    const unknown = span(TEXTS.alpha, 's2', 'Weapon', 19, 34);
    const layer = { ...(await alphaLayer(ws, 'alice', [orphan, unknown])), relations: [{ id: 'r1', type: 'actor', from: 's1', to: 'gone' }] };
    await ws.writeLayer(layer);
    const problems = await (await openWorkspace(dir, true)).validate();
    expect(problems.map((p) => p.kind).sort()).toEqual(['dangling-relation', 'orphan-span', 'unknown-label']);
    for (const p of problems) expect(p.message).toContain('annotations/alpha/alice.json');
    // Nothing was moved or dropped: the orphan is still stored as it was.
    expect((await ws.readLayer('alpha', 'alice'))?.spans.map((s) => s.quote)).toEqual(['Someone Else', unknown.quote]);
  });

  it('reports a document whose text was edited after import', async () => {
    await makeWorkspace(dir);
    const path = join(dir, 'documents', 'alpha.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as { text: string };
    doc.text = doc.text.replace('12', '13');
    await writeFile(path, JSON.stringify(doc));
    const problems = await (await openWorkspace(dir, true)).validate();
    expect(problems.map((p) => [p.kind, p.file])).toEqual([['text-mismatch', 'documents/alpha.json']]);
  });
});

describe('files an interrupted import leaves', () => {
  it('lists documents on disk that are not in the manifest, ignoring temp files', async () => {
    const ws = await makeWorkspace(dir);
    const stray = await makeDocument('gamma', 'Left behind.');
    await writeFile(join(dir, 'documents', 'gamma.json'), JSON.stringify(stray));
    await mkdir(join(dir, 'annotations', 'delta'), { recursive: true });
    await writeFile(join(dir, 'documents', '.alpha.json.tmp-1-abc'), '{"half');
    await writeFile(join(dir, 'annotations', 'delta', '.alice.json.tmp-1-abc'), '{"half');
    expect(await ws.strayDocuments()).toEqual([
      { id: 'delta', textSha256: null },
      { id: 'gamma', textSha256: stray.textSha256 },
    ]);
    // Not part of the workspace: validate does not complain about them.
    expect(await (await openWorkspace(dir, true)).validate()).toEqual([]);
    expect(await ws.layerAnnotators('delta')).toEqual([]);
  });
});

describe('temp files of killed writes', () => {
  it('are swept from the workspace folder, documents/ and each annotations/<doc>/ once old and orphaned; read-only leaves them', async () => {
    const ws = await makeWorkspace(dir);
    await ws.writeLayer(await alphaLayer(ws, 'alice', []));
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    // Pids no process has (above Linux's 4,194,304 limit): writers killed long ago.
    const litter = ['.gloss.json.tmp-99999991-aa', 'documents/.alpha.json.tmp-99999992-bb', 'annotations/alpha/.alice.json.tmp-99999993-cc'];
    for (const rel of litter) {
      await writeFile(join(dir, rel), 'half a file');
      await utimes(join(dir, rel), old, old);
    }
    await writeFile(join(dir, 'annotations/alpha/.bob.json.tmp-99999994-dd'), 'a write in progress');
    const before = await snapshot(dir);
    expect(await (await openWorkspace(dir, true)).sweepTempFiles()).toEqual([]);
    expect(await snapshot(dir)).toEqual(before);
    expect((await ws.sweepTempFiles()).sort()).toEqual([...litter].sort());
    const after = await snapshot(dir);
    for (const rel of litter) before.delete(rel);
    expect(after).toEqual(before);
    expect(after.has('annotations/alpha/.bob.json.tmp-99999994-dd')).toBe(true);
  });
});

describe('layerSummaries', () => {
  it("gives each layer's status and span count in annotator order, follows changes on disk, and reads only what changed", async () => {
    const ws = await makeWorkspace(dir);
    const text = TEXTS.alpha;
    await ws.writeLayer({ ...(await alphaLayer(ws, 'bob', [span(text, 'b1', 'Person', 0, 5)])), status: 'done' });
    await ws.writeLayer(await alphaLayer(ws, 'alice', [span(text, 'a1', 'Person', 0, 5), span(text, 'a2', 'Location', 6, 10)]));
    const first = await ws.layerSummaries(['alpha', 'beta']);
    expect(first).toEqual(
      new Map([
        ['alpha', [{ annotator: 'alice', status: 'todo', spanCount: 2 }, { annotator: 'bob', status: 'done', spanCount: 1 }]],
        ['beta', []],
      ]),
    );

    // Nothing changed: answered from the cache, no read-only pass opened.
    const opens = vi.spyOn(Workspace, 'open');
    expect(await ws.layerSummaries(['alpha', 'beta'])).toEqual(first);
    expect(opens).not.toHaveBeenCalled();

    // Another process changes bob's layer (a whole file) and adds carol's; an edit of alice's goes into her journal.
    const other = await openWorkspace(dir);
    await other.writeLayer({ ...(await alphaLayer(other, 'bob', [])), status: 'in-progress' });
    await other.writeLayer(await alphaLayer(other, 'carol', [span(text, 'c1', 'Person', 0, 5)]));
    const edited = await ws.updateLayer('alpha', 'alice', (current) => ok({ ...current!, spans: current!.spans.slice(0, 1) }));
    expect(edited.ok).toBe(true);
    expect((await ws.layerSummaries(['alpha'])).get('alpha')).toEqual([
      { annotator: 'alice', status: 'todo', spanCount: 1 },
      { annotator: 'bob', status: 'in-progress', spanCount: 0 },
      { annotator: 'carol', status: 'todo', spanCount: 1 },
    ]);
    opens.mockRestore();
  });
});
