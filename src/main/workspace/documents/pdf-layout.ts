// Reading order of PDF text: positioned text runs of each page become lines, columns and
// paragraphs, and line-end hyphenation is undone with care. Pure: no pdfjs here, easy to test.

import type { Block, BlockType } from '../../../core/model';
import { codePointLength } from '../../../core/offsets';

/** One run of text as a PDF page places it (PDF user space: y grows upwards, baseline y). */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  /** Advance width of the run. */
  width: number;
  /** Font size (height of an em). */
  size: number;
}

export interface PageText {
  /** 1-based page number. */
  page: number;
  runs: TextRun[];
}

export interface LaidOutText {
  text: string;
  blocks: Block[];
  /** The first line of text, for a title when the PDF has none. */
  firstLine: string;
}

/** Pieces of one row closer than this many ems belong to one segment (words of a line). */
const SEGMENT_GAP_EM = 1.5;
/** A gap wider than this many ems between runs of a segment is a space. */
const SPACE_GAP_EM = 0.15;
/** A vertical step this much larger than the usual line step starts a paragraph. */
const PARAGRAPH_STEP_RATIO = 1.3;
/** A vertical step of more ems than this is never mere leading (double spacing is 2). */
const PARAGRAPH_GAP_EM = 2.2;
/** A paragraph whose font is this much larger than the body text is a heading. */
const HEADING_SIZE_RATIO = 1.2;

/** A line (or part of a line) as laid out: text and geometry. */
interface Segment {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** A line in reading order, with the stream (column region) it belongs to. */
interface Line extends Segment {
  stream: number;
}

interface Paragraph {
  page: number;
  lines: Line[];
  size: number;
  bullet: boolean;
}

// • ◦ ▪ ‣ ● ○ ■ □ ∙ · – *, escaped: the CLI's bundle stays ASCII (V8 reads it as one-byte text).
const BULLET = /^[\u2022\u25e6\u25aa\u2023\u25cf\u25cb\u25a0\u25a1\u2219\u00b7\u2013*]\s/u;

/** Lines, columns and paragraphs of all pages, as canonical text with blocks (each with its page). */
export function layoutPages(pages: PageText[]): LaidOutText {
  const pageLines = pages.map((page) => ({ page: page.page, lines: readingOrder(rows(page.runs).flatMap(splitRow)) }));
  // One line step for the whole document: a page with two lines cannot tell a gap from leading.
  const step = lineStep(pageLines.map((p) => p.lines));
  const paragraphs = pageLines.flatMap((p) => paragraphsOf(p.page, p.lines, step));
  const vocabulary = buildVocabulary(paragraphs);
  const bodySize = dominantSize(paragraphs);
  const headingSizes = [...new Set(paragraphs.filter((p) => isHeading(p, bodySize)).map((p) => round1(p.size)))].sort(
    (a, b) => b - a,
  );

  let text = '';
  let len = 0;
  const blocks: Block[] = [];
  for (const paragraph of paragraphs) {
    const content = joinLines(paragraph.lines.map((l) => l.text), vocabulary);
    if (!/\S/u.test(content)) continue;
    if (blocks.length > 0) {
      text += '\n\n';
      len += 2;
    }
    const start = len;
    text += content;
    len += codePointLength(content);
    let type: BlockType = 'paragraph';
    let level: number | undefined;
    if (isHeading(paragraph, bodySize)) {
      type = 'heading';
      level = Math.min(6, headingSizes.indexOf(round1(paragraph.size)) + 1);
    } else if (paragraph.bullet) {
      type = 'list-item';
      level = 1;
    }
    const block: Block = { type, start, end: len };
    if (level !== undefined) block.level = level;
    block.page = paragraph.page;
    blocks.push(block);
  }
  const first = paragraphs.find((p) => p.lines.some((l) => /\S/u.test(l.text)));
  const firstLine = first?.lines.find((l) => /\S/u.test(l.text))?.text.trim() ?? '';
  return { text, blocks, firstLine };
}

/** The lines of one page (in reading order) as paragraphs: gaps, font changes, columns and bullets start one. */
function paragraphsOf(page: number, lines: Line[], step: number): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph | null = null;
  let prev: Line | null = null;
  for (const line of lines) {
    const bullet = BULLET.test(line.text);
    const startsParagraph =
      prev === null ||
      line.stream !== prev.stream ||
      prev.y - line.y > step * PARAGRAPH_STEP_RATIO ||
      prev.y - line.y > PARAGRAPH_GAP_EM * Math.max(prev.size, line.size) ||
      prev.y - line.y < -0.5 * line.size ||
      Math.abs(line.size - prev.size) > 0.15 * Math.max(line.size, prev.size) ||
      bullet;
    if (startsParagraph || current === null) {
      current = { page, lines: [], size: line.size, bullet };
      out.push(current);
    }
    current.lines.push(line);
    prev = line;
  }
  return out;
}

