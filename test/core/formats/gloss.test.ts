import { describe, expect, it } from 'vitest';
import { exportGlossDataset, glossItemList, parseGlossDataset } from '../../../src/core/formats/gloss';
import { ItemListWriter } from '../../../src/core/formats/item-list';
import type { ParseResult } from '../../../src/core/formats/types';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { readSample, SAMPLE_FILES } from '../samples';
import { rebuild, sampleExport, T0 } from './fixtures';

const EXPORTED_AT = '2024-05-04T08:00:00.000Z';

function items(r: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!r.ok) throw new Error(`${r.error.file}: ${r.error.message}`);
  return r;
}

describe('exportGlossDataset', () => {
  it('writes the documented shape with stable key order and a trailing newline', async () => {
    const documents = await sampleExport();
    const out = exportGlossDataset({ schema: DEFAULT_SCHEMA, documents, exportedAt: EXPORTED_AT });
    expect(out.endsWith('}\n')).toBe(true);
    const data = JSON.parse(out) as Record<string, unknown> & { documents: Record<string, unknown>[] };
    expect(Object.keys(data)).toEqual(['format', 'version', 'offsetUnit', 'exportedAt', 'schema', 'documents']);
    expect(data.format).toBe('gloss.dataset');
    expect(data.offsetUnit).toBe('codepoint');
    expect(Object.keys(data.documents[0]!)).toEqual(['id', 'title', 'text', 'blocks', 'meta', 'layers']);
    const digest = data.documents[2] as { layers: { spans: Record<string, unknown>[] }[] };
    expect(Object.keys(digest.layers[0]!)).toEqual(['annotator', 'status', 'spans', 'relations', 'comments']);
    const frag = digest.layers[0]!.spans.find((s) => s.id === 'frag')!;
    expect(Object.keys(frag)).toEqual(['id', 'label', 'start', 'end', 'quote', 'attributes', 'note', 'fragments']);
  });

  it('keeps the texts identical to the sample files', async () => {
    const out = exportGlossDataset({ schema: DEFAULT_SCHEMA, documents: await sampleExport(), exportedAt: EXPORTED_AT });
    const data = JSON.parse(out) as { documents: { text: string }[] };
    expect(data.documents.map((d) => d.text)).toEqual(SAMPLE_FILES.map(readSample));
  });

  it('quotes the emoji sample by code points', async () => {
    const out = exportGlossDataset({ schema: DEFAULT_SCHEMA, documents: await sampleExport(), exportedAt: EXPORTED_AT });
    const data = JSON.parse(out) as { documents: { layers: { spans: { label: string; start: number; end: number; quote: string }[] }[] }[] };
    const spans = data.documents[2]!.layers[0]!.spans;
    expect(spans.find((s) => s.quote === 'Maria Lopez')).toMatchObject({ start: 284, end: 295 });
    expect(spans.find((s) => s.quote === '𝟐𝟎𝟐𝟕')).toMatchObject({ start: 349, end: 353, label: 'Date' });
  });
});

describe('glossItemList', () => {
  /** What one JSON.stringify of the whole dataset gives: the pieces must add up to it exactly. */
  function restringified(text: string): string {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  }

  it('writes in pieces exactly the pretty-printed dataset: layers apart, documents without layers, marks, none at all', async () => {
    const documents = await sampleExport();
    const marked = { ...documents[0]!.document, marks: [{ type: 'bold' as const, start: 0, end: 4 }] };
    const cases = [documents, [], [{ document: documents[1]!.document, layers: [] }], [{ document: marked, layers: documents[0]!.layers }, ...documents]];
    for (const docs of cases) {
      const writer = new ItemListWriter(glossItemList(DEFAULT_SCHEMA, EXPORTED_AT));
      const pieces = [writer.head(), ...docs.flatMap((d) => writer.pieces(d)), writer.tail()];
      const text = pieces.join('');
      expect(text).toBe(restringified(text));
      expect(text).toBe(exportGlossDataset({ schema: DEFAULT_SCHEMA, documents: docs, exportedAt: EXPORTED_AT }));
      expect((JSON.parse(text) as { documents: unknown[] }).documents).toHaveLength(docs.length);
    }
    // One piece for the document, one per layer, one to close: each small enough for the young generation.
    const list = glossItemList(DEFAULT_SCHEMA, EXPORTED_AT);
    expect(list.items(documents[2]!)).toEqual({ pieces: expect.any(Array), count: 1 });
    expect(list.items(documents[2]!).pieces).toHaveLength(2 + documents[2]!.layers.length);
  });
});

