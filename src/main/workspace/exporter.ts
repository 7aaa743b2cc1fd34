// `gloss export`: the workspace as a dataset. `gloss` is full fidelity (every layer, imports back
// losslessly); `w3c` and `csv` carry every layer given; `jsonl`, `doccano`, `conll` and `brat`
// carry one layer per document. brat is a folder of files, the others one file. Deterministic:
// the same workspace and clock give the same bytes.

import { bratFile } from '../../core/formats/brat';
import { conllItemList } from '../../core/formats/conll';
import type { UnrepresentedSpan } from '../../core/formats/conll';
import { csvHeader, csvRows } from '../../core/formats/csv';
import { DoccanoWriter } from '../../core/formats/doccano';
import { glossItemList } from '../../core/formats/gloss';
import { ItemListWriter } from '../../core/formats/item-list';
import { withNotes } from '../../core/formats/item-list';
import type { ItemList, ListNotes } from '../../core/formats/item-list';
import { jsonlLine } from '../../core/formats/jsonl';
import type { ExportDocument } from '../../core/formats/types';
import { w3cItemList } from '../../core/formats/w3c';
import { isOrphanSpan } from '../../core/layer';
import type { Layer, Schema } from '../../core/model';
import { CodePointIndex } from '../../core/offsets';
import { checkLayer } from '../../core/validate';
import { streamInThreads } from './export-threads';
import { workerCount } from './worker-threads';
import type { WorkerThreads } from './worker-threads';
import type { ProgressStep } from './importer';
import type { Workspace } from './workspace';