/** Runs grouped by baseline (tolerance: half the larger font size), top to bottom. */
function rows(runs: TextRun[]): TextRun[][] {
  const visible = runs.filter((r) => /\S/u.test(r.text) && Number.isFinite(r.x) && Number.isFinite(r.y));
  const sorted = [...visible].sort((a, b) => b.y - a.y || a.x - b.x);
  const out: { y: number; size: number; runs: TextRun[] }[] = [];
  for (const run of sorted) {
    const row = out[out.length - 1];
    if (row && Math.abs(row.y - run.y) <= 0.5 * Math.max(row.size, run.size)) {
      row.runs.push(run);
      // The baseline of the row is that of its largest text (superscripts sit above it).
      if (run.size > row.size) {
        row.size = run.size;
        row.y = run.y;
      }
    } else {
      out.push({ y: run.y, size: run.size, runs: [run] });
    }
  }
  return out.map((row) => row.runs.sort((a, b) => a.x - b.x));
}

/** A row cut where runs are far apart (a column gutter, a table's cells). */
function splitRow(row: TextRun[]): Segment[] {
  const out: Segment[] = [];
  let runs: TextRun[] = [];
  const push = (): void => {
    if (runs.length > 0) out.push(segmentOf(runs));
    runs = [];
  };
  for (const run of row) {
    const last = runs[runs.length - 1];
    if (last) {
      const size = Math.max(last.size, run.size);
      if (run.x - (last.x + last.width) > SEGMENT_GAP_EM * size) push();
    }
    runs.push(run);
  }
  push();
  return out;
}

function segmentOf(runs: TextRun[]): Segment {
  let text = '';
  let prev: TextRun | null = null;
  for (const run of runs) {
    if (prev) {
      const gap = run.x - (prev.x + prev.width);
      if (gap > SPACE_GAP_EM * Math.max(prev.size, run.size) && !/\s$/u.test(text) && !/^\s/u.test(run.text)) text += ' ';
    }
    text += run.text;
    prev = run;
  }
  const size = maxOf(runs, (r) => r.size);
  const main = runs.reduce((a, b) => (b.size > a.size ? b : a));
  return {
    text: text.replace(/\s+/gu, ' ').trim(),
    x0: minOf(runs, (r) => r.x),
    x1: maxOf(runs, (r) => r.x + r.width),
    y: main.y,
    size,
  };
}

/**
 * Segments in reading order. With a clear vertical gutter (two columns), the page is cut into
 * regions by the lines that cross it (a title, a footer); each region is read left column first.
 */
function readingOrder(segments: Segment[]): Line[] {
  const gutter = findGutter(segments);
  const topDown = [...segments].sort((a, b) => b.y - a.y || a.x0 - b.x0);
  if (gutter === null) return mergeRows(topDown, 0);
  const lines: Line[] = [];
  let stream = 0;
  let left: Segment[] = [];
  let right: Segment[] = [];
  const flushRegion = (): void => {
    if (left.length > 0) lines.push(...mergeRows(left, stream++));
    if (right.length > 0) lines.push(...mergeRows(right, stream++));
    left = [];
    right = [];
  };
  for (const segment of topDown) {
    if (segment.x1 <= gutter) left.push(segment);
    else if (segment.x0 >= gutter) right.push(segment);
    else {
      flushRegion();
      lines.push(...mergeRows([segment], stream++));
    }
  }
  flushRegion();
  return lines;
}

