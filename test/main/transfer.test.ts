// Import and export jobs over a real workspace: uploaded files imported by their own names, all
// or nothing, refused before starting when names or sizes are wrong; exports as files (brat as
// one deterministic zip); edits and imports never interleave.

import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../src/core/api';
import type { ImportFile, JobFile, JobStatus, Result } from '../../src/core/api';
import { DOWNLOAD_PATH, Downloads } from '../../src/main/downloads';
import { builtCli } from '../cli/run-gloss';
import { Transfers, base64ByteLength, fileNameProblem, formatChoices } from '../../src/main/transfer';
import type { TransfersOptions } from '../../src/main/transfer';
import { ALL_EXPORT_FORMATS } from '../../src/main/workspace/exporter';
import { IMPORT_FORMATS } from '../../src/main/workspace/importer';
import type { Workspace } from '../../src/main/workspace/workspace';
import { counterIds, fixedNow, makeWorkspace, openWorkspace, removeDir, snapshot, tempDir } from './workspace/helpers';

const TEXT = 'Digest 🌍: Emomali Rahmon met 𝟐 envoys in Dushanbe.';
const cp = (s: string): number => [...s].length;
const PERSON_START = cp('Digest 🌍: ');
const PERSON_END = PERSON_START + cp('Emomali Rahmon');
const PLACE_START = cp('Digest 🌍: Emomali Rahmon met 𝟐 envoys in ');
const JSONL = `${JSON.stringify({
  text: TEXT,
  spans: [
    { start: PERSON_START, end: PERSON_END, label: 'Person' },
    { start: PLACE_START, end: PLACE_START + cp('Dushanbe'), label: 'Location' },
  ],
})}\n`;

let root: string;
let wsDir: string;
let uploads: string;
let ws: Workspace;

beforeEach(async () => {
  root = await tempDir('gloss-transfer-');
  wsDir = join(root, 'ws');
  uploads = join(root, 'uploads');
  await mkdir(uploads);
  await makeWorkspace(wsDir);
  ws = await openWorkspace(wsDir);
});

afterEach(async () => {
  await removeDir(root);
});

function transfers(extra: Partial<TransfersOptions> = {}): Transfers {
  return new Transfers({ workspace: ws, now: fixedNow, newId: counterIds('job'), newSpanId: counterIds('span'), tempDir: uploads, ...extra });
}

const file = (name: string, content: string | Uint8Array): ImportFile => ({ name, dataBase64: Buffer.from(content).toString('base64') });

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function run(t: Transfers, started: Result<string>): Promise<JobStatus> {
  const done = t.jobs.finished(value(started));
  if (!done) throw new Error('no such job');
  return done;
}

function textOf(f: JobFile | undefined): string {
  if (!f || !('text' in f)) throw new Error('expected a text file');
  return f.text;
}

