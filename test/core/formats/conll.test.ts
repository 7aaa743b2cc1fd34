import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONLL_DOCSTART, conllItemList, exportConll, parseConll } from '../../../src/core/formats/conll';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { checkImportedItem } from '../../../src/core/validate';
import { rebuild, sampleExport } from './fixtures';
import { FUZZ, golden, makeExport, mutate, mutations, ok, spanViews, wellFormed } from './helpers';

/** [label, quote] of every span of every item, per item. */
function entities(r: ReturnType<typeof ok>): [string, string][][] {
  return r.items.map((item) => {
    const index = new CodePointIndex(item.text);
    return item.layers[0]!.spans.map((s): [string, string] => [s.label, index.slice(s.start, s.end)]);
  });
}

const CONLL_2003 = [
  '-DOCSTART- -X- -X- O',
  '',
  'EU NNP B-NP B-ORG',
  'rejects VBZ B-VP O',
  'German JJ B-NP B-MISC',
  'call NN I-NP O',
  'to TO B-VP O',
  'boycott VB I-VP O',
  'British JJ B-NP B-MISC',
  'lamb NN I-NP O',
  '. . O O',
  '',
  'Peter NNP B-NP B-PER',
  'Blackburn NNP I-NP I-PER',
  '',
  '-DOCSTART- -X- -X- O',
  '',
  'BRUSSELS NNP B-NP B-LOC',
  '1996-08-22 CD I-NP O',
  '',
].join('\n');

describe('parseConll', () => {
  it('reads CoNLL-2003 IOB2: documents at -DOCSTART-, the tag in the last column, tokens joined by spaces', () => {
    const r = ok(parseConll(CONLL_2003, 'eng.train'));
    expect(r.items).toHaveLength(2);
    expect(r.items.map((i) => i.text)).toEqual(['EU rejects German call to boycott British lamb .\nPeter Blackburn', 'BRUSSELS 1996-08-22']);
    expect(r.items.map((i) => i.line)).toEqual([1, 16]);
    expect(entities(r)).toEqual([
      [
        ['ORG', 'EU'],
        ['MISC', 'German'],
        ['MISC', 'British'],
        ['PER', 'Peter Blackburn'],
      ],
      [['LOC', 'BRUSSELS']],
    ]);
    expect(r.items[0]!.layers[0]!.spans[3]).toEqual({ label: 'PER', start: 49, end: 64 });
    expect(r.items[0]!.blocks).toEqual([
      { type: 'paragraph', start: 0, end: 48 },
      { type: 'paragraph', start: 49, end: 64 },
    ]);
    expect(r.items[0]!.meta).toEqual({ format: 'conll' });
    expect(r.notices).toEqual([]);
  });

  it('reads IOB1: an I- tag after O or another label starts an entity, B- separates two of one label', () => {
    const text = ['Peter I-PER', 'Blackburn I-PER', 'Mary B-PER', 'and O', 'Paris I-LOC', 'London I-ORG', ''].join('\n');
    const r = ok(parseConll(text, 'iob1.conll'));
    expect(r.items[0]!.text).toBe('Peter Blackburn Mary and Paris London');
    expect(entities(r)[0]).toEqual([
      ['PER', 'Peter Blackburn'],
      ['PER', 'Mary'],
      ['LOC', 'Paris'],
      ['ORG', 'London'],
    ]);
    expect(r.notices).toEqual(['iob1.conll: 3 entit(y/ies) start with an I- tag (IOB1 style); read as starting there']);
  });

  it('reads IOBES tags, tab-separated columns (tokens may hold spaces), CRLF lines and a BOM', () => {
    const text = '\uFEFFNew York\tNNP\tB-LOC\r\nCity\tNNP\tE-LOC\r\nis\tVBZ\tO\r\nbig\tJJ\tS-ADJ\r\n\r\nOslo\tNNP\tU-LOC\r\n';
    const r = ok(parseConll(text, 'tabs.conll'));
    expect(r.items[0]!.text).toBe('New York City is big\nOslo');
    expect(entities(r)[0]).toEqual([
      ['LOC', 'New York City'],
      ['ADJ', 'big'],
      ['LOC', 'Oslo'],
    ]);
  });

  it('counts code points: tokens with emoji and astral digits', () => {
    const r = ok(parseConll('💧 O\n𝟐𝟎𝟐𝟕 B-Date\nMaria B-Person\nLopez I-Person\n', 'astral.conll'));
    expect(r.items[0]!.layers[0]!.spans).toEqual([
      { label: 'Date', start: 2, end: 6 },
      { label: 'Person', start: 7, end: 18 },
    ]);
    expect(entities(r)[0]).toEqual([
      ['Date', '𝟐𝟎𝟐𝟕'],
      ['Person', 'Maria Lopez'],
    ]);
  });

  it('skips a document without tokens, with a notice; an empty file has no documents', () => {
    const r = ok(parseConll('-DOCSTART- -X- O O\n\n-DOCSTART- -X- O O\n\nOslo B-LOC\n', 'e.conll'));
    expect(r.items.map((i) => i.text)).toEqual(['Oslo']);
    expect(r.notices).toEqual(['e.conll:1: a document without tokens is skipped']);
    expect(ok(parseConll('', 'empty.conll')).items).toEqual([]);
  });

  it.each([
    ['Oslo', 2, 'expected a token and a tag separated by whitespace, got "Oslo"'],
    ['Oslo LOC', 2, '"LOC" is not an IOB tag'],
    ['Oslo B-', 2, '"B-" is not an IOB tag'],
    ['Oslo NNP X-LOC', 2, '"X-LOC" is not an IOB tag (O, B-Label, I-Label; the tag is the last column)'],
    ['\tB-LOC', 2, 'expected a token and a tag'],
  ])('refuses %j naming the file and line', (bad, line, message) => {
    const r = parseConll(`Bergen B-LOC\n${bad}\n`, 'bad.conll');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ file: 'bad.conll', line });
      expect(r.error.message).toContain(message);
    }
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(wellFormed(parseConll(text, 'r.conll'), 'r.conll', text.split('\n').length)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('never throws on mutated valid files, and accepted spans fit their texts', () => {
    fc.assert(
      fc.property(mutations(['\n', '\n\n', ' ', '\t', 'B-', 'I-', 'E-', 'S-', 'O', '-DOCSTART-', 'PER', '💧']), (edits) => {
        const text = mutate(CONLL_2003, edits);
        const r = parseConll(text, 'm.conll');
        expect(wellFormed(r, 'm.conll', text.split('\n').length)).toBe(true);
        if (r.ok) {
          for (const item of r.items) {
            expect(checkImportedItem(item, { labels: [], relations: [] }).filter((m) => !m.includes('unknown label'))).toEqual([]);
          }
        }
      }),
      FUZZ,
    );
  });
});

