// Word and sentence segmentation that gives exactly Intl.Segmenter's boundaries, faster: iterating
// the segmenter over a whole report costs microseconds per segment, too slow for a thousand
// documents. Shared by agreement (token units) and the CoNLL exporter (tokens, sentences).

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

/** One segment as Intl.Segmenter gives it: [index, end) in UTF-16 units of the whole text. */
export interface TextSegment {
  index: number;
  end: number;
  wordLike: boolean;
}

/**
 * Intl.Segmenter's segment containing a place of a text, asked of the segmenter over that place's
 * line only (from after the line break before it to after the one ending it). Every segment that
 * `containing` or an iteration returns is made with the whole string it segments (its `input`,
 * copied each time in V8): over a 600,000-character report, a `containing` costs ~1 ms and
 * iterating all its words minutes. A line is enough: UAX #29 always breaks after a line feed, for
 * words and sentences, and neither rule set looks across one. The line's segments are kept for
 * the next place asked, usually in the same line.
 */
export class LineSegments {
  private line: Intl.Segments | undefined;
  private lineStart = 0;
  private lineEnd = 0;

  constructor(
    private readonly text: string,
    private readonly segmenter: Intl.Segmenter,
  ) {}

  /** The segment containing `at` (0 <= at < text.length). */
  containing(at: number): TextSegment {
    if (!this.line || at < this.lineStart || at >= this.lineEnd) {
      this.lineStart = at === 0 ? 0 : this.text.lastIndexOf('\n', at - 1) + 1;
      this.lineEnd = this.lineEndFrom(at);
      this.line = this.segmenter.segment(this.text.slice(this.lineStart, this.lineEnd));
    }
    const s = this.line.containing(at - this.lineStart)!;
    const index = this.lineStart + s.index;
    return { index, end: index + s.segment.length, wordLike: s.isWordLike === true };
  }

  /** Every segment of the text, line by line, in order. */
  *all(): Generator<TextSegment> {
    for (let start = 0; start < this.text.length; ) {
      const end = this.lineEndFrom(start);
      for (const s of this.segmenter.segment(this.text.slice(start, end))) {
        yield { index: start + s.index, end: start + s.index + s.segment.length, wordLike: s.isWordLike === true };
      }
      start = end;
    }
  }

