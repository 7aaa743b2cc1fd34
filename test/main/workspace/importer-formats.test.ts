// The annotation formats of issue 3 through the importer and exporter, in-process: brat pairs and
// folders, CoNLL, W3C anchored in workspace documents or files of the same import, detection,
// the schema grown (or --strict), size limits, progress, and all-or-nothing on bad input.

import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportGlossDataset } from '../../../src/core/formats/gloss';
import { findLabel } from '../../../src/core/schema';
import { exportWorkspace, exportWorkspaceFolder } from '../../../src/main/workspace/exporter';
import { DOCUMENT_FORMATS, detectFormat, importFiles, IMPORT_FORMATS, singleDocument } from '../../../src/main/workspace/importer';
import type { ImportOptions, ProgressStep } from '../../../src/main/workspace/importer';
import { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, counterIds, fixedNow, openWorkspace, removeDir, snapshot, tempDir } from './helpers';

const BRAT = '/work/shared/samples/brat';
const SAMPLES = '/work/shared/samples';
const DIGEST = 'Post by @GreenFund (Oslo) 🌍: "We pledge €25 million by 𝟐𝟎𝟐𝟕".';

let dir: string;
let ws: Workspace;

async function newWorkspace(folder: string, name = folder): Promise<Workspace> {
  const created = await Workspace.init(join(dir, folder), { name, now: fixedNow });
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

beforeEach(async () => {
  dir = await tempDir();
  ws = await newWorkspace('ws');
});

afterEach(async () => {
  await removeDir(dir);
});

function options(extra: Partial<ImportOptions> = {}): ImportOptions {
  return { format: 'auto', annotator: 'alice', now: fixedNow, newId: counterIds('span'), ...extra };
}

async function input(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  return path;
}

/** A copy of the sample brat pair in `folder` (under the test's temp dir), returning the .ann path. */
async function bratCopy(folder: string, stem = '000-introduction'): Promise<string> {
  await mkdir(join(dir, folder), { recursive: true });
  await copyFile(join(BRAT, '000-introduction.txt'), join(dir, folder, `${stem}.txt`));
  await copyFile(join(BRAT, '000-introduction.ann'), join(dir, folder, `${stem}.ann`));
  return join(dir, folder, `${stem}.ann`);
}

/** "Label start-end quote" of a layer's spans, as stored. */
async function spansOf(w: Workspace, docId: string, annotator = 'alice'): Promise<string[]> {
  return ((await w.readLayer(docId, annotator))?.spans ?? []).map((s) => `${s.label} ${s.start}-${s.end} ${s.quote}`);
}

describe('brat', () => {
  it('imports the sample pair: spans, event as relations, attributes, normalization, note; grows the schema', async () => {
    const result = await importFiles(ws, [join(BRAT, '000-introduction.ann')], options());
    if (!result.ok) throw new Error(result.error.message);
    expect(result.report.files).toEqual([
      { file: join(BRAT, '000-introduction.ann'), format: 'brat', items: 1, created: 1, attached: 0, spansAdded: 7, spansSkipped: 0 },
    ]);
    const doc = await ws.readDocument('000-introduction');
    expect(doc?.text).toBe(await readFile(join(BRAT, '000-introduction.txt'), 'utf8'));
    expect(doc?.meta).toEqual({ source: '000-introduction.txt', format: 'brat' });
    const layer = (await ws.readLayer('000-introduction', 'alice'))!;
    const byId = new Map(layer.spans.map((s) => [s.id, s]));
    expect(byId.get('T2')).toMatchObject({ label: 'Money', quote: '$100 million', note: '100000000 USD', origin: 'imported:brat' });
    expect(byId.get('T4')?.attributes).toEqual({ Individual: true, Mention: 'Name' });
    expect(byId.get('T5')?.attributes).toEqual({ Individual: true, Mention: 'Nominal', normalized: 'Carlos Salinas de Gortari' });
    expect(byId.get('T3')?.attributes).toEqual({ Confidence: 'High' });
    const relations = layer.relations.map((r) => `${r.type} ${r.from}->${r.to}`).sort();
    expect(relations).toEqual([
      'Beneficiary-Arg T3->T4',
      'Family T4->T5',
      'Giver-Arg T3->T1',
      'Money-Arg T3->T2',
      'Origin T6->T7',
      'Recipient-Arg T3->T6',
    ]);
    expect(result.report.notices.some((n) => n.includes('event E1 (Transfer-money) imported as its trigger span T3'))).toBe(true);
    expect(result.report.notices).toContain(
      `${join(BRAT, '000-introduction.ann')}: added to the workspace schema: labels Organization, Transfer-money, GPE; ` +
        'relation types Origin, Family, Giver-Arg, Money-Arg, Beneficiary-Arg, Recipient-Arg; ' +
        'attributes Transfer-money.Confidence (text), Person.Mention (text), Person.Individual (boolean)',
    );
    const reopened = await openWorkspace(ws.dir);
    expect(findLabel(reopened.schema, 'GPE')).toMatchObject({ category: 'other' });
    expect(await reopened.validate()).toEqual([]);
  });

  it('takes the .txt given with its .ann as the pair, not as a document of its own', async () => {
    const result = await importFiles(ws, [join(BRAT, '000-introduction.txt'), join(BRAT, '000-introduction.ann')], options());
    expect(result.ok && result.report.files.map((f) => f.format)).toEqual(['brat']);
    expect(ws.documents()).toHaveLength(1);
    // Under --format brat, the .txt alone names the pair too.
    const again = await importFiles(ws, [join(BRAT, '000-introduction.txt')], options({ format: 'brat' }));
    expect(again.ok && again.report.files[0]).toMatchObject({ format: 'brat', attached: 1, spansSkipped: 7 });
  });

  it('imports a folder of pairs (sorted, nested) and writes nothing on re-import', async () => {
    await bratCopy('collection', 'b-second');
    await bratCopy('collection/nested', 'a-first');
    await writeFile(join(dir, 'collection', 'annotation.conf'), '[entities]\nPerson\n');
    const result = await importFiles(ws, [join(dir, 'collection')], options());
    expect(result.ok && result.report.files.map((f) => f.file)).toEqual([
      join(dir, 'collection', 'b-second.ann'),
      join(dir, 'collection', 'nested', 'a-first.ann'),
    ]);
    // The same text twice: one document, the second pair merges (all its spans already there).
    expect(ws.documents().map((d) => d.id)).toEqual(['b-second']);
    const before = await snapshot(ws.dir);
    const again = await importFiles(ws, [join(dir, 'collection')], options({ format: 'brat' }));
    expect(again.ok && again.report.layersWritten).toBe(0);
    expect(await snapshot(ws.dir)).toEqual(before);
  });

  it('refuses a folder without .ann files, an .ann without its .txt, and a folder under another format', async () => {
    await input('empty/readme.md', '# nothing');
    const empty = await importFiles(ws, [join(dir, 'empty')], options());
    expect(!empty.ok && empty.error.message).toContain('holds no .ann file');
    const lonely = await input('lonely.ann', 'T1\tPerson 0 5\tAlice\n');
    const noText = await importFiles(ws, [lonely], options());
    expect(noText).toMatchObject({ ok: false, error: { file: lonely } });
    expect(!noText.ok && noText.error.message).toContain(`its text ${join(dir, 'lonely.txt')} is missing`);
    const asTxt = await importFiles(ws, [join(dir, 'empty')], options({ format: 'txt' }));
    expect(!asTxt.ok && asTxt.error.message).toBe('is a folder, not a file');
    expect(ws.documents()).toEqual([]);
  });

  it('refuses a T line whose text does not match, naming the .ann and line; nothing written', async () => {
    await importFiles(ws, [await input('digest.txt', DIGEST)], options());
    const before = await snapshot(ws.dir);
    const good = await bratCopy('good');
    await input('bad/x.txt', DIGEST);
    // UTF-16 offsets: "€25 million" is at 41..52 in UTF-16 units, 40..51 in code points.
    const bad = await input('bad/x.ann', 'T1\tLocation 20 24\tOslo\nT2\tMoney 41 52\t€25 million\n');
    const result = await importFiles(ws, [good, bad], options());
    expect(result).toMatchObject({ ok: false, error: { file: bad, line: 2 } });
    expect(!result.ok && result.error.message).toMatch(/T2: text "€25 million" does not match .*code points/);
    expect(await snapshot(ws.dir)).toEqual(before);
  });

  it('refuses unknown labels under strict, and ends identical when re-run after a kill that left only the schema', async () => {
    const ann = join(BRAT, '000-introduction.ann');
    const before = await snapshot(ws.dir);
    const strict = await importFiles(ws, [ann], options({ strict: true }));
    expect(strict).toMatchObject({ ok: false, error: { file: ann } });
    expect(!strict.ok && strict.error.message).toMatch(/unknown label "Organization".*\(--strict: the schema is not extended\)/);
    expect(await snapshot(ws.dir)).toEqual(before);

    await importFiles(ws, [ann], options());
    const interrupted = await newWorkspace('interrupted', 'ws');
    await interrupted.setSchema(ws.schema); // what a run killed right after its first write leaves
    const rerun = await importFiles(await openWorkspace(interrupted.dir), [ann], options());
    expect(rerun.ok && rerun.report.schemaAdded).toEqual([]);
    expect(await snapshot(interrupted.dir)).toEqual(await snapshot(ws.dir));
  });
});

describe('conll', () => {
  const CONLL = [
    '-DOCSTART- -X- O O',
    '',
    'Maria NNP B-NP B-Person',
    'Lopez NNP I-NP I-Person',
    'visited VBD B-VP O',
    'Oslo NNP B-NP I-Location',
    '',
    'It PRP B-NP O',
    'rained VBD B-VP O',
    '',
    '-DOCSTART- -X- O O',
    '',
    '€25 CD B-NP B-Money',
    'million CD I-NP I-Money',
    '🌍 SYM O O',
    '',
  ].join('\n');

  it('imports documents with IOB1 and IOB2 tags, tokens joined by spaces, a sentence a line', async () => {
    const result = await importFiles(ws, [await input('news.conll', CONLL)], options());
    if (!result.ok) throw new Error(result.error.message);
    expect(result.report.files[0]).toMatchObject({ format: 'conll', items: 2, created: 2, spansAdded: 3 });
    const [first, second] = ws.documents();
    expect((await ws.readDocument(first!.id))?.text).toBe('Maria Lopez visited Oslo\nIt rained');
    expect(await spansOf(ws, first!.id)).toEqual(['Person 0-11 Maria Lopez', 'Location 20-24 Oslo']);
    expect(await spansOf(ws, second!.id)).toEqual(['Money 0-11 €25 million']);
    expect(result.report.notices.some((n) => n.includes('I- tag (IOB1 style)'))).toBe(true);
  });

  it('refuses a line without a tag, naming the line', async () => {
    const file = await input('broken.conll', CONLL.replace('rained VBD B-VP O', 'rained'));
    const result = await importFiles(ws, [file], options());
    expect(result).toMatchObject({ ok: false, error: { file, line: 9 } });
    expect(ws.documents()).toEqual([]);
  });
});

describe('w3c', () => {
  async function digestWithSpans(w: Workspace): Promise<void> {
    const jsonl = JSON.stringify({
      text: DIGEST,
      spans: [
        { start: 20, end: 24, label: 'Location' },
        { start: 40, end: 51, label: 'Money' },
        { start: 55, end: 59, label: 'Date' },
      ],
      meta: { id: 'digest', title: 'Digest' },
    });
    const result = await importFiles(w, [await input('digest.jsonl', jsonl + '\n')], options());
    if (!result.ok) throw new Error(result.error.message);
  }

  it('anchors annotations in workspace documents by id', async () => {
    await digestWithSpans(ws);
    const w3c = await exportWorkspace(ws, { format: 'w3c', exportedAt: NOW.toISOString() });
    const other = await newWorkspace('other');
    await importFiles(other, [await input('digest.txt', DIGEST)], options());
    expect(other.documents().map((d) => d.id)).toEqual(['digest']);
    const result = await importFiles(other, [await input('anno.jsonld', w3c.text)], options({ annotator: 'zed' }));
    expect(result.ok && result.report.files[0]).toMatchObject({ format: 'w3c', attached: 1, spansAdded: 3 });
    // The creator names the layer.
    expect(await spansOf(other, 'digest')).toEqual(await spansOf(ws, 'digest'));
    expect(await other.layerAnnotators('digest')).toEqual(['alice']);
  });

  it('anchors annotations in a file given in the same command, and refuses a source it cannot find', async () => {
    await digestWithSpans(ws);
    const w3c = await input('anno.json', (await exportWorkspace(ws, { format: 'w3c', exportedAt: NOW.toISOString() })).text);
    const other = await newWorkspace('other');
    const before = await snapshot(other.dir);
    const missing = await importFiles(other, [w3c], options());
    expect(missing).toMatchObject({ ok: false, error: { file: w3c } });
    expect(!missing.ok && missing.error.message).toMatch(/no document "digest".*give its file in the same command/);
    expect(await snapshot(other.dir)).toEqual(before);
    const result = await importFiles(other, [w3c, await input('texts/digest.txt', DIGEST)], options());
    expect(result.ok && result.report.files.map((f) => `${f.format} ${f.created} ${f.spansAdded}`)).toEqual(['w3c 1 3', 'txt 0 0']);
    expect(await spansOf(other, 'digest')).toEqual(await spansOf(ws, 'digest'));
  });

  it('names the line of a JSON syntax error, and refuses an unanchorable quote', async () => {
    await importFiles(ws, [await input('digest.txt', DIGEST)], options());
    const before = await snapshot(ws.dir);
    const broken = await input('broken.jsonld', '{\n  "@context": "http://www.w3.org/ns/anno.jsonld",\n  "type": "Annotation",\n  "target": }\n');
    expect(await importFiles(ws, [broken], options())).toMatchObject({ ok: false, error: { file: broken, line: 4 } });
    const annotation = {
      '@context': 'http://www.w3.org/ns/anno.jsonld',
      type: 'Annotation',
      body: { type: 'TextualBody', purpose: 'tagging', value: 'Location' },
      target: { source: 'digest', selector: { type: 'TextQuoteSelector', exact: 'Bergen' } },
    };
    const quote = await input('quote.jsonld', JSON.stringify(annotation));
    const result = await importFiles(ws, [quote], options());
    expect(!result.ok && result.error.message).toContain('the quote "Bergen" cannot be anchored');
    expect(await snapshot(ws.dir)).toEqual(before);
  });
});

describe('detection', () => {
  it('tells the new formats by extension and by content', () => {
    expect(detectFormat('x.ann', '')).toBe('brat');
    expect(detectFormat('x.conll', '')).toBe('conll');
    expect(detectFormat('x.iob', '')).toBe('conll');
    expect(detectFormat('data', '-DOCSTART- -X- O O\n\nMaria B-Person\n')).toBe('conll');
    expect(detectFormat('data.tsv', 'Maria\tNNP\tB-Person\nLopez\tNNP\tI-Person\n')).toBe('conll');
    expect(detectFormat('x.jsonld', '')).toBe('w3c');
    expect(detectFormat('x.json', '{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection"}')).toBe('w3c');
    expect(detectFormat('x.json', '[{"type": "Annotation", "target": "x"}]')).toBe('w3c');
    expect(detectFormat('x.json', '{"text": "x", "label": [[0, 1, "Person"]]}')).toBe('doccano');
    expect(detectFormat('x.json', '{\n"format": "gloss.dataset"\n}')).toBe('gloss');
    expect(detectFormat('x.json', '{\n"format": broken')).toBe('gloss');
    expect(detectFormat('x.txt', new TextEncoder().encode('-DOCSTART- -X- O O'))).toBe('txt');
  });

  it('adapts a one-document parser (html, docx, pdf) to the table', async () => {
    const parse = singleDocument((bytes, file) =>
      bytes.length === 0
        ? { ok: false, error: { file, message: 'contains no text' } }
        : { ok: true, value: { title: 'T', text: 'Hi', blocks: [{ type: 'paragraph', start: 0, end: 2 }], marks: [] } },
    );
    expect(await parse(new Uint8Array([1]), 'a.html')).toEqual({
      ok: true,
      items: [{ title: 'T', text: 'Hi', blocks: [{ type: 'paragraph', start: 0, end: 2 }], layers: [] }],
      notices: [],
    });
    expect(await parse(new Uint8Array(), 'a.html')).toEqual({ ok: false, error: { file: 'a.html', message: 'contains no text' } });
  });

  it('lists every document format of the table among the import formats', () => {
    for (const name of Object.keys(DOCUMENT_FORMATS)) expect(IMPORT_FORMATS).toContain(name);
    expect(IMPORT_FORMATS).toEqual(expect.arrayContaining(['gloss', 'jsonl', 'doccano', 'brat', 'conll', 'w3c']));
  });
});

describe('schema from a gloss dataset', () => {
  it('adds an unknown label as the dataset defines it', async () => {
    const schema = {
      labels: [...ws.schema.labels, { name: 'Weapon', category: 'entity' as const, color: '#123456', attributes: [{ name: 'kind', type: 'text' as const }] }],
      relations: ws.schema.relations,
    };
    const digest = await newWorkspace('digest');
    await importFiles(digest, [await input('d.txt', DIGEST)], options());
    const document = (await digest.readDocument('d'))!;
    const dataset = JSON.parse(exportGlossDataset({ schema, documents: [{ document, layers: [] }], exportedAt: NOW.toISOString() })) as {
      documents: { layers: unknown[] }[];
    };
    dataset.documents[0]!.layers = [{ annotator: 'bob', spans: [{ label: 'Weapon', start: 0, end: 4, attributes: { kind: 'post' } }] }];
    const result = await importFiles(ws, [await input('set.json', JSON.stringify(dataset))], options());
    expect(result.ok && result.report.schemaAdded).toEqual([{ kind: 'label', name: 'Weapon' }]);
    expect(findLabel(ws.schema, 'Weapon')).toEqual(schema.labels[schema.labels.length - 1]);
  });
});

describe('limits', () => {
  it('refuses a file over the per-file limit before reading, and an import over the total', async () => {
    const big = await input('big.txt', 'x'.repeat(2048));
    const small = await input('small.txt', 'y'.repeat(1000));
    const one = await importFiles(ws, [big], options({ limits: { fileBytes: 1024 } }));
    expect(one).toMatchObject({ ok: false, error: { file: big } });
    expect(!one.ok && one.error.message).toMatch(/^is 0\.0 MB, over the import limit of 0\.0 MB per file/);
    const total = await importFiles(ws, [small, small, small], options({ limits: { totalBytes: 2500 } }));
    expect(!total.ok && total.error.message).toMatch(/over its limit .* in all/);
    expect(ws.documents()).toEqual([]);
  });

  it('refuses what is not a regular file', async () => {
    const result = await importFiles(ws, ['/dev/null'], options({ format: 'txt' }));
    expect(result).toMatchObject({ ok: false, error: { file: '/dev/null', message: 'is not a regular file' } });
  });
});

describe('progress and export', () => {
  it('reports progress steps that end at their totals', async () => {
    const steps: ProgressStep[] = [];
    const files = await Promise.all(['a', 'b', 'c'].map((n) => input(`${n}.txt`, `Text ${n}`)));
    await importFiles(ws, files, options({ onProgress: (s) => steps.push(s) }));
    const labels = [...new Set(steps.map((s) => s.label))];
    expect(labels).toEqual(['reading files', 'checking documents', 'writing files']);
    for (const label of labels) {
      const mine = steps.filter((s) => s.label === label);
      expect(mine.map((s) => s.done)).toEqual([...mine.map((s) => s.done)].sort((x, y) => x - y));
      expect(mine[mine.length - 1]!.done).toBe(mine[0]!.total);
    }
    expect(steps.find((s) => s.label === 'writing files')?.total).toBe(3);
  });

  it('exports brat as files per document, conll with what it cannot hold, and w3c/csv of every layer', async () => {
    await importFiles(ws, [join(BRAT, '000-introduction.ann')], options());
    await importFiles(ws, [join(SAMPLES, 'social-monitoring-digest.txt')], options());
    const jsonl = JSON.stringify({ text: DIGEST, spans: [{ start: 40, end: 51, label: 'Money' }, { start: 31, end: 59, label: 'Commitment' }] });
    await importFiles(ws, [await input('nested.jsonl', jsonl + '\n')], options({ annotator: 'bob' }));
    const brat = await exportWorkspaceFolder(ws, { format: 'brat', annotator: 'alice', exportedAt: NOW.toISOString() });
    expect(brat.files.map((f) => f.name)).toEqual([
      '000-introduction.txt',
      '000-introduction.ann',
      'social-monitoring-digest.txt',
      'social-monitoring-digest.ann',
      'post-by-greenfund-oslo-we-pledge-25-million-by-2027.txt',
      'post-by-greenfund-oslo-we-pledge-25-million-by-2027.ann',
    ]);
    expect(brat.files[3]!.text).toBe('');
    const conll = await exportWorkspace(ws, { format: 'conll', annotator: 'bob', exportedAt: NOW.toISOString() });
    expect(conll.unrepresented).toHaveLength(1);
    expect(conll.unrepresented![0]).toMatchObject({ label: 'Money', reason: expect.stringContaining('outermost wins') });
    const inner = await exportWorkspace(ws, { format: 'conll', annotator: 'bob', prefer: 'inner', exportedAt: NOW.toISOString() });
    expect(inner.unrepresented![0]).toMatchObject({ label: 'Commitment' });
    const csv = await exportWorkspace(ws, { format: 'csv', exportedAt: NOW.toISOString() });
    expect(csv.spans).toBe(9);
    expect(csv.text.split('\r\n').filter((l) => l.includes(',bob,'))).toHaveLength(2);
    const w3c = JSON.parse((await exportWorkspace(ws, { format: 'w3c', exportedAt: NOW.toISOString() })).text) as { total: number };
    expect(w3c.total).toBe(9);
    await expect(exportWorkspace(ws, { format: 'jsonl', exportedAt: NOW.toISOString() })).rejects.toThrow(/needs an annotator/);
  });
});
