import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportDoccano, parseDoccano } from '../../../src/core/formats/doccano';
import type { ParseResult } from '../../../src/core/formats/types';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { readSample, SAMPLE_FILES } from '../samples';
import { rebuild, sampleExport } from './fixtures';
import { FUZZ, golden, mutate, mutations, relationViews, wellFormed } from './helpers';

function ok(r: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!r.ok) throw new Error(`${r.error.file}:${r.error.line}: ${r.error.message}`);
  return r;
}

describe('exportDoccano', () => {
  it('writes {"text","label":[[start,end,label]]} per document without relations, offsets in code points', async () => {
    // alice's layers without their relations: the label form, fragments and all.
    const documents = (await sampleExport()).map((d) => ({ ...d, layers: [{ ...d.layers[0]!, relations: [] }] }));
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

/** A line in the entities/relations form. */
interface RelationLine {
  text: string;
  entities: { id: number; label: string; start_offset: number; end_offset: number }[];
  relations: { id: number; from_id: number; to_id: number; type: string }[];
}

const DIGEST_RELATIONS = [
  ['amount', 'Commitment:We pledge €25 million to the Aral Sea restoration programme by 2027 💧', 'Money:€25 million'],
  ['when', 'Commitment:We pledge €25 million to the Aral Sea restoration programme by 2027 💧', 'Date:𝟐𝟎𝟐𝟕'],
];

describe('exportDoccano with relations', () => {
  it('writes the entities/relations form for a document with relations, integer ids unique in the file', async () => {
    const documents = await sampleExport();
    const lines = exportDoccano([documents[2]!, documents[2]!]).trimEnd().split('\n');
    const [first, second] = lines.map((l) => JSON.parse(l) as RelationLine);
    expect(Object.keys(first!)).toEqual(['text', 'entities', 'relations']);
    expect(first!.entities.map((e) => Object.keys(e))).toEqual(first!.entities.map(() => ['id', 'label', 'start_offset', 'end_offset']));
    expect(first!.relations.map((r) => Object.keys(r))).toEqual([['id', 'from_id', 'to_id', 'type'], ['id', 'from_id', 'to_id', 'type']]);
    // The same document twice: the second line's ids carry on from the first's.
    expect(first!.entities.map((e) => e.id)).toEqual(first!.entities.map((_, i) => i + 1));
    expect(second!.entities[0]!.id).toBe(first!.entities.length + 1);
    expect([...first!.relations, ...second!.relations].map((r) => r.id)).toEqual([1, 2, 3, 4]);
    const index = new CodePointIndex(first!.text);
    const byId = new Map(first!.entities.map((e) => [e.id, e]));
    const view = (id: number): string => `${byId.get(id)!.label}:${index.slice(byId.get(id)!.start_offset, byId.get(id)!.end_offset)}`;
    expect(first!.relations.map((r) => [r.type, view(r.from_id), view(r.to_id)])).toEqual(DIGEST_RELATIONS);
    expect(first!.entities.find((e) => e.label === 'Date')).toMatchObject({ start_offset: 349, end_offset: 353 });
    // The discontinuous GreenFund … Oslo is two entities, as in the label form.
    expect(first!.entities.filter((e) => e.label === 'Organisation').map((e) => [e.start_offset, e.end_offset])).toEqual([
      [40, 50],
      [41, 50],
      [52, 56],
      [303, 326],
    ]);
  });

  it('points a relation at the first fragment of a discontinuous span', async () => {
    const digest = (await sampleExport())[2]!;
    const alice = { ...digest.layers[0]!, relations: [{ id: 'r', type: 'actor', from: 'alice-3', to: 'frag' }] };
    const out = exportDoccano([{ ...digest, layers: [alice] }]);
    const line = JSON.parse(out) as RelationLine;
    const to = line.entities.find((e) => e.id === line.relations[0]!.to_id)!;
    expect([to.label, to.start_offset, to.end_offset]).toEqual(['Organisation', 41, 50]);
    const parsed = ok(parseDoccano(out, 'frag.jsonl'));
    expect(relationViews(parsed.items[0]!)).toEqual([['actor', 'Commitment:We pledge €25 million to the Aral Sea restoration programme by 2027 💧', 'Organisation:GreenFund']]);
    expect(exportDoccano(await rebuild(parsed.items, 'imported:doccano'))).toBe(out);
  });

  it('matches the golden file for the samples (label form, and entities/relations for the digest)', async () => {
    const out = exportDoccano(await sampleExport());
    expect(out).toBe(golden('doccano/samples.jsonl', out));
    expect(out.split('\n').map((l) => (l === '' ? '' : Object.keys(JSON.parse(l) as object).join(',')))).toEqual([
      'text,label',
      'text,label',
      'text,entities,relations',
      '',
    ]);
  });
});

describe('parseDoccano', () => {
  it('round-trips spans and relations: export, parse, rebuild, export gives the same bytes', async () => {
    const documents = await sampleExport();
    const out = exportDoccano(documents);
    const parsed = ok(parseDoccano(out, 'rel.jsonl'));
    for (const item of parsed.items) expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
    expect(relationViews(parsed.items[2]!)).toEqual(DIGEST_RELATIONS);
    const rebuilt = await rebuild(parsed.items, 'imported:doccano');
    expect(rebuilt[2]!.layers[0]!.relations).toHaveLength(2);
    expect(exportDoccano(rebuilt)).toBe(out);
    const again = ok(parseDoccano(exportDoccano(rebuilt), 'rel.jsonl'));
    expect(again.items.map(relationViews)).toEqual(parsed.items.map(relationViews));
  });

  it('keeps relations on their entities when CRLF in the text is normalised', () => {
    const line = JSON.stringify({
      text: 'Head\r\n\r\nMaria Lopez 🌍 pledged',
      entities: [
        { id: 4, label: 'Person', start_offset: 8, end_offset: 19 },
        { id: 5, label: 'Commitment', start_offset: 22, end_offset: 29 },
      ],
      relations: [{ id: 1, from_id: 5, to_id: 4, type: 'actor' }],
    });
    const r = ok(parseDoccano(line, 'crlf.jsonl'));
    expect(r.items[0]!.text).toBe('Head\n\nMaria Lopez 🌍 pledged');
    expect(relationViews(r.items[0]!)).toEqual([['actor', 'Commitment:pledged', 'Person:Maria Lopez']]);
  });

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
    ['{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "Person"}, {"id": 1, "start_offset": 1, "end_offset": 2, "label": "Person"}]}', /entity 2 \(Person\): id 1 is used by an earlier entity/],
    ['{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "Person"}], "relations": [{"from_id": 1, "to_id": null, "type": "actor"}]}', /relation 1 \(actor\): "from_id" and "to_id" must be entity ids/],
    ['{"text": "abc", "entities": [{"start_offset": 0, "end_offset": 1, "label": "Person"}], "relations": [{"from_id": 1, "to_id": 1, "type": "actor"}]}', /relation 1 \(actor\): no entity with id 1/],
    ['{"text": "abc", "label": [[0, 1, "Person"]], "relations": [{"from_id": 0, "to_id": 0, "type": "actor"}]}', /no entity with id 0/],
    ['{"text": "abc", "entities": [], "relations": [{"from_id": 0, "to_id": 0}]}', /relation 1: expected \{from_id, to_id, type\}/],
    ['{"text": "abc", "entities": [], "relations": {}}', /"relations" must be a list/],
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

describe('parseDoccano fuzz', () => {
  it('never throws on random input, and an error names the file and a line within it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(wellFormed(parseDoccano(text, 'f.jsonl'), 'f.jsonl', text.split('\n').length)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('never throws on mutated valid files of both forms, and what it accepts fits the model', async () => {
    const documents = await sampleExport();
    // A label-form line and an entities/relations line (the digest: emoji, astral digits).
    const valid = exportDoccano([documents[1]!, documents[2]!]);
    fc.assert(
      fc.property(mutations(['"', ',', ':', '{', '}', '[', ']', '\n', '\r\n', '0', '9', '-1', 'null', '"from_id"', '"label"', '🌍', '\\u']), (edits) => {
        const text = mutate(valid, edits);
        const r = parseDoccano(text, 'm.jsonl');
        expect(wellFormed(r, 'm.jsonl', text.split('\n').length)).toBe(true);
        if (r.ok) {
          for (const item of r.items) {
            const messages = checkImportedItem(item, { labels: [], relations: [] }).filter((m) => !m.includes('unknown'));
            expect(messages).toEqual([]);
          }
        }
      }),
      FUZZ,
    );
  });
});
