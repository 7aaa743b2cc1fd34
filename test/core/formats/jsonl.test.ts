import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportJsonl, parseJsonl } from '../../../src/core/formats/jsonl';
import type { ParseResult } from '../../../src/core/formats/types';
import { plainTextToBlocks } from '../../../src/core/document';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { readSample, SAMPLE_FILES } from '../samples';
import { find, rebuild, sampleExport } from './fixtures';
import { FUZZ, golden, mutate, mutations, relationViews, wellFormed } from './helpers';

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
    // No relations: no tokens either, and the spans keep exactly the four keys readers expect.
    expect(Object.keys(first)).toEqual(['text', 'spans', 'relations', 'meta']);
    expect((first as unknown as { relations: unknown[] }).relations).toEqual([]);
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

/** A line with relations as the exporter writes it. */
interface RelationLine {
  text: string;
  tokens: { text: string; start: number; end: number; id: number; ws: boolean }[];
  spans: { start: number; end: number; label: string; text: string; token_start: number; token_end: number }[];
  relations: {
    head: number;
    child: number;
    head_span: { start: number; end: number; token_start: number; token_end: number; label: string };
    child_span: { start: number; end: number; token_start: number; token_end: number; label: string };
    label: string;
  }[];
  meta: { id: string; title: string };
}

const DIGEST_RELATIONS = [
  ['amount', 'Commitment:We pledge €25 million to the Aral Sea restoration programme by 2027 💧', 'Money:€25 million'],
  ['when', 'Commitment:We pledge €25 million to the Aral Sea restoration programme by 2027 💧', 'Date:𝟐𝟎𝟐𝟕'],
];