describe('import jobs', () => {
  it('imports uploaded files under their own names, into my layer, and leaves no temp files', async () => {
    const t = transfers();
    const job = await run(t, t.startImport({ kind: 'upload', files: [file('digest 🌍.jsonl', JSONL)] }, { format: 'auto', annotator: 'alice' }));
    expect(job.state).toBe('done');
    expect(job.result?.summary).toEqual([
      'Imported 1 file: 1 new document, 2 spans added.',
      'digest 🌍.jsonl (jsonl): 1 document created, 0 already in the workspace; 2 spans added, 0 already there',
    ]);
    const [docId] = job.result?.createdDocuments ?? [];
    expect(docId).toBeDefined();
    const entry = ws.entry(docId!);
    expect(entry?.source).toBe('digest 🌍.jsonl');
    const layer = await ws.readLayer(docId!, 'alice');
    expect(layer?.spans.map((s) => [s.label, s.start, s.end, s.quote])).toEqual([
      ['Person', PERSON_START, PERSON_END, 'Emomali Rahmon'],
      ['Location', PLACE_START, PLACE_START + 8, 'Dushanbe'],
    ]);
    expect(await readdir(uploads)).toEqual([]);
  });

  it('reads a brat pair sent as two files', async () => {
    const t = transfers();
    const txt = 'Rahmon visited Moscow.\n';
    const ann = 'T1\tPerson 0 6\tRahmon\nT2\tLocation 15 21\tMoscow\n';
    const job = await run(t, t.startImport({ kind: 'upload', files: [file('visit.txt', txt), file('visit.ann', ann)] }, { format: 'auto', annotator: 'alice' }));
    expect(job).toMatchObject({ state: 'done' });
    const docId = job.result?.createdDocuments?.[0] ?? '';
    expect((await ws.readLayer(docId, 'alice'))?.spans.map((s) => s.quote)).toEqual(['Rahmon', 'Moscow']);
  });

  it('fails naming the file and line, changes nothing on disk, and says so in its own names', async () => {
    const before = await snapshot(wsDir);
    const t = transfers();
    const bad = `${JSONL}{"text": broken\n`;
    const job = await run(t, t.startImport({ kind: 'upload', files: [file('ok.txt', 'A report.'), file('bad.jsonl', bad)] }, { format: 'auto', annotator: 'alice' }));
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ file: 'bad.jsonl', line: 2 });
    expect(job.error?.message).not.toContain(uploads);
    expect(await snapshot(wsDir)).toEqual(before);
    expect(await readdir(uploads)).toEqual([]);
  });

  it('writes notices with the uploaded names, not the temp folder', async () => {
    const t = transfers();
    const line = JSON.stringify({ text: 'Gazprom signed.', spans: [{ start: 0, end: 7, label: 'Company' }] });
    const job = await run(t, t.startImport({ kind: 'upload', files: [file('new-labels.jsonl', line)] }, { format: 'jsonl', annotator: 'alice' }));
    expect(job.state).toBe('done');
    expect(job.result?.notices.some((n) => n.startsWith('new-labels.jsonl: added to the workspace schema'))).toBe(true);
    expect(job.result?.notices.join('\n')).not.toContain(uploads);
  });

  it('refuses with --strict, naming the file, when a label is not in the schema', async () => {
    const t = transfers();
    const line = JSON.stringify({ text: 'Gazprom signed.', spans: [{ start: 0, end: 7, label: 'Company' }] });
    const job = await run(t, t.startImport({ kind: 'upload', files: [file('strict.jsonl', line)] }, { format: 'auto', annotator: 'alice', strict: true }));
    expect(job).toMatchObject({ state: 'failed', error: { file: 'strict.jsonl' } });
    expect(job.error?.message).toContain('Company');
  });

  it.each([
    [[file('../x.txt', 'a')], 'names a folder'],
    [[file('..', 'a')], 'not a file name'],
    [[file('a\u0000.txt', 'a')], 'control characters'],
    [[file('a.txt', 'a'), file('A.txt', 'b')], 'two files are named'],
    [[{ name: 'a.txt', dataBase64: 'not base64!' }], 'not valid base64'],
    [[{ name: 'a.txt', dataBase64: 'YQ' }], 'not valid base64'],
    [[], 'no files'],
  ])('refuses before starting: %j', (files, message) => {
    const t = transfers();
    const started = t.startImport({ kind: 'upload', files }, { format: 'auto', annotator: 'alice' });
    expect(started).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!started.ok) expect(started.error.message).toContain(message);
    expect(t.jobs.isRunning('import')).toBe(false);
  });

  it('refuses files over the size limits with a clear message', () => {
    const t = transfers({ limits: { fileBytes: 2048, totalBytes: 3000, files: 2 } });
    const big = t.startImport({ kind: 'upload', files: [file('big.txt', 'x'.repeat(2049))] }, { format: 'auto', annotator: 'alice' });
    expect(big.ok ? '' : big.error.message).toBe('big.txt is 3 KB, over the import limit of 2 KB per file');
    const many = t.startImport({ kind: 'upload', files: [file('a.txt', 'x'.repeat(1600)), file('b.txt', 'x'.repeat(1600))] }, { format: 'auto', annotator: 'alice' });
    expect(many.ok ? '' : many.error.message).toContain('import them in smaller batches');
    const count = t.startImport({ kind: 'upload', files: ['a', 'b', 'c'].map((n) => file(`${n}.txt`, n)) }, { format: 'auto', annotator: 'alice' });
    expect(count.ok ? '' : count.error.message).toContain('3 files at once');
  });

  it('runs one import at a time, and none in a read-only workspace', async () => {
    const t = transfers();
    const first = t.startImport({ kind: 'upload', files: [file('a.txt', 'First.')] }, { format: 'auto', annotator: 'alice' });
    expect(t.startImport({ kind: 'upload', files: [file('b.txt', 'Second.')] }, { format: 'auto', annotator: 'alice' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    await run(t, first);
    const second = await run(t, t.startImport({ kind: 'upload', files: [file('b.txt', 'Second.')] }, { format: 'auto', annotator: 'alice' }));
    expect(second.state).toBe('done');

    const readOnly = new Transfers({ workspace: await openWorkspace(wsDir, true), now: fixedNow });
    expect(readOnly.startImport({ kind: 'upload', files: [file('c.txt', 'Third.')] }, { format: 'auto', annotator: 'alice' })).toMatchObject({
      ok: false,
      error: { code: 'read-only' },
    });
  });

  it('lets an edit wait for a running import, and an import wait for the edits in flight', async () => {
    const t = transfers();
    const seen: string[] = [];
    let finishEdit: () => void = () => undefined;
    const editInFlight = t.edit(async () => {
      await new Promise<void>((resolve) => (finishEdit = resolve));
      seen.push(`edit 1: import ${t.jobs.status(jobId)?.phase}`);
    });
    const jobId = value(t.startImport({ kind: 'upload', files: [file('a.txt', 'A report.')] }, { format: 'auto', annotator: 'alice' }));
    const laterEdit = t.edit(async () => seen.push(`edit 2: ${ws.documents().length} documents`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The import waits for the edit in flight; the later edit waits for the import.
    expect(seen).toEqual([]);
    expect(t.jobs.status(jobId)?.phase).toBe('starting');
    finishEdit();
    await Promise.all([editInFlight, t.jobs.finished(jobId), laterEdit]);
    expect(seen).toEqual(['edit 1: import starting', 'edit 2: 3 documents']);
  });

  it('imports files given by path (the Electron menu), naming them as given', async () => {
    const t = transfers();
    const path = join(root, 'digest.jsonl');
    await (await import('node:fs/promises')).writeFile(path, JSONL);
    const job = await run(t, t.startImport({ kind: 'paths', paths: [path] }, { format: 'auto', annotator: 'bob' }));
    expect(job.result?.summary[1]).toContain(`${path} (jsonl)`);
    expect(await ws.layerAnnotators(job.result?.createdDocuments?.[0] ?? '')).toEqual(['bob']);
  });
});

describe('export jobs', () => {
  async function withSpans(): Promise<Transfers> {
    const t = transfers();
    await run(t, t.startImport({ kind: 'upload', files: [file('digest.jsonl', JSONL)] }, { format: 'auto', annotator: 'alice' }));
    return t;
  }

  it('writes a csv of every layer as one text file named after the workspace', async () => {
    const t = await withSpans();
    const job = await run(t, t.startExport({ format: 'csv' }));
    expect(job.state).toBe('done');
    expect(job.result?.summary).toEqual(['Exported 3 documents, 2 spans as CSV']);
    const [csv] = job.result?.files ?? [];
    expect(csv).toMatchObject({ name: 'test.csv', mediaType: 'text/csv; charset=utf-8' });
    const lines = textOf(csv).trim().split(/\r?\n/u);
    expect(lines[0]).toBe('document,title,annotator,id,label,category,start,end,text,attributes,note');
    expect(lines.slice(1).map((l) => l.includes('Emomali Rahmon') || l.includes('Dushanbe'))).toEqual([true, true]);

    // An edit just made (in the layer's journal, not yet folded into its file) is exported too.
    let withEdit = '';
    for (const d of ws.documents()) if ((await ws.layerAnnotators(d.id)).includes('alice')) withEdit = d.id;
    await ws.readLayer(withEdit, 'alice');
    const edited = await ws.updateLayer(withEdit, 'alice', (current) => ok({ ...current!, spans: current!.spans.slice(0, 1) }));
    expect(edited.ok).toBe(true);
    expect((await readdir(join(ws.dir, 'annotations', withEdit))).some((n) => n.endsWith('.journal.jsonl'))).toBe(true);
    const again = await run(t, t.startExport({ format: 'csv' }));
    expect(again.result?.summary).toEqual(['Exported 3 documents, 1 span as CSV']);
  });

  it('writes one annotator’s jsonl with code-point offsets, named after whose it is', async () => {
    const t = await withSpans();
    const job = await run(t, t.startExport({ format: 'jsonl', annotator: 'alice' }));
    const [jsonl] = job.result?.files ?? [];
    expect(jsonl?.name).toBe('test-alice.jsonl');
    const rows = textOf(jsonl)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; spans: { start: number; end: number; label: string; text: string }[] });
    const row = rows.find((r) => r.text === TEXT);
    expect(row?.spans.map((s) => [s.label, s.start, s.end, s.text])).toEqual([
      ['Person', PERSON_START, PERSON_END, 'Emomali Rahmon'],
      ['Location', PLACE_START, PLACE_START + 8, 'Dushanbe'],
    ]);
  });

  it('bundles brat into one zip holding a folder, the same bytes every time', async () => {
    const t = await withSpans();
    const a = await run(t, t.startExport({ format: 'brat', annotator: 'alice' }));
    const b = await run(t, t.startExport({ format: 'brat', annotator: 'alice' }));
    const [zipFile] = a.result?.files ?? [];
    if (!zipFile || !('contentBase64' in zipFile)) throw new Error('expected a binary file');
    expect(zipFile).toMatchObject({ name: 'test-alice-brat.zip', mediaType: 'application/zip' });
    expect(b.result?.files).toEqual(a.result?.files);
    const zip = await JSZip.loadAsync(Buffer.from(zipFile.contentBase64, 'base64'));
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir).sort();
    expect(names).toHaveLength(6);
    expect(names.every((n) => n.startsWith('test-alice-brat/'))).toBe(true);
    const annName = names.find((n) => n.endsWith('.ann') && !n.includes('alpha') && !n.includes('beta'))!;
    const ann = await zip.file(annName)!.async('string');
    expect(ann).toContain('Person');
    expect(ann).toContain('Emomali Rahmon');
  });

  it('gives brat as separate files when asked (the Electron menu writes a folder)', async () => {
    const t = await withSpans();
    const job = await run(t, t.startExport({ format: 'brat', annotator: 'alice', bundle: false }));
    expect(job.result?.files?.map((f) => f.name).sort()).toEqual(
      expect.arrayContaining(['alpha.ann', 'alpha.txt', 'beta.ann', 'beta.txt']),
    );
  });

  it('reports CoNLL spans it cannot hold, and asks whose layer a one-layer format is', async () => {
    const t = transfers();
    const nested = JSON.stringify({
      text: 'The Ministry of Finance of Tajikistan',
      spans: [
        { start: 4, end: 37, label: 'Organisation' },
        { start: 27, end: 37, label: 'Location' },
      ],
    });
    await run(t, t.startImport({ kind: 'upload', files: [file('nested.jsonl', nested)] }, { format: 'auto', annotator: 'alice' }));
    const outer = await run(t, t.startExport({ format: 'conll', annotator: 'alice' }));
    expect(outer.result?.notices[0]).toMatch(/^1 span could not be written exactly in CoNLL \(of overlapping spans the outermost wins\)$/);
    const inner = await run(t, t.startExport({ format: 'conll', annotator: 'alice', prefer: 'inner' }));
    expect(textOf(inner.result?.files?.[0])).toMatch(/^Tajikistan .*B-Location$/mu);
    expect(textOf(outer.result?.files?.[0])).toMatch(/^Tajikistan .*I-Organisation$/mu);
    expect(t.startExport({ format: 'doccano' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('in browser mode keeps each exported file for download, the very bytes it would send inline', async () => {
    const inline = await withSpans();
    const downloads = new Downloads({ tempDir: root });
    const kept = transfers({ downloads });
    const bytesOf = async (f: JobFile | undefined): Promise<Buffer> => {
      if (!f || !('href' in f)) throw new Error('expected a file kept for download');
      const stored = downloads.get(f.href.slice(DOWNLOAD_PATH.length))!;
      const bytes = await readFile(stored.path);
      expect(f.size).toBe(bytes.length);
      return bytes;
    };
    for (const format of ['csv', 'gloss', 'w3c'] as const) {
      const a = await run(inline, inline.startExport({ format }));
      const b = await run(kept, kept.startExport({ format }));
      expect(b.result?.summary).toEqual(a.result?.summary);
      expect(b.result?.files?.[0]).toMatchObject({ name: a.result?.files?.[0]?.name, mediaType: a.result?.files?.[0]?.mediaType });
      expect((await bytesOf(b.result?.files?.[0])).toString('utf8')).toBe(textOf(a.result?.files?.[0]));
    }
    // Made by worker threads (docs/adr/0018), as `gloss serve` makes the big ones: the same bytes.
    const threaded = transfers({ downloads, workerThreads: { script: await builtCli(), count: 2, minDocuments: 0 } });
    for (const format of ['gloss', 'w3c'] as const) {
      const a = await run(inline, inline.startExport({ format }));
      const b = await run(threaded, threaded.startExport({ format }));
      expect(b.result?.summary).toEqual(a.result?.summary);
      expect((await bytesOf(b.result?.files?.[0])).toString('utf8')).toBe(textOf(a.result?.files?.[0]));
    }
    const zipA = (await run(inline, inline.startExport({ format: 'brat', annotator: 'alice' }))).result?.files?.[0];
    const zipB = (await run(kept, kept.startExport({ format: 'brat', annotator: 'alice' }))).result?.files?.[0];
    if (!zipA || !('contentBase64' in zipA)) throw new Error('expected an inline zip');
    expect((await bytesOf(zipB)).equals(Buffer.from(zipA.contentBase64, 'base64'))).toBe(true);
    const folder = (await run(kept, kept.startExport({ format: 'brat', annotator: 'alice', bundle: false }))).result?.files ?? [];
    expect(folder.length).toBe(6);
    expect(folder.every((f) => 'href' in f)).toBe(true);
    await downloads.close();
  });
});

describe('helpers', () => {
  it('lists every import and export format of the importer and exporter', () => {
    const choices = formatChoices();
    expect(choices.import.map((f) => f.name)).toEqual([...IMPORT_FORMATS]);
    expect(choices.import.find((f) => f.name === 'txt')?.kind).toBe('document');
    expect(choices.import.find((f) => f.name === 'brat')?.kind).toBe('annotations');
    expect(choices.export.map((f) => f.name)).toEqual([...ALL_EXPORT_FORMATS]);
    expect(choices.export.filter((f) => f.layers === 'all').map((f) => f.name)).toEqual(['gloss', 'w3c', 'csv']);
  });

  it('tells plain file names from paths and odd names', () => {
    expect(fileNameProblem('report 🌍.docx')).toBeNull();
    expect(fileNameProblem('.hidden.txt')).toBeNull();
    expect(fileNameProblem('a/b.txt')).toContain('folder');
    expect(fileNameProblem('a\\b.txt')).toContain('folder');
    expect(fileNameProblem('x'.repeat(256))).toContain('too long');
  });

  it('measures strict base64 only', () => {
    expect(base64ByteLength('')).toBe(0);
    expect(base64ByteLength('YQ==')).toBe(1);
    expect(base64ByteLength('YWI=')).toBe(2);
    expect(base64ByteLength('YWJj')).toBe(3);
    expect(base64ByteLength('YWJ')).toBeNull();
    expect(base64ByteLength('YW=j')).toBeNull();
    expect(base64ByteLength('YW\nJj')).toBeNull();
  });
});