  /** The end of the line `at` is in: after its line feed, or the end of the text. */
  private lineEndFrom(at: number): number {
    const lineFeed = this.text.indexOf('\n', at);
    return lineFeed < 0 ? this.text.length : lineFeed + 1;
  }
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
 * run's line (LineSegments), which segments cover it. Tests compare the results with the segmenter.
 */
export function forEachWordSegment(
  text: string,
  language: string | undefined,
  visit: (start: number, end: number, wordLike: boolean) => void,
): void {
  const n = text.length;
  let segments: LineSegments | undefined;
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
      segments ??= new LineSegments(text, segmenterFor(language, 'word'));
      for (let at = start; at < end; ) {
        const s = segments.containing(at);
        visit(s.index, s.end, s.wordLike);
        at = s.end;
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

// Sentence_Break classes (UAX #29) of the characters the fast sentence scan knows: ASCII, the
// basic Cyrillic letters, the euro sign and common emoji. Any other character is UNKNOWN: a
// boundary whose rules would look at one is asked of the segmenter.
const SB_OTHER = 0;
const SB_SP = 1;
const SB_LOWER = 2;
const SB_UPPER = 3;
const SB_NUMERIC = 4;
const SB_ATERM = 5;
const SB_STERM = 6;
const SB_CLOSE = 7;
const SB_SCONTINUE = 8;
const SB_PARASEP = 9;
const SB_CR = 10;
const SB_UNKNOWN = 11;

const ASCII_SENTENCE_CLASS = ((): Uint8Array => {
  // Control characters other than the spaces and line breaks below are left to the segmenter.
  const table = new Uint8Array(128).fill(SB_UNKNOWN);
  for (let c = 0x20; c < 0x7f; c++) table[c] = SB_OTHER;
  for (const c of [0x09, 0x0b, 0x0c, 0x20]) table[c] = SB_SP;
  table[0x0a] = SB_PARASEP;
  table[0x0d] = SB_CR;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = SB_LOWER;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = SB_UPPER;
  for (let c = 0x30; c <= 0x39; c++) table[c] = SB_NUMERIC;
  table[0x2e] = SB_ATERM;
  for (const ch of '!?') table[ch.charCodeAt(0)] = SB_STERM;
  for (const ch of '"\'()[]{}') table[ch.charCodeAt(0)] = SB_CLOSE;
  for (const ch of ',-:;') table[ch.charCodeAt(0)] = SB_SCONTINUE;
  return table;
})();

/**
 * Astral characters of Sentence_Break Other the scan knows (emoji: pictographs, emoticons,
 * transport and supplemental symbols, regional indicators), as [first, last] code points; the skin
 * tone modifiers (U+1F3FB-1F3FF) are left out, as are variation selectors and joiners (Extend).
 */
const ASTRAL_OTHER: readonly (readonly [number, number])[] = [
  [0x1f1e6, 0x1f1ff],
  [0x1f300, 0x1f3fa],
  [0x1f400, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
];

/** The Sentence_Break class of the UTF-16 unit at `i` (a surrogate: of the character it is half of). */
function sentenceClassAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return ASCII_SENTENCE_CLASS[c]!;
  if ((c >= 0x430 && c <= 0x44f) || c === 0x451) return SB_LOWER;
  if ((c >= 0x410 && c <= 0x42f) || c === 0x401) return SB_UPPER;
  // The euro sign and the Miscellaneous Symbols (weather, warnings, ⚡...).
  if (c === 0x20ac || (c >= 0x2600 && c <= 0x26ff)) return SB_OTHER;
  if (c < 0xd800 || c > 0xdfff) return SB_UNKNOWN;
  // A lone surrogate reads as itself (below 0x10000), in none of the ranges.
  const cp = c <= 0xdbff ? text.codePointAt(i)! : i > 0 ? text.codePointAt(i - 1)! : c;
  for (const [first, last] of ASTRAL_OTHER) if (cp >= first && cp <= last) return SB_OTHER;
  return SB_UNKNOWN;
}

/** How far rule SB8 looks ahead for a lowercase letter before the segmenter is asked instead. */
const SB8_LOOKAHEAD = 64;

/**
 * Whether UAX #29's sentence rules break the text before `p` (0 < p < length), from the classes
 * of the characters around it (`before`: the class of the one before `p`); undefined when one of
 * the characters the rules look at is not one the scan knows (it could be a terminator, a
 * separator, Extend or Format...).
 */
function knownSentenceBreak(text: string, p: number, before: number): boolean | undefined {
  const next = p < text.length ? sentenceClassAt(text, p) : SB_UNKNOWN;
  if (before === SB_PARASEP) return true; // SB4
  if (before === SB_CR) return next === SB_UNKNOWN ? undefined : next !== SB_PARASEP; // SB3 (CR × LF), SB4
  // The rules that break elsewhere look back over SATerm Close* Sp*.
  let q = p - 1;
  while (q >= 0 && sentenceClassAt(text, q) === SB_SP) q--;
  const spaces = q + 1 < p;
  while (q >= 0 && sentenceClassAt(text, q) === SB_CLOSE) q--;
  if (q < 0) return false;
  const term = sentenceClassAt(text, q);
  if (term === SB_UNKNOWN) return undefined;
  if (term !== SB_ATERM && term !== SB_STERM) return false; // SB998
  if (next === SB_UNKNOWN) return undefined;
  if (term === SB_ATERM) {
    if (p === q + 1 && next === SB_NUMERIC) return false; // SB6
    if (p === q + 1 && next === SB_UPPER && q > 0) {
      const letter = sentenceClassAt(text, q - 1);
      if (letter === SB_UNKNOWN) return undefined;
      if (letter === SB_UPPER || letter === SB_LOWER) return false; // SB7
    }
    // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower
    for (let k = p; ; k++) {
      if (k >= text.length) break;
      if (k - p >= SB8_LOOKAHEAD) return undefined;
      const c = sentenceClassAt(text, k);
      if (c === SB_UNKNOWN) return undefined;
      if (c === SB_LOWER) return false;
      if (c === SB_UPPER || c === SB_PARASEP || c === SB_CR || c === SB_ATERM || c === SB_STERM) break;
    }
  }
  if (next === SB_SCONTINUE || next === SB_ATERM || next === SB_STERM) return false; // SB8a
  if (!spaces && next === SB_CLOSE) return false; // SB9
  if (next === SB_SP || next === SB_PARASEP || next === SB_CR) return false; // SB9, SB10
  return true; // SB11
}

/** Languages whose sentence rules are Unicode's own in ICU (no tailoring): the scan is exact for them. */
const ROOT_SENTENCE_RULES = new Set(['en', 'ru', 'uk', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl']);

/**
 * Where Intl.Segmenter (granularity "sentence", `language`) starts each sentence of `text`, in
 * UTF-16 units, ascending (0 first; none for an empty text). A break can only follow a line break
 * or a terminator with its closing marks and spaces (UAX #29, SB4 and SB11): those places are
 * decided from the characters around them when the scan knows them all (ASCII, basic Cyrillic,
 * the euro sign, common emoji), and asked of the segmenter (over that line) otherwise; every other place is no break. Languages
 * whose rules ICU tailors are segmented by the segmenter, line by line. Tests compare the results
 * with the segmenter.
 */
export function sentenceStarts(text: string, language: string | undefined): number[] {
  const tag = language === undefined || language === '' ? 'en' : language;
  if (!ROOT_SENTENCE_RULES.has(tag)) return [...new LineSegments(text, segmenterFor(language, 'sentence')).all()].map((s) => s.index);
  if (text.length === 0) return [];
  const starts = [0];
  let segments: LineSegments | undefined;
  for (let p = 1; p < text.length; p++) {
    const before = sentenceClassAt(text, p - 1);
    if (before !== SB_SP && before !== SB_CLOSE && before !== SB_ATERM && before !== SB_STERM && before !== SB_PARASEP && before !== SB_CR && before !== SB_UNKNOWN) continue;
    let breaks = knownSentenceBreak(text, p, before);
    if (breaks === undefined) {
      segments ??= new LineSegments(text, segmenterFor(language, 'sentence'));
      breaks = segments.containing(p).index === p;
    }
    if (breaks) starts.push(p);
  }
  return starts;
}
