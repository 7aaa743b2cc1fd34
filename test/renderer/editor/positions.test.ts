import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Block } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';
import { chunkStarts, normalizeBlocks } from '../../../src/renderer/src/editor/positions';

const para = (start: number, end: number): Block => ({ type: 'paragraph', start, end });

function build(text: string, blocks: Block[], chunkSize?: number) {
  return buildEditorDocument({ text, blocks }, chunkSize);
}

describe('PositionIndex on plain paragraphs', () => {
  // "Hello world" [0,11), gap "\n\n" [11,13), "Second" [13,19)
  const text = 'Hello world\n\nSecond';
  const { doc, positions } = build(text, [para(0, 11), para(13, 19)]);

  it('lays blocks out like the ProseMirror document', () => {
    expect(positions.slots.map((s) => [s.contentStart, s.contentEnd])).toEqual([
      [2, 13],
      [15, 21],
    ]);
    expect(positions.docSize).toBe(doc.content.size);
    for (const slot of positions.slots) {
      const $pos = doc.resolve(slot.contentStart);
      expect($pos.parentOffset).toBe(0);
      expect($pos.parent.textContent).toBe(text.slice(slot.start, slot.end));
    }
  });

  it('maps offsets inside blocks both ways', () => {
    expect(positions.toPos(0, 'start')).toBe(2);
    expect(positions.toPos(6, 'start')).toBe(8);
    expect(positions.toPos(11, 'end')).toBe(13);
    expect(positions.toPos(13, 'start')).toBe(15);
    expect(positions.toPos(19, 'end')).toBe(21);
    expect(positions.toCodePoint(8, 'start')).toBe(6);
    expect(positions.toCodePoint(15, 'start')).toBe(13);
    expect(doc.textBetween(positions.toPos(6, 'start'), positions.toPos(11, 'end'))).toBe('world');
  });

  it('resolves the gap between blocks by side', () => {
    // Code points 11 and 12 are the blank line: a range starting there starts at "Second",
    // a range ending there ends after "world".
    for (const cp of [11, 12]) {
      expect(positions.toPos(cp, 'start')).toBe(15);
    }
    for (const cp of [12, 13]) {
      expect(positions.toPos(cp, 'end')).toBe(13);
    }
    // Position 14 lies between the two paragraph nodes.
    expect(positions.toCodePoint(14, 'start')).toBe(13);
    expect(positions.toCodePoint(14, 'end')).toBe(11);
    // Before the first block and after the last.
    expect(positions.toCodePoint(0, 'start')).toBe(0);
    expect(positions.toCodePoint(0, 'end')).toBe(0);
    expect(positions.toCodePoint(22, 'start')).toBe(19);
    expect(positions.toCodePoint(22, 'end')).toBe(19);
  });

  it('gives no range for text only in a gap, and the visible part otherwise', () => {
    expect(positions.toRange(11, 13)).toBeNull();
    expect(positions.toRange(12, 12)).toBeNull();
    expect(positions.toRange(6, 16)).toEqual({ from: 8, to: 18 });
    const r = positions.toRange(6, 16)!;
    expect(doc.textBetween(r.from, r.to, '|')).toBe('world|Sec');
  });

  it('turns a selection across the gap into the code points it covers', () => {
    expect(positions.fromRange(8, 18)).toEqual({ start: 6, end: 16 });
    expect(positions.fromRange(18, 8)).toEqual({ start: 6, end: 16 });
    // Select-all style range: from before the first block to after the last.
    expect(positions.fromRange(0, positions.docSize)).toEqual({ start: 0, end: 19 });
    // Only the position between the blocks: nothing.
    expect(positions.fromRange(14, 14)).toEqual({ start: 13, end: 13 });
  });

  it('clamps positions and offsets outside the document', () => {
    expect(positions.toPos(-5, 'start')).toBe(2);
    expect(positions.toPos(999, 'end')).toBe(21);
    expect(positions.toCodePoint(-1, 'start')).toBe(0);
    expect(positions.toCodePoint(999, 'end')).toBe(19);
  });
});

