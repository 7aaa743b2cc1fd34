import { describe, expect, it } from 'vitest';
import type { Block, DocumentMark } from '../../../src/core/model';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';

describe('buildEditorDocument', () => {
  it('makes one node per block, of the matching type', () => {
    const text = 'Title\n\nIntro text\n\nitem one\n\nquoted\n\ncode()\n\ncell';
    const blocks: Block[] = [
      { type: 'heading', start: 0, end: 5, level: 1 },
      { type: 'paragraph', start: 7, end: 17 },
      { type: 'list-item', start: 19, end: 27, level: 2 },
      { type: 'quote', start: 29, end: 35 },
      { type: 'code', start: 37, end: 43 },
      { type: 'table-cell', start: 45, end: 49 },
    ];
    const { doc } = buildEditorDocument({ text, blocks });
    // Six blocks: one chunk (doc > chunk > block).
    expect(doc.childCount).toBe(1);
    const kinds = [] as [string, string, unknown][];
    doc.firstChild!.forEach((node) => kinds.push([node.type.name, node.textContent, node.attrs.level]));
    expect(kinds).toEqual([
      ['heading', 'Title', 1],
      ['paragraph', 'Intro text', undefined],
      ['list_item', 'item one', 2],
      ['quote', 'quoted', undefined],
      ['code_block', 'code()', undefined],
      ['table_cell', 'cell', undefined],
    ]);
  });

  it('keeps single newlines inside a block (shown as line breaks)', () => {
    const { doc } = buildEditorDocument({ text: 'line one\nline two', blocks: [{ type: 'paragraph', start: 0, end: 17 }] });
    expect(doc.firstChild!.childCount).toBe(1);
    expect(doc.firstChild!.firstChild!.textContent).toBe('line one\nline two');
  });

  it('applies display marks by code point without changing the text', () => {
    // "💧" is astral: mark offsets are code points, so "bold" starts at code point 2.
    const text = '💧 bold and italic link';
    const marks: DocumentMark[] = [
      { type: 'bold', start: 2, end: 6 },
      { type: 'italic', start: 11, end: 17 },
      { type: 'bold', start: 4, end: 8 },
      { type: 'link', start: 18, end: 22, href: 'https://example.org' },
    ];
    const { doc } = buildEditorDocument({ text, blocks: [{ type: 'paragraph', start: 0, end: 22 }], marks });
    const pieces: [string, string[]][] = [];
    doc.firstChild!.firstChild!.forEach((node) => pieces.push([node.text ?? '', node.marks.map((m) => m.type.name)]));
    expect(pieces.map((p) => p[0]).join('')).toBe(text);
    expect(pieces).toEqual([
      ['💧 ', []],
      // Two overlapping bold ranges: one bold run (ProseMirror joins equal neighbours).
      ['bold a', ['bold']],
      ['nd ', []],
      ['italic', ['italic']],
      [' ', []],
      ['link', ['link']],
    ]);
    let href = '';
    doc.descendants((node) => {
      const link = node.marks.find((m) => m.type.name === 'link');
      if (link) href = String(link.attrs.href);
    });
    expect(href).toBe('https://example.org');
  });

  it('never puts marks in code blocks', () => {
    const { doc } = buildEditorDocument({
      text: 'x = 1',
      blocks: [{ type: 'code', start: 0, end: 5 }],
      marks: [{ type: 'bold', start: 0, end: 5 }],
    });
    expect(doc.firstChild!.firstChild!.firstChild!.marks).toEqual([]);
  });
});
