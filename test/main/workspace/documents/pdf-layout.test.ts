import { describe, expect, it } from 'vitest';
import { CodePointIndex } from '../../../../src/core/offsets';
import { joinLines, layoutPages } from '../../../../src/main/workspace/documents/pdf-layout';
import type { LaidOutText, TextRun } from '../../../../src/main/workspace/documents/pdf-layout';

/** Runs for lines of text at x, from a top baseline down, `leading` apart (width ~0.5 em a character). */
function column(texts: string[], x: number, top: number, size = 10, leading = 12): TextRun[] {
  return texts.map((text, i) => ({ text, x, y: top - i * leading, width: text.length * size * 0.5, size }));
}

function blockTexts(out: LaidOutText): string[] {
  const index = new CodePointIndex(out.text);
  return out.blocks.map((b) => index.slice(b.start, b.end));
}

describe('joinLines', () => {
  it('joins lines with a space', () => {
    expect(joinLines(['first line', '  second line  ', '', 'third'])).toBe('first line second line third');
  });

  it('removes a syllable-break hyphen between lowercase letters', () => {
    expect(joinLines(['the inter-', 'national order'])).toBe('the international order');
  });

  it('keeps the hyphen before an uppercase letter or a digit, and after a digit', () => {
    expect(joinLines(['the Franco-', 'German treaty'])).toBe('the Franco-German treaty');
    expect(joinLines(['COVID-', '19 cases'])).toBe('COVID-19 cases');
    expect(joinLines(['from 1990-', '1995'])).toBe('from 1990-1995');
  });

  it('keeps the hyphen of a compound already hyphenated earlier in the word', () => {
    expect(joinLines(['a state-of-the-', 'art tool'])).toBe('a state-of-the-art tool');
  });

  it('keeps the hyphen after a compound first part, unless a suffix follows', () => {
    expect(joinLines(['a well-', 'known fact'])).toBe('a well-known fact');
    expect(joinLines(['non-', 'governmental bodies'])).toBe('non-governmental bodies');
    expect(joinLines(['their well-', 'ness programme'])).toBe('their wellness programme');
  });

  it('follows the document: a word written with a hyphen elsewhere keeps it, one written whole loses it', () => {
    const vocabulary = { plain: new Set(['cooperation']), hyphenated: new Set(['long-term']) };
    expect(joinLines(['a long-', 'term co-', 'operation'], vocabulary)).toBe('a long-term cooperation');
    expect(joinLines(['a long-', 'term'])).toBe('a longterm');
    const upper = { plain: new Set(['sequence']), hyphenated: new Set<string>() };
    expect(joinLines(['a SE-', 'QUENCE OF', 'the Franco-', 'German'], upper)).toBe('a SEQUENCE OF the Franco-German');
  });

  it('drops a soft hyphen at a line end, and joins an unspaced em dash without a space', () => {
    expect(joinLines(['inter\u00ad', 'national'])).toBe('international');
    expect(joinLines(['the policy\u2014', 'and its cost'])).toBe('the policy\u2014and its cost');
    expect(joinLines(['a pause -', 'then more'])).toBe('a pause - then more');
  });
});

describe('layoutPages', () => {
  it('puts a space between runs that are apart, none between runs that touch', () => {
    const out = layoutPages([
      {
        page: 1,
        runs: [
          { text: 'Hello', x: 72, y: 700, width: 25, size: 10 },
          { text: 'world', x: 100, y: 700, width: 25, size: 10 },
          { text: 'inter', x: 72, y: 688, width: 25, size: 10 },
          { text: 'national', x: 97, y: 688, width: 40, size: 10 },
        ],
      },
    ]);
    expect(out.text).toBe('Hello world international');
    expect(out.firstLine).toBe('Hello world');
  });

  it('keeps a superscript on its line', () => {
    const out = layoutPages([
      {
        page: 1,
        runs: [
          { text: 'Revenue rose', x: 72, y: 700, width: 60, size: 10 },
          { text: '1', x: 132, y: 703, width: 3, size: 6 },
          { text: 'sharply.', x: 137, y: 700, width: 40, size: 10 },
        ],
      },
    ]);
    expect(out.text).toBe('Revenue rose1 sharply.');
    expect(out.blocks).toEqual([{ type: 'paragraph', start: 0, end: 22, page: 1 }]);
  });

  it('makes bulleted lines list items, each with its continuation lines', () => {
    const out = layoutPages([{ page: 3, runs: column(['• first point that wraps', 'onto a second line', '• second point'], 72, 700) }]);
    expect(blockTexts(out)).toEqual(['• first point that wraps onto a second line', '• second point']);
    expect(out.blocks.map((b) => [b.type, b.level, b.page])).toEqual([
      ['list-item', 1, 3],
      ['list-item', 1, 3],
    ]);
  });

  it('reads two columns of unequal length left first, without a title', () => {
    const left = column(['left one aaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'left two aaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'left three aaaaaaaaaaaaaaaaaaaaaaaaaaa', 'left four aaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'left five aaaaaaaaaaaaaaaaaaaaaaaaaaaa'], 72, 700);
    const right = column(['right one bbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'right two bbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'right three bbbbbbbbbbbbbbbbbbbbbbbbbb'], 300, 700);
    // Interleave the runs the way a content stream might (row by row).
    const runs = [left[0]!, right[0]!, left[1]!, right[1]!, left[2]!, right[2]!, left[3]!, left[4]!];
    const out = layoutPages([{ page: 1, runs }]);
    expect(blockTexts(out)).toEqual([left.map((r) => r.text).join(' '), right.map((r) => r.text).join(' ')]);
  });

  it('reads a single column row by row even when the rows have two far-apart cells', () => {
    const labels = column(['Revenue', 'Costs', 'Profit', 'Staff'], 72, 700);
    const values = column(['12', '7', '5', '40'], 400, 700);
    const out = layoutPages([{ page: 1, runs: [...labels, ...values] }]);
    expect(out.text).toBe('Revenue 12 Costs 7 Profit 5 Staff 40');
  });

  it('gives every block its page and separates blocks by a blank line', () => {
    const out = layoutPages([
      { page: 1, runs: column(['on page one'], 72, 700) },
      { page: 2, runs: [] },
      { page: 3, runs: column(['on page three'], 72, 700) },
    ]);
    expect(out.text).toBe('on page one\n\non page three');
    expect(out.blocks.map((b) => b.page)).toEqual([1, 3]);
  });

  it('ignores runs that are only whitespace or have no position', () => {
    const out = layoutPages([
      {
        page: 1,
        runs: [
          { text: '   ', x: 72, y: 700, width: 10, size: 10 },
          { text: 'kept', x: 72, y: 690, width: 20, size: 10 },
          { text: 'lost', x: Number.NaN, y: 680, width: 20, size: 10 },
        ],
      },
    ]);
    expect(out.text).toBe('kept');
  });

  it('handles a page with very many runs', () => {
    const runs = Array.from({ length: 200_000 }, (_, i) => ({ text: 'w', x: 72 + (i % 100) * 5, y: 10_000 - Math.floor(i / 100) * 12, width: 5, size: 10 }));
    const out = layoutPages([{ page: 1, runs }]);
    expect(out.blocks).toHaveLength(1);
    expect(out.text.startsWith('w'.repeat(100) + ' ')).toBe(true);
  });
});
