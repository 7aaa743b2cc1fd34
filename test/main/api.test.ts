// createGlossApi over a real workspace on disk: listing, opening, changes written durably before
// the answer, concurrent changes, invalid input refused as data, and nothing ever thrown.

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GlossApi, JobStatus, LayerChange, Result } from '../../src/core/api';
import { emptyLayer, serializeLayer } from '../../src/core/layer';
import { createGlossApi } from '../../src/main/api';
import { SettingsStore } from '../../src/main/settings';
import { Workspace } from '../../src/main/workspace/workspace';
import { NOW, TEXTS, fixedNow, makeWorkspace, openWorkspace, removeDir, snapshot, tempDir } from './workspace/helpers';

let dir: string;
let configDir: string;
let ws: Workspace;
let api: GlossApi;

async function makeApi(workspace: Workspace, annotator = 'alice'): Promise<GlossApi> {
  const settings = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: configDir }, annotatorOverride: annotator, now: fixedNow });
  if (!settings.ok) throw new Error(settings.error.message);
  return createGlossApi({ workspace, settings: settings.value, now: fixedNow });
}

beforeEach(async () => {
  dir = await tempDir();
  configDir = await tempDir('gloss-config-');
  await makeWorkspace(dir);
  ws = await openWorkspace(dir);
  api = await makeApi(ws);
});

afterEach(async () => {
  await removeDir(dir);
  await removeDir(configDir);
});

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const addPerson = (id: string, start = 0, end = 14): LayerChange => ({
  op: 'add',
  span: { id, label: 'Person', start, end },
});

/** The layer as another process reads it from disk now: the layer file plus its journal (docs/adr/0009). */
async function layerOnDisk(annotator: string, docId = 'alpha'): Promise<{ status: string; spans: { id: string; label: string; start: number; end: number; quote: string }[] }> {
  const fresh = await Workspace.open(dir, { readOnly: true });
  if (!fresh.ok) throw new Error(fresh.error.message);
  const layer = await fresh.value.readLayer(docId, annotator);
  if (!layer) throw new Error(`no layer of ${annotator} on ${docId}`);
  return layer;
}

