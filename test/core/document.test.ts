import { describe, expect, it } from 'vitest';
import type { Block } from '../../src/core/model';
import {
  baseName,
  buildDocument,
  decodeEntities,
  isValidAnnotator,
  isValidDocId,
  parseMarkdown,
  parsePlainText,
  plainTextToBlocks,
  slugify,
  uniqueId,
} from '../../src/core/document';
import { CodePointIndex } from '../../src/core/offsets';
import { readSample, SAMPLE_FILES } from './samples';

function blockTexts(text: string, blocks: Block[]): string[] {
  const index = new CodePointIndex(text);
  return blocks.map((b) => index.slice(b.start, b.end));
}

describe('slugify', () => {
  it('makes lowercase ASCII ids', () => {
    expect(slugify('Tajikistan–Russia Industrial Cooperation.txt')).toBe('tajikistan-russia-industrial-cooperation-txt');
    expect(slugify('  Café Déjà Vu!! ')).toBe('cafe-deja-vu');
    expect(slugify('report_2024 (final)')).toBe('report-2024-final');
  });

  it('transliterates Cyrillic and falls back to "doc"', () => {
    expect(slugify('Брифинг министерства')).toBe('brifing-ministerstva');
    expect(slugify('🌍💧')).toBe('doc');
    expect(slugify('')).toBe('doc');
    expect(slugify('---')).toBe('doc');
  });

  it('never gives a name Windows cannot use', () => {
    expect(slugify('CON')).toBe('con-doc');
    expect(slugify('nul.txt')).toBe('nul-txt');
    expect(isValidDocId(slugify('com1'))).toBe(true);
  });

  it('stays within 64 characters without a trailing dash', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(64);
    expect(slug).not.toMatch(/-$/);
    expect(isValidDocId(slug)).toBe(true);
  });
});

describe('uniqueId', () => {
  it('returns base, then base-2, base-3', () => {
    expect(uniqueId('report', new Set())).toBe('report');
    expect(uniqueId('report', new Set(['report']))).toBe('report-2');
    expect(uniqueId('report', new Set(['report', 'report-2']))).toBe('report-3');
  });

  it('keeps the result within 64 characters', () => {
    const base = 'a'.repeat(64);
    const id = uniqueId(base, new Set([base]));
    expect(id).toBe('a'.repeat(62) + '-2');
    expect(isValidDocId(id)).toBe(true);
  });
});

describe('isValidDocId / isValidAnnotator', () => {
  it('accept letters, digits, dot, underscore and dash', () => {
    for (const name of ['alice', 'A.Smith', 'user_01', 'doc-2', 'Иван', 'x']) {
      expect(isValidAnnotator(name)).toBe(true);
      expect(isValidDocId(name)).toBe(true);
    }
  });

  it('reject path tricks, separators, empty and over-long names', () => {
    for (const name of ['', '.', '..', '.hidden', 'a/b', 'a\\b', 'a b', 'a:b', 'x'.repeat(65), '🌍', 'a\u0000', 'name.', 'CON', 'nul.json', 'com1']) {
      expect(isValidAnnotator(name)).toBe(false);
      expect(isValidDocId(name)).toBe(false);
    }
    expect(isValidAnnotator('x'.repeat(64))).toBe(true);
  });
});

describe('plainTextToBlocks', () => {
  it('makes one paragraph per run of non-blank lines', () => {
    const text = 'Title\n\nFirst line\nsecond line\n\n\nLast';
    const blocks = plainTextToBlocks(text);
    expect(blocks).toEqual([
      { type: 'paragraph', start: 0, end: 5 },
      { type: 'paragraph', start: 7, end: 29 },
      { type: 'paragraph', start: 32, end: 36 },
    ]);
    expect(blockTexts(text, blocks)).toEqual(['Title', 'First line\nsecond line', 'Last']);
  });

  it('treats whitespace-only lines as blank and ignores leading/trailing blank lines', () => {
    const text = '\n  \nA\n \t \nB\n\n';
    expect(blockTexts(text, plainTextToBlocks(text))).toEqual(['A', 'B']);
    expect(plainTextToBlocks('')).toEqual([]);
    expect(plainTextToBlocks('\n\n')).toEqual([]);
  });

  it('counts offsets in code points', () => {
    const text = '🌍🌍\n\n💧 x';
    const blocks = plainTextToBlocks(text);
    expect(blocks).toEqual([
      { type: 'paragraph', start: 0, end: 2 },
      { type: 'paragraph', start: 4, end: 7 },
    ]);
  });

  it('covers every non-blank line of every sample exactly once', () => {
    for (const name of SAMPLE_FILES) {
      const text = readSample(name);
      const blocks = plainTextToBlocks(text);
      const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
      expect(blockTexts(text, blocks).map((b) => b.trim())).toEqual(paragraphs);
    }
  });
});

