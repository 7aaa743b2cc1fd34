import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodePointIndex, JsonEscapedText, codePointLength, sliceCodePoints } from '../../src/core/offsets';
import { readSample } from './samples';

// Property tests run on a fixed seed so that every run checks the same cases.
const SEED = 20240503;

/** A string of any UTF-16 units (lone surrogates too) and a range [start, end) of its code points. */
const textAndRange = fc.tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(), fc.nat()).map(([s, a, b]) => {
  const length = [...s].length;
  const x = a % (length + 1);
  const y = b % (length + 1);
  return { s, start: Math.min(x, y), end: Math.max(x, y) };
});

describe('codePointLength', () => {
  it('counts BMP characters as one each', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('Министр €25')).toBe(11);
  });

  it('counts a surrogate pair as one code point', () => {
    expect('🌍'.length).toBe(2);
    expect(codePointLength('🌍')).toBe(1);
    expect(codePointLength('a🌍b𝟐')).toBe(4);
  });

  it('counts each lone surrogate as one code point, like Python', () => {
    expect(codePointLength('\ud800')).toBe(1);
    expect(codePointLength('\udc00\ud800')).toBe(2); // reversed pair is not a pair
    expect(codePointLength('a\ud83c')).toBe(2); // high surrogate at the very end
  });

  it('agrees with the string iterator on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(codePointLength(s)).toBe([...s].length);
      }),
      { seed: SEED },
    );
  });
});

