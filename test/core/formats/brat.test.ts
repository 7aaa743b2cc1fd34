import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportBrat, parseBrat } from '../../../src/core/formats/brat';
import type { BratInput } from '../../../src/core/formats/brat';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { readSample, SAMPLE_FILES, SAMPLES_DIR } from '../samples';
import { rebuild, sampleExport } from './fixtures';
import { FUZZ, golden, makeExport, mutate, mutations, ok, relationViews, spanViews, wellFormed } from './helpers';

const INTRO: BratInput = {
  ann: readFileSync(`${SAMPLES_DIR}/brat/000-introduction.ann`, 'utf8'),
  txt: readFileSync(`${SAMPLES_DIR}/brat/000-introduction.txt`, 'utf8'),
  annFile: '000-introduction.ann',
  txtFile: '000-introduction.txt',
};

/** A brat pair of a small text, with the .ann lines given. */
function pair(txt: string, ...lines: string[]): BratInput {
  return { txt, ann: lines.map((l) => l + '\n').join(''), annFile: 'doc.ann', txtFile: 'doc.txt' };
}

function errorOf(input: BratInput): { file: string; line?: number; message: string } {
  const r = parseBrat(input);
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

describe('parseBrat on the brat tutorial pair', () => {
  it('reads the text-bound spans, the event, relations, attributes, the normalization and the note', () => {
    const r = ok(parseBrat(INTRO));
    expect(r.items).toHaveLength(1);
    const item = r.items[0]!;
    expect(item.text).toBe(INTRO.txt);
    expect(item.id).toBe('000-introduction');
    expect(item.title).toBe('000-introduction');
    expect(spanViews(item.text, item.layers[0]!.spans)).toEqual([
      { label: 'Organization', start: 418, end: 426, quote: 'Citibank', attributes: {} },
      { label: 'Transfer-money', start: 443, end: 449, quote: 'moving', attributes: { Confidence: 'High' } },
      { label: 'Money', start: 456, end: 468, quote: '$100 million', attributes: {}, note: '100000000 USD' },
      { label: 'Person', start: 473, end: 496, quote: 'Raul Salinas de Gortari', attributes: { Mention: 'Name', Individual: true } },
      {
        label: 'Person',
        start: 511,
        end: 535,
        quote: 'former Mexican president',
        attributes: { Mention: 'Nominal', Individual: true, normalized: 'Carlos Salinas de Gortari' },
      },
      { label: 'Organization', start: 540, end: 545, quote: 'banks', attributes: {} },
      { label: 'GPE', start: 549, end: 560, quote: 'Switzerland', attributes: {} },
    ]);
    expect(item.layers[0]!.spans.map((s) => s.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7']);
    expect(relationViews(item)).toEqual([
      ['Beneficiary-Arg', 'Transfer-money:moving', 'Person:Raul Salinas de Gortari'],
      ['Family', 'Person:Raul Salinas de Gortari', 'Person:former Mexican president'],
      ['Giver-Arg', 'Transfer-money:moving', 'Organization:Citibank'],
      ['Money-Arg', 'Transfer-money:moving', 'Money:$100 million'],
      ['Origin', 'Organization:banks', 'GPE:Switzerland'],
      ['Recipient-Arg', 'Transfer-money:moving', 'Organization:banks'],
    ]);
    expect(item.layers[0]!.relations.filter((rel) => rel.id !== undefined).map((rel) => rel.id)).toEqual(['R2', 'R1']);
    expect(r.notices).toEqual([
      '000-introduction.ann:4: event E1 (Transfer-money) imported as its trigger span T3 and 4 relation(s) named by role: Giver-Arg, Money-Arg, Beneficiary-Arg, Recipient-Arg',
      '000-introduction.ann:16: attribute A5 (Confidence) of event E1 set on its trigger span T3',
      '000-introduction.ann:17: normalization N1 of T5 kept as normalized "Carlos Salinas de Gortari" (its reference Wikipedia:64488 is not kept)',
    ]);
  });

  it('round-trips: import, export, import gives the same spans, attributes, notes and relations', async () => {
    const first = ok(parseBrat(INTRO));
    const [exported] = exportBrat(await rebuild(first.items, 'imported:brat'));
    expect(exported!.id).toBe('000-introduction');
    expect(exported!.txt).toBe(INTRO.txt);
    expect(exported!.notices).toEqual([]);
    expect(exported!.ann).toBe(golden('brat/000-introduction.ann', exported!.ann));
    const second = ok(parseBrat({ ...INTRO, ann: exported!.ann }));
    const a = first.items[0]!;
    const b = second.items[0]!;
    expect(b.text).toBe(a.text);
    expect(spanViews(b.text, b.layers[0]!.spans)).toEqual(spanViews(a.text, a.layers[0]!.spans));
    expect(relationViews(b)).toEqual(relationViews(a));
    // The Gloss reference in the N line is not reported as a lost reference.
    expect(second.notices.filter((n) => n.includes('normalization'))).toEqual([]);
    // A second export of the re-imported pair is byte-identical: the format is stable.
    expect(exportBrat(await rebuild(second.items, 'imported:brat'))[0]!.ann).toBe(exported!.ann);
  });
});

describe('exportBrat', () => {
  it('writes the samples as golden .ann files with the texts unchanged', async () => {
    const files = exportBrat(await sampleExport());
    expect(files.map((f) => f.id)).toEqual(['tajikistan-russia-industrial-cooperation', 'ru-ministry-briefing', 'social-monitoring-digest']);
    for (const [i, f] of files.entries()) {
      expect(f.txt).toBe(readSample(SAMPLE_FILES[i]!));
      expect(f.ann).toBe(golden(`brat/${f.id}.ann`, f.ann));
      expect(f.notices).toEqual([]);
    }
    const digest = files[2]!.ann.split('\n');
    expect(digest).toContain('T2\tOrganisation 41 50;52 56\tGreenFund Oslo');
    expect(digest).toContain('T9\tDate 349 353\t𝟐𝟎𝟐𝟕');
    expect(digest).toContain('R1\tamount Arg1:T4 Arg2:T5\t');
    expect(digest).toContain('A4\tvalue T5 25000000');
    expect(digest).toContain('#2\tAnnotatorNotes T5\tpledged, not paid');
  });

  it('round-trips the samples (emoji, astral digits, Russian) with typed attributes', async () => {
    const documents = await sampleExport();
    for (const [i, f] of exportBrat(documents).entries()) {
      const r = ok(parseBrat({ ann: f.ann, txt: f.txt, annFile: `${f.id}.ann`, txtFile: `${f.id}.txt` }, { schema: DEFAULT_SCHEMA }));
      const item = r.items[0]!;
      const layer = documents[i]!.layers[0]!;
      expect(item.text).toBe(documents[i]!.document.text);
      expect(item.id).toBe(f.id);
      expect(spanViews(item.text, item.layers[0]!.spans)).toEqual(spanViews(item.text, layer.spans));
      expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
      const byId = new Map(layer.spans.map((s) => [s.id, s]));
      const index = new CodePointIndex(item.text);
      const original = layer.relations.map((rel) => [rel.type, byId.get(rel.from)!.quote, byId.get(rel.to)!.quote]);
      const spansBack = new Map(item.layers[0]!.spans.map((s) => [s.id!, index.slice(s.start, s.end)]));
      expect(item.layers[0]!.relations.map((rel) => [rel.type, spansBack.get(rel.from), spansBack.get(rel.to)])).toEqual(original);
    }
  });

  it('writes a span across a newline as fragments split at the line break, read back as one span', async () => {
    const text = 'The president Emomali\nRahmon arrived.\r\nNot here.';
    const doc = await makeExport('across', text.replace('\r\n', '\n'), [{ id: 's1', label: 'Person', start: 14, end: 28 }]);
    const [f] = exportBrat([doc]);
    expect(f!.ann).toBe('T1\tPerson 14 21;22 28\tEmomali Rahmon\n');
    expect(f!.notices).toEqual([]);
    const r = ok(parseBrat({ ann: f!.ann, txt: f!.txt, annFile: 'across.ann', txtFile: 'across.txt' }));
    expect(r.items[0]!.layers[0]!.spans).toEqual([{ id: 'T1', label: 'Person', start: 14, end: 28 }]);
    expect(r.notices).toEqual(['across.ann: 1 span(s) split only at line breaks read as one span across the lines']);
  });

  it('says what brat forced: edge line breaks, blank spans, tabs and newlines in notes, spaces in names', async () => {
    const text = 'Oslo\n\nBergen and Tromsø';
    const doc = await makeExport('forced', text, [
      { id: 'a', label: 'Location', start: 0, end: 5, note: 'line one\nline two\tend' },
      { id: 'b', label: 'Location', start: 4, end: 6 },
      { id: 'c', label: 'Location', start: 6, end: 12, attributes: { normalized: 'Bergen\nNorway' } },
    ]);
    doc.layers[0]!.relations = [{ id: 'r', type: 'near by', from: 'b', to: 'c' }];
    doc.layers[0]!.spans[2]!.label = 'Big city';
    const [f] = exportBrat([doc]);
    expect(f!.ann).toBe(
      ['T1\tLocation 0 4\tOslo', 'T2\tBig_city 6 12\tBergen', 'N1\tReference T2 Gloss:normalized\tBergen Norway', '#1\tAnnotatorNotes T1\tline one line two end', ''].join('\n'),
    );
    expect(f!.notices).toEqual([
      'forced: span a (Location at [0, 5)): the line breaks at its edges cannot be marked in brat; written without them',
      'forced: span a (Location at [0, 5)): line breaks and tabs in the note written as spaces',
      'forced: span b (Location at [4, 6)): only line breaks, which brat cannot mark; not written',
      'forced: span c (Big city at [6, 12)): label written as Big_city (brat types are one word)',
      'forced: span c (Big city at [6, 12)): line breaks and tabs in normalized written as spaces',
      'forced: relation r (near by) not written: one of its spans is not written',
    ]);
  });

  it('writes binary, numeric and multi-word attribute values, and an empty layer as an empty .ann', async () => {
    const text = 'We pledge €25 million.';
    const doc = await makeExport('attrs', text, [
      { id: 'c', label: 'Commitment', start: 3, end: 21, attributes: { status: 'under consideration', deadline: 'end of 2025' } },
      { id: 'm', label: 'Money', start: 10, end: 21, attributes: { value: 25000000, currency: 'EUR' } },
    ]);
    const [f] = exportBrat([doc]);
    expect(f!.ann.split('\n').filter((l) => l.startsWith('A'))).toEqual([
      'A1\tdeadline T1 end of 2025',
      'A2\tstatus T1 under consideration',
      'A3\tcurrency T2 EUR',
      'A4\tvalue T2 25000000',
    ]);
    const typed = ok(parseBrat({ ann: f!.ann, txt: f!.txt, annFile: 'a.ann', txtFile: 'a.txt' }, { schema: DEFAULT_SCHEMA }));
    expect(typed.items[0]!.layers[0]!.spans.map((s) => s.attributes)).toEqual([
      { deadline: 'end of 2025', status: 'under consideration' },
      { currency: 'EUR', value: 25000000 },
    ]);
    const untyped = ok(parseBrat({ ann: f!.ann, txt: f!.txt, annFile: 'a.ann', txtFile: 'a.txt' }));
    expect(untyped.items[0]!.layers[0]!.spans[1]!.attributes).toEqual({ currency: 'EUR', value: '25000000' });
    expect(exportBrat([{ document: doc.document, layers: [] }])[0]!.ann).toBe('');
  });
});

describe('parseBrat', () => {
  it('reads discontinuous fragments "0 5;10 15" (text joined by a space), in any order', () => {
    const txt = 'Alice and friends met Bob.';
    const r = ok(parseBrat(pair(txt, 'T1\tPerson 22 25;0 5\tBob Alice', 'T2\tPerson 0 5;10 17\tAlice friends')));
    expect(r.items[0]!.layers[0]!.spans).toEqual([
      { id: 'T1', label: 'Person', start: 0, end: 25, fragments: [{ start: 0, end: 5 }, { start: 22, end: 25 }] },
      { id: 'T2', label: 'Person', start: 0, end: 17, fragments: [{ start: 0, end: 5 }, { start: 10, end: 17 }] },
    ]);
  });

  it('counts offsets in code points: the emoji sample by code points, UTF-16 offsets refused', () => {
    const txt = readSample('social-monitoring-digest.txt');
    const good = ok(parseBrat(pair(txt, 'T1\tPerson 284 295\tMaria Lopez', 'T2\tDate 349 353\t𝟐𝟎𝟐𝟕')));
    expect(spanViews(txt, good.items[0]!.layers[0]!.spans).map((s) => s.quote)).toEqual(['Maria Lopez', '𝟐𝟎𝟐𝟕']);
    const bad = errorOf(pair(txt, 'T1\tPerson 284 295\tMaria Lopez', 'T2\tPerson 287 298\tMaria Lopez'));
    expect(bad).toEqual({
      file: 'doc.ann',
      line: 2,
      message: 'T2: text "Maria Lopez" does not match doc.txt at 287 298, which is "ia Lopez of" (offsets must be Unicode code points of the .txt)',
    });
  });

  it('reads a CRLF .txt (brat counts the CRs) and a CRLF .ann, moving offsets onto the normalised text', () => {
    const txt = 'Emomali Rahmon met\r\nDenis Manturov in Dushanbe.\r\n';
    const input = { txt, ann: 'T1\tPerson 0 14\tEmomali Rahmon\r\nT2\tPerson 20 34\tDenis Manturov\r\nR1\tmet Arg1:T1 Arg2:T2\t\r\n', annFile: 'c.ann', txtFile: 'c.txt' };
    const r = ok(parseBrat(input));
    const item = r.items[0]!;
    expect(item.text).toBe('Emomali Rahmon met\nDenis Manturov in Dushanbe.\n');
    expect(spanViews(item.text, item.layers[0]!.spans).map((s) => [s.start, s.end, s.quote])).toEqual([
      [0, 14, 'Emomali Rahmon'],
      [19, 33, 'Denis Manturov'],
    ]);
    expect(item.layers[0]!.relations).toEqual([{ id: 'R1', type: 'met', from: 'T1', to: 'T2' }]);
    expect(r.notices).toEqual(['c.txt: line endings normalised to \\n; offsets moved accordingly']);
    expect(item.blocks).toEqual([{ type: 'paragraph', start: 0, end: 46 }]);
  });

  it('attaches notes, attributes and relations of events to the trigger; joins several notes; reads Equiv', () => {
    const txt = 'Acme bought Beta and Beta Corp.';
    const r = ok(
      parseBrat(
        pair(
          txt,
          'T1\tOrg 0 4\tAcme',
          'T2\tBuy 5 11\tbought',
          'E1\tBuy:T2 Buyer:T1 Target:T3',
          'T3\tOrg 12 16\tBeta',
          'T4\tOrg 21 30\tBeta Corp',
          '*\tEquiv T3 T4',
          'R1\tcause Arg1:E1 Arg2:T4',
          '#1\tAnnotatorNotes E1\tfirst',
          '#2\tAnnotatorNotes T2\tsecond',
          'M1\tNegated E1',
          'A2\tSure R1',
        ),
      ),
    );
    const layer = r.items[0]!.layers[0]!;
    expect(layer.spans.find((s) => s.id === 'T2')).toEqual({ id: 'T2', label: 'Buy', start: 5, end: 11, note: 'first\nsecond', attributes: { Negated: true } });
    expect(relationViews(r.items[0]!)).toEqual([
      ['Buyer', 'Buy:bought', 'Org:Acme'],
      ['Equiv', 'Org:Beta', 'Org:Beta Corp'],
      ['Target', 'Buy:bought', 'Org:Beta'],
      ['cause', 'Buy:bought', 'Org:Beta Corp'],
    ]);
    expect(r.notices).toEqual([
      'doc.ann:7: relation R1 points at an event; it now points at the event\'s trigger span',
      'doc.ann:3: event E1 (Buy) imported as its trigger span T2 and 2 relation(s) named by role: Buyer, Target',
      'doc.ann:6: Equiv of T3, T4 imported as 1 Equiv relation(s) between consecutive spans',
      'doc.ann:10: attribute M1 (Negated) of event E1 set on its trigger span T2',
      'doc.ann:11: attribute A2 (Sure) is on relation R1; Gloss relations have no attributes, so it is not imported',
      'doc.ann:8: note #1 of event E1 set on its trigger span T2',
    ]);
  });

  it('skips blank lines, a BOM and trailing whitespace after the text; accepts a T line without text', () => {
    const r = ok(parseBrat({ txt: 'Oslo', ann: '\uFEFF\n  \nT1\tLocation 0 4\tOslo  \nT2\tLocation 0 4\n', annFile: 'x.ann', txtFile: 'x.txt' }));
    expect(r.items[0]!.layers[0]!.spans.map((s) => s.id)).toEqual(['T1', 'T2']);
    expect(ok(parseBrat(pair('Oslo'))).items[0]!.layers[0]!.spans).toEqual([]);
  });

  it('keeps no document id when the file name is not a usable id', () => {
    const r = ok(parseBrat({ txt: 'x', ann: '', annFile: 'a b.ann', txtFile: 'dir/a b.txt' }));
    expect(r.items[0]!.id).toBeUndefined();
    expect(r.items[0]!.title).toBe('a b');
  });

  it.each([
    [['T1\tPerson 0 5\tAlicx'], 1, 'T1: text "Alicx" does not match doc.txt at 0 5, which is "Alice"'],
    [['T1\tPerson 0 5\tAlice', 'T1\tPerson 6 9\tmet'], 2, 'duplicate id T1 (first on line 1)'],
    [['T1 Person 0 5 Alice'], 1, 'expected an id, a tab and an annotation'],
    [['T1\tPerson 0 99\tAlice'], 1, 'T1: range [0, 99) is not a non-empty range within doc.txt (0..13 code points)'],
    [['T1\tPerson 3 3\t'], 1, 'T1: range [3, 3)'],
    [['T1\tPerson five 9\tAlice'], 1, 'T1: "five 9" is not a "start end" pair of offsets'],
    [['T1\tPerson\tAlice'], 1, 'T1: expected "Label start end" before the text'],
    [['T1\tPerson 0 5;2 7\tAlice ice m'], 1, 'T1: fragments [0, 5) and [2, 7) overlap'],
    [['T1\tPerson 0 5\tAlice', 'R1\tknows Arg1:T1 Arg2:T9\t'], 2, 'R1: T9 is not an annotation of this file'],
    [['T1\tPerson 0 5\tAlice', 'R1\tknows Arg1:T1\t'], 2, 'R1: expected "Type Arg1:Id Arg2:Id"'],
    [['E1\tMeet:T5 Agent:T1'], 1, 'E1: trigger T5 is not a T annotation of this file'],
    [['T1\tPerson 0 5\tAlice', 'E1\tMeet'], 2, 'E1: expected "Type:Trigger Role:Id ..."'],
    [['T1\tPerson 0 5\tAlice', 'T2\tMeet 6 9\tmet', 'E1\tMeet:T2 Agent'], 3, 'E1: argument "Agent" is not "Role:Id"'],
    [['T1\tPerson 0 5\tAlice', 'A1\tNegated'], 2, 'A1: expected "Name Target" or "Name Target Value"'],
    [['T1\tPerson 0 5\tAlice', 'A1\tNegated T7'], 2, 'A1: T7 is not an annotation of this file'],
    [['T1\tPerson 0 5\tAlice', 'N1\tReference T1\tAlice'], 2, 'N1: expected "Type Target Database:Id"'],
    [['T1\tPerson 0 5\tAlice', '#1\tAnnotatorNotes\tx'], 2, '#1: expected "AnnotatorNotes Target"'],
    [['T1\tPerson 0 5\tAlice', '*\tEquiv T1'], 2, 'expected "Equiv Id Id ..." with at least two ids'],
    [['X1\tWhat 0 5'], 1, 'X1: unknown annotation kind "X"'],
    [['\tPerson 0 5\tAlice'], 1, '"" is not an annotation id'],
  ])('refuses %j, naming the .ann file and line', (lines, line, message) => {
    const e = errorOf(pair('Alice met Bob', ...lines));
    expect(e.file).toBe('doc.ann');
    expect(e.line).toBe(line);
    expect(e.message).toContain(message);
  });

  it('never throws on random input, and always names the .ann file and a line within it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 80 }), (ann, txt) => {
        const r = parseBrat({ ann, txt, annFile: 'f.ann', txtFile: 'f.txt' }, { schema: DEFAULT_SCHEMA });
        expect(wellFormed(r, 'f.ann', ann.split('\n').length)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('never throws on mutated valid files (the tutorial pair), and what it accepts is consistent', () => {
    fc.assert(
      fc.property(mutations(['\t', ' ', ';', ':', '\n', '\r\n', 'T', 'E', 'R', 'A', 'N', '#', '*', '1', '9', '00', '🌍']), fc.boolean(), (edits, onTxt) => {
        const ann = onTxt ? INTRO.ann : mutate(INTRO.ann, edits);
        const txt = onTxt ? mutate(INTRO.txt, edits) : INTRO.txt;
        const r = parseBrat({ ...INTRO, ann, txt }, { schema: DEFAULT_SCHEMA });
        expect(wellFormed(r, INTRO.annFile, ann.split('\n').length)).toBe(true);
        if (r.ok) {
          // Whatever was accepted has offsets within the text and fits the Gloss model.
          const messages = checkImportedItem(r.items[0]!, { labels: [], relations: [] }).filter((m) => !m.includes('unknown'));
          expect(messages).toEqual([]);
        }
      }),
      FUZZ,
    );
  });
});