describe('exportConll', () => {
  it('writes the samples as CoNLL-2003 IOB2 (golden file), listing the overlapping spans it could not write', async () => {
    const out = exportConll(await sampleExport());
    expect(out.text).toBe(golden('conll/samples.conll', out.text));
    expect(out.text.startsWith(`${CONLL_DOCSTART}\n\n`)).toBe(true);
    expect(out.text.split('\n').filter((l) => l === CONLL_DOCSTART)).toHaveLength(3);
    expect(out.text).toContain('\n𝟐𝟎𝟐𝟕 -X- O B-Date\n');
    expect(out.text).toContain('\n$1.4 -X- O B-Money\nbillion -X- O I-Money\n');
    expect(out.text).toContain('\n«Северсталь» -X- O B-Organisation\n');
    expect(out.count).toBe(3);
    expect(out.unrepresented.map((u) => [u.document, u.spanId, u.reason])).toEqual([
      ['tajikistan-russia-industrial-cooperation', 'alice-8', 'overlaps span alice-7, which is written (outermost wins)'],
      ['social-monitoring-digest', 'frag', 'overlaps span alice-1, which is written (outermost wins)'],
      ['social-monitoring-digest', 'alice-4', 'overlaps span alice-3, which is written (outermost wins)'],
    ]);
    expect(out.unrepresented[0]).toEqual({
      document: 'tajikistan-russia-industrial-cooperation',
      annotator: 'alice',
      spanId: 'alice-8',
      label: 'Quantity',
      start: 1646,
      end: 1657,
      reason: 'overlaps span alice-7, which is written (outermost wins)',
    });
    expect(out.notices).toEqual([]);
  });

  it('round-trips the samples: every written span comes back with its label and words', async () => {
    const documents = await sampleExport();
    const out = exportConll(documents);
    const r = ok(parseConll(out.text, 'samples.conll'));
    expect(r.items).toHaveLength(3);
    const dropped = new Set(out.unrepresented.map((u) => `${u.document}/${u.spanId}`));
    const expected = documents.map(({ document, layers }) =>
      spanViews(document.text, layers[0]!.spans.filter((s) => !dropped.has(`${document.id}/${s.id}`))).map((s): [string, string] => [s.label, s.quote.replace(/\s+/gu, ' ')]),
    );
    expect(entities(r)).toEqual(expected);
    for (const item of r.items) expect(checkImportedItem(item, DEFAULT_SCHEMA)).toEqual([]);
  });

  it('round-trips a CoNLL file: import, export, import gives the same text, tokens and spans', async () => {
    const first = ok(parseConll(CONLL_2003, 'eng.train'));
    const exported = exportConll(await rebuild(first.items, 'imported:conll'));
    expect(exported.count).toBe(0);
    const second = ok(parseConll(exported.text, 'again.conll'));
    expect(second.items.map((i) => i.text)).toEqual(first.items.map((i) => i.text));
    expect(second.items.map((i) => i.layers[0]!.spans)).toEqual(first.items.map((i) => i.layers[0]!.spans));
    // Tokens that Intl.Segmenter would split ("1996-08-22") stay whole for a text read from CoNLL.
    expect(exported.text).toContain('\n1996-08-22 -X- O O\n');
    expect(exportConll(await rebuild(second.items, 'imported:conll')).text).toBe(exported.text);
  });

  it('keeps a span across a newline in one sentence, and segments the rest into sentences and words', async () => {
    const text = 'President Emomali\nRahmon met Denis Manturov. They talked.\nBye';
    const doc = await makeExport('across', text, [
      { id: 'p1', label: 'Person', start: 10, end: 24 },
      { id: 'p2', label: 'Person', start: 29, end: 43 },
    ]);
    const out = exportConll([doc]);
    expect(out.text).toBe(
      [
        CONLL_DOCSTART,
        '',
        'President -X- O O',
        'Emomali -X- O B-Person',
        'Rahmon -X- O I-Person',
        'met -X- O O',
        'Denis -X- O B-Person',
        'Manturov -X- O I-Person',
        '. -X- O O',
        '',
        'They -X- O O',
        'talked -X- O O',
        '. -X- O O',
        '',
        'Bye -X- O O',
        '',
        '',
      ].join('\n'),
    );
    expect(out.count).toBe(0);
    const back = ok(parseConll(out.text, 'across.conll'));
    expect(entities(back)[0]).toEqual([
      ['Person', 'Emomali Rahmon'],
      ['Person', 'Denis Manturov'],
    ]);
  });

  it('splits tokens at span edges so that a span inside a word is still written', async () => {
    const doc = await makeExport('inside', "GreenFund's 40%", [
      { id: 'o', label: 'Organisation', start: 0, end: 9 },
      { id: 'p', label: 'Percent', start: 12, end: 14 },
    ]);
    const out = exportConll([doc]);
    expect(out.text.split('\n').slice(2, 6)).toEqual(['GreenFund -X- O B-Organisation', "'s -X- O O", '40 -X- O B-Percent', '% -X- O O']);
    expect(out.count).toBe(0);
  });

  it('prefers the innermost spans when asked, and reports discontinuous and whitespace-edged spans', async () => {
    const text = 'We pledge €25 million to Oslo and Bergen now.';
    const doc = await makeExport('overlap', text, [
      { id: 'c', label: 'Commitment', start: 3, end: 21 },
      { id: 'm', label: 'Money', start: 10, end: 21 },
      { id: 'f', label: 'Location', start: 25, end: 40, fragments: [{ start: 25, end: 29 }, { start: 34, end: 40 }] },
      { id: 'w', label: 'Date', start: 40, end: 44 },
    ]);
    const inner = exportConll([doc], { prefer: 'inner' });
    expect(inner.unrepresented.map((u) => [u.spanId, u.reason])).toEqual([
      ['w', 'whitespace at its edges is not part of any token: written without it'],
      ['f', 'discontinuous: written as 2 separate entities'],
      ['c', 'overlaps span m, which is written (innermost wins)'],
    ]);
    expect(inner.text).toContain('\n€25 -X- O B-Money\nmillion -X- O I-Money\n');
    expect(inner.text).toContain('\nOslo -X- O B-Location\nand -X- O O\nBergen -X- O B-Location\nnow -X- O B-Date\n');
    const outer = exportConll([doc]);
    expect(outer.unrepresented.map((u) => u.spanId).sort()).toEqual(['f', 'm', 'w']);
    expect(outer.text).toContain('\npledge -X- O B-Commitment\n€25 -X- O I-Commitment\nmillion -X- O I-Commitment\n');
  });

  it('writes labels with spaces as one word, tokenises by the document language, and falls back on a bad tag', async () => {
    const doc = await makeExport('lang', 'Иван Петров заявил.', [{ id: 'p', label: 'Person', start: 0, end: 11 }], { language: 'ru' });
    doc.layers[0]!.spans[0]!.label = 'Named person';
    const out = exportConll([doc]);
    expect(out.text.split('\n').slice(2, 6)).toEqual(['Иван -X- O B-Named_person', 'Петров -X- O I-Named_person', 'заявил -X- O O', '. -X- O O']);
    expect(out.notices).toEqual(['lang: label "Named person" written as Named_person (a tag is one word)']);
    const bad = await makeExport('bad-lang', 'Hello there.', [], { language: 'not a tag!' });
    expect(exportConll([bad]).text).toBe(`${CONLL_DOCSTART}\n\nHello -X- O O\nthere -X- O O\n. -X- O O\n\n`);
    expect(exportConll([{ document: bad.document, layers: [] }]).count).toBe(0);
    expect(exportConll([])).toEqual({ text: '', count: 0, unrepresented: [], notices: [] });
  });
});

