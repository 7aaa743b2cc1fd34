// What the format parsers produce and the exporters consume. Offsets are code points into
// `text` (already normalised to \n), end exclusive, like everywhere in Gloss.

import type { Block, Comment, CurationDecision, DocumentMark, DocumentMeta, GlossDocument, Layer, LayerStatus, Schema, SpanFields } from '../model';

/** A span as read from a file: the workspace fills quote, origin and timestamps. */
export interface ImportedSpan extends SpanFields {
  /** The id in the file, when it has one (kept unless it is taken). */
  id?: string;
}

/** A relation as read from a file; `from` and `to` are span ids within the same item. */
export interface ImportedRelation {
  id?: string;
  type: string;
  from: string;
  to: string;
}

/** One annotator's annotations of one item; without `annotator`, the importer's applies. */
export interface ImportedLayer {
  annotator?: string;
  status?: LayerStatus;
  spans: ImportedSpan[];
  relations: ImportedRelation[];
  comments: Comment[];
  /** The curation layer's decisions (gloss datasets); their span ids are the file's. */
  decisions?: CurationDecision[];
}

/** One document of an input file with its annotations. */
export interface ImportedItem {
  /** The text, line endings normalised to \n. */
  text: string;
  title?: string;
  id?: string;
  blocks?: Block[];
  marks?: DocumentMark[];
  meta?: Partial<DocumentMeta>;
  layers: ImportedLayer[];
  /** 1-based line of the item in a line-based input (jsonl, doccano). */
  line?: number;
}

/** Where and why a file could not be read. */
export interface ParseError {
  file: string;
  line?: number;
  message: string;
}

/** What a parser returns: all the items, or the first error (nothing half-way). */
export type ParseResult =
  | {
      ok: true;
      items: ImportedItem[];
      /** Things worth telling the user that did not stop the import (normalised line endings...). */
      notices: string[];
      /** The schema a dataset carried, when it carries one (gloss datasets). */
      schema?: Schema;
    }
  | { ok: false; error: ParseError };

/** A document with the layers to export. */
export interface ExportDocument {
  document: GlossDocument;
  layers: Layer[];
}
