import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_FORMATS, documentParsers, isDocumentFormat } from '../../../../src/main/workspace/documents';

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('documentParsers', () => {
  it('has a parser for html, htm, docx and pdf', () => {
    expect(Object.keys(documentParsers).sort()).toEqual(['docx', 'htm', 'html', 'pdf']);
    expect([...DOCUMENT_FORMATS].sort()).toEqual(['docx', 'htm', 'html', 'pdf']);
    expect(isDocumentFormat('pdf')).toBe(true);
    expect(isDocumentFormat('txt')).toBe(false);
  });

  it('reads HTML bytes as strict UTF-8 (html and htm alike)', async () => {
    const bytes = encode('<meta charset="utf-8"><title>T</title><h1>Привет</h1><p>😀</p>');
    for (const format of ['html', 'htm'] as const) {
      const result = await documentParsers[format](bytes, `page.${format}`);
      expect(result).toEqual({
        ok: true,
        value: {
          title: 'T',
          text: 'Привет\n\n😀',
          blocks: [
            { type: 'heading', start: 0, end: 6, level: 1 },
            { type: 'paragraph', start: 8, end: 9 },
          ],
          marks: [],
        },
      });
    }
    const bad = await documentParsers.html(new Uint8Array([0x3c, 0x70, 0x3e, 0xc3]), 'bad.html');
    expect(bad).toEqual({ ok: false, error: { file: 'bad.html', message: 'invalid UTF-8 at byte 3' } });
  });

  it('refuses HTML without any text', async () => {
    expect(await documentParsers.html(encode('<script>x()</script>'), 'empty.html')).toEqual({
      ok: false,
      error: { file: 'empty.html', message: 'contains no text' },
    });
  });

  it('reads .docx and .pdf bytes', async () => {
    const docx = new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Word text.')] }] })));
    const docxResult = await documentParsers.docx(docx, 'a.docx');
    expect(docxResult.ok && docxResult.value.text).toBe('Word text.');

    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage().drawText('PDF text.', { x: 50, y: 700, size: 12, font });
    const pdfResult = await documentParsers.pdf(await pdf.save(), 'a.pdf');
    expect(pdfResult.ok && pdfResult.value.text).toBe('PDF text.');
  });

  it('names the file in every failure', async () => {
    const noise = Uint8Array.from({ length: 500 }, (_, i) => (i * 31 + 7) % 256);
    for (const format of DOCUMENT_FORMATS) {
      const result = await documentParsers[format](noise, `noise.${format}`);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.file).toBe(`noise.${format}`);
    }
  });
});
