// Maps ProseMirror positions <-> code-point offsets of a document's text. The editor shows only
// the document's blocks, grouped in chunks (runs of about CHUNK_BLOCKS blocks: the unit the
// browser skips laying out while out of sight, ADR 0015); the text between blocks (blank lines)
// has no position of its own, so every conversion says which side of such a gap it wants.

import type { Block, BlockType } from '../../../core/model';
import { BLOCK_TYPES } from '../../../core/model';
import { firstIndex } from '../../../core/offsets';
import type { CodePointIndex } from '../../../core/offsets';

/**
 * Which way a position in a gap between blocks resolves. A range that *starts* in a gap starts
 * with the next block's text; a range that *ends* in a gap ends with the previous block's text.
 */
export type Side = 'start' | 'end';

/** One displayed block: its code-point range, UTF-16 range and where its content sits in the editor. */
export interface BlockSlot {
  readonly type: BlockType;
  readonly level: number | undefined;
  /** Code-point range of the block in the text. */
  readonly start: number;
  readonly end: number;
  /** The same range in UTF-16 units. */
  readonly utf16Start: number;
  readonly utf16End: number;
  /** Editor position of the block's first character (just inside the node). */
  readonly contentStart: number;
  /** Editor position after the block's last character. */
  readonly contentEnd: number;
}

/**
 * Blocks per chunk: the editor document is doc > chunk+ > block+, and a chunk is what the
 * browser leaves unlaid-out while out of sight (content-visibility in app.css). A frame then walks
 * ~200 chunks instead of 3,000 blocks (ADR 0015).
 */
export const CHUNK_BLOCKS = 16;

/**
 * The index of the first block of each chunk (the first is 0; none for no blocks). A chunk ends
 * once it has `size` blocks and the next block is not a heading: a heading's top margin collapses
 * with the block before it only inside one chunk (a chunk contains its layout). A run of headings
 * longer than the chunk is cut at twice its size anyway.
 */
export function chunkStarts(blocks: readonly Pick<Block, 'type'>[], size: number = CHUNK_BLOCKS): number[] {
  const starts: number[] = [];
  let from = 0;
  for (let i = 0; i < blocks.length; i++) {
    const length = i - from;
    if (i === 0 || (length >= size && blocks[i]!.type !== 'heading') || length >= 2 * size) {
      starts.push(i);
      from = i;
    }
  }
  return starts;
}

/** Blocks in display order, inside the text and never overlapping; one paragraph if there are none. */
export function normalizeBlocks(blocks: readonly Block[], length: number): Block[] {
  if (blocks.length === 0) return [{ type: 'paragraph', start: 0, end: length }];
  // Stored blocks come in order: sort (a copy) only when they do not.
  let ordered = true;
  for (let i = 1; i < blocks.length && ordered; i++) ordered = blocks[i - 1]!.start < blocks[i]!.start || (blocks[i - 1]!.start === blocks[i]!.start && blocks[i - 1]!.end <= blocks[i]!.end);
  const sorted = ordered ? blocks : [...blocks].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Block[] = [];
  let previousEnd = 0;
  for (const block of sorted) {
    // A block that overlaps the one before it loses the overlap: text is shown once, in order.
    const start = Math.min(Math.max(block.start, previousEnd, 0), length);
    const end = Math.min(Math.max(block.end, start), length);
    out.push({ ...block, start, end });
    previousEnd = end;
  }
  return out;
}

/** The type column holds a block type's place in BLOCK_TYPES. */
const PARAGRAPH = BLOCK_TYPES.indexOf('paragraph');

/**
 * The position index of one document: a table of block starts in both coordinate systems plus
 * the text's CodePointIndex, so that every conversion is a binary search (O(log blocks + log astral)).
 * The table is kept in typed columns, outside the JS heap (ADR 0020): 3,000 blocks as objects
 * took ~130 KB of it. `slot(i)` makes a block's BlockSlot when asked.
 */
export class PositionIndex {
  /** The index of each chunk's first block (see chunkStarts). */
  readonly chunks: readonly number[];
  /** Size of the editor document's content (the position after the last chunk). */
  readonly docSize: number;
  /** How many blocks are shown. */
  readonly blockCount: number;
  private readonly types: Uint8Array;
  /** Heading level or list depth; -1 for none. */
  private readonly levels: Int32Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly utf16Starts: Int32Array;
  private readonly utf16Ends: Int32Array;
  private readonly contentStarts: Int32Array;
  private readonly contentEnds: Int32Array;

