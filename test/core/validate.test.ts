import { describe, expect, it } from 'vitest';
import { buildDocument, parsePlainText } from '../../src/core/document';
import type { ImportedItem } from '../../src/core/formats/types';
import { applyLayerChanges, emptyLayer, serializeDocument, serializeLayer } from '../../src/core/layer';
import type { GlossDocument, Layer, Manifest, Problem } from '../../src/core/model';
import { CodePointIndex } from '../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import {
  checkDocument,
  checkImportedItem,
  checkLayer,
  parseDocumentJson,
  parseLayerJson,
  parseManifestJson,
} from '../../src/core/validate';
import { readSample } from './samples';

const T0 = '2024-05-03T10:00:00.000Z';
const T1 = '2024-05-03T10:05:00.000Z';
const LAYER_FILE = 'annotations/digest/alice.json';

async function digestDocument(): Promise<GlossDocument> {
  const { title, text, blocks } = parsePlainText(readSample('social-monitoring-digest.txt'), 'social-monitoring-digest.txt');
  return buildDocument({ id: 'digest', title, text, blocks, meta: { source: 'social-monitoring-digest.txt', format: 'txt' }, importedAt: T0 });
}

async function digestLayer(doc: GlossDocument): Promise<Layer> {
  const r = applyLayerChanges(emptyLayer(doc, 'alice', T0), new CodePointIndex(doc.text), DEFAULT_SCHEMA, [
    { op: 'add', span: { id: 'c', label: 'Commitment', start: 68, end: 129, attributes: { status: 'planned', deadline: '2027' } } },
    { op: 'add', span: { id: 'm', label: 'Money', start: 72, end: 83, attributes: { value: 25e6, currency: 'EUR' } } },
    { op: 'add', span: { id: 'y', label: 'Date', start: 349, end: 353 } },
  ], T1);
  if (!r.ok) throw new Error(r.error.message);
  return { ...r.value, relations: [{ id: 'r1', type: 'amount', from: 'c', to: 'm' }] };
}

function kinds(problems: Problem[]): string[] {
  return problems.map((p) => p.kind);
}

describe('parseDocumentJson', () => {
  it('accepts a serialised document and returns it unchanged', async () => {
    const doc = await digestDocument();
    const json: unknown = JSON.parse(serializeDocument(doc));
    expect(parseDocumentJson(json, 'documents/digest.json')).toEqual({ ok: true, value: doc });
  });

  it('names the file and the field on a bad document', async () => {
    const doc = { ...(await digestDocument()), textSha256: 'nope' };
    const r = parseDocumentJson(doc, 'documents/digest.json');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('corrupt');
      expect(r.error.message).toMatch(/^documents\/digest\.json: /);
      expect(r.error.message).toContain('textSha256');
    }
  });

  it('rejects blocks outside the text, a wrong offset unit and bad ids', async () => {
    const doc = await digestDocument();
    const outside = { ...doc, blocks: [{ type: 'paragraph', start: 0, end: 407 }] };
    const r1 = parseDocumentJson(outside, 'd.json');
    expect(!r1.ok && r1.error.message).toContain('outside the text (0..406 code points)');
    expect(parseDocumentJson({ ...doc, offsetUnit: 'utf16' }, 'd.json').ok).toBe(false);
    expect(parseDocumentJson({ ...doc, id: '../escape' }, 'd.json').ok).toBe(false);
    expect(parseDocumentJson('not an object', 'd.json').ok).toBe(false);
  });
});

describe('parseLayerJson', () => {
  it('accepts a serialised layer and returns it canonical', async () => {
    const doc = await digestDocument();
    const layer = await digestLayer(doc);
    const r = parseLayerJson(JSON.parse(serializeLayer(layer)), LAYER_FILE);
    expect(r.ok).toBe(true);
    if (r.ok) expect(serializeLayer(r.value)).toBe(serializeLayer(layer));
  });

  it('rejects duplicate span ids, bad status and bad annotator names, naming the file', async () => {
    const layer = await digestLayer(await digestDocument());
    const dup = { ...layer, spans: [layer.spans[0], layer.spans[0]] };
    const r = parseLayerJson(dup, LAYER_FILE);
    expect(!r.ok && r.error.message).toContain(`${LAYER_FILE}: `);
    expect(!r.ok && r.error.message).toContain('duplicate id "c"');
    expect(parseLayerJson({ ...layer, status: 'finished' }, LAYER_FILE).ok).toBe(false);
    expect(parseLayerJson({ ...layer, annotator: '.hidden' }, LAYER_FILE).ok).toBe(false);
    expect(parseLayerJson({ ...layer, spans: [{ ...layer.spans[0], start: -1 }] }, LAYER_FILE).ok).toBe(false);
    expect(parseLayerJson(null, LAYER_FILE).ok).toBe(false);
  });

  it('lets a span with an impossible range through: that is an orphan, not a corrupt file', async () => {
    const layer = await digestLayer(await digestDocument());
    const r = parseLayerJson({ ...layer, spans: [{ ...layer.spans[0], start: 500, end: 400 }] }, LAYER_FILE);
    expect(r.ok).toBe(true);
  });
});