describe('parsePlainText', () => {
  it('keeps the text exactly and takes the title from the file name', () => {
    const raw = readSample('tajikistan-russia-industrial-cooperation.txt');
    const parsed = parsePlainText(raw, '/some/dir/tajikistan-russia-industrial-cooperation.txt');
    expect(parsed.title).toBe('tajikistan-russia-industrial-cooperation');
    expect(parsed.text).toBe(raw);
    expect(new CodePointIndex(parsed.text).slice(75, 89)).toBe('Emomali Rahmon');
    expect(new CodePointIndex(parsed.text).slice(1459, 1467)).toBe('Gemotest');
    expect(parsed.blocks).toHaveLength(8);
  });

  it('normalises a CRLF input with a BOM to the LF text', () => {
    const lf = readSample('social-monitoring-digest.txt');
    const crlf = '\ufeff' + lf.replace(/\n/g, '\r\n');
    const parsed = parsePlainText(crlf, 'C:\\reports\\digest.v2.txt');
    expect(parsed.title).toBe('digest.v2');
    expect(parsed.text).toBe(lf);
    expect(parsed.blocks).toEqual(plainTextToBlocks(lf));
  });

  it('uses the whole name when there is no extension', () => {
    expect(baseName('README')).toBe('README');
    expect(baseName('.env')).toBe('.env');
    expect(baseName('a/b/c.tar.gz')).toBe('c.tar');
  });
});

