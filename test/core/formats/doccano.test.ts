import { describe, expect, it } from 'vitest';
import { exportDoccano, parseDoccano } from '../../../src/core/formats/doccano';
import type { ParseResult } from '../../../src/core/formats/types';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { readSample, SAMPLE_FILES } from '../samples';
import { rebuild, sampleExport } from './fixtures';

function ok(r: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!r.ok) throw new Error(`${r.error.file}:${r.error.line}: ${r.error.message}`);
  return r;
}

describe('exportDoccano', () => {
  it('writes {"text","label":[[start,end,label]]} per document, offsets in code points', async () => {
    const documents = await sampleExport();
    const out = exportDoccano(documents);
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { text: string; label: [number, number, string][] });
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0]!)).toEqual(['text', 'label']);
    expect(lines[0]!.label.slice(0, 2)).toEqual([[64, 74, 'Location'], [75, 89, 'Person']]);
    expect(lines.map((l) => l.text)).toEqual(SAMPLE_FILES.map(readSample));
    expect(lines[2]!.label).toContainEqual([349, 353, 'Date']);
    expect(lines[2]!.label).toContainEqual([284, 295, 'Person']);
    // The discontinuous span GreenFund … Oslo becomes two entries.
    expect(lines[2]!.label.filter(([, , l]) => l === 'Organisation')).toEqual([
      [40, 50, 'Organisation'],
      [41, 50, 'Organisation'],
      [52, 56, 'Organisation'],
      [303, 326, 'Organisation'],
    ]);
  });
});

describe('parseDoccano', () => {
  it('round-trips the samples: export, parse, rebuild, export', async () => {
    const documents = (await sampleExport()).map((d) => ({ ...d, layers: [d.layers[1]!] }));
    const out = exportDoccano(documents);
    const parsed = ok(parseDoccano(out, 'admin.jsonl'));
    expect(parsed.items.map((i) => i.text)).toEqual(SAMPLE_FILES.map(readSample));
    for (const item of parsed.items) expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
    const rebuilt = await rebuild(parsed.items, 'imported:doccano');
    expect(exportDoccano(rebuilt)).toBe(out);
    const quotes = rebuilt[2]!.layers[0]!.spans.map((s) => s.quote);
    expect(quotes).toContain('𝟐𝟎𝟐𝟕');
    expect(quotes).toContain('Maria Lopez');
  });

  it('reads the entities/relations form with ids', () => {
    const text = 'We pledge €25 million by 𝟐𝟎𝟐𝟕.';
    const line = JSON.stringify({
      id: 17,
      text,
      entities: [
        { id: 1, start_offset: 3, end_offset: 29, label: 'Commitment' },
        { id: 2, start_offset: 10, end_offset: 21, label: 'Money' },
        { id: 3, start_offset: 25, end_offset: 29, label: 'Date' },
      ],
      relations: [{ id: 9, from_id: 1, to_id: 2, type: 'amount' }, { id: 10, from_id: 1, to_id: 3, type: 'when' }],
      Comments: [],
    });
    const r = ok(parseDoccano(line, 'rel.jsonl'));
    const layer = r.items[0]!.layers[0]!;
    const index = new CodePointIndex(text);
    expect(layer.spans.map((s) => [s.id, s.label, index.slice(s.start, s.end)])).toEqual([
      ['1', 'Commitment', 'pledge €25 million by 𝟐𝟎𝟐𝟕'],
      ['2', 'Money', '€25 million'],
      ['3', 'Date', '𝟐𝟎𝟐𝟕'],
    ]);
    expect(layer.relations).toEqual([
      { id: '9', type: 'amount', from: '1', to: '2' },
      { id: '10', type: 'when', from: '1', to: '3' },
    ]);
    expect(checkImportedItem(r.items[0]!, DEFAULT_SCHEMA)).toEqual([]);
  });

  it('accepts the older "labels" key and lines without annotations', () => {
    const r = ok(parseDoccano('{"text": "Oslo", "labels": [[0, 4, "Location"]]}\n{"text": "plain"}\n', 'old.jsonl'));
    expect(r.items[0]!.layers[0]!.spans).toEqual([{ label: 'Location', start: 0, end: 4 }]);
    expect(r.items[1]!.layers[0]!.spans).toEqual([]);
    expect(r.notices).toEqual(['old.jsonl:2: no "label" or "entities": imported as a document without spans']);
  });

  it.each([
    ['{"text": "abc", "label": [[0, 4, "Person"]]}', /label 1 \(Person\): range \[0, 4\)/],
    ['{"text": "abc", "label": ["positive"]}', /expected \[start, end, "Label"\]/],
    ['{"text": "abc", "label": [[0, 1]]}', /expected \[start, end, "Label"\]/],
    ['{"text": "abc", "label": 3}', /must be a list/],
    ['{"text": "abc", "entities": [{"start_offset": 0, "end_offset": 1}]}', /entity 1: "label"/],
    ['{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "Person"}], "relations": [{"from_id": 1, "to_id": 2, "type": "actor"}]}', /relation 1 \(actor\): no entity with id 2/],
    ['{"label": []}', /"text" must be a string/],
    ['not json', /not valid JSON/],
  ])('rejects a bad line: %s', (line, message) => {
    const r = parseDoccano(`{"text": "fine", "label": []}\n${line}\n`, 'bad.jsonl');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ file: 'bad.jsonl', line: 2 });
      expect(r.error.message).toMatch(message);
    }
  });

  it('reads CRLF lines and normalises CRLF inside texts, moving offsets', () => {
    const a = JSON.stringify({ text: 'Head\r\n\r\nMaria Lopez 🌍', label: [[8, 19, 'Person']] });
    const b = JSON.stringify({ text: 'Oslo', label: [[0, 4, 'Location']] });
    const r = ok(parseDoccano(`${a}\r\n${b}\r\n`, 'crlf.jsonl'));
    expect(r.items[0]!.text).toBe('Head\n\nMaria Lopez 🌍');
    expect(r.items[0]!.layers[0]!.spans).toEqual([{ label: 'Person', start: 6, end: 17 }]);
    expect(r.items[0]!.blocks).toEqual([
      { type: 'paragraph', start: 0, end: 4 },
      { type: 'paragraph', start: 6, end: 19 },
    ]);
    expect(r.items[1]!.layers[0]!.spans).toEqual([{ label: 'Location', start: 0, end: 4 }]);
    expect(r.notices).toHaveLength(1);
  });
});
