// Import and export in-process: every format, attaching by identical text, merging and replacing
// layers, all-or-nothing on bad input, format detection, lossless gloss round trip, and taking
// up the files an interrupted import left behind.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDocument, plainTextToBlocks } from '../../../src/core/document';
import { exportWorkspace } from '../../../src/main/workspace/exporter';
import { detectFormat, importFiles } from '../../../src/main/workspace/importer';
import type { ImportOptions } from '../../../src/main/workspace/importer';
import { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, counterIds, fixedNow, openWorkspace, removeDir, snapshot, tempDir } from './helpers';

const SAMPLES = resolve(import.meta.dirname, '..', '..', '..', 'resources', 'sample');
const SAMPLE_FILES = ['ru-ministry-briefing.txt', 'social-monitoring-digest.txt', 'tajikistan-russia-industrial-cooperation.txt'];

let dir: string;
let ws: Workspace;

beforeEach(async () => {
  dir = await tempDir();
  const created = await Workspace.init(join(dir, 'ws'), { now: fixedNow });
  if (!created.ok) throw new Error(created.error.message);
  ws = created.value;
});

afterEach(async () => {
  await removeDir(dir);
});

function options(extra: Partial<ImportOptions> = {}): ImportOptions {
  return { format: 'auto', annotator: 'alice', now: fixedNow, newId: counterIds('span'), ...extra };
}