describe('parseMarkdown', () => {
  const md = [
    '# Talks in Dushanbe',
    '',
    'President **Emomali Rahmon** met *Denis Manturov* on `27 April`.',
    'Trade rose by [18 percent](https://example.org/x) &amp; more.',
    '',
    '## Plans',
    '',
    '- open 75 laboratories',
    '  - in the next year',
    '- build 2 parks',
    '',
    '> Cooperation is growing.',
    '',
    '```',
    'raw <code> & stuff',
    '```',
    '',
    '| Country | Trade |',
    '|---|---|',
    '| Tajikistan | $1.4 billion |',
    '',
    '<div>An <b>html</b> block</div>',
    '',
    '---',
    '',
    'Escaped \\*stars\\* and 🌍 emoji.',
  ].join('\n');

  const parsed = parseMarkdown(md, 'talks.md');
  const texts = blockTexts(parsed.text, parsed.blocks);

  it('takes the title from the first heading', () => {
    expect(parsed.title).toBe('Talks in Dushanbe');
    expect(parseMarkdown('Just text', 'notes/plain.md').title).toBe('plain');
  });

  it('turns headings, paragraphs, list items, quotes, code and table cells into blocks', () => {
    expect(parsed.blocks.map((b) => [b.type, b.level])).toEqual([
      ['heading', 1],
      ['paragraph', undefined],
      ['heading', 2],
      ['list-item', 1],
      ['list-item', 2],
      ['list-item', 1],
      ['quote', undefined],
      ['code', undefined],
      ['table-cell', undefined],
      ['table-cell', undefined],
      ['table-cell', undefined],
      ['table-cell', undefined],
      ['paragraph', undefined],
      ['paragraph', undefined],
    ]);
    expect(texts).toEqual([
      'Talks in Dushanbe',
      'President Emomali Rahmon met Denis Manturov on 27 April.\nTrade rose by 18 percent & more.',
      'Plans',
      'open 75 laboratories',
      'in the next year',
      'build 2 parks',
      'Cooperation is growing.',
      'raw <code> & stuff',
      'Country',
      'Trade',
      'Tajikistan',
      '$1.4 billion',
      'An html block',
      'Escaped *stars* and 🌍 emoji.',
    ]);
  });

  it('joins blocks with a blank line and leaves no markup in the text', () => {
    expect(parsed.text).toBe(texts.join('\n\n'));
    expect(parsed.text).not.toMatch(/\*\*|`|\[|#|&amp;/);
  });

  it('records bold, italic, code and link marks at code-point offsets', () => {
    const index = new CodePointIndex(parsed.text);
    const marks = parsed.marks.map((m) => [m.type, index.slice(m.start, m.end), m.href]);
    expect(marks).toEqual([
      ['bold', 'Emomali Rahmon', undefined],
      ['italic', 'Denis Manturov', undefined],
      ['code', '27 April', undefined],
      ['link', '18 percent', 'https://example.org/x'],
    ]);
  });

  it('counts offsets in code points after astral characters', () => {
    const p = parseMarkdown('🌍 **Oslo**\n\n💧 *water*', 'x.md');
    const index = new CodePointIndex(p.text);
    expect(p.text).toBe('🌍 Oslo\n\n💧 water');
    expect(p.marks.map((m) => [m.start, m.end])).toEqual([
      [2, 6],
      [10, 15],
    ]);
    expect(index.slice(p.blocks[1]!.start, p.blocks[1]!.end)).toBe('💧 water');
  });

  it('accepts CRLF markdown and gives the same result as LF', () => {
    const crlf = parseMarkdown(md.replace(/\n/g, '\r\n'), 'talks.md');
    expect(crlf).toEqual(parsed);
  });

  it('handles setext headings, task items, loose items, nested quotes, empty cells, images, indented code', () => {
    const source = [
      'Setext Title',
      '============',
      '',
      '- [x] done task',
      '- loose one',
      '',
      '  second para',
      '',
      '> outer',
      '> > inner',
      '',
      '| a |  |',
      '|---|---|',
      '|  | z |',
      '',
      'An ![alt 🌍](x.png) image and <span>inline</span> html.',
      '',
      '<!-- only a comment -->',
      '',
      '    indented code',
      '',
    ].join('\n');
    const p = parseMarkdown(source, 'edge.md');
    expect(p.title).toBe('Setext Title');
    expect(blockTexts(p.text, p.blocks)).toEqual([
      'Setext Title',
      'done task',
      'loose one\nsecond para',
      'outer',
      'inner',
      'a',
      'z',
      'An alt 🌍 image and inline html.',
      'indented code',
    ]);
    expect(p.blocks.map((b) => b.type)).toEqual(['heading', 'list-item', 'list-item', 'quote', 'quote', 'table-cell', 'table-cell', 'paragraph', 'code']);
    expect(p.text.endsWith('indented code')).toBe(true);
  });

  it('produces nothing for an empty file', () => {
    expect(parseMarkdown('', 'empty.md')).toEqual({ title: 'empty', text: '', blocks: [], marks: [] });
  });
});

describe('decodeEntities', () => {
  it('decodes named and numeric references and leaves unknown ones', () => {
    expect(decodeEntities('&lt;a&gt; &amp; &#8364; &#x1F30D; &mdash; &bogus;')).toBe('<a> & € 🌍 — &bogus;');
    expect(decodeEntities('&#0;')).toBe('\ufffd');
  });
});

describe('buildDocument', () => {
  it('fills format, version, offset unit and the text hash', async () => {
    const doc = await buildDocument({
      id: 'abc',
      title: 'ABC',
      text: 'abc',
      blocks: [{ type: 'paragraph', start: 0, end: 3 }],
      meta: { source: 'abc.txt', format: 'txt' },
      importedAt: '2024-05-03T10:00:00.000Z',
    });
    expect(doc).toEqual({
      format: 'gloss.document',
      version: 1,
      offsetUnit: 'codepoint',
      id: 'abc',
      title: 'ABC',
      text: 'abc',
      blocks: [{ type: 'paragraph', start: 0, end: 3 }],
      meta: { source: 'abc.txt', format: 'txt' },
      textSha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      importedAt: '2024-05-03T10:00:00.000Z',
    });
    expect('marks' in doc).toBe(false);
  });

  it('keeps marks when given and does not share arrays with the input', async () => {
    const blocks: Block[] = [{ type: 'paragraph', start: 0, end: 1 }];
    const doc = await buildDocument({
      id: 'm',
      title: 'M',
      text: 'x',
      blocks,
      meta: { source: 'm.md', format: 'md' },
      importedAt: 't',
      marks: [{ type: 'bold', start: 0, end: 1 }],
    });
    expect(doc.marks).toEqual([{ type: 'bold', start: 0, end: 1 }]);
    blocks[0]!.end = 99;
    expect(doc.blocks[0]!.end).toBe(1);
  });
});
