// Code points <-> UTF-16 code units. Every stored offset is a code point (Python str index);
// JS strings index UTF-16 units. This is the one place that converts between them.

/** Number of code points in a JS string. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point; count it once.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** A high surrogate followed by a low one: one astral character. */
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * A precomputed index of one text's astral characters, so that conversions cost O(log a)
 * (a = astral characters) instead of a scan of the text. Build it once per document.
 */
export class CodePointIndex {
  /** Code-point offsets of the astral (surrogate-pair) characters, ascending. */
  private readonly astralCp: number[] = [];
  /** Total length in code points. */
  readonly length: number;
  /** Total length in UTF-16 units. */
  readonly utf16Length: number;

  constructor(readonly text: string) {
    // The regular expression engine finds the surrogate pairs far faster than a loop over every
    // UTF-16 unit (a 700,000-character report: ~0.5 ms instead of ~5). A lone surrogate is one
    // code point, as before.
    let pairs = 0;
    SURROGATE_PAIR.lastIndex = 0;
    for (let m = SURROGATE_PAIR.exec(text); m !== null; m = SURROGATE_PAIR.exec(text)) {
      this.astralCp.push(m.index - pairs);
      pairs++;
    }
    this.length = text.length - pairs;
    this.utf16Length = text.length;
  }

  /** UTF-16 index of a code-point offset (0..length). Throws RangeError outside the text. */
  toUtf16(cp: number): number {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.length) {
      throw new RangeError(`code-point offset ${cp} is outside the text (0..${this.length})`);
    }
    // Every astral character before cp adds one extra UTF-16 unit.
    return cp + lowerBound(this.astralCp, cp);
  }

  /**
   * Code-point offset of a UTF-16 index (0..utf16Length). An index inside a surrogate pair
   * rounds down to the start of that character.
   */
  toCodePoint(u: number): number {
    if (!Number.isInteger(u) || u < 0 || u > this.utf16Length) {
      throw new RangeError(`UTF-16 index ${u} is outside the text (0..${this.utf16Length})`);
    }
    // Find the number k of astral characters whose UTF-16 start is before u:
    // the astral character j starts at UTF-16 index astralCp[j] + j.
    let lo = 0;
    let hi = this.astralCp.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.astralCp[mid]! + mid < u) lo = mid + 1;
      else hi = mid;
    }
    const k = lo;
    // If u points at the low surrogate of astral character k-1, round down to its start.
    if (k > 0 && this.astralCp[k - 1]! + (k - 1) + 1 === u) return this.astralCp[k - 1]!;
    return u - k;
  }

  /** The text between two code-point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }

  /**
   * Whether the text between two code-point offsets is `quote` (`slice(start, end) === quote`)
   * without making the slice: checking 10,000 spans' quotes at open allocates nothing.
   */
  matches(start: number, end: number, quote: string): boolean {
    const from = this.toUtf16(start);
    return this.toUtf16(end) - from === quote.length && this.text.startsWith(quote, from);
  }
}

/**
 * A text as the inside of its JSON string (JSON.stringify's escapes, without the quotes), with
 * where each code point starts in it: the JSON of any code-point slice of the text is a slice of
 * this one escaped text, since JSON escapes each character on its own (a surrogate pair stays
 * whole, a lone surrogate is `\uXXXX`). An export that writes hundreds of thousands of quotes and
 * their context (W3C's TextQuoteSelector) escapes each document once instead of every slice.
 */
export class JsonEscapedText {
  /** JSON.stringify(text) without its quotes. */
  readonly escaped: string;
  /** Where each code point starts in `escaped`, and its end at [length]. */
  private readonly at: Int32Array;
  /** Length of the text in code points. */
  readonly length: number;

  constructor(text: string) {
    this.escaped = JSON.stringify(text).slice(1, -1);
    const at = new Int32Array(text.length + 1);
    let cp = 0;
    let u = 0;
    for (let i = 0; i < text.length; i++) {
      at[cp++] = u;
      const c = text.charCodeAt(i);
      if (c < 0x20) u += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
      else if (c === 0x22 || c === 0x5c) u += 2;
      else if (c < 0xd800 || c > 0xdfff) u += 1;
      else if (c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        u += 2;
        i++;
      } else u += 6;
    }
    at[cp] = u;
    // The rules above are JSON.stringify's (ECMA-262 QuoteJSONString); a mismatch would be a bug here.
    if (u !== this.escaped.length) throw new Error(`JsonEscapedText: ${u} escaped units counted, ${this.escaped.length} made`);
    this.at = at.subarray(0, cp + 1);
    this.length = cp;
  }

  /**
   * JSON.stringify(the text between two code-point offsets) without its quotes. Throws
   * RangeError outside the text, as CodePointIndex does.
   */
  slice(start: number, end: number): string {
    return this.escaped.slice(this.index(start), this.index(end));
  }

  private index(cp: number): number {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.length) {
      throw new RangeError(`code-point offset ${cp} is outside the text (0..${this.length})`);
    }
    return this.at[cp]!;
  }
}

/** Index of the first k in [0, n) for which pred holds (pred monotone false..true), or n. */
export function firstIndex(n: number, pred: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first element >= x in an ascending array (firstIndex without a callback: hot). */
export function lowerBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The text between two code-point offsets, without building an index (for one-off use). */
export function sliceCodePoints(text: string, start: number, end: number): string {
  return new CodePointIndex(text).slice(start, end);
}
