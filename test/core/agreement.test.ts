// Agreement (DESIGN.md §5): the statistics against published worked examples, span matching,
// token values, missing vs empty layers, astral text, identical layers, and speed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AgreementAccumulator,
  OUTSIDE,
  cohenKappa,
  computeAgreement,
  fleissKappa,
  krippendorffAlphaNominal,
  tokenLabels,
  wordTokens,
} from '../../src/core/agreement';
import type { AgreementDocument, AgreementLayer, AgreementSpan, PairAgreement } from '../../src/core/agreement';
import { CodePointIndex } from '../../src/core/offsets';
import { readSample, SAMPLE_FILES } from './samples';

// Property tests run on a fixed seed so that every run checks the same cases.
const SEED = 20240314;

/** n copies of a pair. */
function repeat<T>(pair: readonly [T, T], n: number): (readonly [T, T])[] {
  return Array.from({ length: n }, () => pair);
}

/** Cohen's 2×2 table [[yes/yes, yes/no], [no/yes, no/no]] as rating pairs (rows: rater A). */
function fromTable([[yy, yn], [ny, nn]]: [[number, number], [number, number]]): (readonly [string, string])[] {
  return [...repeat(['yes', 'yes'], yy), ...repeat(['yes', 'no'], yn), ...repeat(['no', 'yes'], ny), ...repeat(['no', 'no'], nn)];
}

describe("Cohen's kappa on published examples", () => {
  // Wikipedia, "Cohen's kappa", worked example: 50 grant proposals, two readers.
  it('gives 0.4 for 20 / 5 / 10 / 15', () => {
    expect(cohenKappa(fromTable([[20, 5], [10, 15]]))).toBeCloseTo(0.4, 12);
  });

  // Wikipedia, "Cohen's kappa", the two tables with equal agreement (0.60) but different kappa
  // (as also checked in statsmodels' test_inter_rater.py, "#wikipedia").
  it('gives 0.1304 and 0.2593 for the same-agreement tables', () => {
    expect(cohenKappa(fromTable([[45, 15], [25, 15]]))).toBeCloseTo(0.1304, 4);
    expect(cohenKappa(fromTable([[25, 35], [5, 35]]))).toBeCloseTo(0.2593, 4);
  });

  it('is null without pairs or when one category is all there is', () => {
    expect(cohenKappa([])).toBeNull();
    expect(cohenKappa(repeat(['O', 'O'], 7))).toBeNull();
  });

  it('is 1 for perfect agreement over two categories and below 0 for systematic disagreement', () => {
    expect(cohenKappa([...repeat(['a', 'a'], 3), ...repeat(['b', 'b'], 2)])).toBe(1);
    expect(cohenKappa([...repeat(['a', 'b'], 3), ...repeat(['b', 'a'], 3)])).toBe(-1);
  });
});

describe("Fleiss' kappa on the published example", () => {
  // Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters, 5 categories): kappa 0.210
  // (the table as in statsmodels' test_inter_rater.py, "only example from Wikipedia page").
  const table = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];

  it('gives 0.210', () => {
    expect(fleissKappa(table)).toBeCloseTo(0.21, 3);
  });

  it('gives the same from the first two rows alone as the P̄/P̄e formula by hand', () => {
    // Rows 1-2: P1 = 1, P2 = (4+36+16+4-14)/(14·13) = 46/182; p = [0, 2, 6, 4, 16]/28.
    const pBar = (1 + 46 / 182) / 2;
    const pe = (4 + 36 + 16 + 256) / (28 * 28);
    expect(fleissKappa(table.slice(0, 2))).toBeCloseTo((pBar - pe) / (1 - pe), 12);
  });

  it('is null without subjects, with one rater, or with a single category', () => {
    expect(fleissKappa([])).toBeNull();
    expect(fleissKappa([[1, 0], [0, 1]])).toBeNull();
    expect(fleissKappa([[3, 0], [3, 0]])).toBeNull();
  });

  it('refuses subjects with different numbers of raters (a programming error)', () => {
    expect(() => fleissKappa([[2, 1], [1, 1]])).toThrow(/same number of raters/);
  });
});