describe('CodePointIndex', () => {
  it('maps offsets in a BMP-only text to themselves', () => {
    const index = new CodePointIndex('hello world');
    expect(index.length).toBe(11);
    expect(index.utf16Length).toBe(11);
    for (let i = 0; i <= 11; i++) {
      expect(index.toUtf16(i)).toBe(i);
      expect(index.toCodePoint(i)).toBe(i);
    }
  });

  it('shifts UTF-16 indices after each astral character', () => {
    const text = 'a🌍b💧c';
    const index = new CodePointIndex(text);
    expect(index.length).toBe(5);
    expect(index.utf16Length).toBe(7);
    expect([0, 1, 2, 3, 4, 5].map((cp) => index.toUtf16(cp))).toEqual([0, 1, 3, 4, 6, 7]);
    expect(index.slice(1, 2)).toBe('🌍');
    expect(index.slice(3, 4)).toBe('💧');
    expect(index.slice(2, 5)).toBe('b💧c');
  });

  it('rounds a UTF-16 index inside a surrogate pair down to the character start', () => {
    const index = new CodePointIndex('a🌍b');
    expect(index.toCodePoint(1)).toBe(1);
    expect(index.toCodePoint(2)).toBe(1); // the low surrogate of 🌍
    expect(index.toCodePoint(3)).toBe(2);
    expect(index.toCodePoint(4)).toBe(3);
  });

  it('handles a text made only of astral characters', () => {
    const text = '𝟐𝟎𝟐𝟕';
    const index = new CodePointIndex(text);
    expect(index.length).toBe(4);
    expect(index.toUtf16(4)).toBe(8);
    expect(index.toCodePoint(8)).toBe(4);
    expect(index.toCodePoint(5)).toBe(2);
    expect(index.slice(1, 3)).toBe('𝟎𝟐');
  });

  it('treats lone surrogates as single code points', () => {
    const text = 'x\ud800y\udfffz\ud83c';
    const index = new CodePointIndex(text);
    expect(index.length).toBe(6);
    expect(index.utf16Length).toBe(6);
    expect(index.slice(1, 2)).toBe('\ud800');
    expect(index.toUtf16(5)).toBe(5);
    expect(index.toCodePoint(6)).toBe(6);
  });

  it('throws RangeError outside the text and for non-integers', () => {
    const index = new CodePointIndex('a🌍');
    expect(() => index.toUtf16(-1)).toThrow(RangeError);
    expect(() => index.toUtf16(3)).toThrow(RangeError);
    expect(() => index.toUtf16(0.5)).toThrow(RangeError);
    expect(() => index.toCodePoint(4)).toThrow(RangeError);
    expect(() => index.toCodePoint(Number.NaN)).toThrow(RangeError);
    expect(() => index.slice(0, 3)).toThrow(/outside the text/);
  });

  it('gives the offsets Python gives on the social monitoring digest', () => {
    const text = readSample('social-monitoring-digest.txt');
    const index = new CodePointIndex(text);
    // Python: len(text) == 406, UTF-16 length 413.
    expect(index.length).toBe(406);
    expect(index.utf16Length).toBe(413);
    expect(index.slice(72, 83)).toBe('€25 million');
    expect(index.slice(284, 295)).toBe('Maria Lopez');
    expect(index.slice(349, 353)).toBe('𝟐𝟎𝟐𝟕');
    expect(index.toUtf16(284)).toBe(287);
    expect(index.toCodePoint(287)).toBe(284);
    expect(sliceCodePoints(text, 303, 326)).toBe('Nordic Development Bank');
  });

  it('round-trips every code-point offset through UTF-16 (random strings)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const index = new CodePointIndex(s);
        const cps = [...s];
        expect(index.length).toBe(cps.length);
        let u = 0;
        for (let cp = 0; cp <= cps.length; cp++) {
          expect(index.toUtf16(cp)).toBe(u);
          expect(index.toCodePoint(u)).toBe(cp);
          if (cp < cps.length) u += cps[cp]!.length;
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('slices exactly like Array.from on code points (random ranges)', () => {
    fc.assert(
      fc.property(textAndRange, ({ s, start, end }) => {
        expect(new CodePointIndex(s).slice(start, end)).toBe([...s].slice(start, end).join(''));
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('says whether a range holds a quote exactly as comparing the slice would (random ranges and quotes)', () => {
    fc.assert(
      fc.property(
        textAndRange,
        fc.oneof(fc.constant(null), fc.string({ unit: 'binary', maxLength: 6 })),
        ({ s, start, end }, other) => {
          const index = new CodePointIndex(s);
          const slice = index.slice(start, end);
          // The slice itself, another string, and the slice cut or grown by one unit at either end.
          for (const quote of [slice, other ?? '', slice.slice(1), slice.slice(0, -1), `${slice}x`, `x${slice}`]) {
            expect(index.matches(start, end, quote)).toBe(slice === quote);
          }
        },
      ),
      { numRuns: 300, seed: SEED },
    );
    expect(new CodePointIndex('a💧b').matches(1, 2, '💧')).toBe(true);
    expect(new CodePointIndex('a💧b').matches(1, 2, '\ud83d')).toBe(false);
  });

  it('never maps a UTF-16 index to a code point that starts after it (random indices)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.nat(), (s, n) => {
        const index = new CodePointIndex(s);
        const u = n % (s.length + 1);
        const cp = index.toCodePoint(u);
        const back = index.toUtf16(cp);
        expect(back).toBeLessThanOrEqual(u);
        expect(u - back).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});

describe('JsonEscapedText', () => {
  /** JSON.stringify of a code-point slice, without its quotes: what slice must give. */
  const escapedSlice = (s: string, start: number, end: number): string => JSON.stringify([...s].slice(start, end).join('')).slice(1, -1);

  it('gives the JSON of a slice: quotes, backslashes, control characters, lone surrogates escaped', () => {
    const text = 'a"b\\c\n\t\u0001\u001f\u007f é💧\ud800x\udc00';
    const escaped = new JsonEscapedText(text);
    expect(escaped.length).toBe([...text].length);
    expect(escaped.escaped).toBe(JSON.stringify(text).slice(1, -1));
    expect(escaped.slice(0, 3)).toBe('a\\"b');
    expect(escaped.slice(5, 9)).toBe('\\n\\t\\u0001\\u001f');
    expect(escaped.slice(9, 13)).toBe('\u007f é💧');
    expect(escaped.slice(13, 14)).toBe('\\ud800');
    expect(escaped.slice(15, 16)).toBe('\\udc00');
    expect(escaped.slice(3, 3)).toBe('');
  });

  it('escapes every code-point slice as JSON.stringify does (random strings of any UTF-16 units)', () => {
    fc.assert(
      fc.property(textAndRange, ({ s, start, end }) => {
        expect(new JsonEscapedText(s).slice(start, end)).toBe(escapedSlice(s, start, end));
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('maps every code point of the sample with emoji and Cyrillic', () => {
    const text = readSample('social-monitoring-digest.txt');
    const escaped = new JsonEscapedText(text);
    expect(escaped.length).toBe(406);
    for (let cp = 0; cp < escaped.length; cp++) expect(escaped.slice(cp, cp + 1)).toBe(escapedSlice(text, cp, cp + 1));
    expect(escaped.slice(349, 353)).toBe('𝟐𝟎𝟐𝟕');
  });

  it('throws RangeError outside the text, as CodePointIndex does', () => {
    const escaped = new JsonEscapedText('a💧b');
    expect(() => escaped.slice(0, 4)).toThrow(new RangeError('code-point offset 4 is outside the text (0..3)'));
    expect(() => escaped.slice(-1, 1)).toThrow(RangeError);
    expect(() => escaped.slice(0.5, 1)).toThrow(RangeError);
  });
});
