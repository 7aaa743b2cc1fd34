// Word (.docx) files as documents: the zip is checked first (damaged, too many entries, too large
// once inflated), then mammoth turns Word's structure into HTML that parseHtml reads (never rendered).

import { Parser } from 'htmlparser2';
// jszip is mammoth's own zip reader; we use it to measure the archive before mammoth opens it.
import type JSZip from 'jszip';
import { documentError } from '../../../core/formats/documents';
import type { DocumentParseResult } from '../../../core/formats/documents';
import { parseHtml } from '../../../core/formats/html';

/** How much a .docx may hold once inflated: beyond this it is refused as a possible zip bomb. */
export interface DocxLimits {
  /** Most files in the zip. */
  maxEntries: number;
  /** Most bytes of all files together, uncompressed. */
  maxUncompressedBytes: number;
}

export const DOCX_LIMITS: DocxLimits = { maxEntries: 10_000, maxUncompressedBytes: 200 * 1024 * 1024 };

/** A .docx as a document; title from its core properties, else the first heading, else the file name. */
export async function parseDocx(
  bytes: Uint8Array,
  fileName: string,
  limits: DocxLimits = DOCX_LIMITS,
): Promise<DocumentParseResult> {
  // Loaded when a .docx comes: every other command starts without them.
  const [{ default: JSZipModule }, { default: mammoth }] = await Promise.all([import('jszip'), import('mammoth')]);
  let zip: JSZip;
  try {
    zip = await JSZipModule.loadAsync(bytes);
  } catch (error) {
    return documentError(fileName, `is not a readable .docx (damaged or truncated zip: ${reason(error)})`);
  }
  const problem = await checkZip(zip, limits);
  if (problem) return documentError(fileName, problem);
  if (!zip.file('word/document.xml')) return documentError(fileName, 'is not a Word document (no word/document.xml in the zip)');

  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        externalFileAccess: false,
        // Images are not text: never inflate them, never inline them.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
      },
    );
    // mammoth links each footnote back to its reference with an "↑": navigation, not text.
    html = result.value.replace(/ ?<a href="#(?:footnote|endnote)-ref-[^"]*">\u2191<\/a>/g, '');
  } catch (error) {
    return documentError(fileName, `cannot read the Word document: ${reason(error)}`);
  }

  const parsed = parseHtml(html, fileName);
  if (!parsed.ok) return parsed;
  if (parsed.value.text.length === 0) return documentError(fileName, 'contains no text');
  const coreTitle = await readCoreTitle(zip);
  return { ok: true, value: { ...parsed.value, title: coreTitle || parsed.value.title } };
}

/** Why the zip must not be opened, or null: entry count, then every entry inflated and counted. */
async function checkZip(zip: JSZip, limits: DocxLimits): Promise<string | null> {
  const entries = Object.values(zip.files).filter((entry) => !entry.dir);
  if (entries.length > limits.maxEntries) {
    return `has ${entries.length} files in its zip (the limit is ${limits.maxEntries}); refused as a possible zip bomb`;
  }
  let total = 0;
  for (const entry of entries) {
    // Sizes declared in the zip can lie; count what inflating really produces, and stop early.
    const outcome = await new Promise<'ok' | 'too-large' | Error>((resolve) => {
      const stream = entry.nodeStream('nodebuffer');
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.maxUncompressedBytes) {
          stream.pause();
          stream.removeAllListeners();
          stream.on('error', () => undefined); // the abandoned stream must never crash the process
          resolve('too-large');
        }
      });
      stream.on('end', () => resolve('ok'));
      stream.on('error', (error: unknown) => resolve(error instanceof Error ? error : new Error(String(error))));
    });
    if (outcome === 'too-large') {
      return `is larger than ${formatBytes(limits.maxUncompressedBytes)} uncompressed; refused as a possible zip bomb`;
    }
    if (outcome instanceof Error) return `is a damaged .docx (cannot inflate ${entry.name}: ${outcome.message})`;
  }
  return null;
}

/** dc:title of docProps/core.xml, whitespace collapsed; "" when absent. */
async function readCoreTitle(zip: JSZip): Promise<string> {
  const core = zip.file('docProps/core.xml');
  if (!core) return '';
  let xml: string;
  try {
    xml = await core.async('string');
  } catch {
    return '';
  }
  let depth = 0;
  let title = '';
  let done = false;
  const parser = new Parser(
    {
      onopentag: (name) => {
        if (!done && (name === 'dc:title' || name.endsWith(':title'))) depth++;
      },
      ontext: (text) => {
        if (depth > 0) title += text;
      },
      onclosetag: (name) => {
        if (depth > 0 && (name === 'dc:title' || name.endsWith(':title'))) {
          depth--;
          if (depth === 0) done = true;
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return title.replace(/\s+/g, ' ').trim();
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${n} bytes`;
}
