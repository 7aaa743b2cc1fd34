// Word segmentation that gives exactly Intl.Segmenter's word boundaries, faster: iterating the
// segmenter over a whole report costs microseconds per segment, too slow for a thousand
// documents. Shared by agreement (token units) and the CoNLL exporter (tokens).

const segmenters = new Map<string, Intl.Segmenter>();

/** A cached Intl.Segmenter for a language tag ("en" when absent or unusable). */
export function segmenterFor(language: string | undefined, granularity: 'word' | 'sentence' = 'word'): Intl.Segmenter {
  const tag = language === undefined || language === '' ? 'en' : language;
  const key = `${granularity} ${tag}`;
  let made = segmenters.get(key);
  if (!made) {
    try {
      made = new Intl.Segmenter(tag, { granularity });
    } catch {
      // An unusable language tag in the metadata: English rules are a fine default.
      made = new Intl.Segmenter('en', { granularity });
    }
    segmenters.set(key, made);
  }
  return made;
}

export const isAsciiSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

// Character classes of the fast scan (UAX #29 word-break properties). Letters: ASCII and the
// basic Cyrillic А-я, Ё, ё (ALetter); digits: ASCII (Numeric).
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0x410 && c <= 0x44f) || c === 0x401 || c === 0x451;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** Punctuation that is a segment of its own unless a rule below joins it (Word_Break Other, MidNum, MidNumLet...). */
const PUNCTUATION = new Set([...'.,;:\'!?()[]{}<>"-%$/&*+=#@~^|`\\\u20ac'].map((ch) => ch.charCodeAt(0)));
const COLON = 58;

/**
 * Whether the punctuation at `k` joins the characters on either side into one word: "." and "'"
 * between letters (WB6/WB7) or between digits (WB11/WB12), "," and ";" between digits.
 */
function joins(text: string, k: number, end: number): boolean {
  if (k + 1 >= end) return false;
  const p = text.charCodeAt(k);
  const a = text.charCodeAt(k - 1);
  const b = text.charCodeAt(k + 1);
  if (p === 46 || p === 39) return (isLetter(a) && isLetter(b)) || (isDigit(a) && isDigit(b));
  if (p === 44 || p === 59) return isDigit(a) && isDigit(b);
  return false;
}

/**
 * Whether the run [start, end) (no ASCII whitespace) is made of letters, digits and the
 * punctuation above only, so that the fast scan segments it exactly. A colon between letters is
 * left to the segmenter: whether it joins them (MidLetter) depends on the ICU version.
 */
function isSimpleRun(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isLetter(c) || isDigit(c)) continue;
    if (!PUNCTUATION.has(c)) return false;
    if (c === COLON && i > start && i + 1 < end && isLetter(text.charCodeAt(i - 1)) && isLetter(text.charCodeAt(i + 1))) return false;
  }
  return true;
}

/**
 * Visit the segments of `text` that Intl.Segmenter (granularity "word", `language`) gives, in
 * order, except the whitespace between runs of other characters: `start` and `end` in UTF-16
 * units, `wordLike` as the segmenter says. A run between ASCII whitespace made of letters,
 * digits and ASCII punctuation is segmented directly (UAX #29: letters and digits stay together,
 * WB5-WB10; "." and "'" join letters or digits, "," and ";" digits, WB6-WB7 and WB11-WB12;
 * every other mark is a segment of its own, WB999); any other run asks the segmenter, over the
 * whole text, which segments cover it. Tests compare the results with the segmenter.
 */
export function forEachWordSegment(
  text: string,
  language: string | undefined,
  visit: (start: number, end: number, wordLike: boolean) => void,
): void {
  const n = text.length;
  let segments: Intl.Segments | undefined;
  let i = 0;
  while (i < n) {
    if (isAsciiSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && !isAsciiSpace(text.charCodeAt(i))) i++;
    const end = i;
    if (!isSimpleRun(text, start, end)) {
      segments ??= segmenterFor(language, 'word').segment(text);
      for (let at = start; at < end; ) {
        const s = segments.containing(at)!;
        const segmentEnd = s.index + s.segment.length;
        visit(s.index, segmentEnd, s.isWordLike === true);
        at = segmentEnd;
      }
      continue;
    }
    for (let k = start; k < end; ) {
      const c = text.charCodeAt(k);
      if (!isLetter(c) && !isDigit(c)) {
        visit(k, k + 1, false);
        k++;
        continue;
      }
      let j = k + 1;
      for (;;) {
        if (j >= end) break;
        const d = text.charCodeAt(j);
        if (isLetter(d) || isDigit(d)) j++;
        else if (joins(text, j, end)) j += 2;
        else break;
      }
      visit(k, j, true);
      k = j;
    }
  }
}
