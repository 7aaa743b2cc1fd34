import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DocumentParseResult, ParsedDocument } from '../../../src/core/formats/documents';
import { parseHtml, parseHtmlBytes } from '../../../src/core/formats/html';
import { CodePointIndex } from '../../../src/core/offsets';

// Property tests run on a fixed seed so that every run checks the same cases.
const SEED = 20240603;

function value(result: DocumentParseResult): ParsedDocument {
  if (!result.ok) throw new Error(`expected a document, got: ${result.error.message}`);
  return result.value;
}

function errorOf(result: DocumentParseResult): { file: string; message: string } {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

/** Blocks as what a reader sees: type, text (sliced by code points), level and page when present. */
function blockViews(doc: ParsedDocument): { type: string; text: string; level?: number }[] {
  const index = new CodePointIndex(doc.text);
  return doc.blocks.map((b) => ({ type: b.type, text: index.slice(b.start, b.end), ...(b.level !== undefined ? { level: b.level } : {}) }));
}

function markViews(doc: ParsedDocument): { type: string; text: string; href?: string }[] {
  const index = new CodePointIndex(doc.text);
  return doc.marks.map((m) => ({ type: m.type, text: index.slice(m.start, m.end), ...(m.href !== undefined ? { href: m.href } : {}) }));
}

/** Every block is a range of the text, in order, separated by exactly "\n\n". */
function expectWellFormed(doc: ParsedDocument): void {
  const index = new CodePointIndex(doc.text);
  let previousEnd = -2;
  for (const block of doc.blocks) {
    expect(block.start).toBe(previousEnd + 2);
    expect(block.end).toBeGreaterThan(block.start);
    if (previousEnd >= 0) expect(index.slice(previousEnd, block.start)).toBe('\n\n');
    previousEnd = block.end;
  }
  expect(previousEnd === -2 ? 0 : previousEnd).toBe(index.length);
  for (const mark of doc.marks) {
    expect(mark.start).toBeGreaterThanOrEqual(0);
    expect(mark.end).toBeGreaterThan(mark.start);
    expect(mark.end).toBeLessThanOrEqual(index.length);
  }
}

const REPORT = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>  Quarterly   &amp; Annual
    Review </title>
  <style>p { color: red }</style>
  <script>document.write("<p>injected</p>")</script>
</head>
<body>
  <h1>Budget <em>2024</em></h1>
  <p>The ministry   pledged <strong>$1.4&nbsp;billion</strong>
     to the <a href="https://example.org/fund">Green Fund</a> &mdash; see
     <a href="javascript:alert(1)">this</a> and <code>art. 5</code>.</p>
  <ul>
    <li>First item
      <ul><li>Nested <b>item</b></li></ul>
    </li>
    <li>Second item</li>
  </ul>
  <table><tr><th>Country</th><td>Share</td></tr><tr><td>Kenya</td><td>18 %</td></tr></table>
  <blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>
  <pre>
  indented   code
    kept as is
</pre>
  <template><p>template text</p></template>
  <noscript><p>noscript text</p></noscript>
  <p>Emoji 😀 and 𝟙𝟚 astral digits, mail <a href="MAILTO:desk@example.org">desk</a>.</p>
</body>
</html>`;

describe('parseHtml', () => {
  it('turns headings, paragraphs, list items, table cells, quotes and pre into blocks', () => {
    const doc = value(parseHtml(REPORT, 'reports/review.html'));
    expect(blockViews(doc)).toEqual([
      { type: 'heading', text: 'Budget 2024', level: 1 },
      {
        type: 'paragraph',
        text: 'The ministry pledged $1.4\u00a0billion to the Green Fund \u2014 see this and art. 5.',
      },
      { type: 'list-item', text: 'First item', level: 1 },
      { type: 'list-item', text: 'Nested item', level: 2 },
      { type: 'list-item', text: 'Second item', level: 1 },
      { type: 'table-cell', text: 'Country' },
      { type: 'table-cell', text: 'Share' },
      { type: 'table-cell', text: 'Kenya' },
      { type: 'table-cell', text: '18 %' },
      { type: 'quote', text: 'Quoted one.' },
      { type: 'quote', text: 'Quoted two.' },
      { type: 'code', text: '  indented   code\n    kept as is' },
      { type: 'paragraph', text: 'Emoji 😀 and 𝟙𝟚 astral digits, mail desk.' },
    ]);
    expectWellFormed(doc);
  });

  it('drops scripts, styles, templates and noscript', () => {
    const doc = value(parseHtml(REPORT, 'review.html'));
    expect(doc.text).not.toMatch(/injected|color|template text|noscript text/);
  });

  it('keeps bold, italic, code and links as marks; href only for http(s) and mailto', () => {
    const doc = value(parseHtml(REPORT, 'review.html'));
    expect(markViews(doc)).toEqual([
      { type: 'italic', text: '2024' },
      { type: 'bold', text: '$1.4\u00a0billion' },
      { type: 'link', text: 'Green Fund', href: 'https://example.org/fund' },
      { type: 'link', text: 'this' },
      { type: 'code', text: 'art. 5' },
      { type: 'bold', text: 'item' },
      { type: 'link', text: 'desk', href: 'MAILTO:desk@example.org' },
    ]);
  });

  it('counts offsets in code points after astral characters', () => {
    const doc = value(parseHtml('<p>😀 <b>bold</b></p>', 'a.html'));
    expect(doc.text).toBe('😀 bold');
    expect(doc.marks).toEqual([{ type: 'bold', start: 2, end: 6 }]);
    expect(doc.blocks).toEqual([{ type: 'paragraph', start: 0, end: 6 }]);
  });

  it('collapses whitespace across elements as a browser does', () => {
    const doc = value(parseHtml('<p>  a  <b> b </b>  c\n\td <i></i> e </p>', 'a.html'));
    expect(doc.text).toBe('a b c d e');
    expect(markViews(doc)).toEqual([{ type: 'bold', text: 'b ' }]);
  });

  it('turns <br> into a line break inside the block, without spaces around it', () => {
    const doc = value(parseHtml('<p>first line <br>\n  second <b>line</b><br></p>', 'a.html'));
    expect(blockViews(doc)).toEqual([{ type: 'paragraph', text: 'first line\nsecond line' }]);
    expect(markViews(doc)).toEqual([{ type: 'bold', text: 'line' }]);
  });

  it('decodes named and numeric character references', () => {
    const doc = value(parseHtml('<p>&lt;tag&gt; &amp; &eacute;t&eacute; &#x1F600; &#8364;5 &quot;q&quot;</p>', 'a.html'));
    expect(doc.text).toBe('<tag> & été 😀 €5 "q"');
  });

  it('normalises CRLF, also inside pre', () => {
    const doc = value(parseHtml('<p>a\r\nb</p><pre>x\r\ny&#13;\nz</pre>', 'a.html'));
    expect(doc.text).toBe('a b\n\nx\ny\nz');
  });

  it('splits a mark that spans blocks into one mark per block', () => {
    const doc = value(parseHtml('<b><p>one</p><p>two</p></b>', 'a.html'));
    expect(markViews(doc)).toEqual([
      { type: 'bold', text: 'one' },
      { type: 'bold', text: 'two' },
    ]);
    expectWellFormed(doc);
  });

  it('keeps text that sits between blocks as its own paragraph', () => {
    const doc = value(parseHtml('<body>loose <div>inside</div> tail</body>', 'a.html'));
    expect(blockViews(doc)).toEqual([
      { type: 'paragraph', text: 'loose' },
      { type: 'paragraph', text: 'inside' },
      { type: 'paragraph', text: 'tail' },
    ]);
  });

  it('lets the innermost structure decide the block type (li > p, td > p, blockquote > p)', () => {
    const doc = value(parseHtml('<ol><li><p>item para</p></li></ol><table><td><p>cell para</p></td></table><h2><span>Sub</span></h2>', 'a.html'));
    expect(blockViews(doc)).toEqual([
      { type: 'list-item', text: 'item para', level: 1 },
      { type: 'table-cell', text: 'cell para' },
      { type: 'heading', text: 'Sub', level: 2 },
    ]);
  });

  it('skips blocks that hold only whitespace or &nbsp;', () => {
    const doc = value(parseHtml('<p> </p><p>&nbsp;</p><p>real</p><div>\n</div>', 'a.html'));
    expect(blockViews(doc)).toEqual([{ type: 'paragraph', text: 'real' }]);
  });

  it('takes the title from <title>, else the first heading, else the file name', () => {
    expect(value(parseHtml(REPORT, 'review.html')).title).toBe('Quarterly & Annual Review');
    expect(value(parseHtml('<p>intro</p><h2>The <i>first</i>\nheading</h2><h1>Later</h1>', 'x.html')).title).toBe('The first heading');
    expect(value(parseHtml('<p>no heading</p>', 'some/dir/Field Notes.html')).title).toBe('Field Notes');
    expect(value(parseHtml('<title>   </title><p>x</p>', 'blank.htm')).title).toBe('blank');
  });

  it('never shows a <title> as text, not even a second one in the body', () => {
    const doc = value(parseHtml('<title>First</title><p>body</p><title>Second</title><p>more</p>', 'a.html'));
    expect(doc.title).toBe('First');
    expect(doc.text).toBe('body\n\nmore');
  });

  it('drops form controls whose text is input, not content', () => {
    const doc = value(parseHtml('<p>Name: <textarea>typed here</textarea><select><option>One</option></select> end</p>', 'a.html'));
    expect(doc.text).toBe('Name: end');
  });

  it('never renders: markup in text stays text, comments and processing instructions vanish', () => {
    const doc = value(parseHtml('<p>&lt;img src=x onerror=alert(1)&gt;<!-- secret --><?php echo 1 ?></p>', 'a.html'));
    expect(doc.text).toBe('<img src=x onerror=alert(1)>');
  });

  it('copes with unclosed and stray tags', () => {
    const doc = value(parseHtml('<p>one<p>two</b></i><li>three', 'a.html'));
    expect(blockViews(doc)).toEqual([
      { type: 'paragraph', text: 'one' },
      { type: 'paragraph', text: 'two' },
      { type: 'list-item', text: 'three', level: 1 },
    ]);
  });

  it('reads an empty input as an empty document', () => {
    expect(value(parseHtml('', 'empty.html'))).toEqual({ title: 'empty', text: '', blocks: [], marks: [] });
  });

  it('stays fast on hostile input: deep nesting, unclosed marks, runs of <br>, many inline elements', () => {
    // htmlparser2 itself is quadratic in nesting depth (it shifts its stack), so not deeper than this.
    const deep = '<div>'.repeat(10_000) + 'deep' + '</div>'.repeat(10_000);
    expect(value(parseHtml(deep, 'deep.html')).text).toBe('deep');
    const marks = value(parseHtml('<b>'.repeat(10_000) + '<p>x</p>'.repeat(2_000), 'marks.html'));
    expect(marks.blocks).toHaveLength(2_000);
    const breaks = value(parseHtml('<p>a' + '<br>'.repeat(50_000) + 'b</p>', 'br.html'));
    expect(breaks.text).toBe('a' + '\n'.repeat(50_000) + 'b');
    const spans = value(parseHtml('<p>' + '<span>w </span>'.repeat(50_000) + '</p>', 'spans.html'));
    expect(spans.text).toBe('w '.repeat(49_999) + 'w');
  });

  it('never throws on random input and always gives well-formed blocks and marks', () => {
    const tags = fc.constantFrom('<p>', '</p>', '<b>', '</b>', '<li>', '<ul>', '</ul>', '<pre>', '</pre>', '<br>', '<td>', '<h3>', '<script>', '</script>', '<a href="http://x">', '</a>', '&amp;', '&#128512;', '😀', ' ', '\n', '\r\n', 'text');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(tags).map((parts) => parts.join(''))), (input) => {
        const result = parseHtml(input, 'fuzz.html');
        expect(result.ok).toBe(true);
        if (result.ok) expectWellFormed(result.value);
      }),
      { numRuns: 400, seed: SEED },
    );
  });
});

describe('parseHtmlBytes', () => {
  const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('decodes UTF-8 and honours <meta charset="utf-8">', () => {
    const doc = value(parseHtmlBytes(encode('<meta charset="UTF-8"><p>Привет 😀</p>'), 'ru.html'));
    expect(doc.text).toBe('Привет 😀');
  });

  it('strips a UTF-8 byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode('<p>x</p>')]);
    expect(value(parseHtmlBytes(bytes, 'bom.html')).text).toBe('x');
  });

  it('refuses invalid UTF-8 naming the file and the byte', () => {
    const bytes = new Uint8Array([...encode('<p>ab'), 0xff, ...encode('</p>')]);
    expect(errorOf(parseHtmlBytes(bytes, 'bad.html'))).toEqual({ file: 'bad.html', message: 'invalid UTF-8 at byte 5' });
  });

  it('refuses a declared non-UTF-8 charset when the file is not pure ASCII', () => {
    const latin1 = new Uint8Array([...encode('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>caf'), 0xe9, ...encode('</p>')]);
    const error = errorOf(parseHtmlBytes(latin1, 'old.html'));
    expect(error.file).toBe('old.html');
    expect(error.message).toContain('charset "iso-8859-1"');
    expect(errorOf(parseHtmlBytes(encode('<meta charset="shift_jis"><p>ascii</p>'), 'jp.html')).message).toContain('shift_jis');
  });

  it('accepts a declared Latin charset on a pure-ASCII file (it reads the same)', () => {
    expect(value(parseHtmlBytes(encode('<meta charset="windows-1252"><p>plain</p>'), 'w.html')).text).toBe('plain');
  });

  it('refuses UTF-16', () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x70, 0x00]);
    expect(errorOf(parseHtmlBytes(bytes, 'u16.html')).message).toContain('UTF-16');
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = parseHtmlBytes(bytes, 'fuzz.html');
        if (!result.ok) expect(result.error.file).toBe('fuzz.html');
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});
