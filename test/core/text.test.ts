import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8Byte, normalizeNewlines, normalizeWithOffsets } from '../../src/core/text';

// Property tests run on a fixed seed so that every run checks the same cases.
const SEED = 20240503;

describe('normalizeNewlines', () => {
  it('turns CRLF and lone CR into LF and keeps LF', () => {
    expect(normalizeNewlines('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
    expect(normalizeNewlines('\r\n\r\n')).toBe('\n\n');
    expect(normalizeNewlines('\r\r\n')).toBe('\n\n');
  });

  it('strips a leading BOM only', () => {
    expect(normalizeNewlines('\ufeffTitle')).toBe('Title');
    expect(normalizeNewlines('a\ufeffb')).toBe('a\ufeffb');
  });

  it('changes nothing else (tabs, trailing spaces, astral characters)', () => {
    const s = '  indented\t\n🌍 trailing  \n';
    expect(normalizeNewlines(s)).toBe(s);
  });
});

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 including astral characters', () => {
    const bytes = new TextEncoder().encode('Москва 🌍 €');
    expect(decodeUtf8(bytes)).toEqual({ ok: true, value: 'Москва 🌍 €' });
  });

  it('names the byte offset of the first invalid byte', () => {
    const bytes = new Uint8Array([0x61, 0x62, 0xff, 0x63]);
    const r = decodeUtf8(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-input');
      expect(r.error.message).toBe('invalid UTF-8 at byte 2');
    }
  });

  it('reports a truncated sequence, overlongs and encoded surrogates', () => {
    expect(firstInvalidUtf8Byte(new Uint8Array([0x61, 0xe2, 0x82]))).toBe(1); // cut-off €
    expect(firstInvalidUtf8Byte(new Uint8Array([0xc0, 0xaf]))).toBe(0); // overlong "/"
    expect(firstInvalidUtf8Byte(new Uint8Array([0x41, 0xed, 0xa0, 0x80]))).toBe(1); // U+D800
    expect(firstInvalidUtf8Byte(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8Byte(new Uint8Array([0xf0, 0x9f, 0x8c, 0x8d]))).toBe(4); // valid 🌍
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1
    const r = decodeUtf8(latin1);
    expect(!r.ok && r.error.message).toBe('invalid UTF-8 at byte 3');
  });

  it('agrees with TextDecoder on random bytes about validity', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        expect(decodeUtf8(bytes).ok).toBe(valid);
        expect(firstInvalidUtf8Byte(bytes) === bytes.length).toBe(valid);
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});

describe('normalizeWithOffsets', () => {
  it('moves offsets after each removed CR', () => {
    const original = 'ab\r\ncd\r\nef';
    const n = normalizeWithOffsets(original);
    expect(n.text).toBe('ab\ncd\nef');
    expect(n.changed).toBe(true);
    // "cd" is at 4..6 in the original and 3..5 after.
    expect(n.mapOffset(4)).toBe(3);
    expect(n.mapOffset(6)).toBe(5);
    expect(n.mapOffset(8)).toBe(6); // "ef"
    expect(n.mapOffset(10)).toBe(8);
    // An offset on the removed CR lands on the LF.
    expect(n.mapOffset(2)).toBe(2);
    expect(n.mapOffset(3)).toBe(2);
  });

  it('counts code points, not UTF-16 units, and handles a BOM', () => {
    const n = normalizeWithOffsets('\ufeff🌍\r\nx');
    expect(n.text).toBe('🌍\nx');
    expect(n.mapOffset(1)).toBe(0); // 🌍
    expect(n.mapOffset(4)).toBe(2); // x
  });

  it('reports no change for an LF text and maps identically', () => {
    const n = normalizeWithOffsets('a\nb');
    expect(n.changed).toBe(false);
    expect([0, 1, 2, 3].map(n.mapOffset)).toEqual([0, 1, 2, 3]);
  });

  it('keeps every quote of a non-newline range (random texts with CRLF)', () => {
    const piece = fc.constantFrom('a', 'b', '🌍', '\r\n', '\r', '\n', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), fc.nat(), fc.nat(), (parts, a, b) => {
        const original = parts.join('');
        const cps = [...original];
        const n = normalizeWithOffsets(original);
        const out = [...n.text];
        const s = a % (cps.length + 1);
        const e = b % (cps.length + 1);
        const [lo, hi] = s <= e ? [s, e] : [e, s];
        const quote = cps.slice(lo, hi).join('');
        // Ranges that do not start or end on a CR keep their quote, normalised.
        if (cps[lo] !== '\r' && cps[hi - 1] !== '\r' && cps[hi] !== '\n') {
          expect(out.slice(n.mapOffset(lo), n.mapOffset(hi)).join('')).toBe(quote.replace(/\r\n?/g, '\n'));
        }
        expect(n.mapOffset(cps.length)).toBe(out.length);
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});
