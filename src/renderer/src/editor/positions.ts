// Maps ProseMirror positions <-> code-point offsets of a document's text. The editor shows only
// the document's blocks, grouped in chunks (runs of about CHUNK_BLOCKS blocks: the unit the
// browser skips laying out while out of sight, ADR 0015); the text between blocks (blank lines)
// has no position of its own, so every conversion says which side of such a gap it wants.

import type { Block, BlockType } from '../../../core/model';
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

/**
 * The position index of one document: a table of block starts in both coordinate systems plus
 * the text's CodePointIndex, so that every conversion is a binary search (O(log blocks + log astral)).
 */
export class PositionIndex {
  readonly slots: readonly BlockSlot[];
  /** The index of each chunk's first block (see chunkStarts). */
  readonly chunks: readonly number[];
  /** Size of the editor document's content (the position after the last chunk). */
  readonly docSize: number;

  constructor(
    readonly text: CodePointIndex,
    blocks: readonly Block[],
    chunkSize: number = CHUNK_BLOCKS,
  ) {
    const slots: BlockSlot[] = [];
    const normalized = normalizeBlocks(blocks, text.length);
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
      slots.push({
        type: block.type,
        level: block.level,
        start: block.start,
        end: block.end,
        utf16Start,
        utf16End,
        contentStart,
        contentEnd,
      });
      pos = contentEnd + 1;
    }
    this.slots = slots;
    // The last chunk closes.
    this.docSize = pos + 1;
  }

  /** How many blocks chunks [0, count) hold. */
  blocksIn(count: number): number {
    return count >= this.chunks.length ? this.slots.length : this.chunks[Math.max(0, count)]!;
  }

  /** Length of the text in code points. */
  get length(): number {
    return this.text.length;
  }

  /** The code-point offset at an editor position (clamped to the document). */
  toCodePoint(pos: number, side: Side): number {
    const slots = this.slots;
    const p = Math.min(Math.max(pos, 0), this.docSize);
    // The last block whose content starts at or before p.
    const i = lastIndex(slots.length, (k) => slots[k]!.contentStart <= p);
    if (i < 0) return slots[0]!.start;
    const slot = slots[i]!;
    if (p <= slot.contentEnd) {
      const u = slot.utf16Start + (p - slot.contentStart);
      const cp = this.text.toCodePoint(u);
      // Inside a surrogate pair: an end rounds up so that the whole character is included.
      return side === 'end' && this.text.toUtf16(cp) < u ? cp + 1 : cp;
    }
    // p is in the gap after this block.
    if (side === 'end') return slot.end;
    return slots[i + 1]?.start ?? slot.end;
  }

  /** The editor position of a code-point offset (clamped to the text). */
  toPos(cp: number, side: Side): number {
    const slots = this.slots;
    const c = Math.min(Math.max(cp, 0), this.text.length);
    if (side === 'start') {
      // The first block that still has text at or after c.
      const i = firstIndex(slots.length, (k) => slots[k]!.end > c);
      if (i >= slots.length) return slots[slots.length - 1]!.contentEnd;
      return this.posIn(slots[i]!, Math.max(c, slots[i]!.start));
    }
    // The last block that has text before c.
    const i = lastIndex(slots.length, (k) => slots[k]!.start < c);
    if (i < 0) return slots[0]!.contentStart;
    return this.posIn(slots[i]!, Math.min(c, slots[i]!.end));
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

  private posIn(slot: BlockSlot, cp: number): number {
    return slot.contentStart + (this.text.toUtf16(cp) - slot.utf16Start);
  }
}


/** Index of the last k in [0, n) for which pred holds (pred monotone true..false), or -1. */
function lastIndex(n: number, pred: (k: number) => boolean): number {
  return firstIndex(n, (k) => !pred(k)) - 1;
}
