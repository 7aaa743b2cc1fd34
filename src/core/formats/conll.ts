// CoNLL token-per-line files with IOB tags in the last column (CoNLL-2003 NER and its kin):
// reading IOB1/IOB2 (and IOBES), writing CoNLL-2003 style IOB2. Offsets are code points.

import type { Block, Layer, Span } from '../model';
import { CodePointIndex, codePointLength, lowerBound } from '../offsets';
import { forEachWordSegment, isAsciiSpace, sentenceStarts } from '../words';
import { sortedSpans, spanRanges } from './common';
import type { ItemList } from './item-list';
import type { ExportDocument, ImportedItem, ImportedSpan, ParseResult } from './types';

/** The line that starts a document, as CoNLL-2003 writes it (token, POS, chunk, NER). */
export const CONLL_DOCSTART = '-DOCSTART- -X- O O';

// Whitespace for JavaScript and for Python's str.split (which NLTK's reader uses), so that a
// token we write is one token for every reader.
function isSpace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  // ASCII answered directly: this runs for every character of every exported text.
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
  return /\s/u.test(ch) || c === 0x85;
}

/**
 * The word-segment boundaries (Intl.Segmenter, UTF-16) that fall strictly inside a run of text
 * between ASCII whitespace: the only ones that can cut a token (at whitespace, tokens end anyway).
 * words.ts gives the segments without iterating the segmenter over every text (microseconds a
 * segment); tests compare the tokens with the plain segmenter's.
 */
function wordBreaksInRuns(text: string, language: string | undefined): number[] {
  const breaks: number[] = [];
  forEachWordSegment(text, language, (_start, end) => {
    // Segments come in order, so each boundary inside a run is pushed once, as the end of the segment before it.
    if (end < text.length && !isAsciiSpace(text.charCodeAt(end)) && !isAsciiSpace(text.charCodeAt(end - 1))) breaks.push(end);
  });
  return breaks;
}

