// The fast word segmentation against its definition, Intl.Segmenter: the same segments (but the
// whitespace between runs), the same word-likeness, on numbers, punctuation and every other script.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachWordSegment } from '../../src/core/words';

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