/** Segments of one stream, top to bottom; those on one row join into one line. */
function mergeRows(segments: Segment[], stream: number): Line[] {
  const lines: Line[] = [];
  for (const segment of segments) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - segment.y) <= 0.5 * Math.max(last.size, segment.size)) {
      last.text = `${last.text} ${segment.text}`;
      last.x1 = Math.max(last.x1, segment.x1);
      last.size = Math.max(last.size, segment.size);
    } else {
      lines.push({ ...segment, stream });
    }
  }
  return lines;
}

/**
 * The x of a clear gutter between two columns, or null. Conservative: the gap lies in the middle
 * half of the text, at most a fifth of the segments cross it, each side has at least three lines
 * that mostly fill their column, and the two sides sit side by side.
 */
function findGutter(segments: Segment[]): number | null {
  // Too few lines to tell, or so many that this is no simple two-column page (and would be slow).
  if (segments.length < 6 || segments.length > 5000) return null;
  const minX = minOf(segments, (s) => s.x0);
  const maxX = maxOf(segments, (s) => s.x1);
  const width = maxX - minX;
  if (!(width > 0)) return null;
  const sizes = segments.map((s) => s.size).sort((a, b) => a - b);
  const em = sizes[Math.floor(sizes.length / 2)]!;
  // Crossing counts at each point of the middle half, one point apart, as runs of equal count.
  const runs: { start: number; end: number; count: number }[] = [];
  for (let x = Math.ceil(minX + width * 0.25); x <= Math.floor(minX + width * 0.75); x++) {
    const count = segments.filter((s) => s.x0 < x && s.x1 > x).length;
    const last = runs[runs.length - 1];
    if (last && last.count === count && last.end === x) last.end = x + 1;
    else runs.push({ start: x, end: x + 1, count });
  }
  if (runs.length === 0) return null;
  // The fewest crossings, then the widest gap.
  const best = runs.reduce((a, b) => (b.count < a.count || (b.count === a.count && b.end - b.start > a.end - a.start) ? b : a));
  if (best.count > segments.length / 5) return null;
  const g0 = best.start;
  const g1 = best.end - 1;
  if (g1 - g0 < em * 0.8) return null;
  const gutter = (g0 + g1) / 2;
  const left = segments.filter((s) => s.x1 <= gutter);
  const right = segments.filter((s) => s.x0 >= gutter);
  if (left.length < 3 || right.length < 3) return null;
  const leftWidth = gutter - minX;
  const rightWidth = maxX - gutter;
  if (median(left.map((s) => s.x1 - s.x0)) < 0.5 * leftWidth) return null;
  if (median(right.map((s) => s.x1 - s.x0)) < 0.5 * rightWidth) return null;
  // Side by side: the columns overlap vertically by a few lines.
  const overlap =
    Math.min(maxOf(left, (s) => s.y), maxOf(right, (s) => s.y)) -
    Math.max(minOf(left, (s) => s.y), minOf(right, (s) => s.y));
  if (overlap < 2 * em) return null;
  return gutter;
}

/**
 * The usual distance between consecutive lines of one size in a stream, over all pages: the most
 * frequent one (a median would be pulled up by paragraph gaps when paragraphs are short); else 1.2 em.
 */
function lineStep(pages: Line[][]): number {
  const counts = new Map<number, number>();
  for (const lines of pages) {
    for (let i = 1; i < lines.length; i++) {
      const a = lines[i - 1]!;
      const b = lines[i]!;
      const step = Math.round((a.y - b.y) * 2) / 2;
      const sameSize = Math.abs(a.size - b.size) <= 0.15 * Math.max(a.size, b.size);
      if (a.stream === b.stream && sameSize && step > 0 && step <= 3 * a.size) counts.set(step, (counts.get(step) ?? 0) + 1);
    }
  }
  let best = 0;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount || (count === bestCount && step < best)) {
      best = step;
      bestCount = count;
    }
  }
  if (bestCount > 0) return best;
  const sizes = pages.flat().map((l) => l.size);
  return 1.2 * (sizes.length > 0 ? median(sizes) : 12);
}

/** The font size carrying the most characters: the body text. */
function dominantSize(paragraphs: Paragraph[]): number {
  const weight = new Map<number, number>();
  for (const p of paragraphs) {
    for (const line of p.lines) weight.set(round1(line.size), (weight.get(round1(line.size)) ?? 0) + line.text.length);
  }
  let best = 0;
  let bestWeight = -1;
  for (const [size, w] of weight) {
    if (w > bestWeight || (w === bestWeight && size < best)) {
      best = size;
      bestWeight = w;
    }
  }
  return best;
}