describe('reading', () => {
  it('describes the workspace', async () => {
    const info = value(await api.getWorkspace());
    expect(info).toMatchObject({ path: dir, name: 'Test', annotator: 'alice', readOnly: false, problems: [] });
    expect(info.schema.labels.map((l) => l.key)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('lists documents with my status and span count', async () => {
    expect(value(await api.listDocuments())).toEqual([
      { id: 'alpha', title: 'alpha', length: [...TEXTS.alpha].length, myStatus: 'todo', mySpanCount: 0, layers: [] },
      { id: 'beta', title: 'beta', length: [...TEXTS.beta].length, myStatus: 'todo', mySpanCount: 0, layers: [] },
    ]);
    value(await api.applyChanges('alpha', [addPerson('s1')]));
    const bob = await makeApi(ws, 'bob');
    value(await bob.applyChanges('alpha', [addPerson('b1'), addPerson('b2', 19, 34), { op: 'status', status: 'done' }]));
    const [alpha] = value(await api.listDocuments());
    expect(alpha).toMatchObject({ myStatus: 'in-progress', mySpanCount: 1 });
    expect(alpha?.layers).toEqual([
      { annotator: 'alice', status: 'in-progress', spanCount: 1 },
      { annotator: 'bob', status: 'done', spanCount: 2 },
    ]);
  });

  it('opens a document with a fresh layer of mine (not written) and colleagues read-only', async () => {
    const bob = await makeApi(ws, 'bob');
    value(await bob.applyChanges('alpha', [addPerson('b1')]));
    const opened = value(await api.openDocument('alpha'));
    expect(opened.document.text).toBe(TEXTS.alpha);
    expect(opened.mine).toEqual(emptyLayer(opened.document, 'alice', NOW.toISOString()));
    expect(opened.others.map((l) => [l.annotator, l.spans.length])).toEqual([['bob', 1]]);
    expect(opened.problems).toEqual([]);
    await expect(readFile(join(dir, 'annotations', 'alpha', 'alice.json'))).rejects.toThrow();
  });

  it('reports orphan spans and corrupt layers of the document it opens', async () => {
    value(await api.applyChanges('alpha', [addPerson('s1')]));
    const path = join(dir, 'annotations', 'alpha', 'alice.json');
    await writeFile(path, (await readFile(path, 'utf8')).replace('"quote": "Emomali Rahmon"', '"quote": "Someone"'));
    await writeFile(join(dir, 'annotations', 'alpha', 'bob.json'), '{"format": "gloss.layer", "spans": [');
    const reopened = await makeApi(await openWorkspace(dir));
    const opened = value(await reopened.openDocument('alpha'));
    expect(opened.problems.map((p) => p.kind).sort()).toEqual(['corrupt-file', 'orphan-span']);
    // The orphan is shown, not dropped.
    expect(opened.mine.spans.map((s) => s.quote)).toEqual(['Someone']);
    const info = value(await reopened.getWorkspace());
    expect(info.problems[0]?.message).toMatch(/annotations\/alpha\/bob\.json.*kept aside as annotations\/alpha\/bob\.json\.corrupt-/);
  });
});

describe('applyChanges', () => {
  it('writes my layer durably before answering, with code-point offsets and quotes', async () => {
    const result = value(await api.applyChanges('beta', [{ op: 'add', span: { id: 's1', label: 'Money', start: 10, end: 21, attributes: { value: 25000000, currency: 'EUR' } } }]));
    expect(result.changed.map((s) => s.quote)).toEqual(['€25 million']);
    expect(result).toMatchObject({ status: 'in-progress', updatedAt: NOW.toISOString() });
    const disk = await layerOnDisk('alice', 'beta');
    expect(disk.spans).toMatchObject([{ id: 's1', label: 'Money', start: 10, end: 21, quote: '€25 million' }]);
  });

  it('relabels, edits and removes; status changes', async () => {
    value(await api.applyChanges('alpha', [addPerson('s1'), addPerson('s2', 19, 34)]));
    value(await api.applyChanges('alpha', [{ op: 'update', spanId: 's2', patch: { label: 'Organisation', note: 'check' } }]));
    const removed = value(await api.applyChanges('alpha', [{ op: 'remove', spanId: 's1' }, { op: 'status', status: 'done' }]));
    expect(removed).toMatchObject({ changed: [], removed: ['s1'], spanCount: 1, status: 'done' });
    const disk = await layerOnDisk('alice');
    expect(disk.status).toBe('done');
    expect(disk.spans).toMatchObject([{ id: 's2', label: 'Organisation', note: 'check' }]);
  });

  it('answers only the spans the batch touched, as stored, and the ids it removed', async () => {
    value(await api.applyChanges('alpha', [addPerson('s1'), addPerson('s2', 19, 34), addPerson('s3', 0, 3)]));
    const result = value(
      await api.applyChanges('alpha', [
        { op: 'update', spanId: 's2', patch: { note: 'check' } },
        { op: 'add', span: { id: 's4', label: 'Location', start: 19, end: 34 } },
        { op: 'remove', spanId: 's3' },
        { op: 'add', span: { id: 's5', label: 'Location', start: 0, end: 3 } },
        { op: 'remove', spanId: 's5' },
      ]),
    );
    expect(result.changed.map((s) => [s.id, s.note ?? null])).toEqual([['s4', null], ['s2', 'check']]);
    expect(result.changed.every((s) => s.quote.length > 0 && s.updatedAt === NOW.toISOString())).toBe(true);
    expect([...result.removed].sort()).toEqual(['s3', 's5']);
    expect(result.spanCount).toBe(3);
  });

  it('applies concurrent calls one after another: none is lost', async () => {
    const calls = Array.from({ length: 12 }, (_, i) => api.applyChanges('alpha', [addPerson(`s${i}`, i, i + 1)]));
    const results = await Promise.all(calls);
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await layerOnDisk('alice')).spans).toHaveLength(12);
  });

  it('creates no file for an empty batch', async () => {
    expect(value(await api.applyChanges('alpha', []))).toEqual({ changed: [], removed: [], spanCount: 0, status: 'todo', updatedAt: NOW.toISOString(), comments: [] });
    expect(await ws.layerAnnotators('alpha')).toEqual([]);
  });

  it('refuses a batch with one bad change and writes nothing', async () => {
    value(await api.applyChanges('alpha', [addPerson('s1')]));
    const before = await readFile(join(dir, 'annotations', 'alpha', 'alice.json'), 'utf8');
    const bad = await api.applyChanges('alpha', [addPerson('s2', 19, 34), { op: 'add', span: { id: 's3', label: 'Weapon', start: 0, end: 3 } }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!bad.ok && bad.error.message).toContain('Weapon');
    expect(await readFile(join(dir, 'annotations', 'alpha', 'alice.json'), 'utf8')).toBe(before);
  });

  it('keeps aside a layer that became corrupt after opening, reports it, and starts a fresh one', async () => {
    value(await api.applyChanges('alpha', [addPerson('s1')]));
    const path = join(dir, 'annotations', 'alpha', 'alice.json');
    await writeFile(path, '{"format": "gloss.layer", "spa');
    const result = value(await api.applyChanges('alpha', [addPerson('s2', 19, 34)]));
    expect(result.changed.map((s) => s.id)).toEqual(['s2']);
    expect(result.spanCount).toBe(1);
    const info = value(await api.getWorkspace());
    expect(info.problems.map((p) => [p.kind, p.file])).toEqual([['corrupt-file', 'annotations/alpha/alice.json']]);
    expect(await readFile(join(dir, info.problems[0]!.movedTo!), 'utf8')).toBe('{"format": "gloss.layer", "spa');
  });

  it('refuses changes to a layer made on another text', async () => {
    const layer = { ...emptyLayer({ id: 'alpha', textSha256: '0'.repeat(64) }, 'alice', NOW.toISOString()) };
    await ws.writeLayer(layer);
    const result = await api.applyChanges('alpha', [addPerson('s1')]);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await readFile(join(dir, 'annotations', 'alpha', 'alice.json'), 'utf8')).toBe(serializeLayer(layer));
  });

  it('answers read-only on a read-only workspace', async () => {
    const readOnly = await makeApi(await openWorkspace(dir, true));
    expect(await readOnly.applyChanges('alpha', [addPerson('s1')])).toMatchObject({ ok: false, error: { code: 'read-only' } });
  });
});

describe('untrusted input', () => {
  const cases: [string, () => Promise<Result<unknown>>][] = [
    ['a path as document id', () => api.openDocument('../gloss')],
    ['a number as document id', () => api.openDocument(42 as unknown as string)],
    ['changes that are not a list', () => api.applyChanges('alpha', { op: 'add' } as unknown as LayerChange[])],
    ['an unknown operation', () => api.applyChanges('alpha', [{ op: 'drop' } as unknown as LayerChange])],
    ['negative offsets', () => api.applyChanges('alpha', [addPerson('s1', -1, 3)])],
    ['fractional offsets', () => api.applyChanges('alpha', [addPerson('s1', 0.5, 3)])],
    ['extra keys', () => api.applyChanges('alpha', [{ op: 'remove', spanId: 's1', evil: true } as unknown as LayerChange])],
    ['an object as attribute value', () => api.applyChanges('alpha', [{ op: 'add', span: { id: 's', label: 'Person', start: 0, end: 3, attributes: { normalized: {} as unknown as string } } }])],
    ['an invalid annotator', () => api.setAnnotator('a/b')],
    ['a non-string annotator', () => api.setAnnotator(null as unknown as string)],
  ];
  for (const [name, call] of cases) {
    it(`refuses ${name} as invalid-input`, async () => {
      expect(await call()).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    });
  }

  it('answers not-found for unknown documents and spans', async () => {
    expect(await api.openDocument('gamma')).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await api.applyChanges('gamma', [])).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await api.applyChanges('alpha', [{ op: 'remove', spanId: 'nope' }])).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('turns I/O failures into an io error instead of throwing', async () => {
    // A file where the layer folder should be: writing the layer cannot work.
    await rm(join(dir, 'annotations'), { recursive: true });
    await writeFile(join(dir, 'annotations'), 'not a folder');
    const result = await api.applyChanges('alpha', [addPerson('s1')]);
    expect(result).toMatchObject({ ok: false, error: { code: 'io' } });
  });
});

describe('who I am', () => {
  it('switches the layer I read and write', async () => {
    value(await api.applyChanges('alpha', [addPerson('s1')]));
    expect(value(await api.setAnnotator('bob'))).toEqual({ annotator: 'bob' });
    expect(value(await api.getSettings())).toEqual({ annotator: 'bob' });
    expect(value(await api.openDocument('alpha')).mine.spans).toEqual([]);
    value(await api.applyChanges('alpha', [addPerson('b1', 19, 34)]));
    expect((await layerOnDisk('bob')).spans.map((s) => s.id)).toEqual(['b1']);
    expect((await layerOnDisk('alice')).spans.map((s) => s.id)).toEqual(['s1']);
    expect(JSON.parse(await readFile(join(configDir, 'settings.json'), 'utf8'))).toEqual({ annotator: 'bob' });
  });
});

describe('import and export jobs', () => {
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  const line = JSON.stringify({ text: 'Emoji 🌍 and Emomali Rahmon.', spans: [{ start: 12, end: 26, label: 'Person' }] });

  /** Polls getJob as the renderer does, until the job has finished. */
  async function settle(started: Promise<Result<string>>): Promise<JobStatus> {
    const id = value(await started);
    for (;;) {
      const status = value(await api.getJob(id));
      if (status.state !== 'running') return status;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('imports uploaded files into my layer; the documents are then listed', async () => {
    const job = await settle(api.startImport([{ name: 'digest.jsonl', dataBase64: b64(line) }], { format: 'auto' }));
    expect(job).toMatchObject({ kind: 'import', state: 'done', phase: 'done' });
    const docs = value(await api.listDocuments());
    const created = docs.find((d) => d.id === job.result?.createdDocuments?.[0]);
    expect(created).toMatchObject({ title: 'Emoji 🌍 and Emomali Rahmon.', mySpanCount: 1 });
    const opened = value(await api.openDocument(created!.id));
    expect(opened.mine.spans.map((s) => [s.start, s.end, s.quote])).toEqual([[12, 26, 'Emomali Rahmon']]);
  });

  it('imports into the annotator named in the options', async () => {
    const job = await settle(api.startImport([{ name: 'digest.jsonl', dataBase64: b64(line) }], { format: 'jsonl', annotator: 'bob' }));
    const docId = job.result?.createdDocuments?.[0] ?? '';
    expect(value(await api.openDocument(docId)).others.map((l) => l.annotator)).toEqual(['bob']);
  });

  it('leaves the workspace byte-for-byte unchanged when a file is bad, naming it and the line', async () => {
    const before = await snapshot(dir);
    const bad = `${line}\n{"text": "cut short", "spans": [\n`;
    const job = await settle(api.startImport([{ name: 'good.txt', dataBase64: b64('Fine.') }, { name: 'broken.jsonl', dataBase64: b64(bad) }], { format: 'auto' }));
    expect(job).toMatchObject({ state: 'failed', error: { file: 'broken.jsonl', line: 2 } });
    expect(await snapshot(dir)).toEqual(before);
    expect(value(await api.listDocuments()).map((d) => d.id)).toEqual(['alpha', 'beta']);
  });

  it('refuses bad options and unknown jobs as data', async () => {
    const files = [{ name: 'a.txt', dataBase64: b64('a') }];
    expect(await api.startImport(files, { format: 'xml' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await api.startImport(files, { format: 'auto', annotator: '../etc' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await api.startImport([{ name: '../a.txt', dataBase64: b64('a') }], { format: 'auto' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await api.startExport({ format: 'csv', curated: true, annotator: 'bob' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await api.startExport({ format: 'csv', prefer: 'inner' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await api.getJob('nope')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('exports my layer by default in one-layer formats, every layer in the others, the curation layer when asked', async () => {
    value(await api.applyChanges('alpha', [addPerson('s1')]));
    const mine = await settle(api.startExport({ format: 'jsonl' }));
    expect(mine.result?.summary[0]).toBe('Exported 2 documents, 1 span of alice as JSONL');
    expect(mine.result?.files?.[0]?.name).toBe('test-alice.jsonl');
    const all = await settle(api.startExport({ format: 'gloss' }));
    expect(all.result?.files?.[0]?.name).toBe('test.gloss.json');
    const curated = await settle(api.startExport({ format: 'csv', curated: true }));
    expect(curated.result?.summary[0]).toBe('Exported 2 documents, 0 spans of the curation layer as CSV');
  });

  it('lists the formats it reads and writes', async () => {
    const formats = value(await api.listFormats());
    expect(formats.import.map((f) => f.name)).toEqual(expect.arrayContaining(['txt', 'md', 'gloss', 'jsonl', 'doccano', 'brat', 'conll', 'w3c']));
    expect(formats.export.map((f) => f.name)).toEqual(['gloss', 'jsonl', 'doccano', 'conll', 'w3c', 'csv', 'brat']);
  });

  it('refuses an import into a read-only workspace', async () => {
    const readOnly = await makeApi(await openWorkspace(dir, true));
    expect(await readOnly.startImport([{ name: 'a.txt', dataBase64: b64('a') }], { format: 'auto' })).toMatchObject({ ok: false, error: { code: 'read-only' } });
  });
});