  constructor(
    readonly text: CodePointIndex,
    blocks: readonly Block[],
    chunkSize: number = CHUNK_BLOCKS,
  ) {
    const normalized = normalizeBlocks(blocks, text.length);
    const n = normalized.length;
    this.blockCount = n;
    this.types = new Uint8Array(n);
    this.levels = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.utf16Starts = new Int32Array(n);
    this.utf16Ends = new Int32Array(n);
    this.contentStarts = new Int32Array(n);
    this.contentEnds = new Int32Array(n);
    this.chunks = chunkStarts(normalized, chunkSize);
    let pos = 0;
    let nextChunk = 0;
    for (const [i, block] of normalized.entries()) {
      // A chunk starts here: close the one before (if any) and open it.
      if (this.chunks[nextChunk] === i) {
        pos += nextChunk === 0 ? 1 : 2;
        nextChunk++;
      }
      const utf16Start = text.toUtf16(block.start);
      const utf16End = text.toUtf16(block.end);
      // A block node opens at pos; its content starts one position later and it closes after.
      const contentStart = pos + 1;
      const contentEnd = contentStart + (utf16End - utf16Start);
      // (A type this version does not know is shown as a paragraph, as the editor would show it.)
      const type = (BLOCK_TYPES as readonly string[]).indexOf(block.type);
      this.types[i] = type < 0 ? PARAGRAPH : type;
      this.levels[i] = block.level ?? -1;
      this.starts[i] = block.start;
      this.ends[i] = block.end;
      this.utf16Starts[i] = utf16Start;
      this.utf16Ends[i] = utf16End;
      this.contentStarts[i] = contentStart;
      this.contentEnds[i] = contentEnd;
      pos = contentEnd + 1;
    }
    // The last chunk closes.
    this.docSize = pos + 1;
  }

  /** The i-th shown block (made when asked). */
  slot(i: number): BlockSlot {
    const level = this.levels[i]!;
    return {
      type: BLOCK_TYPES[this.types[i]!]!,
      level: level < 0 ? undefined : level,
      start: this.starts[i]!,
      end: this.ends[i]!,
      utf16Start: this.utf16Starts[i]!,
      utf16End: this.utf16Ends[i]!,
      contentStart: this.contentStarts[i]!,
      contentEnd: this.contentEnds[i]!,
    };
  }

  /** Every shown block (made whole: for tests and diagnostics). */
  get slots(): BlockSlot[] {
    const out: BlockSlot[] = [];
    for (let i = 0; i < this.blockCount; i++) out.push(this.slot(i));
    return out;
  }

  /** The first block that closes at or after an editor position (the last block past the end). */
  blockAt(pos: number): number {
    const ends = this.contentEnds;
    return Math.min(this.blockCount - 1, firstIndex(this.blockCount, (k) => ends[k]! + 1 >= pos));
  }

  /** How many blocks chunks [0, count) hold. */
  blocksIn(count: number): number {
    return count >= this.chunks.length ? this.blockCount : this.chunks[Math.max(0, count)]!;
  }

  /** Length of the text in code points. */
  get length(): number {
    return this.text.length;
  }

  /** The code-point offset at an editor position (clamped to the document). */
  toCodePoint(pos: number, side: Side): number {
    const { contentStarts, starts } = this;
    const p = Math.min(Math.max(pos, 0), this.docSize);
    // The last block whose content starts at or before p.
    const i = firstAbove(contentStarts, p) - 1;
    if (i < 0) return starts[0]!;
    if (p <= this.contentEnds[i]!) {
      const u = this.utf16Starts[i]! + (p - contentStarts[i]!);
      const cp = this.text.toCodePoint(u);
      // Inside a surrogate pair: an end rounds up so that the whole character is included.
      return side === 'end' && this.text.toUtf16(cp) < u ? cp + 1 : cp;
    }
    // p is in the gap after this block.
    if (side === 'end' || i + 1 >= this.blockCount) return this.ends[i]!;
    return starts[i + 1]!;
  }

  /** The editor position of a code-point offset (clamped to the text). */
  toPos(cp: number, side: Side): number {
    const { starts, ends } = this;
    const n = this.blockCount;
    const c = Math.min(Math.max(cp, 0), this.text.length);
    if (side === 'start') {
      // The first block that still has text at or after c.
      const i = firstAbove(ends, c);
      if (i >= n) return this.contentEnds[n - 1]!;
      return this.posIn(i, Math.max(c, starts[i]!));
    }
    // The last block that has text before c.
    const i = firstAbove(starts, c - 1) - 1;
    if (i < 0) return this.contentStarts[0]!;
    return this.posIn(i, Math.min(c, ends[i]!));
  }

  /**
   * The editor range showing the code-point range [start, end), or null when nothing of it is
   * visible (empty, or entirely inside a gap between blocks).
   */
  toRange(start: number, end: number): { from: number; to: number } | null {
    const from = this.toPos(start, 'start');
    const to = this.toPos(end, 'end');
    return from < to ? { from, to } : null;
  }

  /** The code-point range of an editor range (a selection), ends resolved towards the inside. */
  fromRange(from: number, to: number): { start: number; end: number } {
    const a = Math.min(from, to);
    const b = Math.max(from, to);
    const start = this.toCodePoint(a, 'start');
    const end = this.toCodePoint(b, 'end');
    return end > start ? { start, end } : { start, end: start };
  }

  /** The editor position of a code point of block i. */
  private posIn(i: number, cp: number): number {
    return this.contentStarts[i]! + (this.text.toUtf16(cp) - this.utf16Starts[i]!);
  }
}

/** Index of the first value of an ascending column above x (its length if none is). */
function firstAbove(column: Int32Array, x: number): number {
  let lo = 0;
  let hi = column.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (column[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