describe('jsonl relations', () => {
  it('exports relations in Prodigy\'s form, with tokens that every span starts and ends on', async () => {
    const documents = await sampleExport();
    const line = JSON.parse(exportJsonl([documents[2]!])) as RelationLine;
    expect(Object.keys(line)).toEqual(['text', 'tokens', 'spans', 'relations', 'meta']);
    const index = new CodePointIndex(line.text);
    // spaCy rebuilds the text from words and spaces; each token is at its code-point offsets.
    expect(line.tokens.map((t) => t.text + (t.ws ? ' ' : '')).join('')).toBe(line.text);
    line.tokens.forEach((t, i) => {
      expect(t.id).toBe(i);
      expect(index.slice(t.start, t.end)).toBe(t.text);
    });
    for (const span of line.spans) {
      expect(Object.keys(span)).toEqual(['start', 'end', 'token_start', 'token_end', 'label', 'text']);
      expect(line.tokens[span.token_start]!.start).toBe(span.start);
      expect(line.tokens[span.token_end]!.end).toBe(span.end);
    }
    const commitment = find(line.text, 'We pledge €25 million to the Aral Sea restoration programme by 2027 💧');
    const date = find(line.text, '𝟐𝟎𝟐𝟕');
    const money = find(line.text, '€25 million');
    const tokenOf = (r: { start: number; end: number }): { token_start: number; token_end: number } => ({
      token_start: line.tokens.findIndex((t) => t.start === r.start),
      token_end: line.tokens.findIndex((t) => t.end === r.end),
    });
    expect(date).toEqual({ start: 349, end: 353 }); // code points: the astral digits count one each
    expect(line.relations).toEqual([
      {
        head: tokenOf(commitment).token_end,
        child: tokenOf(money).token_end,
        head_span: { ...commitment, ...tokenOf(commitment), label: 'Commitment' },
        child_span: { ...money, ...tokenOf(money), label: 'Money' },
        label: 'amount',
      },
      {
        head: tokenOf(commitment).token_end,
        child: tokenOf(date).token_end,
        head_span: { ...commitment, ...tokenOf(commitment), label: 'Commitment' },
        child_span: { ...date, ...tokenOf(date), label: 'Date' },
        label: 'when',
      },
    ]);
    // "€25 million" inside the Commitment: the tokens are cut at its edges.
    expect(line.tokens.slice(tokenOf(money).token_start, tokenOf(money).token_end + 1).map((t) => t.text)).toEqual(['€25', 'million']);
  });

  it('keeps a single space inside a span as a token when the span starts or ends on it', async () => {
    const text = 'Oslo  and Bergen fund';
    const doc = (await sampleExport())[2]!;
    const layer = { ...doc.layers[0]!, spans: [], relations: [] };
    const spans = [
      { id: 'a', label: 'Location', start: 0, end: 4 },
      { id: 'b', label: 'Commitment', start: 4, end: 10 }, // "  and " starts and ends on spaces
      { id: 'c', label: 'Location', start: 10, end: 16 },
    ].map((s) => ({ ...s, quote: [...text].slice(s.start, s.end).join(''), attributes: {}, origin: 'manual', createdAt: '', updatedAt: '' }));
    const line = JSON.parse(
      exportJsonl([{ document: { ...doc.document, text }, layers: [{ ...layer, spans, relations: [{ id: 'r', type: 'actor', from: 'b', to: 'c' }] }] }]),
    ) as RelationLine;
    // The spaces after "Oslo" and "and" are not their ws: a span starts on one and ends after the other.
    expect(line.tokens.map((t) => [t.text, t.ws])).toEqual([
      ['Oslo', false],
      ['  ', false],
      ['and', false],
      [' ', false],
      ['Bergen', true],
      ['fund', false],
    ]);
    expect(line.tokens.map((t) => t.text + (t.ws ? ' ' : '')).join('')).toBe(text);
    expect(line.spans.map((s) => [s.token_start, s.token_end])).toEqual([[0, 0], [1, 3], [4, 4]]);
    expect(line.relations[0]).toMatchObject({ head: 3, child: 4, label: 'actor' });
  });

  it('matches the golden file for the samples (alice: relations, fragments, emoji)', async () => {
    const out = exportJsonl(await sampleExport());
    expect(out).toBe(golden('jsonl/samples.jsonl', out));
  });

  it('round-trips spans and relations: export, parse, rebuild, export gives the same bytes', async () => {
    const documents = await sampleExport();
    const out = exportJsonl(documents);
    const parsed = ok(parseJsonl(out, 'rel.jsonl'));
    for (const item of parsed.items) expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
    expect(relationViews(parsed.items[2]!)).toEqual(DIGEST_RELATIONS);
    expect(parsed.items[0]!.layers[0]!.relations).toEqual([]);
    const rebuilt = await rebuild(parsed.items, 'imported:jsonl');
    expect(rebuilt[2]!.layers[0]!.relations).toHaveLength(2);
    expect(exportJsonl(rebuilt)).toBe(out);
    const again = ok(parseJsonl(exportJsonl(rebuilt), 'rel.jsonl'));
    expect(again.items.map(relationViews)).toEqual(parsed.items.map(relationViews));
  });

  it('points a relation at the first fragment of a discontinuous span, and that is stable', async () => {
    const documents = await sampleExport();
    const digest = documents[2]!;
    const alice = { ...digest.layers[0]!, relations: [{ id: 'r', type: 'actor', from: 'alice-3', to: 'frag' }] };
    const out = exportJsonl([{ ...digest, layers: [alice] }]);
    const line = JSON.parse(out) as RelationLine;
    expect(line.relations.map((r) => [r.label, r.child_span.label, line.text.length > 0 && new CodePointIndex(line.text).slice(r.child_span.start, r.child_span.end)])).toEqual([
      ['actor', 'Organisation', 'GreenFund'],
    ]);
    const parsed = ok(parseJsonl(out, 'frag.jsonl'));
    expect(relationViews(parsed.items[0]!)).toEqual([['actor', 'Commitment:We pledge €25 million to the Aral Sea restoration programme by 2027 💧', 'Organisation:GreenFund']]);
    expect(exportJsonl(await rebuild(parsed.items, 'imported:jsonl'))).toBe(out);
  });

  it('reads a Prodigy rel.manual line: tokens, head/child, head_span/child_span, extra keys; ids for the spans relations use', () => {
    const text = 'Maria Lopez pledged 𝟓𝟎𝟎 francs.';
    const line = {
      text,
      _input_hash: 7,
      tokens: [],
      spans: [
        { start: 0, end: 11, token_start: 0, token_end: 1, label: 'Person', text: 'Maria Lopez' },
        { id: 'span-1', start: 12, end: 30, token_start: 2, token_end: 4, label: 'Commitment' },
        { start: 20, end: 30, token_start: 3, token_end: 4, label: 'Money' },
      ],
      relations: [
        {
          head: 4,
          child: 1,
          head_span: { start: 12, end: 30, token_start: 2, token_end: 4, label: 'Commitment' },
          child_span: { start: 0, end: 11, token_start: 0, token_end: 1, label: 'Person' },
          color: '#c5bdf4',
          label: 'actor',
        },
        { head: 4, child: 4, head_span: { start: 12, end: 30, label: 'Commitment' }, child_span: { start: 20, end: 30, label: null }, label: 'amount' },
      ],
      answer: 'accept',
    };
    const r = ok(parseJsonl(JSON.stringify(line), 'rel.jsonl'));
    const layer = r.items[0]!.layers[0]!;
    // Span 1 has no id: "span-1" is taken by span 2, so it gets the next free one.
    expect(layer.spans.map((s) => s.id)).toEqual(['span-1-2', 'span-1', 'span-3']);
    expect(layer.relations).toEqual([
      { type: 'actor', from: 'span-1', to: 'span-1-2' },
      { type: 'amount', from: 'span-1', to: 'span-3' },
    ]);
    expect(relationViews(r.items[0]!)).toEqual([
      ['actor', 'Commitment:pledged 𝟓𝟎𝟎 francs', 'Person:Maria Lopez'],
      ['amount', 'Commitment:pledged 𝟓𝟎𝟎 francs', 'Money:𝟓𝟎𝟎 francs'],
    ]);
    expect(checkImportedItem(r.items[0]!, DEFAULT_SCHEMA)).toEqual([]);
  });

  it('resolves relations by token index (the spans\' token_end) when head_span/child_span are absent', () => {
    const line = {
      text: 'Alice pledged money',
      spans: [
        { start: 0, end: 5, token_start: 0, token_end: 0, label: 'Person' },
        { start: 6, end: 19, token_start: 1, token_end: 2, label: 'Commitment' },
      ],
      relations: [{ head: 2, child: 0, label: 'actor' }],
    };
    const r = ok(parseJsonl(JSON.stringify(line), 't.jsonl'));
    expect(relationViews(r.items[0]!)).toEqual([['actor', 'Commitment:pledged money', 'Person:Alice']]);
  });

  it('keeps relations on their spans when CRLF in the text is normalised', () => {
    const text = 'Head\r\n\r\nMaria Lopez 🌍 pledged';
    const line = {
      text,
      spans: [
        { start: 8, end: 19, label: 'Person' },
        { start: 22, end: 29, label: 'Commitment' },
      ],
      relations: [{ head: 0, child: 0, head_span: { start: 22, end: 29, label: 'Commitment' }, child_span: { start: 8, end: 19, label: 'Person' }, label: 'actor' }],
    };
    const r = ok(parseJsonl(JSON.stringify(line), 'crlf.jsonl'));
    expect(r.items[0]!.text).toBe('Head\n\nMaria Lopez 🌍 pledged');
    expect(relationViews(r.items[0]!)).toEqual([['actor', 'Commitment:pledged', 'Person:Maria Lopez']]);
  });

  const SPANS = '"spans": [{"start": 0, "end": 5, "label": "Person", "token_end": 0}, {"start": 6, "end": 9, "label": "Commitment", "token_end": 1}, {"start": 6, "end": 9, "label": "Money", "token_end": 1}]';
  it.each([
    [`{"text": "Alice met", ${SPANS}, "relations": {"head": 0}}`, /"relations" must be a list/],
    [`{"text": "Alice met", ${SPANS}, "relations": [5]}`, /relation 1: expected an object/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": {"start": 6, "end": 9}, "child_span": {"start": 0, "end": 5}}]}`, /relation 1: "label" must be a non-empty string/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": {"start": 6, "end": 9, "label": "Commitment"}, "child_span": {"start": 0, "end": 4}, "label": "actor"}]}`, /relation 1 \(actor\): child_span \[0, 4\) is not one of the line's spans/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": {"start": 6, "end": 9, "label": "Date"}, "child_span": {"start": 0, "end": 5}, "label": "when"}]}`, /head_span \[6, 9\) Date is not one of the line's spans/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": {"start": 6, "end": 9}, "child_span": {"start": 0, "end": 5}, "label": "actor"}]}`, /head_span \[6, 9\) matches spans of several labels; give its "label"/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": "6-9", "child_span": {"start": 0, "end": 5}, "label": "actor"}]}`, /"head_span" must be an object/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": {"start": "6", "end": 9}, "child_span": {"start": 0, "end": 5}, "label": "actor"}]}`, /"head_span" needs integer "start" and "end"/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": {"start": 6, "end": 9, "label": 3}, "child_span": {"start": 0, "end": 5}, "label": "actor"}]}`, /"head_span".label must be a string/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head": 1, "child": 0, "label": "actor"}]}`, /"head" is token 1, which ends 2 spans/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head": 7, "child": 0, "label": "actor"}]}`, /"head" is token 7, which ends none of the line's spans/],
    [`{"text": "Alice met", ${SPANS}, "relations": [{"head_span": {"start": 0, "end": 5}, "label": "actor"}]}`, /relation 1 \(actor\): needs "child_span"/],
  ])('rejects an unresolvable relation, naming the file and line: %s', (line, message) => {
    const r = parseJsonl(`{"text": "ok"}\n${line}\n`, 'rel.jsonl');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ file: 'rel.jsonl', line: 2 });
      expect(r.error.message).toMatch(message);
    }
  });
});

describe('parseJsonl fuzz', () => {
  it('never throws on random input, and an error names the file and a line within it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(wellFormed(parseJsonl(text, 'f.jsonl'), 'f.jsonl', text.split('\n').length)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('never throws on mutated valid files with relations, and what it accepts fits the model', async () => {
    const documents = await sampleExport();
    // The digest line only, shortened: relations, tokens, emoji, astral digits.
    const valid = exportJsonl([documents[2]!]);
    fc.assert(
      fc.property(mutations(['"', ',', ':', '{', '}', '[', ']', '\n', '\r\n', '0', '9', '-1', 'null', '"head_span"', '"label"', '🌍', '\\u']), (edits) => {
        const text = mutate(valid, edits);
        const r = parseJsonl(text, 'm.jsonl');
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
