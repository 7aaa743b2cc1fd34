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
/** ASCII letters and digits, and the basic Cyrillic letters А-я, Ё, ё (all ALetter in UAX #29). */
const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0x410 && c <= 0x44f) || c === 0x401 || c === 0x451;
/** . , ; : ! ? ( ) [ ] " ' — punctuation that never joins a word unless letters are on both sides. */
const isEdgePunctuation = (c: number): boolean =>
  c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 40 || c === 41 || c === 91 || c === 93 || c === 34 || c === 39;

/** A run of text between ASCII whitespace (UTF-16 indices, end exclusive), as the fast scan sees it. */
export type WordRun =
  /** Edge punctuation only: each mark is a segment of its own (WB999), none word-like. */
  | { kind: 'punctuation'; start: number; end: number }
  /** One word of letters and digits [wordStart, wordEnd), with edge punctuation around it. */
  | { kind: 'word'; start: number; end: number; wordStart: number; wordEnd: number }
  /** Anything else: the caller asks the segmenter (over the whole text) which segments cover it. */
  | { kind: 'complex'; start: number; end: number };

/**
 * Visit the runs of `text` between ASCII whitespace. A run of letters and digits with ASCII
 * punctuation only at its edges stays one word (UAX #29 WB5-WB10) and each punctuation mark is a
 * segment of its own; every other run is `complex`. Tests compare the results with the segmenter.
 */
export function forEachWordRun(text: string, visit: (run: WordRun) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (isAsciiSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    // 0: leading punctuation, 1: in the word, 2: trailing punctuation, 3: needs the segmenter.
    let state = 0;
    let wordStart = -1;
    let wordEnd = -1;
    while (i < n && !isAsciiSpace((c = text.charCodeAt(i)))) {
      if (state === 0) {
        if (isWordChar(c)) {
          state = 1;
          wordStart = i;
        } else if (!isEdgePunctuation(c)) state = 3;
      } else if (state === 1) {
        if (isEdgePunctuation(c)) {
          state = 2;
          wordEnd = i;
        } else if (!isWordChar(c)) state = 3;
      } else if (state === 2 && !isEdgePunctuation(c)) state = 3;
      i++;
    }
    if (state === 0) visit({ kind: 'punctuation', start, end: i });
    else if (state === 3) visit({ kind: 'complex', start, end: i });
    else visit({ kind: 'word', start, end: i, wordStart, wordEnd: state === 1 ? i : wordEnd });
  }
}
