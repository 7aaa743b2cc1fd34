import { describe, expect, it } from 'vitest';
import { exportJsonl, parseJsonl } from '../../../src/core/formats/jsonl';
import type { ParseResult } from '../../../src/core/formats/types';
import { plainTextToBlocks } from '../../../src/core/document';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { readSample, SAMPLE_FILES } from '../samples';
import { rebuild, sampleExport } from './fixtures';

function ok(r: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!r.ok) throw new Error(`${r.error.file}:${r.error.line}: ${r.error.message}`);
  return r;
}

describe('exportJsonl', () => {
  it('writes one line per document with the first layer and quotes', async () => {
    const documents = await sampleExport();
    const out = exportJsonl(documents);
    const lines = out.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    const first = JSON.parse(lines[0]!) as { text: string; spans: { start: number; end: number; label: string; text: string }[]; meta: unknown };
    expect(Object.keys(first)).toEqual(['text', 'spans', 'meta']);
    expect(first.meta).toEqual({ id: 'tajikistan-russia-industrial-cooperation', title: 'tajikistan-russia-industrial-cooperation' });
    expect(first.spans[0]).toEqual({ start: 64, end: 74, label: 'Location', text: 'Tajikistan' });
    expect(first.spans[1]).toEqual({ start: 75, end: 89, label: 'Person', text: 'Emomali Rahmon' });
    expect(Object.keys(first.spans[0]!)).toEqual(['start', 'end', 'label', 'text']);
    for (const [i, line] of lines.slice(0, 3).entries()) {
      expect((JSON.parse(line) as { text: string }).text).toBe(readSample(SAMPLE_FILES[i]!));
    }
  });

  it('writes a discontinuous span as one span per fragment and a document without layers with no spans', async () => {
    const documents = await sampleExport();
    const digest = JSON.parse(exportJsonl([documents[2]!])) as { spans: { start: number; end: number; label: string; text: string }[] };
    expect(digest.spans.filter((s) => s.label === 'Organisation').map((s) => s.text)).toEqual(['@GreenFund', 'GreenFund', 'Oslo', 'Nordic Development Bank']);
    const bare = JSON.parse(exportJsonl([{ document: documents[0]!.document, layers: [] }])) as { spans: unknown[] };
    expect(bare.spans).toEqual([]);
    expect(exportJsonl([])).toBe('');
  });
});

