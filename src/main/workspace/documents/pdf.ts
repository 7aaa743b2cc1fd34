// PDF files as documents: pdfjs-dist reads the text layer page by page (no worker thread, no
// system fonts or font faces, no eval, nothing from the network); pdf-layout puts it in reading order.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { documentError } from '../../../core/formats/documents';
import type { DocumentParseResult } from '../../../core/formats/documents';
import { layoutPages } from './pdf-layout';
import type { PageText, TextRun } from './pdf-layout';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentLoadingTask, PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

type PdfJs = typeof PdfJsModule;

/** The longest title taken from the first line of a PDF without a Title, in characters. */
const MAX_TITLE_FROM_TEXT = 200;

/** A PDF as a document: a block per paragraph with its page; title from the metadata, else the first line. */
export async function parsePdf(bytes: Uint8Array, fileName: string): Promise<DocumentParseResult> {
  const shape = checkShape(bytes);
  if (shape) return documentError(fileName, shape);
  let pdfjs: PdfJs;
  try {
    pdfjs = await loadPdfJs();
  } catch (error) {
    return documentError(fileName, `cannot load the PDF reader (pdfjs-dist): ${reason(error)}`);
  }
  let task: PDFDocumentLoadingTask | null = null;
  try {
    task = pdfjs.getDocument({
      // pdfjs transfers (detaches) the buffer it is given: give it a copy, the caller keeps theirs.
      data: new Uint8Array(bytes),
      // Fail on damage instead of showing what could be recovered: nothing is imported half-way.
      stopAtErrors: true,
      isEvalSupported: false,
      useSystemFonts: false,
      disableFontFace: true,
      enableXfa: false,
      useWasm: false,
      verbosity: pdfjs.VerbosityLevel.ERRORS,
      ...localAssets(),
    });
    const pdf = await task.promise;
    const pages: PageText[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const runs: TextRun[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.length === 0) continue;
        const t = item.transform as number[];
        // The em is the length of the matrix's y axis; odd matrices fall back to the item height.
        const size = finite(Math.hypot(t[2] ?? 0, t[3] ?? 0)) || finite(item.height) || 1;
        runs.push({ text: item.str, x: t[4] ?? Number.NaN, y: t[5] ?? Number.NaN, width: finite(item.width), size });
      }
      pages.push({ page: n, runs });
      page.cleanup();
    }
    const laidOut = layoutPages(pages);
    if (laidOut.text.length === 0) {
      return documentError(fileName, 'has no text layer (a scanned PDF needs OCR before it can be annotated)');
    }
    const title = (await metadataTitle(pdf)) || shorten(laidOut.firstLine);
    return { ok: true, value: { title, text: laidOut.text, blocks: laidOut.blocks, marks: [] } };
  } catch (error) {
    return documentError(fileName, describe(error));
  } finally {
    await task?.destroy().catch(() => undefined);
  }
}

/**
 * What is wrong with the bytes before pdfjs sees them. pdfjs repairs what it can, and a PDF cut
 * short can still show its first pages: refusing it beats importing half a report silently.
 */
function checkShape(bytes: Uint8Array): string | null {
  const head = latin1(bytes.subarray(0, 1024));
  if (!head.includes('%PDF-')) return 'is not a PDF (no %PDF- header)';
  const tail = latin1(bytes.subarray(Math.max(0, bytes.length - 1024)));
  if (!tail.includes('%%EOF')) return 'is a damaged or truncated PDF (no %%EOF at its end)';
  return null;
}

let pdfjsModule: Promise<PdfJs> | null = null;

/** pdfjs-dist, loaded once and only when a PDF is read (it is large). */
function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((pdfjs) => {
    // In Node pdfjs runs its worker code on the main thread; point it at the installed file so
    // that it does not depend on where a bundler put this module.
    const worker = resolveInstalled('pdfjs-dist/legacy/build/pdf.worker.mjs');
    if (worker) pdfjs.GlobalWorkerOptions.workerSrc = pathToFileURL(worker).href;
    return pdfjs;
  });
  return pdfjsModule;
}

/** Character maps and standard font metrics shipped with pdfjs-dist (local files, never fetched). */
function localAssets(): { cMapUrl?: string; cMapPacked?: boolean; standardFontDataUrl?: string } {
  const pkg = resolveInstalled('pdfjs-dist/package.json');
  if (!pkg) return {};
  const root = dirname(pkg);
  return { cMapUrl: join(root, 'cmaps') + '/', cMapPacked: true, standardFontDataUrl: join(root, 'standard_fonts') + '/' };
}

function resolveInstalled(specifier: string): string | null {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch {
    return null;
  }
}

/** Title from the document information dictionary, else from the XMP metadata (dc:title). */
async function metadataTitle(pdf: PDFDocumentProxy): Promise<string> {
  try {
    const { info, metadata } = await pdf.getMetadata();
    const fromInfo = (info as Record<string, unknown>).Title;
    if (typeof fromInfo === 'string' && fromInfo.trim()) return fromInfo.replace(/\s+/g, ' ').trim();
    const fromXmp = metadata?.get('dc:title');
    if (typeof fromXmp === 'string' && fromXmp.trim()) return fromXmp.replace(/\s+/g, ' ').trim();
  } catch {
    // Broken metadata is no reason to refuse the text: fall back to the first line.
  }
  return '';
}

function shorten(line: string): string {
  const chars = [...line];
  if (chars.length <= MAX_TITLE_FROM_TEXT) return line;
  const cut = chars.slice(0, MAX_TITLE_FROM_TEXT).join('');
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_TITLE_FROM_TEXT / 2 ? cut.slice(0, space) : cut}…`;
}

/** A pdfjs failure in words a user can act on. */
function describe(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const message = reason(error);
  if (name === 'PasswordException') return 'is password-protected; remove the password and import it again';
  if (name === 'InvalidPDFException') return `is not a valid PDF (${message})`;
  return `is a damaged PDF (${message})`;
}

/** A positive finite number, else 0. */
function finite(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
