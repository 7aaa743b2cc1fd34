// What the document importers (html here; docx and pdf in src/main/workspace/documents) return:
// canonical text with blocks and display marks in code points, or an error naming the file.

import type { Block, DocumentMark } from '../model';
import type { ParseError } from './types';

/** A document read from a file, before it gets an id and a hash (see buildDocument). */
export interface ParsedDocument {
  title: string;
  /** Canonical plain text, line endings \n; blocks are separated by "\n\n". */
  text: string;
  blocks: Block[];
  marks: DocumentMark[];
}

/** A parsed document, or why the file could not be read (never thrown). */
export type DocumentParseResult = { ok: true; value: ParsedDocument } | { ok: false; error: ParseError };

/** The failure of a document parser, naming the file. */
export function documentError(file: string, message: string): DocumentParseResult {
  return { ok: false, error: { file, message } };
}