describe('parseJsonl', () => {
  it('round-trips the samples: export, parse, rebuild, export', async () => {
    const documents = (await sampleExport()).map((d) => ({ ...d, layers: [d.layers[1]!] }));
    const out = exportJsonl(documents);
    const parsed = ok(parseJsonl(out, 'spans.jsonl'));
    expect(parsed.items).toHaveLength(3);
    expect(parsed.items.map((i) => i.line)).toEqual([1, 2, 3]);
    expect(parsed.items.map((i) => i.text)).toEqual(SAMPLE_FILES.map(readSample));
    expect(parsed.items.map((i) => i.id)).toEqual(documents.map((d) => d.document.id));
    for (const item of parsed.items) expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
    const rebuilt = await rebuild(parsed.items, 'imported:jsonl');
    expect(exportJsonl(rebuilt)).toBe(out);
    expect(rebuilt[2]!.layers[0]!.spans.map((s) => s.quote)).toEqual(documents[2]!.layers[0]!.spans.map((s) => s.quote));
  });

  it('reads Prodigy/spaCy lines: blank lines, extra keys, meta, blocks', () => {
    const text = [
      '',
      '{"text": "Emomali Rahmon met Denis Manturov.\\n\\nTalks went well.", "spans": [{"start": 0, "end": 14, "label": "Person", "token_start": 0}], "meta": {"title": "Talks", "source": "wire", "language": "en"}, "_input_hash": 1}',
      '   ',
      '{"text": "No spans here"}',
      '',
    ].join('\n');
    const r = ok(parseJsonl(text, 'p.jsonl'));
    expect(r.items).toHaveLength(2);
    const [a, b] = r.items;
    expect(a!.line).toBe(2);
    expect(a!.title).toBe('Talks');
    expect(a!.meta).toEqual({ source: 'wire', language: 'en' });
    expect(a!.layers).toEqual([{ spans: [{ label: 'Person', start: 0, end: 14 }], relations: [], comments: [] }]);
    expect(a!.blocks).toEqual(plainTextToBlocks(a!.text));
    expect(b!.line).toBe(4);
    expect(b!.layers[0]!.spans).toEqual([]);
  });

  it('counts offsets in code points on the emoji sample', () => {
    const text = readSample('social-monitoring-digest.txt');
    const line = JSON.stringify({ text, spans: [{ start: 284, end: 295, label: 'Person', text: 'Maria Lopez' }, { start: 349, end: 353, label: 'Date' }] });
    const r = ok(parseJsonl(line + '\n', 'digest.jsonl'));
    const index = new CodePointIndex(r.items[0]!.text);
    expect(r.items[0]!.layers[0]!.spans.map((s) => index.slice(s.start, s.end))).toEqual(['Maria Lopez', '𝟐𝟎𝟐𝟕']);
  });

  it('rejects UTF-16 offsets when the span text says so, naming the line', () => {
    const text = readSample('social-monitoring-digest.txt');
    const good = JSON.stringify({ text: 'fine', spans: [] });
    const bad = JSON.stringify({ text, spans: [{ start: 287, end: 298, label: 'Person', text: 'Maria Lopez' }] });
    const r = parseJsonl(`${good}\n${bad}\n`, 'digest.jsonl');
    expect(r).toEqual({
      ok: false,
      error: {
        file: 'digest.jsonl',
        line: 2,
        message: expect.stringContaining('span 1 (Person): its text "Maria Lopez" does not match the document at [287, 298)') as string,
      },
    });
  });

  it.each([
    ['{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "Person"}]}', /span 1 \(Person\): range \[0, 9\) .*0\.\.3/],
    ['{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "Person"}]}', /range \[2, 1\)/],
    ['{"text": "abc", "spans": [{"start": "0", "end": 1, "label": "Person"}]}', /integers/],
    ['{"text": "abc", "spans": [{"start": 0, "end": 1}]}', /"label" must be a non-empty string/],
    ['{"text": "abc", "spans": {"start": 0}}', /"spans" must be a list/],
    ['{"spans": []}', /"text" must be a string/],
    ['["text"]', /expected a JSON object/],
    ['{"text": "abc", "meta": 5}', /"meta" must be an object/],
    ['{"text": "abc",', /not valid JSON/],
  ])('rejects a bad line: %s', (line, message) => {
    const r = parseJsonl(`{"text": "ok"}\n\n${line}\n{"text": "after"}\n`, 'in.jsonl');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.file).toBe('in.jsonl');
      expect(r.error.line).toBe(3);
      expect(r.error.message).toMatch(message);
    }
  });

  it('reads a CRLF file and keeps the JSON text as written', () => {
    const lines = [JSON.stringify({ text: 'Oslo 🌍 Bergen', spans: [{ start: 7, end: 13, label: 'Location' }] }), JSON.stringify({ text: 'two' })];
    const r = ok(parseJsonl('\ufeff' + lines.join('\r\n') + '\r\n', 'crlf.jsonl'));
    expect(r.items.map((i) => i.text)).toEqual(['Oslo 🌍 Bergen', 'two']);
    expect(r.items[0]!.layers[0]!.spans).toEqual([{ label: 'Location', start: 7, end: 13 }]);
    expect(r.notices).toEqual([]);
  });

  it('normalises CRLF inside a text and moves the offsets after it', () => {
    const text = 'Line one\r\nMaria Lopez\r\n🌍 Oslo';
    const line = JSON.stringify({ text, spans: [{ start: 10, end: 21, label: 'Person', text: 'Maria Lopez' }, { start: 25, end: 29, label: 'Location' }] });
    const r = ok(parseJsonl(line, 'x.jsonl'));
    const item = r.items[0]!;
    expect(item.text).toBe('Line one\nMaria Lopez\n🌍 Oslo');
    const index = new CodePointIndex(item.text);
    expect(item.layers[0]!.spans.map((s) => index.slice(s.start, s.end))).toEqual(['Maria Lopez', 'Oslo']);
    expect(r.notices).toEqual(['x.jsonl:1: line endings of the text normalised to \\n; offsets moved accordingly']);
  });

  it('skips rejected and ignored Prodigy answers with a notice', () => {
    const input = ['{"text": "a", "answer": "accept"}', '{"text": "b", "answer": "reject"}', '{"text": "c", "answer": "ignore"}'].join('\n');
    const r = ok(parseJsonl(input, 'p.jsonl'));
    expect(r.items.map((i) => i.text)).toEqual(['a']);
    expect(r.notices).toEqual(['p.jsonl:2: skipped (answer "reject")', 'p.jsonl:3: skipped (answer "ignore")']);
  });

  it('uses meta.id only when it is a valid document id', () => {
    const r = ok(parseJsonl('{"text": "a", "meta": {"id": "good-id"}}\n{"text": "b", "meta": {"id": "../bad"}}', 'x.jsonl'));
    expect(r.items.map((i) => i.id)).toEqual(['good-id', undefined]);
    expect(r.notices[0]).toContain('x.jsonl:2');
  });

  it('parses an empty file to no items', () => {
    expect(parseJsonl('', 'e.jsonl')).toEqual({ ok: true, items: [], notices: [] });
    expect(parseJsonl('\n\n', 'e.jsonl')).toEqual({ ok: true, items: [], notices: [] });
  });
});
