// The document importers by format name: bytes of a file in, a parsed document (title, text,
// blocks, marks) or an error naming the file out. The importer picks one by --format or extension.

import type { DocumentParseResult } from '../../../core/formats/documents';
import { parseHtmlBytes } from '../../../core/formats/html';
import { parseDocx } from './docx';
import { parsePdf } from './pdf';

export type { DocumentParseResult, ParsedDocument } from '../../../core/formats/documents';

/** Reads one file's bytes as a document; never throws on bad input. */
export type DocumentParser = (bytes: Uint8Array, fileName: string) => Promise<DocumentParseResult>;

/** The document formats read from bytes (txt and md stay with the text importers). */
export const DOCUMENT_FORMATS = ['html', 'htm', 'docx', 'pdf'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** HTML: strict UTF-8, then parsed; a document without any text is refused. */
async function parseHtmlFile(bytes: Uint8Array, fileName: string): Promise<DocumentParseResult> {
  const result = parseHtmlBytes(bytes, fileName);
  if (result.ok && result.value.text.length === 0) return { ok: false, error: { file: fileName, message: 'contains no text' } };
  return result;
}

/** Format name -> parser. `htm` is `html` under its other extension. */
export const documentParsers: Readonly<Record<DocumentFormat, DocumentParser>> = {
  html: parseHtmlFile,
  htm: parseHtmlFile,
  docx: (bytes, fileName) => parseDocx(bytes, fileName),
  pdf: parsePdf,
};

/** Whether a format name (e.g. an extension without its dot, lowercased) has a document parser. */
export function isDocumentFormat(name: string): name is DocumentFormat {
  return (DOCUMENT_FORMATS as readonly string[]).includes(name);
}