describe('PositionIndex with astral characters', () => {
  // 😀 and the mathematical bold digits 𝟐𝟎 are two UTF-16 units (and two editor positions) each.
  const text = 'a😀b\n\n𝟐𝟎27 c';
  const index = new CodePointIndex(text);
  const blocks = [para(0, 3), para(5, 11)];
  const { doc, positions } = build(text, blocks);

  it('counts code points, not UTF-16 units', () => {
    expect(index.length).toBe(11);
    expect(positions.slots[0]).toMatchObject({ start: 0, end: 3, utf16Start: 0, utf16End: 4, contentStart: 2, contentEnd: 6 });
    expect(positions.slots[1]).toMatchObject({ start: 5, end: 11, utf16Start: 6, utf16End: 14, contentStart: 8, contentEnd: 16 });
    expect(positions.toPos(2, 'start')).toBe(5); // "b"
    expect(positions.toCodePoint(5, 'start')).toBe(2);
    expect(positions.toPos(7, 'start')).toBe(12); // "2" after 𝟐𝟎
    const r = positions.toRange(5, 7)!;
    expect(doc.textBetween(r.from, r.to)).toBe('𝟐𝟎');
  });

  it('rounds a position inside a surrogate pair outwards for ends, inwards for starts', () => {
    // Position 4 is between the two halves of 😀 (code point 1).
    expect(positions.toCodePoint(4, 'start')).toBe(1);
    expect(positions.toCodePoint(4, 'end')).toBe(2);
    expect(positions.fromRange(4, 4)).toEqual({ start: 1, end: 2 });
  });
});

describe('PositionIndex with empty and odd blocks', () => {
  it('keeps empty blocks as empty nodes and skips them for ranges', () => {
    const text = 'abc\n\n\n\ndef';
    const blocks = [para(0, 0), para(0, 3), para(4, 4), para(7, 10), para(10, 10)];
    const { doc, positions } = build(text, blocks);
    expect(doc.childCount).toBe(1);
    expect(doc.firstChild!.childCount).toBe(5);
    expect(positions.docSize).toBe(doc.content.size);
    expect(positions.slots.map((s) => [s.start, s.end, s.contentStart, s.contentEnd])).toEqual([
      [0, 0, 2, 2],
      [0, 3, 4, 7],
      [4, 4, 9, 9],
      [7, 10, 11, 14],
      [10, 10, 16, 16],
    ]);
    // A span starting at 0 starts in "abc", not in the empty block before it.
    expect(positions.toPos(0, 'start')).toBe(4);
    // A span ending at 7 ends in the last block before it: the empty one at 4 (nothing drawn there).
    expect(positions.toPos(7, 'end')).toBe(9);
    expect(positions.toPos(4, 'end')).toBe(7);
    // Inside the empty block at 4: nothing visible.
    expect(positions.toRange(3, 7)).toBeNull();
    const r = positions.toRange(1, 9)!;
    expect(doc.textBetween(r.from, r.to, '|')).toBe('bc||de');
    // Positions inside empty blocks map to their offset.
    expect(positions.toCodePoint(9, 'start')).toBe(4);
    expect(positions.toCodePoint(16, 'end')).toBe(10);
  });

  it('shows the whole text as one paragraph when there are no blocks', () => {
    const { doc, positions } = build('one\ntwo', []);
    expect(doc.childCount).toBe(1);
    expect(doc.firstChild!.childCount).toBe(1);
    expect(doc.textContent).toBe('one\ntwo');
    expect(positions.toRange(0, 7)).toEqual({ from: 2, to: 9 });
  });

  it('handles an empty document', () => {
    const { doc, positions } = build('', []);
    expect(doc.childCount).toBe(1);
    expect(doc.firstChild!.childCount).toBe(1);
    expect(positions.docSize).toBe(4);
    expect(positions.toPos(0, 'start')).toBe(2);
    expect(positions.toRange(0, 0)).toBeNull();
    expect(positions.fromRange(0, 4)).toEqual({ start: 0, end: 0 });
  });

  it('leaves text before the first block out of view', () => {
    const { positions } = build('   abc', [para(3, 6)]);
    expect(positions.toPos(0, 'start')).toBe(2);
    expect(positions.toRange(0, 2)).toBeNull();
    expect(positions.toRange(0, 4)).toEqual({ from: 2, to: 3 });
  });

  it('orders, clips and de-overlaps blocks', () => {
    expect(normalizeBlocks([para(5, 9), para(0, 6), para(8, 20)], 12)).toEqual([
      para(0, 6),
      para(6, 9),
      para(9, 12),
    ]);
    expect(normalizeBlocks([para(-3, 2), para(4, 1)], 10)).toEqual([para(0, 2), para(4, 4)]);
  });
});