/** The formats `gloss export` writes as one file. */
export const EXPORT_FORMATS = ['gloss', 'jsonl', 'doccano', 'conll', 'w3c', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The formats `gloss export` writes as a folder of files. */
export const FOLDER_EXPORT_FORMATS = ['brat'] as const;
export type FolderExportFormat = (typeof FOLDER_EXPORT_FORMATS)[number];

/** Every format `gloss export` writes. */
export const ALL_EXPORT_FORMATS: readonly (ExportFormat | FolderExportFormat)[] = [...EXPORT_FORMATS, ...FOLDER_EXPORT_FORMATS];

/** Formats that hold several layers of a document (the others hold one: an annotator is needed). */
export const MULTI_LAYER_FORMATS: readonly (ExportFormat | FolderExportFormat)[] = ['gloss', 'w3c', 'csv'];

interface CommonExportOptions {
  /**
   * Whose layer to export ("curation" for the adjudicated layer). Required for the one-layer
   * formats; for gloss, w3c and csv, omitting it exports every layer.
   */
  annotator?: string;
  /** ISO time written into a gloss dataset. */
  exportedAt: string;
  onProgress?: (step: ProgressStep) => void;
}

export interface ExportOptions extends CommonExportOptions {
  format: ExportFormat;
  /** CoNLL: of overlapping spans, write the outermost (default) or the innermost. */
  prefer?: 'inner' | 'outer';
}

export interface FolderExportOptions extends CommonExportOptions {
  format: FolderExportFormat;
}

interface ExportSummary {
  documents: number;
  spans: number;
  /** Problems that did not stop the export: orphan spans exported as stored, unreadable files skipped. */
  warnings: string[];
  /** What the format could not hold as it is (brat names with spaces, line breaks at a span's edge...). */
  notices: string[];
}

export interface ExportOutput extends ExportSummary {
  /** The file's content. */
  text: string;
  /** CoNLL only: the spans not written exactly (overlaps, discontinuous, whitespace). */
  unrepresented?: UnrepresentedSpan[];
}

/** One file of a folder export: a name inside the folder and its content. */
export interface ExportedFile {
  name: string;
  text: string;
}

export interface FolderExportOutput extends ExportSummary {
  files: ExportedFile[];
}

/**
 * Where a streamed export's pieces go, in order; a returned promise holds the next document back
 * until it settles. Pieces made by worker threads come as UTF-8 bytes, with `written`: a sink that
 * calls it once it no longer needs those bytes lets their buffer be filled again (by the worker
 * that made them); one that never calls it costs a new buffer per batch.
 */
export type ExportSink = (piece: string | Uint8Array, written?: () => void) => void | Promise<void>;

/** What a streamed export tells besides its pieces: exportWorkspace's output without the text. */
export type StreamedExport = Omit<ExportOutput, 'text'>;

/** A one-file format written document by document: head, each document (one piece or several), tail. */
interface PieceWriter {
  head: string;
  document(document: ExportDocument): string | readonly string[];
  tail(): string;
  /** What it could not hold as it is, asked at the end (an item list that tells: CoNLL; else undefined). */
  notes?(): ListNotes | undefined;
}

/**
 * The formats that are lists of items (ItemList), which threads can make apart: each document's
 * part of the file is made from that document alone. CSV too since ADR 0024 (the corpus's CSV
 * 1.66-1.98 s on one thread, 1.65-1.78 s with two workers on 2 cores; more on a laptop's 4 or 8).
 * JSON lines could be, but is fast on one thread and was slower with workers (one layer, a smaller
 * file than the workers' start costs); doccano numbers its entities across documents.
 */
export const ITEM_LIST_FORMATS = ['gloss', 'w3c', 'conll', 'csv'] as const;
export type ItemListFormat = (typeof ITEM_LIST_FORMATS)[number];

export function isItemListFormat(format: ExportFormat | FolderExportFormat): format is ItemListFormat {
  return (ITEM_LIST_FORMATS as readonly string[]).includes(format);
}

/** An item-list format's list. */
export function itemList(format: ItemListFormat, schema: Schema, exportedAt: string, prefer: 'inner' | 'outer'): ItemList {
  switch (format) {
    case 'gloss':
      return glossItemList(schema, exportedAt);
    case 'w3c':
      return w3cItemList();
    case 'conll':
      return conllItemList({ prefer });
    case 'csv':
      // A document's rows follow the rows before them with nothing between: one item a document.
      return { head: csvHeader(), leading: '', items: (document) => ({ pieces: [csvRows(document, schema)], count: 1 }), tail: () => '' };
  }
}

function pieceWriter(ws: Workspace, options: ExportOptions, prefer: 'inner' | 'outer'): PieceWriter {
  const simple = (head: string, document: (d: ExportDocument) => string): PieceWriter => ({ head, document, tail: () => '' });
  switch (options.format) {
    case 'gloss':
    case 'w3c':
    case 'conll':
    case 'csv': {
      const list = itemList(options.format, ws.schema, options.exportedAt, prefer);
      const writer = new ItemListWriter(list);
      return { head: writer.head(), document: (d) => writer.pieces(d), tail: () => writer.tail(), notes: () => list.notes?.() };
    }
    case 'jsonl':
      return simple('', jsonlLine);
    case 'doccano': {
      const writer = new DoccanoWriter();
      return simple('', (d) => writer.line(d));
    }
  }
}

/**
 * Export the whole workspace in manifest order into one file's pieces, each document's as soon as
 * it is read, so that a big workspace is never held whole. Joined, the pieces are
 * exportWorkspace's text.
 */
export async function streamWorkspaceExport(ws: Workspace, options: ExportOptions, write: ExportSink, threads?: WorkerThreads): Promise<StreamedExport> {
  const prefer = options.prefer ?? 'outer';
  // Item lists of many documents are made by worker threads where the caller can start them.
  if (isItemListFormat(options.format)) {
    const workers = workerCount(threads, ws.documentIds().length);
    if (threads && workers > 0) {
      needsAnnotator(options);
      const list = itemList(options.format, ws.schema, options.exportedAt, prefer);
      const streamed = await streamInThreads(ws, { ...options, format: options.format, prefer }, list, write, threads.script, workers);
      return { ...streamed, warnings: withReadProblems(streamed.warnings, ws) };
    }
  }
  const writer = pieceWriter(ws, options, prefer);
  // The sink is called synchronously piece by piece; only a promise it returns is waited for.
  let waiting: void | Promise<void> = undefined;
  const put = (piece: string): void => {
    if (piece !== '') waiting = write(piece) ?? waiting;
  };
  const drain = async (): Promise<void> => {
    const pending = waiting;
    waiting = undefined;
    await pending;
  };
  put(writer.head);
  const collected = await eachDocument(ws, options, async (document) => {
    const pieces = writer.document(document);
    if (typeof pieces === 'string') put(pieces);
    else for (const piece of pieces) put(piece);
    await drain();
  });
  put(writer.tail());
  await drain();
  return withNotes({ documents: collected.documents, spans: collected.spans, warnings: collected.warnings }, writer.notes?.());
}

/** Build a one-file export of the whole workspace in manifest order. */
export async function exportWorkspace(ws: Workspace, options: ExportOptions): Promise<ExportOutput> {
  const pieces: string[] = [];
  const decoder = new TextDecoder();
  const output = await streamWorkspaceExport(ws, options, (piece) => {
    pieces.push(typeof piece === 'string' ? piece : decoder.decode(piece));
  });
  return { ...output, text: pieces.join('') };
}

/** What a streamed folder export tells besides its files: exportWorkspaceFolder's output without them. */
export type StreamedFolderExport = Omit<FolderExportOutput, 'files'>;

/**
 * A folder export (brat: `<docId>.txt` and `<docId>.ann` per document) handed to `write` file by
 * file, each document's as soon as it is read; `write` may return a promise to hold the next
 * document back until it settles.
 */
export async function streamWorkspaceFolderExport(
  ws: Workspace,
  options: FolderExportOptions,
  write: (file: ExportedFile) => void | Promise<void>,
): Promise<StreamedFolderExport> {
  const notices: string[] = [];
  const collected = await eachDocument(ws, options, async (document) => {
    const pair = bratFile(document);
    notices.push(...pair.notices);
    await write({ name: `${pair.id}.txt`, text: pair.txt });
    await write({ name: `${pair.id}.ann`, text: pair.ann });
  });
  return { documents: collected.documents, spans: collected.spans, warnings: collected.warnings, notices };
}

/** Build a folder export (brat: `<docId>.txt` and `<docId>.ann` per document). */
export async function exportWorkspaceFolder(ws: Workspace, options: FolderExportOptions): Promise<FolderExportOutput> {
  const files: ExportedFile[] = [];
  const output = await streamWorkspaceFolderExport(ws, options, (file) => {
    files.push(file);
  });
  return { ...output, files };
}

/** Documents whose files are read ahead of the one being exported (a read-only workspace). */
const READ_AHEAD_WINDOW = 32;

/**
 * Every readable document with the chosen layers, handed to `take` one at a time in manifest
 * order (and then let go: a pass holds one document at a time), and what to warn about.
 */
async function eachDocument(
  ws: Workspace,
  options: CommonExportOptions & { format: ExportFormat | FolderExportFormat },
  take: (document: ExportDocument) => void | Promise<void>,
): Promise<{ documents: number; spans: number; warnings: string[] }> {
  needsAnnotator(options);
  const read = await readExportDocuments(ws, ws.documentIds(), options.annotator, take, options.onProgress);
  return { ...read, warnings: withReadProblems(read.warnings, ws) };
}

/** A one-layer format is exported for one annotator: say so when none is given. */
function needsAnnotator(options: { format: ExportFormat | FolderExportFormat; annotator?: string }): void {
  if (!MULTI_LAYER_FORMATS.includes(options.format) && options.annotator === undefined) {
    throw new Error(`exporting ${options.format} needs an annotator`);
  }
}

/**
 * The documents of `ids` that are readable, with the layers to export (of `annotator`, or all),
 * handed to `take` one at a time in order, their files read ahead; how many, their spans, and
 * what readExportDocument warned of. An export's pass over the workspace, or a worker's batch.
 */
export async function readExportDocuments(
  ws: Workspace,
  ids: readonly string[],
  annotator: string | undefined,
  take: (document: ExportDocument) => void | Promise<void>,
  onProgress?: (step: ProgressStep) => void,
): Promise<{ documents: number; spans: number; warnings: string[] }> {
  const warnings: string[] = [];
  let documents = 0;
  let spans = 0;
  const chosen = annotator !== undefined ? [annotator] : undefined;
  for (const [i, id] of ids.entries()) {
    onProgress?.({ label: 'exporting documents', done: i, total: ids.length });
    if (i % READ_AHEAD_WINDOW === 0) ws.readAhead(ids.slice(i, i + 2 * READ_AHEAD_WINDOW), chosen);
    const read = await readExportDocument(ws, id, annotator);
    warnings.push(...read.warnings);
    if (!read.document) continue;
    documents++;
    spans += read.spans;
    await take(read.document);
  }
  onProgress?.({ label: 'exporting documents', done: ids.length, total: ids.length });
  return { documents, spans, warnings };
}

/** An export's warnings and the problems met reading the workspace (corrupt layer files are not in the export: say so), once each. */
export function withReadProblems(warnings: readonly string[], ws: Workspace): string[] {
  const all = [...warnings];
  for (const problem of ws.problems) {
    if (problem.kind === 'corrupt-file' || problem.kind === 'invalid-file') all.push(`${problem.message} (not exported)`);
  }
  return [...new Set(all)];
}

/** One document with the layers to export (of `annotator`, or all), or null when its file is unreadable; and what to warn about. */
async function readExportDocument(
  ws: Workspace,
  id: string,
  annotator: string | undefined,
): Promise<{ document: ExportDocument | null; spans: number; warnings: string[] }> {
  const warnings: string[] = [];
  const document = await ws.readDocument(id);
  if (!document) {
    warnings.push(`document "${id}" skipped: its file ${ws.documentFile(id)} is missing or unreadable`);
    return { document: null, spans: 0, warnings };
  }
  const annotators = annotator !== undefined ? [annotator] : await ws.layerAnnotators(id);
  const layers: Layer[] = [];
  let spans = 0;
  let text: CodePointIndex | undefined;
  for (const name of annotators) {
    const layer = await ws.readLayer(id, name);
    if (!layer) continue;
    text ??= new CodePointIndex(document.text);
    // The full check only where a span may be an orphan: for its message, the same as validate's.
    if (mayHaveOrphans(layer, text)) {
      const file = ws.layerFile(id, name);
      for (const problem of checkLayer(layer, document, ws.schema, file)) {
        if (problem.kind === 'orphan-span') warnings.push(`${problem.message} (exported with its stored offsets)`);
      }
    }
    layers.push(layer);
    spans += layer.spans.length;
  }
  return { document: { document, layers }, spans, warnings };
}

/** Whether some span of the layer does not fit the text or its quote (checkLayer's orphans), cheaply. */
function mayHaveOrphans(layer: Layer, text: CodePointIndex): boolean {
  return layer.spans.some((span) => isOrphanSpan(span, text));
}
