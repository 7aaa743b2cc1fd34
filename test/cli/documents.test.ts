// Reports as analysts receive them (HTML, Word, PDF) through `gloss import`: format by extension
// or by content, title and blocks kept, page numbers on PDF blocks, and broken files refused with
// the file named and the workspace unchanged.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlossDocument } from '../../src/core/model';
import { openWorkspace, removeDir, snapshot, tempDir } from '../main/workspace/helpers';
import { glossInProcess } from './run-gloss';
import type { Run } from './run-gloss';

let root: string;
let configDir: string;

const run = (args: string[]): Promise<Run> => glossInProcess(args, { cwd: root, configDir });

async function docxBytes(): Promise<Uint8Array> {
  const doc = new Document({
    title: 'Quarterly briefing',
    sections: [
      {
        children: [
          new Paragraph({ text: 'Industrial cooperation', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Denis Manturov noted trade grew by 18 percent to $1.4 billion.'),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

async function pdfBytes(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Laboratory network');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([612, 792]).drawText('Gemotest plans to open 75 new laboratories.', { x: 72, y: 700, size: 11, font });
  pdf.addPage([612, 792]).drawText('The first laboratory opened in 2021.', { x: 72, y: 700, size: 11, font });
  return pdf.save();
}

async function documents(dir: string): Promise<GlossDocument[]> {
  const ws = await openWorkspace(dir, true);
  const docs = await Promise.all(ws.documents().map((d) => ws.readDocument(d.id)));
  return docs.filter((d): d is GlossDocument => d !== null);
}

beforeAll(async () => {
  root = await tempDir('gloss-cli-docs-');
  configDir = join(root, 'config');
  await mkdir(join(root, 'in'), { recursive: true });
  await writeFile(
    join(root, 'in', 'brief.html'),
    '<html><head><title>Ministry brief</title><script>alert(1)</script></head>' +
      '<body><h1>Briefing</h1><p>Ivan <b>Petrov</b> said &amp; confirmed.</p><ul><li>Two plants</li></ul></body></html>',
  );
  await writeFile(join(root, 'in', 'briefing.docx'), await docxBytes());
  await writeFile(join(root, 'in', 'labs.pdf'), await pdfBytes());
  // The same PDF under a name that says nothing: found by its content.
  await writeFile(join(root, 'in', 'labs-copy.bin'), await pdfBytes());
});

afterAll(async () => {
  await removeDir(root);
});

describe('gloss import of documents', () => {
  it('imports html, docx and pdf as text with blocks; never keeps markup or scripts', async () => {
    const ws = join(root, 'ws');
    expect((await run(['init', ws])).code).toBe(0);
    const result = await run(['import', ws, join(root, 'in', 'brief.html'), join(root, 'in', 'briefing.docx'), join(root, 'in', 'labs.pdf')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const docs = await documents(ws);
    expect(docs).toHaveLength(3);
    const byFormat = new Map(docs.map((d) => [d.meta.format, d]));
    const html = byFormat.get('html')!;
    expect(html.title).toBe('Ministry brief');
    expect(html.text).toBe('Briefing\n\nIvan Petrov said & confirmed.\n\nTwo plants');
    expect(html.text).not.toContain('alert');
    expect(html.blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'list-item']);

    const docx = byFormat.get('docx')!;
    expect(docx.title).toBe('Quarterly briefing');
    expect(docx.text).toContain('Industrial cooperation');
    expect(docx.text).toContain('trade grew by 18 percent to $1.4 billion.');
    expect(docx.blocks[0]).toMatchObject({ type: 'heading', level: 1 });

    const pdf = byFormat.get('pdf')!;
    expect(pdf.title).toBe('Laboratory network');
    expect(pdf.text).toContain('Gemotest plans to open 75 new laboratories.');
    expect(pdf.blocks.map((b) => b.page)).toEqual([1, 2]);

    const validate = await run(['validate', ws]);
    expect(validate.code).toBe(0);
  });

  it('finds a PDF by its content under auto', async () => {
    const ws = join(root, 'ws-sniff');
    await run(['init', ws]);
    const result = await run(['import', ws, join(root, 'in', 'labs-copy.bin')]);
    expect(result.code).toBe(0);
    const [doc] = await documents(ws);
    expect(doc!.meta.format).toBe('pdf');
  });

  it('refuses a truncated docx and a broken pdf, naming the file, and writes nothing', async () => {
    const ws = join(root, 'ws-bad');
    await run(['init', ws]);
    await run(['import', ws, join(root, 'in', 'brief.html')]);
    const before = await snapshot(ws);

    const docx = await docxBytes();
    const cut = join(root, 'in', 'cut.docx');
    await writeFile(cut, docx.subarray(0, Math.floor(docx.length / 2)));
    const docxRun = await run(['import', ws, join(root, 'in', 'labs.pdf'), cut]);
    expect(docxRun.code).toBe(1);
    expect(docxRun.stderr).toContain('cut.docx');

    const pdf = await pdfBytes();
    const broken = join(root, 'in', 'broken.pdf');
    await writeFile(broken, pdf.subarray(0, Math.floor(pdf.length / 2)));
    const pdfRun = await run(['import', ws, broken]);
    expect(pdfRun.code).toBe(1);
    expect(pdfRun.stderr).toContain('broken.pdf');

    expect(await snapshot(ws)).toEqual(before);
  });
});