/**
 * Random text (ASCII, newlines, BMP and astral characters) with random blocks, gaps and empties,
 * some of them headings, in chunks of 1 to 3 blocks (the app's are larger; the mapping is the same).
 */
const textAndBlocks = fc
  .array(fc.constantFrom('a', 'b', ' ', '\n', 'é', '—', '😀', '𝟐', '💧'), { minLength: 0, maxLength: 40 })
  .chain((chars) => {
    const length = chars.length;
    return fc
      .tuple(fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 10 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.integer({ min: 1, max: 3 }))
      .map(([cuts, headings, chunk]) => {
        const points = [...cuts].sort((a, b) => a - b);
        const blocks: Block[] = [];
        // Pairs of cut points become blocks; the text between pairs is a gap.
        for (let i = 0; i + 1 < points.length; i += 2) {
          blocks.push(headings[i / 2] ? { type: 'heading', start: points[i]!, end: points[i + 1]! } : para(points[i]!, points[i + 1]!));
        }
        return { text: chars.join(''), blocks, chunk };
      });
  });

describe('chunks of blocks', () => {
  const heading = (start: number, end: number): Block => ({ type: 'heading', start, end });
  const types = (pattern: string): Block[] => [...pattern].map((c, i) => (c === 'h' ? heading(i, i) : para(i, i)));

  it('cuts every `size` blocks, but never just before a heading, and a run of headings at twice the size', () => {
    expect(chunkStarts(types('pppppppp'), 3)).toEqual([0, 3, 6]);
    // The heading at 3 stays with the chunk before it; the chunk after starts at the paragraph.
    expect(chunkStarts(types('ppphpppp'), 3)).toEqual([0, 4, 7]);
    expect(chunkStarts(types('hhhhhhhh'), 3)).toEqual([0, 6]);
    expect(chunkStarts(types('h'), 3)).toEqual([0]);
    expect(chunkStarts([], 3)).toEqual([]);
  });

  it('builds doc > chunk > block with the positions the index gives, and estimates each chunk\'s height', () => {
    const text = 'one\n\nTwo\n\nthree four\n\nfive';
    const blocks = [para(0, 3), heading(5, 8), para(10, 20), para(22, 26)];
    const editor = buildEditorDocument({ text, blocks }, 1);
    const { doc, positions } = editor;
    // The heading is kept with the paragraph before it.
    expect(positions.chunks).toEqual([0, 2, 3]);
    expect(doc.childCount).toBe(3);
    expect(doc.children.map((chunk) => chunk.type.name)).toEqual(['chunk', 'chunk', 'chunk']);
    expect(doc.children.map((chunk) => chunk.childCount)).toEqual([2, 1, 1]);
    expect(positions.docSize).toBe(doc.content.size);
    for (const slot of positions.slots) {
      const $pos = doc.resolve(slot.contentStart);
      expect($pos.depth).toBe(2);
      expect($pos.parent.textContent).toBe(text.slice(slot.start, slot.end));
    }
    expect(doc.children.every((chunk) => (chunk.attrs.estimate as number) > 0)).toBe(true);
    // A selection across two chunks is the code points it covers.
    expect(positions.fromRange(positions.toPos(1, 'start'), positions.toPos(25, 'end'))).toEqual({ start: 1, end: 25 });
    expect(doc.textBetween(positions.toPos(16, 'start'), positions.toPos(24, 'end'), '|')).toBe('four|fi');
  });

  it('makes the first chunks up to a position, and the document cut after them', () => {
    const text = Array.from({ length: 10 }, (_, i) => `block ${i}`).join('\n');
    const blocks = Array.from({ length: 10 }, (_, i) => para(i * 8, i * 8 + 7));
    const editor = buildEditorDocument({ text, blocks }, 3);
    expect(editor.chunkCount).toBe(4);
    const slots = editor.positions.slots;
    expect(editor.chunksUpTo(0)).toBe(1);
    expect(editor.chunksUpTo(slots[2]!.contentEnd)).toBe(1);
    expect(editor.chunksUpTo(slots[3]!.contentStart)).toBe(2);
    expect(editor.chunksUpTo(editor.positions.docSize + 5)).toBe(4);
    const cut = editor.prefix(2);
    expect(cut.childCount).toBe(2);
    expect(cut.textContent).toBe(blocks.slice(0, 6).map((b) => text.slice(b.start, b.end)).join(''));
    // The cut is the whole document's beginning: the same nodes, the same positions.
    expect(cut.child(1)).toBe(editor.doc.child(1));
    expect(editor.prefix(9)).toBe(editor.doc);
  });
});

