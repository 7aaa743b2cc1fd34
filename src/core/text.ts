// Text as it comes in: bytes decoded strictly as UTF-8, line endings normalised to \n.
// Stored document text is exactly what normalizeNewlines returns; nothing else is changed.

import { fail, ok } from './api';
import type { Result } from './api';
import { lowerBound } from './offsets';

/** CRLF and lone CR become LF; a leading byte order mark is removed. Nothing else changes. */
export function normalizeNewlines(s: string): string {
  const noBom = s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  return noBom.replace(/\r\n?/g, '\n');
}

/** Decode UTF-8 strictly; an invalid sequence fails with "invalid UTF-8 at byte N". */
export function decodeUtf8(bytes: Uint8Array): Result<string> {
  try {
    return ok(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // TextDecoder does not say where: find the first bad byte ourselves.
    return fail('invalid-input', `invalid UTF-8 at byte ${firstInvalidUtf8Byte(bytes)}`);
  }
}

/**
 * Offset of the first byte that starts an invalid UTF-8 sequence (WHATWG rules: no overlongs,
 * no surrogates, nothing above U+10FFFF), or bytes.length when a sequence is cut off at the end.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return i;
      const c = bytes[i + k]!;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** The result of normalising line endings of a text that has code-point offsets into it. */
export interface NormalizedText {
  text: string;
  /** Maps a code-point offset of the original text (0..length) to one of the normalised text. */
  mapOffset(cp: number): number;
  /** True when something was changed (a BOM or a CR removed). */
  changed: boolean;
}

/**
 * Normalise like normalizeNewlines and keep a map of offsets, so that spans given against a
 * CRLF text can be moved onto the normalised text (an offset on a removed CR maps to the LF).
 */
export function normalizeWithOffsets(original: string): NormalizedText {
  // removedBefore[k] = code points removed before original code point k; recorded sparsely.
  const removedAt: number[] = []; // original code-point offsets of removed characters, ascending
  let cp = 0;
  for (let i = 0; i < original.length; i++, cp++) {
    const c = original.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < original.length) {
      const d = original.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      continue;
    }
    if (i === 0 && c === 0xfeff) removedAt.push(cp);
    // A CR followed by LF is removed; a lone CR is replaced by LF (same length).
    else if (c === 0x0d && original.charCodeAt(i + 1) === 0x0a) removedAt.push(cp);
  }
  const text = normalizeNewlines(original);
  // Less the CRs removed before the offset.
  const mapOffset = (offset: number): number => offset - lowerBound(removedAt, offset);
  return { text, mapOffset, changed: text !== original };
}
