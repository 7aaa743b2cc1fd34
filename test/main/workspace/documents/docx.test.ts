import {
  Document,
  ExternalHyperlink,
  FootnoteReferenceRun,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from 'docx';
import type { ISectionOptions } from 'docx';
import fc from 'fast-check';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { DocumentParseResult, ParsedDocument } from '../../../../src/core/formats/documents';
import { CodePointIndex } from '../../../../src/core/offsets';
import { DOCX_LIMITS, parseDocx } from '../../../../src/main/workspace/documents/docx';

const SEED = 20240603;

async function docxBytes(children: ISectionOptions['children'], title?: string): Promise<Uint8Array> {
  const doc = new Document({ ...(title !== undefined ? { title } : {}), sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

function value(result: DocumentParseResult): ParsedDocument {
  if (!result.ok) throw new Error(`expected a document, got: ${result.error.message}`);
  return result.value;
}

function errorOf(result: DocumentParseResult): { file: string; message: string } {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

function blockViews(doc: ParsedDocument): { type: string; text: string; level?: number }[] {
  const index = new CodePointIndex(doc.text);
  return doc.blocks.map((b) => ({ type: b.type, text: index.slice(b.start, b.end), ...(b.level !== undefined ? { level: b.level } : {}) }));
}

function markViews(doc: ParsedDocument): { type: string; text: string; href?: string }[] {
  const index = new CodePointIndex(doc.text);
  return doc.marks.map((m) => ({ type: m.type, text: index.slice(m.start, m.end), ...(m.href !== undefined ? { href: m.href } : {}) }));
}

/** A copy of a zip with more files added (e.g. a bomb); the original entries kept. */
async function withEntries(bytes: Uint8Array, add: (zip: JSZip) => void): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  add(zip);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** docx objects are stateful (numbering, relationships): a fresh set for every document. */
const reportChildren = (): ISectionOptions['children'] => [
  new Paragraph({ text: 'Budget Outlook', heading: HeadingLevel.HEADING_1 }),
  new Paragraph({
    children: [
      new TextRun('The ministry pledged '),
      new TextRun({ text: '$1.4 billion', bold: true }),
      new TextRun(' for '),
      new TextRun({ text: 'climate', italics: true }),
      new TextRun(' work 😀 in 𝟚𝟘𝟚𝟜.'),
    ],
  }),
  new Paragraph({ text: 'Funding', heading: HeadingLevel.HEADING_2 }),
  new Paragraph({ text: 'First measure', bullet: { level: 0 } }),
  new Paragraph({ text: 'Sub-measure', bullet: { level: 1 } }),
  new Paragraph({ text: 'Second measure', bullet: { level: 0 } }),
  new Paragraph({
    children: [
      new TextRun('Source: '),
      new ExternalHyperlink({ children: [new TextRun('the fund')], link: 'https://example.org/fund' }),
      new TextRun(' and <script>alert(1)</script> as text.'),
    ],
  }),
  new Table({
    rows: [
      new TableRow({ children: [new TableCell({ children: [new Paragraph('Country')] }), new TableCell({ children: [new Paragraph('Share')] })] }),
      new TableRow({ children: [new TableCell({ children: [new Paragraph('Kenya')] }), new TableCell({ children: [new Paragraph('18 %')] })] }),
    ],
  }),
];

describe('parseDocx', () => {
  it('reads headings, paragraphs, nested list items and table cells as blocks', async () => {
    const doc = value(await parseDocx(await docxBytes(reportChildren(), 'Outlook 2024'), 'outlook.docx'));
    expect(blockViews(doc)).toEqual([
      { type: 'heading', text: 'Budget Outlook', level: 1 },
      { type: 'paragraph', text: 'The ministry pledged $1.4 billion for climate work 😀 in 𝟚𝟘𝟚𝟜.' },
      { type: 'heading', text: 'Funding', level: 2 },
      { type: 'list-item', text: 'First measure', level: 1 },
      { type: 'list-item', text: 'Sub-measure', level: 2 },
      { type: 'list-item', text: 'Second measure', level: 1 },
      { type: 'paragraph', text: 'Source: the fund and <script>alert(1)</script> as text.' },
      { type: 'table-cell', text: 'Country' },
      { type: 'table-cell', text: 'Share' },
      { type: 'table-cell', text: 'Kenya' },
      { type: 'table-cell', text: '18 %' },
    ]);
    expect(doc.text.split('\n\n')).toHaveLength(doc.blocks.length);
  });

  it('keeps bold, italic and links as marks, in code points', async () => {
    const doc = value(await parseDocx(await docxBytes(reportChildren(), 'Outlook 2024'), 'outlook.docx'));
    expect(markViews(doc)).toEqual([
      { type: 'bold', text: '$1.4 billion' },
      { type: 'italic', text: 'climate' },
      { type: 'link', text: 'the fund', href: 'https://example.org/fund' },
    ]);
    const bold = doc.marks[0]!;
    // "Budget Outlook\n\nThe ministry pledged " is 37 code points.
    expect([bold.start, bold.end]).toEqual([37, 49]);
  });

  it('takes the title from the core properties, else the first heading, else the file name', async () => {
    expect(value(await parseDocx(await docxBytes(reportChildren(), '  Outlook\n 2024 '), 'a.docx')).title).toBe('Outlook 2024');
    expect(value(await parseDocx(await docxBytes(reportChildren()), 'a.docx')).title).toBe('Budget Outlook');
    const plain = await docxBytes([new Paragraph('Just a paragraph.')]);
    expect(value(await parseDocx(plain, 'reports/Field Notes.docx')).title).toBe('Field Notes');
  });

  it('keeps footnotes as text at the end, without mammoth\'s back-link arrows', async () => {
    const doc = new Document({
      footnotes: { 1: { children: [new Paragraph('The note text.')] } },
      sections: [{ children: [new Paragraph({ children: [new TextRun('Body text'), new FootnoteReferenceRun(1), new TextRun(' continues.')] })] }],
    });
    const parsed = value(await parseDocx(new Uint8Array(await Packer.toBuffer(doc)), 'notes.docx'));
    expect(blockViews(parsed)).toEqual([
      { type: 'paragraph', text: 'Body text[1] continues.' },
      { type: 'list-item', text: 'The note text.', level: 1 },
    ]);
  });

  it('does not change the bytes it is given', async () => {
    const bytes = await docxBytes(reportChildren());
    const copy = bytes.slice();
    await parseDocx(bytes, 'a.docx');
    expect(bytes).toEqual(copy);
  });

  it('refuses a truncated .docx, naming the file', async () => {
    const bytes = await docxBytes(reportChildren());
    const error = errorOf(await parseDocx(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.docx'));
    expect(error.file).toBe('cut.docx');
    expect(error.message).toMatch(/damaged or truncated zip/);
  });

  it('refuses random bytes, naming the file', async () => {
    const bytes = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) % 256);
    expect(errorOf(await parseDocx(bytes, 'noise.docx'))).toEqual({
      file: 'noise.docx',
      message: expect.stringMatching(/^is not a readable \.docx/) as unknown as string,
    });
  });

  it('refuses a zip that is no Word document', async () => {
    const zip = new JSZip();
    zip.file('readme.txt', 'hello');
    const bytes = await zip.generateAsync({ type: 'uint8array' });
    expect(errorOf(await parseDocx(bytes, 'other.docx'))).toEqual({
      file: 'other.docx',
      message: 'is not a Word document (no word/document.xml in the zip)',
    });
  });

  it('refuses a damaged document.xml with mammoth\'s reason', async () => {
    const bytes = await withEntries(await docxBytes(reportChildren()), (zip) => zip.file('word/document.xml', '<w:document><unclosed'));
    const error = errorOf(await parseDocx(bytes, 'broken.docx'));
    expect(error.file).toBe('broken.docx');
    expect(error.message).toMatch(/^cannot read the Word document: /);
  });

  it('refuses a zip bomb by what inflating really produces', async () => {
    const bomb = await withEntries(await docxBytes(reportChildren()), (zip) => zip.file('word/media/zeros.bin', new Uint8Array(3 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const limits = { maxEntries: 100, maxUncompressedBytes: 1024 * 1024 };
    expect(errorOf(await parseDocx(bomb, 'bomb.docx', limits))).toEqual({
      file: 'bomb.docx',
      message: 'is larger than 1 MB uncompressed; refused as a possible zip bomb',
    });
    expect(value(await parseDocx(bomb, 'bomb.docx')).title).toBe('Budget Outlook');
  });

  it('refuses a zip bomb whose declared sizes lie', async () => {
    const zip = await JSZip.loadAsync(await docxBytes(reportChildren()));
    zip.file('word/media/zeros.bin', new Uint8Array(3 * 1024 * 1024));
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    const lying = declareSize(bytes, 'word/media/zeros.bin', 10);
    expect(errorOf(await parseDocx(lying, 'liar.docx', { maxEntries: 100, maxUncompressedBytes: 1024 * 1024 }))).toEqual({
      file: 'liar.docx',
      message: 'is larger than 1 MB uncompressed; refused as a possible zip bomb',
    });
  });

  it('refuses a zip with too many files', async () => {
    const bytes = await withEntries(await docxBytes(reportChildren()), (zip) => {
      for (let i = 0; i < 30; i++) zip.file(`extra/${i}.xml`, '<x/>');
    });
    const error = errorOf(await parseDocx(bytes, 'many.docx', { maxEntries: 20, maxUncompressedBytes: DOCX_LIMITS.maxUncompressedBytes }));
    expect(error.message).toMatch(/^has \d+ files in its zip \(the limit is 20\)/);
  });

  it('has limits of 200 MB and 10 000 files by default', () => {
    expect(DOCX_LIMITS).toEqual({ maxEntries: 10_000, maxUncompressedBytes: 200 * 1024 * 1024 });
  });

  it('never throws on mutated .docx bytes', async () => {
    const bytes = await docxBytes([new Paragraph('Short text.')], 'Short');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const mutated = bytes.slice();
        for (const [at, b] of edits) mutated[at] = b;
        const result = await parseDocx(mutated, 'mutated.docx');
        if (!result.ok) expect(result.error.file).toBe('mutated.docx');
      }),
      { numRuns: 40, seed: SEED },
    );
  });
});

/** Rewrite the uncompressed size of one entry in its local header and central directory record. */
function declareSize(bytes: Uint8Array, name: string, size: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const nameBytes = new TextEncoder().encode(name);
  const matchesAt = (at: number): boolean => nameBytes.every((b, i) => out[at + i] === b);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50 && view.getUint16(i + 26, true) === nameBytes.length && matchesAt(i + 30)) view.setUint32(i + 22, size, true);
    if (sig === 0x02014b50 && view.getUint16(i + 28, true) === nameBytes.length && matchesAt(i + 46)) view.setUint32(i + 24, size, true);
  }
  return out;
}