describe('PositionIndex properties', () => {
  it('round-trips every offset inside a block, on both sides', () => {
    fc.assert(
      fc.property(textAndBlocks, ({ text, blocks, chunk }) => {
        const { positions } = build(text, blocks, chunk);
        for (const slot of positions.slots) {
          for (let cp = slot.start; cp < slot.end; cp++) {
            expect(positions.toCodePoint(positions.toPos(cp, 'start'), 'start')).toBe(cp);
          }
          for (let cp = slot.start + 1; cp <= slot.end; cp++) {
            expect(positions.toCodePoint(positions.toPos(cp, 'end'), 'end')).toBe(cp);
          }
        }
      }),
    );
  });

  it('shows exactly the text of a range, block by block', () => {
    fc.assert(
      fc.property(textAndBlocks, fc.nat(), fc.nat(), ({ text, blocks, chunk }, x, y) => {
        const { doc, positions } = build(text, blocks, chunk);
        const index = positions.text;
        expect(positions.docSize).toBe(doc.content.size);
        const a = index.length === 0 ? 0 : x % (index.length + 1);
        const b = index.length === 0 ? 0 : y % (index.length + 1);
        const [start, end] = [Math.min(a, b), Math.max(a, b)];
        const expected = positions.slots
          .map((s) => [Math.max(s.start, start), Math.min(s.end, end)] as const)
          .filter(([s, e]) => s < e)
          .map(([s, e]) => index.slice(s, e));
        const range = positions.toRange(start, end);
        if (expected.length === 0) {
          expect(range).toBeNull();
        } else {
          expect(range).not.toBeNull();
          const shown = doc.textBetween(range!.from, range!.to, '\u0000').split('\u0000').filter((t) => t !== '');
          expect(shown).toEqual(expected);
        }
      }),
    );
  });

  it('maps every editor position to an offset whose text before it matches', () => {
    fc.assert(
      fc.property(textAndBlocks, ({ text, blocks, chunk }) => {
        const { doc, positions } = build(text, blocks, chunk);
        const index = positions.text;
        for (const slot of positions.slots) {
          for (let pos = slot.contentStart; pos <= slot.contentEnd; pos++) {
            const before = doc.textBetween(slot.contentStart, pos);
            // Positions between two halves of a surrogate pair have no code point of their own.
            if (/[\ud800-\udbff]$/.test(before)) continue;
            const cp = positions.toCodePoint(pos, 'start');
            expect(index.slice(slot.start, cp)).toBe(before);
            expect(positions.toCodePoint(pos, 'end')).toBe(cp);
          }
        }
      }),
    );
  });

  it('is monotone: later offsets never map to earlier positions', () => {
    fc.assert(
      fc.property(textAndBlocks, ({ text, blocks, chunk }) => {
        const { positions } = build(text, blocks, chunk);
        for (const side of ['start', 'end'] as const) {
          let last = -1;
          for (let cp = 0; cp <= positions.length; cp++) {
            const pos = positions.toPos(cp, side);
            expect(pos).toBeGreaterThanOrEqual(last);
            last = pos;
          }
          let lastCp = -1;
          for (let pos = 0; pos <= positions.docSize; pos++) {
            const cp = positions.toCodePoint(pos, side);
            expect(cp).toBeGreaterThanOrEqual(lastCp);
            lastCp = cp;
          }
        }
      }),
    );
  });
});