describe('parseManifestJson', () => {
  const manifest: Manifest = {
    format: 'gloss.workspace',
    version: 1,
    name: 'Reports',
    schema: DEFAULT_SCHEMA,
    documents: [{ id: 'digest', title: 'Digest', textSha256: 'a'.repeat(64), importedAt: T0, source: 'digest.txt', format: 'txt', length: 406 }],
  };

  it('accepts a manifest', () => {
    expect(parseManifestJson(structuredClone(manifest), 'gloss.json')).toEqual({ ok: true, value: manifest });
  });

  it('rejects duplicate document ids, a bad schema, another format', () => {
    const dup = { ...manifest, documents: [manifest.documents[0], manifest.documents[0]] };
    const r = parseManifestJson(dup, 'gloss.json');
    expect(!r.ok && r.error.message).toMatch(/^gloss\.json: .*duplicate id "digest"/);
    const badSchema = { ...manifest, schema: { labels: [{ name: 'X' }], relations: [] } };
    expect(parseManifestJson(badSchema, 'gloss.json').ok).toBe(false);
    expect(parseManifestJson({ ...manifest, format: 'other' }, 'gloss.json').ok).toBe(false);
  });
});

describe('checkLayer', () => {
  it('finds nothing wrong with a fresh layer', async () => {
    const doc = await digestDocument();
    expect(checkLayer(await digestLayer(doc), doc, DEFAULT_SCHEMA, LAYER_FILE)).toEqual([]);
  });

  it('reports a span whose quote no longer matches as an orphan, and keeps it', async () => {
    const doc = await digestDocument();
    const layer = await digestLayer(doc);
    layer.spans[1] = { ...layer.spans[1]!, quote: '€26 million' };
    const problems = checkLayer(layer, doc, DEFAULT_SCHEMA, LAYER_FILE);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'orphan-span', file: LAYER_FILE, document: 'digest', annotator: 'alice', spanId: 'm' });
    expect(problems[0]!.message).toContain(LAYER_FILE);
    expect(problems[0]!.message).toContain('"€26 million"');
    expect(layer.spans).toHaveLength(3);
  });

  it('reports offsets out of range as orphans', async () => {
    const doc = await digestDocument();
    const layer = await digestLayer(doc);
    layer.spans.push({ ...layer.spans[0]!, id: 'far', start: 400, end: 420 });
    layer.spans.push({ ...layer.spans[0]!, id: 'empty', start: 10, end: 10, quote: '' });
    const problems = checkLayer(layer, doc, DEFAULT_SCHEMA, LAYER_FILE);
    expect(problems.map((p) => [p.kind, p.spanId])).toEqual([
      ['orphan-span', 'far'],
      ['orphan-span', 'empty'],
    ]);
  });

  it('detects a span made with UTF-16 offsets on the emoji text', async () => {
    const doc = await digestDocument();
    const layer = await digestLayer(doc);
    // "Maria Lopez" is at code points 284..295 but UTF-16 units 287..298.
    layer.spans.push({ ...layer.spans[0]!, id: 'u16', label: 'Person', start: 287, end: 298, quote: 'Maria Lopez', attributes: {} });
    expect(kinds(checkLayer(layer, doc, DEFAULT_SCHEMA, LAYER_FILE))).toEqual(['orphan-span']);
  });

  it('reports dangling relations, unknown labels and relation types, invalid attributes', async () => {
    const doc = await digestDocument();
    const layer = await digestLayer(doc);
    layer.relations.push({ id: 'r2', type: 'when', from: 'c', to: 'gone' });
    layer.relations.push({ id: 'r3', type: 'causes', from: 'c', to: 'y' });
    layer.spans[0] = { ...layer.spans[0]!, attributes: { status: 'someday' } };
    layer.spans[2] = { ...layer.spans[2]!, label: 'Year' };
    const problems = checkLayer(layer, doc, DEFAULT_SCHEMA, LAYER_FILE);
    expect(kinds(problems).sort()).toEqual(['dangling-relation', 'invalid-attribute', 'unknown-label', 'unknown-label']);
    const dangling = problems.find((p) => p.kind === 'dangling-relation')!;
    expect(dangling.message).toContain('"gone"');
    for (const p of problems) expect(p.message.startsWith(`${LAYER_FILE}: `)).toBe(true);
  });

  it('reports a layer made on another text and one for another document', async () => {
    const doc = await digestDocument();
    const layer = { ...(await digestLayer(doc)), textSha256: '0'.repeat(64), document: 'other' };
    expect(kinds(checkLayer(layer, doc, DEFAULT_SCHEMA, LAYER_FILE))).toEqual(['invalid-file', 'text-mismatch']);
  });
});

describe('checkDocument', () => {
  it('passes an untouched document and reports an edited text', async () => {
    const doc = await digestDocument();
    expect(await checkDocument(doc, 'documents/digest.json')).toEqual([]);
    const edited = { ...doc, text: doc.text.replace('Oslo', 'Bergen') };
    const problems = await checkDocument(edited, 'documents/digest.json');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'text-mismatch', file: 'documents/digest.json', document: 'digest' });
  });
});

