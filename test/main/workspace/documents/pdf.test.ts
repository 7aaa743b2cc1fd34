import fc from 'fast-check';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { DocumentParseResult, ParsedDocument } from '../../../../src/core/formats/documents';
import { CodePointIndex } from '../../../../src/core/offsets';
import { parsePdf } from '../../../../src/main/workspace/documents/pdf';

const SEED = 20240603;

interface Fixture {
  page: PDFPage;
  font: PDFFont;
  bold: PDFFont;
}

/** A PDF built with pdf-lib: one callback per page (US Letter), an optional Title. */
async function pdfBytes(pages: ((f: Fixture) => void)[], title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title !== undefined) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const bold = await doc.embedFont(StandardFonts.TimesRomanBold);
  for (const draw of pages) draw({ page: doc.addPage([612, 792]), font, bold });
  return doc.save();
}

/** Lines from a top baseline down, `leading` apart. */
function lines(f: Fixture, texts: string[], x: number, top: number, size = 11, leading = 14): void {
  texts.forEach((text, i) => f.page.drawText(text, { x, y: top - i * leading, size, font: f.font }));
}

function value(result: DocumentParseResult): ParsedDocument {
  if (!result.ok) throw new Error(`expected a document, got: ${result.error.message}`);
  return result.value;
}