describe("Krippendorff's alpha (nominal) on published examples", () => {
  const _ = null;

  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (nominal data,
  // any number of observers, missing data): 4 observers × 12 units, alpha = 0.743.
  it('gives 0.743 for the 4 observers × 12 units with missing values', () => {
    const observers = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    const units = observers[0]!.map((_v, u) => observers.map((row) => row[u]));
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.743, 3);
  });

  // Wikipedia, "Krippendorff's alpha", computational example: 3 coders × 15 units, nominal 0.691
  // (the data as in the krippendorff package's sample.py).
  it("gives 0.691 for Wikipedia's 3 coders × 15 units", () => {
    const coders = [
      [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
      [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
      [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
    ];
    const units = coders[0]!.map((_v, u) => coders.map((row) => row[u]));
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.691, 3);
  });

  it('ignores units with fewer than two values', () => {
    const base = [
      ['a', 'a'],
      ['a', 'b'],
      ['b', 'b'],
    ];
    expect(krippendorffAlphaNominal([...base, ['c'], [], [_, 'a', undefined]])).toBe(krippendorffAlphaNominal(base));
  });

  it('is null with nothing pairable or a single value', () => {
    expect(krippendorffAlphaNominal([])).toBeNull();
    expect(krippendorffAlphaNominal([['a'], ['b', _]])).toBeNull();
    expect(krippendorffAlphaNominal([['x', 'x'], ['x', 'x', 'x']])).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

const ALPHA_TEXT = 'Emomali Rahmon met Vladimir Putin in Dushanbe.\n\nThey signed 12 agreements.';
// Code points: Emomali 0-7, Rahmon 8-14, met 15-18, Vladimir 19-27, Putin 28-33, in 34-36,
// Dushanbe 37-45, They 48-52, signed 53-59, 12 60-62, agreements 63-73.

const span = (label: string, start: number, end: number, fragments?: [number, number][]): AgreementSpan =>
  fragments ? { label, start, end, fragments: fragments.map(([s, e]) => ({ start: s, end: e })) } : { label, start, end };
const layer = (annotator: string, spans: AgreementSpan[]): AgreementLayer => ({ annotator, spans });
const doc = (id: string, text: string, layers: AgreementLayer[], language?: string): AgreementDocument => ({ id, text, layers, language });

function pairOf(result: { pairs: PairAgreement[] }, a: string, b: string): PairAgreement {
  const pair = result.pairs.find((p) => p.a === a && p.b === b);
  if (!pair) throw new Error(`no pair ${a}/${b}`);
  return pair;
}

/** Word-like segments straight from Intl.Segmenter, in code points: the definition. */
function segmenterTokens(text: string, language = 'en'): { start: number; end: number }[] {
  const index = new CodePointIndex(text);
  const out = [];
  for (const s of new Intl.Segmenter(language, { granularity: 'word' }).segment(text)) {
    if (s.isWordLike) out.push({ start: index.toCodePoint(s.index), end: index.toCodePoint(s.index + s.segment.length) });
  }
  return out;
}

describe('word tokens', () => {
  it('are the word-like segments, in code points past astral characters', () => {
    const text = 'Digest 🌍: €25 million pledged by 𝟐𝟎𝟐𝟕.';
    const tokens = wordTokens(text);
    const index = new CodePointIndex(text);
    expect(tokens.map((t) => index.slice(t.start, t.end))).toEqual(['Digest', '25', 'million', 'pledged', 'by', '𝟐𝟎𝟐𝟕']);
    // 🌍 is one code point (two UTF-16 units): "25" starts at 11, not 12.
    expect(tokens[1]).toEqual({ start: 11, end: 13 });
    expect(tokens[5]).toEqual({ start: 33, end: 37 });
  });

  it('match Intl.Segmenter exactly on the sample reports', () => {
    for (const name of SAMPLE_FILES) {
      const text = readSample(name);
      expect(wordTokens(text), name).toEqual(segmenterTokens(text));
    }
  });

  it('take Cyrillic words, mixed with Latin letters and digits, as the segmenter does', () => {
    const text = 'Минфин РФ: «Ёлка-2025» и ёж, COVID19Штамм, (Приказ) «№5» — ЁЁЁ.\nОтчёт\tПутин\u0301 итог.';
    const tokens = wordTokens(text, 'ru');
    expect(tokens).toEqual(segmenterTokens(text, 'ru'));
    const index = new CodePointIndex(text);
    expect(tokens.map((t) => index.slice(t.start, t.end))).toContain('COVID19Штамм');
  });

  it('match Intl.Segmenter exactly on random text of tricky pieces, in several languages', () => {
    const pieces = [
      'a', 'Zq', 'don', '0', '75', '3.5', ' ', '  ', '\n', '\t', '\r\n', '.', ',', ';', ':', '!', '?', '(', ')', '[', ']',
      '"', "'", '_', '-', '$', '%', '/', '@', '\u0301', '\u200d', '\u00ad', '\u2060', '\u00a0', '\u3000', 'é', 'ß', '’',
      '日本語', 'ไทย', '😀', '👍🏽', '🇺🇸', '𝟐', 'א', '״', 'ـ', '٣', 'ア', 'ｱ', 'Путин', 'U.S.', 'Ёж', 'ё', 'Ӂ', 'Ѐ',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((p) => p.join('')),
        fc.constantFrom('en', 'ru', 'ja', 'fi', 'sv', 'he', 'th'),
        (text, language) => {
          expect(wordTokens(text, language)).toEqual(segmenterTokens(text, language));
        },
      ),
      { numRuns: 3000, seed: SEED },
    );
  });

  it('fall back to English for a malformed language tag', () => {
    expect(wordTokens(ALPHA_TEXT, 'not a tag!')).toEqual(wordTokens(ALPHA_TEXT, 'en'));
  });
});

describe('token values', () => {
  const text = 'Ministry of Finance of Tajikistan';
  // Ministry 0-8, of 9-11, Finance 12-19, of 20-22, Tajikistan 23-33.
  const labels = (spans: AgreementSpan[]): string[] => tokenLabels(text, spans).map((t) => t.label);

  it('take the label of the shortest overlapping span, O where there is none', () => {
    expect(labels([span('Organisation', 0, 33), span('Location', 23, 33)])).toEqual([
      'Organisation', 'Organisation', 'Organisation', 'Organisation', 'Location',
    ]);
    expect(labels([span('Location', 23, 33)])).toEqual([OUTSIDE, OUTSIDE, OUTSIDE, OUTSIDE, 'Location']);
    expect(labels([])).toEqual([OUTSIDE, OUTSIDE, OUTSIDE, OUTSIDE, OUTSIDE]);
  });

  it('break ties between equally long spans by label name (code-unit order)', () => {
    expect(labels([span('Person', 0, 8), span('Location', 0, 8)])[0]).toBe('Location');
    expect(labels([span('Location', 0, 8), span('Person', 0, 8)])[0]).toBe('Location');
    expect(labels([span('date', 0, 8), span('Person', 0, 8)])[0]).toBe('Person');
  });

  it('count any overlap, even part of a word', () => {
    expect(labels([span('Person', 2, 5), span('Date', 32, 33)])).toEqual(['Person', OUTSIDE, OUTSIDE, OUTSIDE, 'Date']);
  });

  it('follow the fragments of a discontinuous span, whose length is what it covers', () => {
    const discontinuous = span('Organisation', 0, 33, [
      [0, 8],
      [23, 33],
    ]);
    expect(labels([discontinuous])).toEqual(['Organisation', OUTSIDE, OUTSIDE, OUTSIDE, 'Organisation']);
    // It covers 18 code points: shorter than a 19-long span over "Ministry of Finance".
    expect(labels([discontinuous, span('Person', 0, 19)])[0]).toBe('Organisation');
  });
});

describe('span agreement', () => {
  it('matches exactly on label, start and end, per pair and per label', () => {
    const a = layer('a', [span('Person', 0, 14), span('Person', 19, 33), span('Location', 37, 45), span('Quantity', 60, 73)]);
    const b = layer('b', [span('Person', 0, 14), span('Person', 28, 33), span('Organisation', 37, 45), span('Quantity', 60, 73)]);
    const result = computeAgreement([doc('d', ALPHA_TEXT, [a, b])], ['a', 'b']);
    expect(result.pairs).toHaveLength(1);
    expect(result.pairs[0]).toMatchObject({ a: 'a', b: 'b', tp: 2, onlyA: 2, onlyB: 2, precision: 0.5, recall: 0.5, f1: 0.5, tokens: 11 });
    expect(result.pairs[0]!.byLabel).toEqual({
      Location: { tp: 0, onlyA: 1, onlyB: 0, f1: 0 },
      Organisation: { tp: 0, onlyA: 0, onlyB: 1, f1: 0 },
      Person: { tp: 1, onlyA: 1, onlyB: 1, f1: 0.5 },
      Quantity: { tp: 1, onlyA: 0, onlyB: 0, f1: 1 },
    });
    // Token values: a = P P O P P O L O O Q Q, b = P P O O P O Org O O Q Q. By hand: 9 of 11 agree,
    // chance = 4·3 (P) + 4·5 (O) + 2·2 (Q) = 36, kappa = (11·9 − 36) / (11² − 36) = 63/85.
    expect(result.pairs[0]!.cohenKappa).toBeCloseTo(63 / 85, 12);
  });

  it('takes precision over b and recall over a', () => {
    const a = layer('a', [span('Person', 0, 14), span('Person', 19, 33)]);
    const b = layer('b', [span('Person', 0, 14), span('Person', 19, 33), span('Location', 37, 45), span('Date', 48, 52)]);
    const pair = computeAgreement([doc('d', ALPHA_TEXT, [a, b])], ['a', 'b']).pairs[0]!;
    expect(pair).toMatchObject({ tp: 2, onlyA: 0, onlyB: 2, precision: 0.5, recall: 1 });
    expect(pair.f1).toBeCloseTo(2 / 3, 12);
  });

  it('treats fragments as part of the identity', () => {
    const frags: [number, number][] = [
      [0, 7],
      [15, 18],
    ];
    const a = layer('a', [span('Person', 0, 18, frags)]);
    const hull = layer('b', [span('Person', 0, 18)]);
    const same = layer('c', [span('Person', 0, 18, frags)]);
    const result = computeAgreement([doc('d', ALPHA_TEXT, [a, hull, same])], ['a', 'b', 'c']);
    expect(pairOf(result, 'a', 'b')).toMatchObject({ tp: 0, onlyA: 1, onlyB: 1 });
    expect(pairOf(result, 'a', 'c')).toMatchObject({ tp: 1, onlyA: 0, onlyB: 0, f1: 1 });
  });

  it('counts duplicate spans as a multiset and sums over documents', () => {
    const d1 = doc('d1', ALPHA_TEXT, [
      layer('a', [span('Person', 0, 14), span('Person', 0, 14)]),
      layer('b', [span('Person', 0, 14)]),
    ]);
    const d2 = doc('d2', 'Putin met Rahmon.', [layer('a', [span('Person', 0, 5)]), layer('b', [span('Person', 0, 5), span('Person', 10, 16)])]);
    const pair = computeAgreement([d1, d2], ['a', 'b']).pairs[0]!;
    expect(pair).toMatchObject({ tp: 2, onlyA: 1, onlyB: 1, f1: 4 / 6 });
  });

  it('gives null, not NaN, where a ratio is undefined', () => {
    const result = computeAgreement([doc('d', ALPHA_TEXT, [layer('a', []), layer('b', [])])], ['a', 'b']);
    expect(result.pairs[0]).toMatchObject({ tp: 0, precision: null, recall: null, f1: null, cohenKappa: null, tokens: 11 });
    expect(result.fleissKappa).toBeNull();
    expect(result.krippendorffAlpha).toBeNull();
    expect(JSON.stringify(result)).not.toContain('NaN');
  });
});

describe('missing and empty layers, three annotators', () => {
  // d1: a, b, c. d2: a, b (c has no layer: missing). d3: a, b, c (c's layer is empty: all O).
  const d1 = doc('d1', ALPHA_TEXT, [
    layer('a', [span('Person', 0, 14), span('Person', 19, 33), span('Location', 37, 45)]),
    layer('b', [span('Person', 0, 14), span('Person', 28, 33), span('Location', 37, 45)]),
    layer('c', [span('Person', 0, 7), span('Person', 19, 33), span('Organisation', 37, 45)]),
  ]);
  const d2 = doc('d2', 'Putin met Rahmon.', [layer('a', [span('Person', 0, 5)]), layer('b', [span('Person', 0, 5), span('Person', 10, 16)])]);
  const d3 = doc('d3', 'They signed agreements.', [
    layer('a', [span('Commitment', 5, 22)]),
    layer('b', [span('Commitment', 5, 22)]),
    layer('c', []),
  ]);
  const lonely = doc('d4', 'Nobody else read this.', [layer('a', [span('Person', 0, 6)])]);
  const result = computeAgreement([d1, d2, d3, lonely], ['a', 'b', 'c']);

  // Token values by hand (P Person, L Location, G Organisation, C Commitment).
  const values = {
    a: { d1: 'P P O P P O L O O O O', d2: 'P O O', d3: 'O C C' },
    b: { d1: 'P P O O P O L O O O O', d2: 'P O P', d3: 'O C C' },
    c: { d1: 'P O O P P O G O O O O', d3: 'O O O' },
  };
  const split = (s: string): string[] => s.split(' ');
  const tokensOf = (who: 'a' | 'b' | 'c', docs: ('d1' | 'd2' | 'd3')[]): string[] =>
    docs.flatMap((d) => split((values[who] as Record<string, string>)[d]!));
  const zip = (x: string[], y: string[]): [string, string][] => x.map((v, i) => [v, y[i]!]);

  it('counts only documents with at least two of the layers', () => {
    expect(result.documents).toBe(3);
    expect(result.byDocument.map((d) => d.document).sort()).toEqual(['d1', 'd2', 'd3']);
  });

  it('leaves a missing layer out and counts an empty one as all O', () => {
    expect(pairOf(result, 'a', 'b').tokens).toBe(17);
    expect(pairOf(result, 'a', 'c').tokens).toBe(14);
    expect(pairOf(result, 'b', 'c').tokens).toBe(14);
    expect(pairOf(result, 'a', 'b')).toMatchObject({ tp: 4, onlyA: 1, onlyB: 2 });
    // a's span in d2 does not count against c (missing); a's span in d3 does (c's layer is empty).
    expect(pairOf(result, 'a', 'c')).toMatchObject({ tp: 1, onlyA: 3, onlyB: 2 });
    expect(pairOf(result, 'b', 'c')).toMatchObject({ tp: 0, onlyA: 4, onlyB: 3 });
  });

  it("computes Cohen's kappa per pair over the tokens both valued", () => {
    const all: ('d1' | 'd2' | 'd3')[] = ['d1', 'd2', 'd3'];
    const withC: ('d1' | 'd3')[] = ['d1', 'd3'];
    expect(pairOf(result, 'a', 'b').cohenKappa).toBeCloseTo(cohenKappa(zip(tokensOf('a', all), tokensOf('b', all)))!, 12);
    expect(pairOf(result, 'a', 'c').cohenKappa).toBeCloseTo(cohenKappa(zip(tokensOf('a', withC), tokensOf('c', withC)))!, 12);
    expect(pairOf(result, 'b', 'c').cohenKappa).toBeCloseTo(cohenKappa(zip(tokensOf('b', withC), tokensOf('c', withC)))!, 12);
  });

  it("computes Fleiss' kappa over tokens all valued and alpha over tokens with two values or more", () => {
    const withC: ('d1' | 'd3')[] = ['d1', 'd3'];
    const [a, b, c] = (['a', 'b', 'c'] as const).map((who) => tokensOf(who, withC));
    const categories = ['O', 'P', 'L', 'G', 'C'];
    const counts = a!.map((_v, t) => categories.map((cat) => [a![t], b![t], c![t]].filter((v) => v === cat).length));
    expect(result.fleissTokens).toBe(14);
    expect(result.fleissKappa).toBeCloseTo(fleissKappa(counts)!, 12);

    const units = [
      ...a!.map((_v, t) => [a![t], b![t], c![t]]).slice(0, 11),
      ...zip(tokensOf('a', ['d2']), tokensOf('b', ['d2'])),
      ...a!.map((_v, t) => [a![t], b![t], c![t]]).slice(11),
    ];
    expect(result.krippendorffTokens).toBe(17);
    expect(result.krippendorffAlpha).toBeCloseTo(krippendorffAlphaNominal(units)!, 12);
  });

  it('lists documents worst agreement first, with their disagreements', () => {
    // F1 per document over its pairs: d1 2·3/18, d3 2·1/4, d2 2·1/3.
    expect(result.byDocument.map((d) => [d.document, d.f1])).toEqual([
      ['d1', 1 / 3],
      ['d3', 0.5],
      ['d2', 2 / 3],
    ]);
    expect(result.byDocument.map((d) => [d.annotators, d.disagreements, d.tokens])).toEqual([
      [['a', 'b', 'c'], 6, 11],
      [['a', 'b', 'c'], 1, 3],
      [['a', 'b'], 1, 3],
    ]);
  });

  it('sums the per-label table over all pairs', () => {
    // Person: ab tp 2 of a 3, b 4 (d1 + d2); ac tp 1 of 2, 2 (d1); bc tp 0 of 2, 2 (d1).
    expect(result.byLabel.Person).toEqual({ tp: 3, onlyA: 1 + 1 + 2, onlyB: 2 + 1 + 2, f1: 6 / (6 + 4 + 5) });
    expect(Object.keys(result.byLabel)).toEqual(['Commitment', 'Location', 'Organisation', 'Person']);
  });
});

describe('AgreementAccumulator', () => {
  // c joins late (d1 has a and b only) and d2 has a lonely layer: pairs and Fleiss' tokens wait for the list.
  const docs = [
    doc('d1', 'Putin met Rahmon.', [layer('b', [span('Person', 0, 5), span('Person', 10, 16)]), layer('a', [span('Person', 0, 5)])]),
    doc('d2', 'Nobody else read this.', [layer('c', [span('Person', 0, 6)])]),
    doc('d3', ALPHA_TEXT, [
      layer('c', [span('Person', 0, 7), span('Person', 19, 33), span('Organisation', 37, 45)]),
      layer('a', [span('Person', 0, 14), span('Person', 19, 33), span('Location', 37, 45)]),
      layer('b', [span('Person', 0, 14), span('Person', 28, 33), span('Location', 37, 45)]),
    ]),
    doc('d4', 'They signed agreements.', [layer('a', [span('Commitment', 5, 22)]), layer('c', [])]),
  ];

  it('without a list, compares every layer in name order: the report of computeAgreement with the sorted names', () => {
    const accumulator = new AgreementAccumulator();
    for (const d of docs) accumulator.add(d);
    const expected = computeAgreement(docs, ['a', 'b', 'c']);
    expect(accumulator.result(['a', 'b', 'c'])).toEqual(expected);
    // Fleiss' kappa only over d3, the one document all three valued.
    expect(expected.fleissTokens).toBe(11);
    expect(expected.documents).toBe(3);
  });

  it('with a list, is computeAgreement document by document; result needs the list either way', () => {
    const accumulator = new AgreementAccumulator(['c', 'a']);
    for (const d of docs) accumulator.add(d);
    expect(accumulator.result()).toEqual(computeAgreement(docs, ['c', 'a']));
    expect(() => new AgreementAccumulator().result()).toThrow(/which annotators/);
    expect(() => new AgreementAccumulator().add(doc('x', 'Text.', [layer('a', []), layer('a', [])]))).toThrow('two layers of a for document x');
  });

  it('merged from accumulators over parts of the documents (as worker threads hand them back), gives the report over all', () => {
    for (const annotators of [undefined, ['c', 'a'], ['a', 'b', 'c']]) {
      const whole = new AgreementAccumulator(annotators);
      for (const d of docs) whole.add(d);
      // Parts that meet the labels in other orders (codes differ), one empty part; through a structured clone.
      const merged = new AgreementAccumulator(annotators);
      for (const part of [[docs[3]!], [], [docs[2]!, docs[0]!], [docs[1]!]]) {
        const accumulator = new AgreementAccumulator(annotators);
        for (const d of part) accumulator.add(d);
        merged.merge(structuredClone(accumulator.tallies()));
      }
      expect(merged.result(annotators ?? ['a', 'b', 'c'])).toEqual(whole.result(annotators ?? ['a', 'b', 'c']));
    }
  });

  it('merged from parts, equals the whole on random documents, labels and splits (property)', () => {
    const LABELS = ['O', 'Date', 'Location', 'Person', 'Money'];
    const docArb = fc
      .array(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 20 })
      .chain((words) => {
        const text = words.join(' ');
        const spanArb = fc
          .tuple(fc.nat(text.length - 1), fc.integer({ min: 1, max: 12 }), fc.constantFrom(...LABELS))
          .map(([start, len, label]) => span(label, start, Math.min(text.length, start + len)));
        const layerArb = (annotator: string) => fc.option(fc.array(spanArb, { maxLength: 6 }).map((spans) => layer(annotator, spans)), { nil: undefined });
        // Four coders: a token's off-diagonal share can be a fraction (8/3), summed in any order.
        return fc.tuple(fc.constant(text), layerArb('a'), layerArb('b'), layerArb('c'), layerArb('d'));
      })
      .map(([text, ...layers]) => ({ text, layers: layers.filter((l) => l !== undefined) }));
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(3), { minLength: 12, maxLength: 12 }), (shapes, parts) => {
        const documents = shapes.map((s, i) => doc(`d${i}`, s.text, s.layers));
        const whole = new AgreementAccumulator();
        for (const d of documents) whole.add(d);
        const accumulators = [0, 1, 2, 3].map(() => new AgreementAccumulator());
        documents.forEach((d, i) => accumulators[parts[i]!]!.add(d));
        const merged = new AgreementAccumulator();
        for (const a of accumulators.reverse()) merged.merge(structuredClone(a.tallies()));
        expect(merged.result(['a', 'b', 'c', 'd'])).toEqual(whole.result(['a', 'b', 'c', 'd']));
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});

describe('astral characters', () => {
  const text = 'Digest 🌍: €25 million pledged by 𝟐𝟎𝟐𝟕.';

  it('places spans by code points', () => {
    // "𝟐𝟎𝟐𝟕" is code points 33-37 (UTF-16 34-42). Tokens: Digest 25 million pledged by 𝟐𝟎𝟐𝟕.
    const a = layer('a', [span('Date', 33, 37), span('Money', 10, 21)]);
    const b = layer('b', [span('Quantity', 33, 37), span('Money', 10, 21)]);
    const pair = computeAgreement([doc('digest', text, [a, b])], ['a', 'b']).pairs[0]!;
    expect(pair).toMatchObject({ tp: 1, onlyA: 1, onlyB: 1, tokens: 6 });
    // a = O M M O O D, b = O M M O O Q: 5 of 6 agree, chance = 3·3 + 2·2 = 13, kappa = (30 − 13)/(36 − 13).
    expect(pair.cohenKappa).toBeCloseTo(17 / 23, 12);
    expect(tokenLabels(text, a.spans).map((t) => t.label)).toEqual([OUTSIDE, 'Money', 'Money', OUTSIDE, OUTSIDE, 'Date']);
  });
});

describe('identical layers (property)', () => {
  const LABELS = ['Date', 'Location', 'Person'];
  const wordsArb = fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 30 });

  it('give F1 1 (null without spans) and every kappa 1, or all null when one value is all there is', () => {
    fc.assert(
      fc.property(
        wordsArb.chain((words) => {
          const text = words.join(' ');
          const spanArb = fc
            .tuple(fc.nat(text.length - 1), fc.integer({ min: 1, max: 12 }), fc.constantFrom(...LABELS))
            .map(([start, len, label]) => span(label, start, Math.min(text.length, start + len)));
          return fc.tuple(fc.constant(text), fc.array(spanArb, { maxLength: 8 }));
        }),
        ([text, spans]) => {
          const reversed = [...spans].reverse();
          const result = computeAgreement(
            [doc('d', text, [layer('a', spans), layer('b', reversed), layer('c', spans)])],
            ['a', 'b', 'c'],
          );
          const labels = tokenLabels(text, spans).map((t) => t.label);
          const single = new Set(labels).size < 2;
          const covered = labels.some((l) => l !== OUTSIDE);
          const uncovered = labels.includes(OUTSIDE);
          for (const pair of result.pairs) {
            expect(pair.f1).toBe(spans.length === 0 ? null : 1);
            expect(pair.onlyA + pair.onlyB).toBe(0);
            expect(pair.cohenKappa).toBe(single ? null : 1);
          }
          expect(result.fleissKappa).toBe(single ? null : 1);
          expect(result.krippendorffAlpha).toBe(single ? null : 1);
          // Independent of tokenLabels: marked and unmarked words make two values.
          if (covered && uncovered) expect(result.pairs[0]!.cohenKappa).toBe(1);
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });

  it('swapping a and b swaps precision and recall and keeps kappa', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(60), fc.integer({ min: 1, max: 14 }), fc.constantFrom(...LABELS)), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(60), fc.integer({ min: 1, max: 14 }), fc.constantFrom(...LABELS)), { maxLength: 6 }),
        (xs, ys) => {
          const toSpans = (t: [number, number, string][]): AgreementSpan[] => t.map(([s, l, label]) => span(label, s, Math.min(74, s + l)));
          const docs = (first: string, second: string): AgreementDocument[] => [
            doc('d', ALPHA_TEXT, [layer(first, toSpans(xs)), layer(second, toSpans(ys))]),
          ];
          const ab = computeAgreement(docs('a', 'b'), ['a', 'b']).pairs[0]!;
          const ba = computeAgreement(docs('a', 'b'), ['b', 'a']).pairs[0]!;
          expect([ba.precision, ba.recall, ba.onlyA, ba.onlyB, ba.tp]).toEqual([ab.recall, ab.precision, ab.onlyB, ab.onlyA, ab.tp]);
          if (ab.cohenKappa === null) expect(ba.cohenKappa).toBeNull();
          else expect(ba.cohenKappa).toBeCloseTo(ab.cohenKappa, 12);
        },
      ),
      { numRuns: 200, seed: SEED },
    );
  });
});

// Timing is the benchmark's job (npm run bench); here the workspace size only checks the counts.
describe('scale', () => {
  it('counts every span of 1,000 documents × 3 annotators × 100 spans', () => {
    let state = 12345;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const vocabulary = ['the', 'ministry', 'announced', 'plans', 'to', 'open', '75', 'new', 'laboratories,', 'in', 'Dushanbe.', '$1.4', 'billion', '(UNDP)', "don't", 'U.S.'];
    const labels = ['Person', 'Organisation', 'Location', 'Money', 'Date', 'Commitment'];
    const documents: AgreementDocument[] = [];
    for (let d = 0; d < 1000; d++) {
      const words: string[] = [];
      const starts: number[] = [];
      let offset = 0;
      for (let w = 0; w < 500; w++) {
        const word = vocabulary[random(vocabulary.length)]!;
        words.push(word);
        starts.push(offset);
        offset += word.length + 1;
      }
      const text = words.join(' ');
      const shared = Array.from({ length: 100 }, () => {
        const w = random(495);
        return span(labels[random(labels.length)]!, starts[w]!, starts[w + 1 + random(4)]! - 1);
      });
      const own = (): AgreementSpan[] => shared.map((s) => (random(4) === 0 ? { ...s, end: s.end + 1 } : s));
      documents.push(doc(`doc-${d}`, text, [layer('a', own()), layer('b', own()), layer('c', own())]));
    }
    const result = computeAgreement(documents, ['a', 'b', 'c']);
    expect(result.documents).toBe(1000);
    expect(result.pairs[0]!.tp + result.pairs[0]!.onlyA).toBe(100_000);
    expect(result.pairs[0]!.tp + result.pairs[0]!.onlyB).toBe(100_000);
  });
});