describe('checkImportedItem', () => {
  const item = (over: Partial<ImportedItem> = {}): ImportedItem => ({
    text: 'Emomali Rahmon met 🌍 Denis Manturov',
    layers: [{ spans: [{ label: 'Person', start: 0, end: 14 }, { label: 'Person', start: 21, end: 35 }], relations: [], comments: [] }],
    ...over,
  });

  it('accepts spans within the text with known labels', () => {
    expect(checkImportedItem(item(), DEFAULT_SCHEMA)).toEqual([]);
  });

  it('lists offsets outside the text, unknown labels, bad attributes and relations', () => {
    const messages = checkImportedItem(
      item({
        id: 'bad id',
        layers: [
          {
            annotator: '..',
            spans: [
              { id: 'a', label: 'Person', start: 0, end: 99 },
              { id: 'b', label: 'PER', start: 0, end: 3 },
              { id: 'c', label: 'Money', start: 0, end: 3, attributes: { value: 'x' } },
              { id: 'c', label: 'Person', start: 0, end: 3 },
            ],
            relations: [{ type: 'actor', from: 'a', to: 'zz' }, { type: 'likes', from: 'a', to: 'b' }],
            comments: [],
          },
        ],
      }),
      DEFAULT_SCHEMA,
    );
    const joined = messages.join('\n');
    expect(joined).toContain('document id "bad id" is not valid');
    expect(joined).toContain('annotator name ".." is not valid');
    expect(joined).toContain('span 1 ("a"): range [0, 99) is not a non-empty range within the text (0..35 code points)');
    expect(joined).toContain('unknown label "PER"');
    expect(joined).toContain('expected a number');
    expect(joined).toContain('duplicate span id');
    expect(joined).toContain('no span "zz"');
    expect(joined).toContain('unknown relation type "likes"');
    expect(messages).toHaveLength(8);
  });
});

describe('curation decisions (parseLayerJson, checkLayer)', () => {
  const CURATION_FILE = 'annotations/digest/curation.json';

  async function curated(doc: GlossDocument): Promise<Layer> {
    const alice = await digestLayer(doc);
    return {
      ...alice,
      annotator: 'curation',
      relations: [],
      decisions: [
        {
          id: 'd1',
          itemKey: '68-129-00000000000001',
          action: 'accept',
          from: [{ annotator: 'alice', spanId: 'c', updatedAt: T1 }],
          chosen: { annotator: 'alice', spanId: 'c' },
          spanId: 'c',
          by: 'carol',
          at: T1,
        },
        { id: 'd2', itemKey: '72-83-00000000000002', action: 'reject', from: [{ annotator: 'bob', spanId: 'x', updatedAt: T1 }], by: 'carol', at: T1 },
      ],
    };
  }

  it('reads a curation layer with decisions back unchanged, and finds nothing wrong with it', async () => {
    const doc = await digestDocument();
    const layer = await curated(doc);
    const back = parseLayerJson(JSON.parse(serializeLayer(layer)), CURATION_FILE);
    expect(back).toEqual({ ok: true, value: layer });
    expect(checkLayer(layer, doc, DEFAULT_SCHEMA, CURATION_FILE)).toEqual([]);
  });

  it('rejects decisions of the wrong shape, naming the file', async () => {
    const layer = await curated(await digestDocument());
    const [accept, reject] = layer.decisions!;
    const bad = [
      { ...reject!, spanId: 'c' },
      { ...accept!, chosen: undefined },
      { ...accept!, action: 'approve' },
      { ...reject!, itemKey: null },
      { ...reject!, id: 'd1' },
    ];
    for (const decision of bad) {
      const r = parseLayerJson(JSON.parse(JSON.stringify({ ...layer, decisions: [accept, decision] })), CURATION_FILE);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/^annotations\/digest\/curation\.json: .*decisions/);
    }
  });

  it('reports decisions whose span is gone or claimed twice, and decisions outside the curation layer', async () => {
    const doc = await digestDocument();
    const layer = await curated(doc);
    const gone = { ...layer, spans: layer.spans.filter((s) => s.id !== 'c') };
    expect(kinds(checkLayer(gone, doc, DEFAULT_SCHEMA, CURATION_FILE))).toEqual(['dangling-decision']);
    const twice = { ...layer, decisions: [...layer.decisions!, { ...layer.decisions![0]!, id: 'd3' }] };
    expect(checkLayer(twice, doc, DEFAULT_SCHEMA, CURATION_FILE).map((p) => p.message)).toEqual([
      `${CURATION_FILE}: decisions "d1" and "d3" both claim span "c"`,
    ]);
    const notCuration = { ...layer, annotator: 'alice' };
    expect(kinds(checkLayer(notCuration, doc, DEFAULT_SCHEMA, LAYER_FILE))).toEqual(['invalid-file']);
  });
});