async function input(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** "Label start-end" of a layer's spans, sorted as stored. */
async function spansOf(docId: string, annotator: string): Promise<string[]> {
  return ((await ws.readLayer(docId, annotator))?.spans ?? []).map((s) => `${s.label} ${s.start}-${s.end}`);
}

const DIGEST = 'Post by @GreenFund (Oslo) 🌍: "We pledge €25 million by 𝟐𝟎𝟐𝟕".';
// Code points: "Oslo" 20-24, "€25 million" 40-51, "𝟐𝟎𝟐𝟕" 55-59 (UTF-16 would say otherwise).
const JSONL =
  JSON.stringify({ text: DIGEST, spans: [{ start: 20, end: 24, label: 'Location' }, { start: 40, end: 51, label: 'Money' }] }) +
  '\n\n' +
  JSON.stringify({ text: 'Maria Lopez confirmed.', spans: [{ start: 0, end: 11, label: 'Person' }], meta: { title: 'Note' } }) +
  '\n';

describe('plain text and markdown', () => {
  it('imports the three sample reports with their exact text', async () => {
    const result = await importFiles(ws, SAMPLE_FILES.map((f) => join(SAMPLES, f)), options());
    expect(result.ok).toBe(true);
    expect(ws.documents().map((d) => d.id)).toEqual([
      'ru-ministry-briefing',
      'social-monitoring-digest',
      'tajikistan-russia-industrial-cooperation',
    ]);
    for (const [i, entry] of ws.documents().entries()) {
      const doc = await ws.readDocument(entry.id);
      expect(doc?.text).toBe(await readFile(join(SAMPLES, SAMPLE_FILES[i]!), 'utf8'));
      expect(doc?.meta).toEqual({ source: SAMPLE_FILES[i], format: 'txt' });
    }
    // Plain documents get no layer.
    expect(await ws.layerAnnotators('ru-ministry-briefing')).toEqual([]);
  });

  it('does not duplicate a document imported twice', async () => {
    const file = join(SAMPLES, SAMPLE_FILES[0]!);
    await importFiles(ws, [file], options());
    const before = await snapshot(ws.dir);
    const again = await importFiles(ws, [file], options());
    expect(again.ok && again.report.files[0]).toMatchObject({ created: 0, attached: 1 });
    expect(await snapshot(ws.dir)).toEqual(before);
  });

  it('normalises CRLF in plain text and takes a markdown title from its first heading', async () => {
    const txt = await input('crlf.txt', 'Line one\r\nLine two\r\n\r\nNext');
    const md = await input('brief.md', '# Ministry **briefing**\n\nThe *minister* spoke.\n');
    const result = await importFiles(ws, [txt, md], options());
    expect(result.ok).toBe(true);
    expect((await ws.readDocument('crlf'))?.text).toBe('Line one\nLine two\n\nNext');
    const brief = await ws.readDocument('ministry-briefing');
    expect(brief?.title).toBe('Ministry briefing');
    expect(brief?.text).toBe('Ministry briefing\n\nThe minister spoke.');
    expect(brief?.meta.format).toBe('md');
  });
});

describe('annotated formats', () => {
  it('imports jsonl into the annotator layer with code-point offsets and quotes', async () => {
    const result = await importFiles(ws, [await input('batch.jsonl', JSONL)], options());
    expect(result.ok && result.report.files[0]).toMatchObject({ format: 'jsonl', created: 2, spansAdded: 3 });
    const [first, second] = ws.documents();
    expect(second?.title).toBe('Note');
    const layer = await ws.readLayer(first!.id, 'alice');
    expect(layer?.spans.map((s) => s.quote)).toEqual(['Oslo', '€25 million']);
    expect(layer?.spans[0]?.origin).toBe('imported:jsonl');
    expect(layer?.spans.map((s) => s.id)).toEqual(['span-1', 'span-2']);
  });

  it('attaches to the document with identical text and skips identical spans', async () => {
    const digest = await input('digest.txt', DIGEST);
    await importFiles(ws, [digest], options());
    const doccano = await input('d.jsonl', JSON.stringify({ text: DIGEST, label: [[20, 24, 'Location'], [55, 59, 'Date']] }) + '\n');
    const first = await importFiles(ws, [doccano], options());
    expect(first.ok && first.report.files[0]).toMatchObject({ format: 'doccano', created: 0, attached: 1, spansAdded: 2 });
    expect(ws.documents()).toHaveLength(1);
    const jsonl = await importFiles(ws, [await input('batch.jsonl', JSONL)], options());
    expect(jsonl.ok && jsonl.report.files[0]).toMatchObject({ created: 1, attached: 1, spansAdded: 2, spansSkipped: 1 });
    expect(await spansOf('digest', 'alice')).toEqual(['Location 20-24', 'Money 40-51', 'Date 55-59']);
  });

  it('writes nothing when a re-import adds nothing', async () => {
    const file = await input('batch.jsonl', JSONL);
    await importFiles(ws, [file], options());
    const before = await snapshot(ws.dir);
    const again = await importFiles(ws, [file], options({ now: () => new Date('2030-01-01T00:00:00Z') }));
    expect(again.ok && again.report.layersWritten).toBe(0);
    expect(await snapshot(ws.dir)).toEqual(before);
  });

  it('--replace replaces the layer instead of merging', async () => {
    await importFiles(ws, [await input('batch.jsonl', JSONL)], options());
    const docId = ws.documents()[0]!.id;
    const other = await input('other.jsonl', JSON.stringify({ text: DIGEST, spans: [{ start: 9, end: 18, label: 'Organisation' }] }) + '\n');
    await importFiles(ws, [other], options({ replace: true }));
    expect(await spansOf(docId, 'alice')).toEqual(['Organisation 9-18']);
    // Another annotator's layer is untouched by alice's replace.
    await importFiles(ws, [other], options({ annotator: 'bob' }));
    await importFiles(ws, [await input('batch2.jsonl', JSONL)], options({ replace: true }));
    expect(await spansOf(docId, 'alice')).toEqual(['Location 20-24', 'Money 40-51']);
    expect(await spansOf(docId, 'bob')).toEqual(['Organisation 9-18']);
  });

  it('round-trips a gloss dataset losslessly: layers, statuses, relations, attributes, notes', async () => {
    const text = 'Rahmon plans to open 75 laboratories by 2026.';
    const doc = await buildDocument({
      id: 'labs',
      title: 'Labs',
      text,
      blocks: plainTextToBlocks(text),
      meta: { source: 'labs.txt', format: 'txt', language: 'en' },
      importedAt: NOW.toISOString(),
    });
    await ws.addDocuments([doc]);
    const stamp = NOW.toISOString();
    const made = (id: string, label: string, start: number, end: number, extra: object = {}) => ({
      id, label, start, end, quote: [...text].slice(start, end).join(''), attributes: {}, origin: 'manual', createdAt: stamp, updatedAt: stamp, ...extra,
    });
    await ws.writeLayer({
      format: 'gloss.layer', version: 1, offsetUnit: 'codepoint', document: 'labs', textSha256: doc.textSha256,
      annotator: 'alice', status: 'done', updatedAt: stamp,
      spans: [
        made('p1', 'Person', 0, 6, { attributes: { normalized: 'Emomali Rahmon' } }),
        made('c1', 'Commitment', 7, 44, { attributes: { status: 'planned', deadline: '2026' }, note: 'clear pledge' }),
        made('q1', 'Quantity', 21, 36, { attributes: { value: 75, unit: 'laboratories' } }),
      ],
      relations: [{ id: 'r1', type: 'actor', from: 'c1', to: 'p1' }, { id: 'r2', type: 'amount', from: 'c1', to: 'q1' }],
      comments: [{ id: 'k1', target: { annotator: 'alice', spanId: 'c1' }, author: 'alice', text: 'check the date', createdAt: stamp, resolved: false }],
    });
    await ws.writeLayer({
      format: 'gloss.layer', version: 1, offsetUnit: 'codepoint', document: 'labs', textSha256: doc.textSha256,
      annotator: 'bob', status: 'in-progress', updatedAt: stamp, spans: [made('b1', 'Person', 0, 6)], relations: [], comments: [],
    });
    const exported = await exportWorkspace(ws, { format: 'gloss', exportedAt: stamp });
    expect(exported).toMatchObject({ documents: 1, spans: 4, warnings: [] });

    const second = await Workspace.init(join(dir, 'ws2'), { now: fixedNow });
    if (!second.ok) throw new Error(second.error.message);
    const imported = await importFiles(second.value, [await input('dataset.json', exported.text)], options({ annotator: 'zed' }));
    expect(imported.ok).toBe(true);
    const again = await exportWorkspace(second.value, { format: 'gloss', exportedAt: stamp });
    expect(again.text).toBe(exported.text);
    expect(await second.value.layerAnnotators('labs')).toEqual(['alice', 'bob']);
    expect((await second.value.readLayer('labs', 'alice'))?.status).toBe('done');
    expect(await readFile(join(second.value.dir, 'documents', 'labs.json'), 'utf8')).toBe(
      await readFile(join(ws.dir, 'documents', 'labs.json'), 'utf8'),
    );
  });

  it('exports jsonl and doccano from one annotator', async () => {
    await importFiles(ws, [await input('batch.jsonl', JSONL)], options());
    const jsonl = await exportWorkspace(ws, { format: 'jsonl', annotator: 'alice', exportedAt: NOW.toISOString() });
    const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as { text: string; spans: unknown[] });
    expect(lines.map((l) => l.text)).toEqual([DIGEST, 'Maria Lopez confirmed.']);
    expect(lines[0]!.spans).toEqual([
      { start: 20, end: 24, label: 'Location', text: 'Oslo' },
      { start: 40, end: 51, label: 'Money', text: '€25 million' },
    ]);
    const doccano = await exportWorkspace(ws, { format: 'doccano', annotator: 'nobody', exportedAt: NOW.toISOString() });
    expect(JSON.parse(doccano.text.split('\n')[0]!)).toEqual({ text: DIGEST, label: [] });
    expect(doccano.spans).toBe(0);
  });
});