function isHeading(p: Paragraph, bodySize: number): boolean {
  return bodySize > 0 && p.size >= HEADING_SIZE_RATIO * bodySize && p.lines.length <= 3;
}

/** Lowercased words of a document: plain ones, and hyphenated ones written within a line. */
export interface Vocabulary {
  plain: Set<string>;
  hyphenated: Set<string>;
}

function buildVocabulary(paragraphs: Paragraph[]): Vocabulary {
  const plain = new Set<string>();
  const hyphenated = new Set<string>();
  for (const p of paragraphs) {
    for (const line of p.lines) {
      // A line-final "word-" is the question, not evidence: leave it out.
      const body = line.text.replace(/[\p{L}\p{M}-]*-$/u, '');
      for (const word of body.match(/[\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*/gu) ?? []) {
        const lower = word.toLowerCase();
        if (lower.includes('-')) hyphenated.add(lower);
        else plain.add(lower);
      }
    }
  }
  return { plain, hyphenated };
}

/**
 * First parts of compounds that keep their hyphen ("well-known", "self-reliance"); kept short
 * because each is also a possible syllable break.
 */
const COMPOUND_FIRST = new Set(['self', 'well', 'ill', 'half', 'cross', 'non', 'anti', 'all']);
/** Endings that are never a word of their own: a hyphen before them is a syllable break. */
const SUFFIXES = new Set(['ly', 'ness', 'ment', 'ing', 'ed', 'er', 'est', 'less', 'ful', 'tion', 'sion', 'ity', 'able', 'ible']);

/**
 * Lines of a paragraph as one text. A line-end hyphen inside a word is a syllable break and
 * disappears ("inter-" + "national"), unless the document writes the word with a hyphen elsewhere
 * or the first part is a compound's ("well-" + "known"). It is real and kept before an uppercase
 * letter ("Franco-German") unless the document writes the word whole ("SE-" + "QUENCE"), around
 * digits ("1990-1995"), and after an earlier hyphen in the word. A soft hyphen always goes.
 */
export function joinLines(lines: string[], vocabulary: Vocabulary = { plain: new Set(), hyphenated: new Set() }): string {
  let out = '';
  // Tests look at the previous line only: the paragraph so far can be long.
  let previous = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) out = line;
    else if (previous.endsWith('\u00ad')) out = out.slice(0, -1) + line;
    else if (/[\p{L}\p{N}]\u2014$/u.test(previous)) out += line; // an unspaced em dash ("policy—next") broke the line
    else {
      const before = /(?:^|[^\p{L}\p{M}-])([\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*)[-\u2010]$/u.exec(previous)?.[1];
      const after = /^[\p{L}\p{M}]+/u.exec(line)?.[0];
      if (before && after) out = dropHyphen(before, after, vocabulary) ? out.slice(0, -1) + line : out + line;
      else if (before || /\p{N}[-\u2010]$/u.test(previous)) out += line; // "COVID-19", "1990-1995"
      else out += ` ${line}`;
    }
    previous = line;
  }
  return out;
}

function dropHyphen(first: string, next: string, vocabulary: Vocabulary): boolean {
  if (first.includes('-')) return false;
  const lower = first.toLowerCase();
  const rest = next.toLowerCase();
  if (vocabulary.hyphenated.has(`${lower}-${rest}`)) return false;
  if (vocabulary.plain.has(lower + rest)) return true;
  if (!/\p{Ll}$/u.test(first) || !/^\p{Ll}/u.test(next)) return false;
  if (SUFFIXES.has(rest)) return true;
  return !COMPOUND_FIRST.has(lower);
}

// Not Math.min(...values): a page may hold more runs than a call has room for arguments.
function minOf<T>(items: T[], f: (item: T) => number): number {
  let min = Infinity;
  for (const item of items) min = Math.min(min, f(item));
  return min;
}

function maxOf<T>(items: T[], f: (item: T) => number): number {
  let max = -Infinity;
  for (const item of items) max = Math.max(max, f(item));
  return max;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