describe('parseGlossDataset', () => {
  it('round-trips losslessly: export, parse, rebuild, export gives the same file', async () => {
    const documents = await sampleExport();
    const first = exportGlossDataset({ schema: DEFAULT_SCHEMA, documents, exportedAt: EXPORTED_AT });
    const parsed = items(parseGlossDataset(first, 'dataset.json'));
    expect(parsed.notices).toEqual([]);
    expect(parsed.schema).toEqual(DEFAULT_SCHEMA);
    for (const item of parsed.items) expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
    const again = exportGlossDataset({ schema: DEFAULT_SCHEMA, documents: await rebuild(parsed.items, 'imported:gloss'), exportedAt: EXPORTED_AT });
    expect(again).toBe(first);
  });

  it('keeps annotators, statuses, ids, attributes, notes, fragments, relations and comments', async () => {
    const documents = await sampleExport();
    const parsed = items(parseGlossDataset(exportGlossDataset({ schema: DEFAULT_SCHEMA, documents, exportedAt: EXPORTED_AT }), 'd.json'));
    const digest = parsed.items[2]!;
    expect(digest.id).toBe('social-monitoring-digest');
    expect(digest.title).toBe('social-monitoring-digest');
    expect(digest.meta).toEqual({ source: 'social-monitoring-digest.txt', format: 'txt' });
    expect(digest.layers.map((l) => [l.annotator, l.status])).toEqual([
      ['alice', 'done'],
      ['bob', 'in-progress'],
    ]);
    const alice = digest.layers[0]!;
    expect(alice.spans.find((s) => s.id === 'frag')).toEqual({
      id: 'frag',
      label: 'Organisation',
      start: 41,
      end: 56,
      attributes: {},
      note: 'fund + city',
      fragments: [{ start: 41, end: 50 }, { start: 52, end: 56 }],
    });
    expect(alice.spans.find((s) => s.id === 'alice-4')!.attributes).toEqual({ currency: 'EUR', value: 25000000 });
    expect(alice.relations).toEqual([
      { id: 'rel-1', type: 'amount', from: 'alice-3', to: 'alice-4' },
      { id: 'rel-2', type: 'when', from: 'alice-3', to: 'alice-8' },
    ]);
    expect(alice.comments).toHaveLength(2);
    expect(alice.comments[1]).toEqual({ id: 'com-2', target: null, author: 'alice', text: 'Digest checked 🌍', createdAt: '2024-05-03T10:05:00.000Z', resolved: true });
  });

  it('rejects a quote that does not match the text (e.g. UTF-16 offsets), naming document, layer and span', () => {
    const text = 'Post 🌍 by Maria Lopez';
    const dataset = {
      format: 'gloss.dataset',
      version: 1,
      offsetUnit: 'codepoint',
      exportedAt: T0,
      documents: [{ id: 'd1', text, layers: [{ annotator: 'alice', spans: [{ id: 's1', label: 'Person', start: 11, end: 22, quote: 'Maria Lopez' }] }] }],
    };
    const r = parseGlossDataset(JSON.stringify(dataset), 'in.json');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.file).toBe('in.json');
      expect(r.error.message).toContain('document "d1", layer "alice", span "s1"');
      expect(r.error.message).toContain('code points');
    }
    const fixed = { ...dataset, documents: [{ ...dataset.documents[0]!, layers: [{ annotator: 'alice', spans: [{ id: 's1', label: 'Person', start: 10, end: 21, quote: 'Maria Lopez' }] }] }] };
    expect(parseGlossDataset(JSON.stringify(fixed), 'in.json').ok).toBe(true);
  });

  it('rejects invalid JSON, another format, another offset unit and spans outside the text', () => {
    const bad = parseGlossDataset('{"format": ', 'x.json');
    expect(!bad.ok && bad.error.message).toMatch(/^not valid JSON/);
    expect(parseGlossDataset(JSON.stringify({ format: 'gloss.layer', version: 1, offsetUnit: 'codepoint', documents: [] }), 'x.json').ok).toBe(false);
    const utf16 = parseGlossDataset(JSON.stringify({ format: 'gloss.dataset', version: 1, offsetUnit: 'utf16', documents: [] }), 'x.json');
    expect(!utf16.ok && utf16.error.message).toContain('offsetUnit');
    const outside = {
      format: 'gloss.dataset',
      version: 1,
      offsetUnit: 'codepoint',
      documents: [{ text: 'abc', layers: [{ spans: [{ label: 'Person', start: 1, end: 9 }] }] }],
    };
    const r = parseGlossDataset(JSON.stringify(outside), 'x.json');
    expect(!r.ok && r.error.message).toContain('document 1, layer 1, span 1: range [1, 9)');
  });

  it('normalises a CRLF text and moves its spans, blocks and quotes with it', () => {
    const text = 'Title\r\n\r\nMaria Lopez 🌍 met\r\nDenis Manturov';
    const dataset = {
      format: 'gloss.dataset',
      version: 1,
      offsetUnit: 'codepoint',
      documents: [
        {
          id: 'crlf',
          text,
          blocks: [{ type: 'paragraph', start: 0, end: 5 }, { type: 'paragraph', start: 9, end: 42 }],
          layers: [{ annotator: 'alice', spans: [{ label: 'Person', start: 9, end: 20, quote: 'Maria Lopez' }, { label: 'Person', start: 28, end: 42, quote: 'Denis Manturov' }] }],
        },
      ],
    };
    const r = items(parseGlossDataset('\ufeff' + JSON.stringify(dataset), 'crlf.json'));
    const item = r.items[0]!;
    expect(item.text).toBe('Title\n\nMaria Lopez 🌍 met\nDenis Manturov');
    expect(item.blocks).toEqual([{ type: 'paragraph', start: 0, end: 5 }, { type: 'paragraph', start: 7, end: 39 }]);
    expect(item.layers[0]!.spans.map((s) => [s.start, s.end])).toEqual([[7, 18], [25, 39]]);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toContain('crlf.json');
    expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
  });

  it('rejects an invalid schema in the dataset', () => {
    const r = parseGlossDataset(JSON.stringify({ format: 'gloss.dataset', version: 1, offsetUnit: 'codepoint', schema: { labels: 3 }, documents: [] }), 'x.json');
    expect(!r.ok && r.error.message).toContain('invalid schema');
  });
});