describe('all or nothing', () => {
  it('writes nothing when a later file has a bad line, and names the file and line', async () => {
    await importFiles(ws, [join(SAMPLES, SAMPLE_FILES[0]!)], options());
    const before = await snapshot(ws.dir);
    const good = await input('good.jsonl', JSONL);
    const bad = await input('bad.jsonl', JSONL + '{"text": "x", "spans": [\n');
    const result = await importFiles(ws, [join(SAMPLES, SAMPLE_FILES[1]!), good, bad], options());
    expect(result).toMatchObject({ ok: false, error: { file: bad, line: 4 } });
    expect(!result.ok && result.error.message).toContain('not valid JSON');
    expect(await snapshot(ws.dir)).toEqual(before);
  });

  it('refuses offsets outside the text, unknown labels (--strict) and bad attributes, with the line', async () => {
    const before = await snapshot(ws.dir);
    const cases: [string, RegExp][] = [
      [JSON.stringify({ text: 'short', spans: [{ start: 0, end: 9, label: 'Person' }] }), /outside|within the text/],
      [JSON.stringify({ text: 'short', spans: [{ start: 0, end: 5, label: 'Weapon' }] }), /unknown label "Weapon".*--strict/],
    ];
    for (const [line, message] of cases) {
      const file = await input('case.jsonl', `\n${line}\n`);
      const result = await importFiles(ws, [file], options({ strict: true }));
      expect(result).toMatchObject({ ok: false, error: { file, line: 2 } });
      expect(!result.ok && result.error.message).toMatch(message);
    }
    const dataset = JSON.stringify({
      format: 'gloss.dataset', version: 1, offsetUnit: 'codepoint',
      documents: [{ text: 'Sum of 5', layers: [{ spans: [{ label: 'Money', start: 7, end: 8, attributes: { value: 'five' } }] }] }],
    });
    const result = await importFiles(ws, [await input('attrs.json', dataset)], options());
    expect(!result.ok && result.error.message).toMatch(/attribute "value" of Money: expected a number/);
    expect(ws.documents()).toEqual([]);
    expect(await snapshot(ws.dir)).toEqual(before);
  });

  it('refuses invalid UTF-8, naming the byte, and missing files', async () => {
    const bad = await input('latin1.txt', new Uint8Array([0x48, 0x69, 0x20, 0xe9, 0x74, 0xe9]));
    const result = await importFiles(ws, [bad], options());
    expect(result).toMatchObject({ ok: false, error: { file: bad, message: 'invalid UTF-8 at byte 3' } });
    const missing = await importFiles(ws, [join(dir, 'nope.txt')], options());
    expect(missing).toMatchObject({ ok: false, error: { message: 'no such file' } });
    expect(ws.documents()).toEqual([]);
  });

  it('refuses a file whose format cannot be told', async () => {
    const file = await input('report.xyz', 'not really a report');
    const result = await importFiles(ws, [file], options());
    expect(!result.ok && result.error.message).toContain('--format');
    const forced = await importFiles(ws, [file], options({ format: 'txt' }));
    expect(forced.ok).toBe(true);
  });
});