describe('conllItemList', () => {
  it('makes each document as exportConll does, one item each, and hands over what it could not write since the last call', async () => {
    const documents = await sampleExport();
    const whole = exportConll(documents, { prefer: 'inner' });
    const list = conllItemList({ prefer: 'inner' });
    expect([list.head, list.leading, list.tail(3)]).toEqual(['', '', '']);
    const first = list.items(documents[0]!);
    expect(first.count).toBe(1);
    const firstNotes = list.notes!();
    const rest = documents.slice(1).map((d) => list.items(d).pieces.join(''));
    const restNotes = list.notes!();
    expect([first.pieces.join(''), ...rest].join('')).toBe(whole.text);
    expect([...firstNotes.unrepresented, ...restNotes.unrepresented]).toEqual(whole.unrepresented);
    expect(firstNotes.unrepresented.length).toBeGreaterThan(0);
    expect(restNotes.unrepresented.length).toBeGreaterThan(0);
    // Handed over once: nothing is left for a third call.
    expect(list.notes!()).toEqual({ notices: [], unrepresented: [] });
  });
});

describe('CoNLL tokens of unannotated text', () => {
  /** The definition: whitespace-free runs cut at every boundary of Intl.Segmenter's words. */
  function segmenterTokens(text: string, language: string): string[] {
    const breaks = [...new Intl.Segmenter(language, { granularity: 'word' }).segment(text)].map((s) => s.index);
    breaks.push(text.length);
    const tokens: string[] = [];
    for (let k = 0; k + 1 < breaks.length; k++) {
      let run = '';
      for (const ch of text.slice(breaks[k], breaks[k + 1])) {
        const c = ch.charCodeAt(0);
        // Python's str.split whitespace: JavaScript's \s plus U+001C..U+001F and U+0085.
        if (/\s/u.test(ch) || (c >= 0x1c && c <= 0x1f) || c === 0x85) {
          if (run !== '') tokens.push(run);
          run = '';
        } else run += ch;
      }
      if (run !== '') tokens.push(run);
    }
    return tokens;
  }

  function exportedTokens(text: string): string[] {
    return text
      .split('\n')
      .filter((line) => line !== '' && line !== CONLL_DOCSTART)
      .map((line) => line.slice(0, line.length - ' -X- O O'.length));
  }

  it('are the segmenter words split at whitespace, for plain, Cyrillic and tricky runs alike', async () => {
    const pieces = [
      'a', 'Zq', '75', '3.5', 'U.S.', "don't", 'Путин', 'Ёж', 'ё', ' ', '  ', '\n', '\t', '.', ',', ':', '(', ')', '"', "'",
      '-', '%', '$', '€', '\u0301', '\u200d', '\u00a0', '\ufeff', '\u3000', 'é', '日本語', 'ไทย', '😀', '🇺🇸', '𝟐', 'א',
    ];
    const texts = fc.sample(
      fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 24 }).map((p) => p.join('')),
      { numRuns: 400, seed: 20261127 },
    );
    for (const [k, text] of texts.entries()) {
      const language = ['en', 'ru', 'fi', 'ja'][k % 4]!;
      const doc = await makeExport(`t${k}`, text, [], { language });
      expect(exportedTokens(exportConll([doc]).text), JSON.stringify(text)).toEqual(segmenterTokens(doc.document.text, language));
    }
  });
});