function errorOf(result: DocumentParseResult): { file: string; message: string } {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

function blockViews(doc: ParsedDocument): { type: string; text: string; page?: number; level?: number }[] {
  const index = new CodePointIndex(doc.text);
  return doc.blocks.map((b) => ({
    type: b.type,
    text: index.slice(b.start, b.end),
    ...(b.level !== undefined ? { level: b.level } : {}),
    ...(b.page !== undefined ? { page: b.page } : {}),
  }));
}

const TWO_PAGES = (): Promise<Uint8Array> =>
  pdfBytes(
    [
      (f) => {
        f.page.drawText('Annual Review', { x: 72, y: 720, size: 22, font: f.bold });
        lines(f, ['The council met in March and agreed on a new', 'budget for the coming year.'], 72, 680);
        lines(f, ['A second paragraph follows after a blank line', 'and wraps onto a second line as well.'], 72, 630);
      },
      (f) => {
        lines(f, ['The second page opens with its own paragraph.'], 72, 720);
        lines(f, ['It ends here.'], 72, 690);
      },
    ],
    'Annual Review 2024',
  );

describe('parsePdf', () => {
  it('makes a block per paragraph with its page number; bigger text is a heading', async () => {
    const doc = value(await parsePdf(await TWO_PAGES(), 'review.pdf'));
    expect(blockViews(doc)).toEqual([
      { type: 'heading', text: 'Annual Review', level: 1, page: 1 },
      { type: 'paragraph', text: 'The council met in March and agreed on a new budget for the coming year.', page: 1 },
      { type: 'paragraph', text: 'A second paragraph follows after a blank line and wraps onto a second line as well.', page: 1 },
      { type: 'paragraph', text: 'The second page opens with its own paragraph.', page: 2 },
      { type: 'paragraph', text: 'It ends here.', page: 2 },
    ]);
    expect(doc.text.split('\n\n')).toHaveLength(doc.blocks.length);
    expect(doc.marks).toEqual([]);
  });

  it('takes the title from the metadata, else the first line', async () => {
    expect(value(await parsePdf(await TWO_PAGES(), 'review.pdf')).title).toBe('Annual Review 2024');
    const untitled = await pdfBytes([(f) => lines(f, ['First line of the report', 'second line.'], 72, 720)]);
    expect(value(await parsePdf(untitled, 'untitled.pdf')).title).toBe('First line of the report');
  });

  it('joins words hyphenated at line ends, and keeps real hyphens', async () => {
    const bytes = await pdfBytes([
      (f) =>
        lines(
          f,
          [
            'The inter-',
            'national community and the Franco-',
            'German council discussed a well-',
            'known state-of-the-',
            'art plan for 1990-',
            '1995 and a long-',
            'term co-',
            'operation. Long-term cooperation matters.',
          ],
          72,
          720,
        ),
    ]);
    expect(value(await parsePdf(bytes, 'hyphens.pdf')).text).toBe(
      'The international community and the Franco-German council discussed a well-known state-of-the-art plan for ' +
        '1990-1995 and a long-term cooperation. Long-term cooperation matters.',
    );
  });

  it('reads a simple two-column page column by column, the spanning title first', async () => {
    const FOOTER = 'A footer line that runs across both of the columns, from one margin to the other one';
    const left = [
      'The left column starts the story here and',
      'continues with a line that is long enough',
      'to fill the column; the reader goes down',
      'this column before moving to the right.',
    ];
    const right = [
      'The right column carries the second half',
      'of the story and it is just as long so that',
      'the columns sit side by side on the page',
      'and end together at the same height.',
    ];
    const bytes = await pdfBytes([
      (f) => {
        f.page.drawText('Two Columns, One Story Told Across The Page', { x: 72, y: 720, size: 18, font: f.bold });
        lines(f, left, 72, 680, 10, 13);
        lines(f, right, 324, 680, 10, 13);
        f.page.drawText(FOOTER, { x: 72, y: 500, size: 10, font: f.font });
      },
    ]);
    const doc = value(await parsePdf(bytes, 'columns.pdf'));
    expect(blockViews(doc)).toEqual([
      { type: 'heading', text: 'Two Columns, One Story Told Across The Page', level: 1, page: 1 },
      { type: 'paragraph', text: left.join(' '), page: 1 },
      { type: 'paragraph', text: right.join(' '), page: 1 },
      { type: 'paragraph', text: FOOTER, page: 1 },
    ]);
  });

  it('does not split a single-column page with a short table into columns', async () => {
    const bytes = await pdfBytes([
      (f) => {
        lines(f, ['A single column of ordinary text runs across', 'the whole measure of the page, line by line,', 'with no gutter anywhere in it at all.'], 72, 720, 11, 14);
        lines(f, ['Kenya', 'Ghana', 'Peru'], 72, 660, 11, 14);
        lines(f, ['18 %', '12 %', '9 %'], 400, 660, 11, 14);
      },
    ]);
    const doc = value(await parsePdf(bytes, 'table.pdf'));
    expect(blockViews(doc).map((b) => b.text)).toEqual([
      'A single column of ordinary text runs across the whole measure of the page, line by line, with no gutter anywhere in it at all.',
      'Kenya 18 % Ghana 12 % Peru 9 %',
    ]);
  });

  it('keeps non-ASCII characters and counts offsets in code points', async () => {
    // The standard fonts cannot draw astral characters; offsets go through codePointLength anyway.
    const bytes = await pdfBytes([(f) => lines(f, ['Caf\u00e9 \u2014 \u00a31.4 billion'], 72, 720)], 'Unicode');
    const doc = value(await parsePdf(bytes, 'u.pdf'));
    expect(doc.text).toBe('Caf\u00e9 \u2014 \u00a31.4 billion');
    expect(doc.blocks).toEqual([{ type: 'paragraph', start: 0, end: 19, page: 1 }]);
  });

  it('does not change (or detach) the bytes it is given', async () => {
    const bytes = await TWO_PAGES();
    const copy = bytes.slice();
    await parsePdf(bytes, 'review.pdf');
    expect(bytes.byteLength).toBe(copy.byteLength);
    expect(bytes).toEqual(copy);
  });

  it('refuses a PDF cut in half, naming the file', async () => {
    const bytes = await TWO_PAGES();
    expect(errorOf(await parsePdf(bytes.subarray(0, Math.floor(bytes.length / 2)), 'half.pdf'))).toEqual({
      file: 'half.pdf',
      message: 'is a damaged or truncated PDF (no %%EOF at its end)',
    });
  });

  it('refuses a PDF whose middle is gone, naming the file', async () => {
    const bytes = await TWO_PAGES();
    const third = Math.floor(bytes.length / 3);
    const holed = new Uint8Array([...bytes.subarray(0, third), ...bytes.subarray(2 * third)]);
    const error = errorOf(await parsePdf(holed, 'holed.pdf'));
    expect(error.file).toBe('holed.pdf');
    expect(error.message).toMatch(/PDF/);
  });

  it('refuses random bytes and a fake header, naming the file', async () => {
    const noise = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256);
    expect(errorOf(await parsePdf(noise, 'noise.pdf'))).toEqual({ file: 'noise.pdf', message: 'is not a PDF (no %PDF- header)' });
    const fake = new TextEncoder().encode('%PDF-1.7\nnothing here\n%%EOF\n');
    expect(errorOf(await parsePdf(fake, 'fake.pdf'))).toEqual({ file: 'fake.pdf', message: 'is not a valid PDF (Invalid PDF structure.)' });
  });

  it('refuses a PDF without a text layer, saying why', async () => {
    const bytes = await pdfBytes([(f) => f.page.drawRectangle({ x: 10, y: 10, width: 100, height: 100 })]);
    expect(errorOf(await parsePdf(bytes, 'scan.pdf'))).toEqual({
      file: 'scan.pdf',
      message: 'has no text layer (a scanned PDF needs OCR before it can be annotated)',
    });
  });

  it('never throws on mutated PDF bytes', async () => {
    const bytes = await pdfBytes([(f) => lines(f, ['Short text.'], 72, 720)], 'Short');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const mutated = bytes.slice();
        for (const [at, b] of edits) mutated[at] = b;
        const result = await parsePdf(mutated, 'mutated.pdf');
        if (!result.ok) expect(result.error.file).toBe('mutated.pdf');
      }),
      { numRuns: 30, seed: SEED },
    );
  });
});