describe('format detection', () => {
  it('uses the extension, then the content', () => {
    expect(detectFormat('a.txt', '{"text": "x"}')).toBe('txt');
    expect(detectFormat('a.MD', '')).toBe('md');
    expect(detectFormat('a.json', '{"format": "gloss.dataset"}')).toBe('gloss');
    expect(detectFormat('a.jsonl', '{"text": "x", "spans": []}\n')).toBe('jsonl');
    expect(detectFormat('a.jsonl', '\n{"text": "x", "label": [[0, 1, "Person"]]}\n')).toBe('doccano');
    expect(detectFormat('a.json', '{"text": "x", "entities": []}\n{"text": "y", "entities": []}\n')).toBe('doccano');
    expect(detectFormat('data', '{"format": "gloss.dataset", "documents": []}')).toBe('gloss');
    expect(detectFormat('notes', 'plain words')).toBeNull();
  });
});

describe('after an interrupted import', () => {
  it('takes up a document left on disk but not in the manifest, and its layer', async () => {
    const file = await input('batch.jsonl', JSONL);
    // What a run killed before its manifest write leaves: the first document and part of its layer.
    const scratch = await Workspace.init(join(dir, 'scratch'), { now: fixedNow });
    if (!scratch.ok) throw new Error(scratch.error.message);
    await importFiles(scratch.value, [file], options());
    const id = scratch.value.documents()[0]!.id;
    await mkdir(join(ws.dir, 'annotations', id), { recursive: true });
    await writeFile(join(ws.dir, 'documents', `${id}.json`), await readFile(join(scratch.value.dir, 'documents', `${id}.json`)));
    await writeFile(
      join(ws.dir, 'annotations', id, 'alice.json'),
      await readFile(join(scratch.value.dir, 'annotations', id, 'alice.json')),
    );
    const reopened = await openWorkspace(ws.dir);
    expect(reopened.documents()).toEqual([]);
    const result = await importFiles(reopened, [file], options());
    expect(result.ok && result.report.createdDocuments).toEqual([id, 'note']);
    expect(reopened.documents().map((d) => d.id)).toEqual([id, 'note']);
    expect(await reopened.strayDocuments()).toEqual([]);
    const spans = (await reopened.readLayer(id, 'alice'))?.spans.map((s) => `${s.label} ${s.start}-${s.end}`);
    expect(spans).toEqual(['Location 20-24', 'Money 40-51']);
  });

  it('never reuses a stray id for a different text', async () => {
    await writeFile(join(ws.dir, 'documents', 'note.json'), '{"broken"');
    await importFiles(ws, [await input('batch.jsonl', JSONL)], options());
    expect(ws.documents().map((d) => d.id)).toContain('note-2');
    expect(await readFile(join(ws.dir, 'documents', 'note.json'), 'utf8')).toBe('{"broken"');
  });
});
