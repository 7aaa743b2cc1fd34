// The fast word segmentation against its definition, Intl.Segmenter: the same segments (but the
// whitespace between runs), the same word-likeness, on numbers, punctuation and every other script.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { forEachWordSegment, sentenceStarts } from '../../src/core/words';

const SEED = 20261127;

type Segment = [start: number, end: number, wordLike: boolean];

function fast(text: string, language: string): Segment[] {
  const out: Segment[] = [];
  forEachWordSegment(text, language, (start, end, wordLike) => out.push([start, end, wordLike]));
  return out;
}

/** Intl.Segmenter's segments, without those of ASCII whitespace only. */
function segmenter(text: string, language: string): Segment[] {
  const out: Segment[] = [];
  for (const s of new Intl.Segmenter(language, { granularity: 'word' }).segment(text)) {
    if (/^[ \t\n\v\f\r]+$/u.test(s.segment)) continue;
    out.push([s.index, s.index + s.segment.length, s.isWordLike === true]);
  }
  return out;
}

describe('forEachWordSegment', () => {
  it('gives the segmenter words of numbers, dates, money and percentages', () => {
    const text = 'On 2021-12-09, €2.1 (1,013 km; 53%) rose 38.8% to $30.3m: U.S. e.g. don\'t 1..2 a.b.c 5,5,5 1;2 a;b x:y 1:2';
    expect(fast(text, 'en')).toEqual(segmenter(text, 'en'));
    const words = fast(text, 'en').filter(([, , w]) => w).map(([s, e]) => text.slice(s, e));
    expect(words).toEqual(['On', '2021', '12', '09', '2.1', '1,013', 'km', '53', 'rose', '38.8', 'to', '30.3m', 'U.S', 'e.g', "don't", '1', '2', 'a.b.c', '5,5,5', '1;2', 'a', 'b', 'x:y', '1', '2']);
  });

  it('matches Intl.Segmenter on random text of tricky pieces, in several languages', () => {
    const pieces = [
      'a', 'Zq', 'don', '0', '75', '3.5', '1,013', ' ', '  ', '\n', '\t', '\r\n', '.', ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}',
      '<', '>', '"', "'", '_', '-', '$', '%', '/', '@', '#', '&', '*', '+', '=', '~', '^', '|', '`', '\\', '€', '£', '\u0301', '\u200d',
      '\u00ad', '\u00a0', 'é', 'ß', '’', '日本', 'ไทย', '😀', '🇺🇸', '𝟐', 'א', '״', '٣', 'ｱ', 'Путин', 'Ёж', 'ё', 'Ӂ', 'U.S.',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((p) => p.join('')),
        fc.constantFrom('en', 'ru', 'ja', 'fi', 'sv', 'he', 'th', 'de'),
        (text, language) => {
          expect(fast(text, language)).toEqual(segmenter(text, language));
        },
      ),
      { numRuns: 4000, seed: SEED },
    );
  });
});

describe('sentenceStarts', () => {
  const icu = (text: string, language: string): number[] => [...new Intl.Segmenter(language, { granularity: 'sentence' }).segment(text)].map((s) => s.index);

  it('starts the sentences of prose where the segmenter does', () => {
    const text = 'Dr. Smith arrived at 5 p.m. on Monday. He said: "We will pay €2.5m." Then he left!\nNew line? Yes... and no.  (Aside.) Next.';
    expect(sentenceStarts(text, 'en')).toEqual(icu(text, 'en'));
    expect(sentenceStarts(text, 'en').map((i) => text.slice(i, i + 8))).toEqual(icu(text, 'en').map((i) => text.slice(i, i + 8)));
    expect(sentenceStarts('', 'en')).toEqual([]);
    expect(sentenceStarts('One. Two.', undefined)).toEqual([0, 5]);
  });

  it('matches Intl.Segmenter on random text of tricky pieces, in several languages', () => {
    const pieces = [
      'a', 'Zq', 'don', 'U', 'x', '0', '75', '3.5', ' ', '  ', '\n', '\t', '\r', '\r\n', '\v', '\f', '.', '..', '!', '?', '?!', ',', ';', ':', '-',
      '(', ')', '[', ']', '{', '}', '"', "'", '<', '>', '_', '$', '%', '/', '@', '#', '&', '*', '+', '=', '~', '^', '|', '`', '\\',
      '\u0001', '\u007f', '€', '«', '»', '“', '”', '’', '\u0301', '\u200d', '\u00ad', '\u00a0', '\u2028', '\u2029', '\u0085', '…', '。',
      '‼', '؟', '·', '\u037e', 'é', 'ß', 'É', 'ǅ', '日本', 'ไทย', '😀', '🇺🇸', '🇷', '⚡', '☀', '🏗️', '👍🏽', '🔥', '🧪', '🚀', '\ud83d', '\ude00', '𝐀', '𝐚', '𝟐', 'א', '٣', 'ｱ', 'Путин', 'Ёж', 'ё', 'мир', 'Ӂ', 'U.S.', 'e.g.',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((p) => p.join('')),
        fc.constantFrom('en', 'ru', 'de', 'fr', 'uk', 'pl', 'el', 'ja', 'en-u-ss-standard', ''),
        (text, language) => {
          expect(sentenceStarts(text, language === '' ? undefined : language)).toEqual(icu(text, language === '' ? 'en' : language));
        },
      ),
      { numRuns: 20000, seed: SEED },
    );
  });

  it('matches Intl.Segmenter on long runs of digits and stops (SB8 looks far ahead)', () => {
    const text = `${'1.2 '.repeat(40)}x. ${'5 '.repeat(50)}then. ${'9 '.repeat(50)}Then.`;
    expect(sentenceStarts(text, 'en')).toEqual(icu(text, 'en'));
  });
});

describe('the segmenter asked over one line at a time', () => {
  // Each segment Intl.Segmenter returns is made with a copy of the whole string it segments: over
  // a long report, asking it of the whole text costs ~1 ms a segment.
  const lines = Array.from({ length: 300 }, (_, i) => `Line ${i}: ${i % 3 === 0 ? 'a 😀 b' : 'cost €5'}. Über «quoted» text! Next… 日本 ok.`);
  const text = lines.join('\n');
  const longest = Math.max(...lines.map((l) => l.length)) + 1;

  function inputsOf(run: () => void): number[] {
    const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    try {
      run();
      return segment.mock.calls.map(([input]) => input.length);
    } finally {
      segment.mockRestore();
    }
  }

  it('words: the same segments as over the whole text, the segmenter never given more than a line', () => {
    const inputs = inputsOf(() => fast(text, 'en'));
    expect(inputs.length).toBeGreaterThan(0);
    expect(Math.max(...inputs)).toBeLessThanOrEqual(longest);
    expect(fast(text, 'en')).toEqual(segmenter(text, 'en'));
  });

  it('sentences: the same starts as over the whole text, the segmenter never given more than a line, in any language', () => {
    for (const language of ['en', 'el']) {
      const inputs = inputsOf(() => sentenceStarts(text, language));
      expect(inputs.length).toBeGreaterThan(0);
      expect(Math.max(...inputs)).toBeLessThanOrEqual(longest);
      expect(sentenceStarts(text, language)).toEqual([...new Intl.Segmenter(language, { granularity: 'sentence' }).segment(text)].map((s) => s.index));
    }
  });
});