/** The non-blank pieces of a string split at whitespace (isSpace). */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (isSpace(ch)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** A tag label is one word: whitespace runs become "_". */
function oneWord(s: string): string {
  return words(s).join('_');
}
const TAG = /^(?:O|([BIESLU])-(\S+))$/u;

interface Token {
  text: string;
  tag: string;
  line: number;
}

interface RawDocument {
  line: number;
  sentences: Token[][];
}

/** The columns of a line: tab-separated when it has tabs (tokens may then hold spaces), else by whitespace. */
function columns(line: string): string[] {
  if (line.includes('\t')) {
    const cols = line.split('\t').map((c) => c.trim());
    while (cols.length > 0 && cols[cols.length - 1] === '') cols.pop();
    return cols;
  }
  return words(line);
}

/**
 * Parse a CoNLL file: one token a line, the token first and its tag last (other columns are
 * ignored), blank lines between sentences, `-DOCSTART-` lines between documents. Tags are
 * IOB1 or IOB2 (an I- tag after O or another label starts an entity), also IOBES. The text is
 * the tokens joined by single spaces, one sentence a line.
 */
export function parseConll(text: string, file: string): ParseResult {
  const raw = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const docs: RawDocument[] = [];
  let doc: RawDocument | null = null;
  let sentence: Token[] = [];
  const endSentence = (): void => {
    if (sentence.length > 0) doc!.sentences.push(sentence);
    sentence = [];
  };
  for (const [i, part] of raw.split('\n').entries()) {
    const line = i + 1;
    const source = part.endsWith('\r') ? part.slice(0, -1) : part;
    if (source.trim() === '') {
      if (doc) endSentence();
      continue;
    }
    const cols = columns(source);
    if (cols[0] === '-DOCSTART-') {
      if (doc) endSentence();
      doc = { line, sentences: [] };
      docs.push(doc);
      continue;
    }
    if (cols.length < 2 || cols[0] === '') {
      return { ok: false, error: { file, line, message: `expected a token and a tag separated by whitespace, got ${JSON.stringify(source)}` } };
    }
    const tag = cols[cols.length - 1]!;
    if (!TAG.test(tag)) {
      return { ok: false, error: { file, line, message: `${JSON.stringify(tag)} is not an IOB tag (O, B-Label, I-Label; the tag is the last column)` } };
    }
    if (!doc) {
      doc = { line, sentences: [] };
      docs.push(doc);
    }
    sentence.push({ text: cols[0]!, tag, line });
  }
  if (doc) endSentence();

  const items: ImportedItem[] = [];
  const notices: string[] = [];
  let iobOneStarts = 0;
  for (const d of docs) {
    if (d.sentences.length === 0) {
      notices.push(`${file}:${d.line}: a document without tokens is skipped`);
      continue;
    }
    const spans: ImportedSpan[] = [];
    const blocks: Block[] = [];
    const sentenceTexts: string[] = [];
    let cp = 0;
    for (const s of d.sentences) {
      const sentenceStart = cp;
      let open: ImportedSpan | null = null;
      const close = (): void => {
        if (open) spans.push(open);
        open = null;
      };
      for (const [k, token] of s.entries()) {
        if (k > 0) cp += 1; // the space between tokens
        const start = cp;
        cp += codePointLength(token.text);
        const m = TAG.exec(token.tag)!;
        const kind = m[1];
        const label = m[2];
        if (kind === undefined || label === undefined) {
          close();
          continue;
        }
        const continues = open !== null && (open as ImportedSpan).label === label;
        if ((kind === 'I' || kind === 'E' || kind === 'L') && continues) {
          open!.end = cp;
        } else {
          if (kind === 'I') iobOneStarts++;
          close();
          open = { label, start, end: cp };
        }
        if (kind === 'E' || kind === 'L' || kind === 'S' || kind === 'U') close();
      }
      close();
      blocks.push({ type: 'paragraph', start: sentenceStart, end: cp });
      sentenceTexts.push(s.map((t) => t.text).join(' '));
      cp += 1; // the newline between sentences
    }
    items.push({
      text: sentenceTexts.join('\n'),
      blocks,
      meta: { format: 'conll' },
      layers: [{ spans, relations: [], comments: [] }],
      line: d.line,
    });
  }
  if (iobOneStarts > 0) notices.push(`${file}: ${iobOneStarts} entit(y/ies) start with an I- tag (IOB1 style); read as starting there`);
  return { ok: true, items, notices };
}

/** How exportConll resolves overlapping spans and tokenises. */
export interface ConllExportOptions {
  /** Of overlapping spans, write the outermost (default) or the innermost. */
  prefer?: 'outer' | 'inner';
  /**
   * "words": Intl.Segmenter word segments, sentences by Intl.Segmenter; "whitespace": tokens
   * are the text's whitespace-separated runs, a line a sentence (a text read from CoNLL);
   * "auto" (default): "whitespace" for documents imported from CoNLL, so they keep their tokens.
   */
  tokens?: 'auto' | 'words' | 'whitespace';
}

/** A span that the CoNLL file does not hold exactly, and why. */
export interface UnrepresentedSpan {
  document: string;
  annotator: string;
  spanId: string;
  label: string;
  start: number;
  end: number;
  reason: string;
}

/** What exportConll produces: the file, and every span not written exactly as it is. */
export interface ConllExport {
  text: string;
  /** Number of spans in `unrepresented`. */
  count: number;
  unrepresented: UnrepresentedSpan[];
  /** Other changes (labels with spaces written with "_"). */
  notices: string[];
}

/** A labelled range in UTF-16 indices of the text, to be written as one entity. */
interface Chunk {
  start: number;
  end: number;
  tag: string;
  n: number;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether [start, end) overlaps one of the sorted, disjoint ranges. */
function overlapsAny(sorted: { start: number; end: number }[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.start < end;
}

function insertSorted<R extends { start: number; end: number }>(sorted: R[], r: R): void {
  let i = sorted.length;
  while (i > 0 && sorted[i - 1]!.start > r.start) i--;
  sorted.splice(i, 0, r);
}

/** isSpace of the character at `i` (UTF-16), without making a string of it when it is ASCII. */
function isSpaceAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
  return isSpace(text[i]!);
}

/** Writes a token line: start and end (UTF-16), its tag, and the chunk it belongs to (-1: none). */
type EmitToken = (start: number, end: number, tag: string, chunk: number) => void;

/** Whitespace-free runs of text[from, to) (UTF-16), emitted as tokens with `tag` (the first one; `nextTag` for the others) and `chunk`. */
function emitRuns(text: string, from: number, to: number, emit: EmitToken, tag: string, nextTag: string, chunk: number): void {
  let start = -1;
  let first = true;
  for (let i = from; i < to; i++) {
    const ws = isSpaceAt(text, i);
    if (!ws && start < 0) start = i;
    if (ws && start >= 0) {
      emit(start, i, first ? tag : nextTag, chunk);
      first = false;
      start = -1;
    }
  }
  if (start >= 0) emit(start, to, first ? tag : nextTag, chunk);
}

function exportDocument(
  { document, layers }: ExportDocument,
  opts: Required<ConllExportOptions>,
  unrepresented: UnrepresentedSpan[],
  notices: string[],
): string {
  const text = document.text;
  const index = new CodePointIndex(text);
  const layer: Layer | undefined = layers[0];
  const annotator = layer?.annotator ?? '';
  const report = (span: Span, reason: string): void => {
    unrepresented.push({ document: document.id, annotator, spanId: span.id, label: span.label, start: span.start, end: span.end, reason });
  };
  const prefer = opts.prefer;
  const order = sortedSpans(layer?.spans ?? []).sort((a, b) =>
    prefer === 'inner'
      ? a.end - a.start - (b.end - b.start) || a.start - b.start || compareStrings(a.label, b.label) || compareStrings(a.id, b.id)
      : a.start - b.start || b.end - a.end || compareStrings(a.label, b.label) || compareStrings(a.id, b.id),
  );
  // Choose the spans to write: one label a token, so overlapping spans cannot all be written.
  const taken: { start: number; end: number; id: string }[] = [];
  const chunks: Chunk[] = [];
  const renamed = new Set<string>();
  for (const span of order) {
    const ranges = spanRanges(span);
    const clash = ranges.find((r) => overlapsAny(taken, r.start, r.end));
    if (clash) {
      const other = taken.find((t) => t.start < clash.end && clash.start < t.end)!;
      report(span, `overlaps span ${other.id}, which is written (${prefer === 'inner' ? 'innermost' : 'outermost'} wins)`);
      continue;
    }
    for (const r of ranges) insertSorted(taken, { start: r.start, end: r.end, id: span.id });
    const label = oneWord(span.label);
    if (label !== span.label && !renamed.has(span.label)) {
      renamed.add(span.label);
      notices.push(`${document.id}: label ${JSON.stringify(span.label)} written as ${label} (a tag is one word)`);
    }
    let written = 0;
    let trimmed = false;
    for (const r of ranges) {
      let start = index.toUtf16(r.start);
      let end = index.toUtf16(r.end);
      while (start < end && isSpaceAt(text, start)) start++;
      while (end > start && isSpaceAt(text, end - 1)) end--;
      if (start === end) continue;
      if (start !== index.toUtf16(r.start) || end !== index.toUtf16(r.end)) trimmed = true;
      chunks.push({ start, end, tag: label, n: chunks.length });
      written++;
    }
    if (written === 0) report(span, 'only whitespace: no token to label');
    else if (ranges.length > 1) report(span, `discontinuous: written as ${written} separate entities`);
    else if (trimmed) report(span, 'whitespace at its edges is not part of any token: written without it');
  }
  chunks.sort((a, b) => a.start - b.start);

  const prose = opts.tokens === 'words' || (opts.tokens === 'auto' && document.meta.format !== 'conll');
  // Sentence boundaries (UTF-16), ascending: every line break, and Intl.Segmenter's sentences for prose.
  const boundaries: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) boundaries.push(i);
  if (prose) {
    for (const start of sentenceStarts(text, document.meta.language)) boundaries.push(start);
    boundaries.sort((a, b) => a - b);
  }

  // Tokens are written as they are found, in text order: the boundaries are passed once.
  const out = [`${CONLL_DOCSTART}\n\n`];
  let prevEnd = -1;
  let prevChunk = -1;
  let nextBoundary = 0;
  const emit: EmitToken = (start, end, tag, chunk) => {
    // An entity is never cut by a sentence break: CoNLL entities live within one sentence.
    if (prevEnd >= 0 && !(chunk >= 0 && chunk === prevChunk)) {
      while (nextBoundary < boundaries.length && boundaries[nextBoundary]! < prevEnd) nextBoundary++;
      if (nextBoundary < boundaries.length && boundaries[nextBoundary]! <= start) out.push('\n');
    }
    out.push(`${text.slice(start, end)} -X- O ${tag}\n`);
    prevEnd = end;
    prevChunk = chunk;
  };

  // Word boundaries of the whole text, so that a word cut by a span keeps the rest whole.
  const wordBreaks = prose ? wordBreaksInRuns(text, document.meta.language) : [];
  const gap = (from: number, to: number): void => {
    if (from >= to) return;
    let pieceStart = from;
    for (let k = lowerBound(wordBreaks, from + 1); k < wordBreaks.length && wordBreaks[k]! < to; k++) {
      emitRuns(text, pieceStart, wordBreaks[k]!, emit, 'O', 'O', -1);
      pieceStart = wordBreaks[k]!;
    }
    emitRuns(text, pieceStart, to, emit, 'O', 'O', -1);
  };
  let pos = 0;
  for (const c of chunks) {
    gap(pos, c.start);
    // Inside a span, tokens are its whitespace-separated runs, so its words come back whole.
    emitRuns(text, c.start, c.end, emit, `B-${c.tag}`, `I-${c.tag}`, c.n);
    pos = c.end;
  }
  gap(pos, text.length);
  if (prevEnd >= 0) out.push('\n');
  return out.join('');
}

/** exportConll one document at a time: the spans not written and the notices gather in the writer. */
export class ConllWriter {
  /** Every span not written exactly so far. */
  readonly unrepresented: UnrepresentedSpan[] = [];
  readonly notices: string[] = [];
  private readonly options: Required<ConllExportOptions>;

  constructor(opts: ConllExportOptions = {}) {
    this.options = { prefer: opts.prefer ?? 'outer', tokens: opts.tokens ?? 'auto' };
  }

  /** One document: its -DOCSTART- line and its sentences. */
  document(document: ExportDocument): string {
    return exportDocument(document, this.options, this.unrepresented, this.notices);
  }
}

/**
 * CoNLL as an item list (docs/adr/0018): each document is an item, with no separator, head or
 * tail; `notes` hands over (and forgets) what the documents made since the last call could not
 * hold exactly, so that documents made apart are reported in their order.
 */
export function conllItemList(opts: ConllExportOptions = {}): ItemList {
  let writer = new ConllWriter(opts);
  return {
    head: '',
    leading: '',
    items: (document) => ({ pieces: [writer.document(document)], count: 1 }),
    tail: () => '',
    notes: () => {
      const { notices, unrepresented } = writer;
      writer = new ConllWriter(opts);
      return { notices, unrepresented };
    },
  };
}

/**
 * CoNLL-2003 style IOB2 of each document's first layer given: `-DOCSTART- -X- O O` and a blank
 * line before each document, one `token -X- O tag` line a token, a blank line between
 * sentences. A span's tokens are its whitespace-separated runs and other text is tokenised
 * with Intl.Segmenter, so every span that does not overlap another is written exactly.
 * Overlapping spans: the outermost wins unless `prefer: 'inner'`; every span not written
 * exactly is listed with the reason.
 */
export function exportConll(documents: ExportDocument[], opts: ConllExportOptions = {}): ConllExport {
  const writer = new ConllWriter(opts);
  const text = documents.map((d) => writer.document(d)).join('');
  return { text, count: writer.unrepresented.length, unrepresented: writer.unrepresented, notices: writer.notices };
}
