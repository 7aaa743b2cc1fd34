// `gloss import`: documents (txt, md and every format in DOCUMENT_FORMATS) and annotations (gloss,
// jsonl, doccano, brat, conll, w3c) into a workspace, all or nothing. Every file is read, parsed
// and checked in memory first; only then is anything written: the schema (labels a file brings),
// layers, documents, the manifest last. Re-running an interrupted import ends with exactly the
// files' content.

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { baseName, buildDocument, isValidDocId, parseMarkdown, parsePlainText, plainTextToBlocks, slugify, uniqueId } from '../../core/document';
import { parseBrat } from '../../core/formats/brat';
import { parseConll } from '../../core/formats/conll';
import { parseDoccano } from '../../core/formats/doccano';
import { parseGlossDataset } from '../../core/formats/gloss';
import { parseJsonl } from '../../core/formats/jsonl';
import type { ImportedItem, ParseError, ParseResult } from '../../core/formats/types';
import { parseW3c, w3cSources } from '../../core/formats/w3c';
import type { W3cSourceDocument } from '../../core/formats/w3c';
import { sha256Hex } from '../../core/hash';
import { jsonSyntaxError } from '../../core/json-error';
import { emptyLayer, mergeImportedLayer } from '../../core/layer';
import type { Block, DocumentMark, GlossDocument, Layer, Schema } from '../../core/model';
import { CodePointIndex } from '../../core/offsets';
import { describeAdditions, extendSchema } from '../../core/schema-extend';
import type { SchemaAddition } from '../../core/schema-extend';
import { decodeUtf8 } from '../../core/text';
import { documentParsers } from './documents';
import { checkImportedItem } from '../../core/validate';
import { isErrnoException } from './durable';
import type { Workspace } from './workspace';

/** A document format: how a file's bytes become a document (an item without layers, usually). */
export interface DocumentFormat {
  /** Extensions that select it under `--format auto`: lower case, with the dot. */
  extensions: readonly string[];
  /** Parse the file's bytes; binary formats read them as they are, text formats via utf8Document. */
  parse: (bytes: Uint8Array, file: string) => ParseResult | Promise<ParseResult>;
  /** For a file whose extension says nothing: whether its bytes are this format (e.g. a magic number). */
  sniff?: (bytes: Uint8Array) => boolean;
}

/** A text format's parser as a DocumentFormat parser: strict UTF-8 first (the error names the byte). */
export function utf8Document(parse: (text: string, file: string) => ParseResult): DocumentFormat['parse'] {
  return (bytes, file) => {
    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) return { ok: false, error: { file, message: decoded.error.message } };
    return parse(decoded.value, file);
  };
}

/** What a one-document parser gives: the document's title, text, blocks and marks, or why not. */
export type SingleDocumentResult =
  | { ok: true; value: { title: string; text: string; blocks: Block[]; marks?: DocumentMark[] } }
  | { ok: false; error: ParseError };

/** A parser of one document per file (html, docx, pdf) as a DocumentFormat parser. */
export function singleDocument(
  parse: (bytes: Uint8Array, file: string) => SingleDocumentResult | Promise<SingleDocumentResult>,
): DocumentFormat['parse'] {
  return async (bytes, file) => {
    const result = await parse(bytes, file);
    if (!result.ok) return result;
    const { title, text, blocks, marks } = result.value;
    return { ok: true, items: [{ title, text, blocks, ...(marks && marks.length > 0 ? { marks } : {}), layers: [] }], notices: [] };
  };
}

// The document formats: the one place where a document parser plugs in (name: extensions, parse
// function, optional content sniffing), e.g. `pdf: { extensions: ['.pdf'], parse:
// singleDocument(parsePdf), sniff: isPdf }`. `--format`, `auto` detection, the CLI's choices and
// the all-or-nothing import follow this table.
const documentFormats = {
  txt: {
    extensions: ['.txt', '.text'],
    parse: utf8Document((text, file) => ({ ok: true, items: [{ ...parsePlainText(text, file), layers: [] }], notices: [] })),
  },
  md: {
    extensions: ['.md', '.markdown'],
    parse: utf8Document((text, file) => ({ ok: true, items: [{ ...parseMarkdown(text, file), layers: [] }], notices: [] })),
  },
  html: { extensions: ['.html', '.htm', '.xhtml'], parse: singleDocument(documentParsers.html) },
  docx: { extensions: ['.docx'], parse: singleDocument(documentParsers.docx), sniff: isZip },
  pdf: { extensions: ['.pdf'], parse: singleDocument(documentParsers.pdf), sniff: isPdf },
} satisfies Record<string, DocumentFormat>;

/** A zip archive (a .docx is one) starts with the local file header signature "PK\x03\x04". */
function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** A PDF starts with "%PDF-". */
function isPdf(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 5)) === '%PDF-';
}

export type DocumentFormatName = keyof typeof documentFormats;

/** The document formats `gloss import` reads, by name. */
export const DOCUMENT_FORMATS: Readonly<Record<DocumentFormatName, DocumentFormat>> = documentFormats;

/** The annotation formats `gloss import` reads. */
export const ANNOTATION_FORMATS = ['gloss', 'jsonl', 'doccano', 'brat', 'conll', 'w3c'] as const;
export type AnnotationFormat = (typeof ANNOTATION_FORMATS)[number];

export type ImportFormat = DocumentFormatName | AnnotationFormat;

/** The formats `gloss import` reads: documents, then annotations. */
export const IMPORT_FORMATS: readonly ImportFormat[] = [...(Object.keys(documentFormats) as DocumentFormatName[]), ...ANNOTATION_FORMATS];

/** Whether a format is a document format (a file without annotations). */
export function isDocumentFormat(format: string): format is DocumentFormatName {
  return Object.hasOwn(documentFormats, format);
}

/** Extensions of CoNLL files under `--format auto`. */
const CONLL_EXTENSIONS = ['.conll', '.conll03', '.conll2003', '.iob', '.iob2', '.bio'];

/** Limits on what one import reads, so that a huge or endless file cannot exhaust memory. */
export interface ImportLimits {
  /** Largest file read, in bytes; a bigger one is refused before reading. */
  fileBytes: number;
  /** Most bytes one import reads in all its files. */
  totalBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { fileBytes: 200 * 1024 * 1024, totalBytes: 512 * 1024 * 1024 };

/** One step of a long import or export, for a progress display. */
export interface ProgressStep {
  /** What is being done, e.g. "reading files". */
  label: string;
  done: number;
  total: number;
}

export interface ImportOptions {
  /** A format for every file, or "auto": by extension, then by content. */
  format: ImportFormat | 'auto';
  /** Whose layer receives annotations that do not name an annotator (jsonl, doccano...). */
  annotator: string;
  /** Replace the annotator's layer instead of merging into it. */
  replace?: boolean;
  /** Refuse labels, relation types and attributes the schema lacks, instead of adding them. */
  strict?: boolean;
  limits?: Partial<ImportLimits>;
  onProgress?: (step: ProgressStep) => void;
  now?: () => Date;
  newId?: () => string;
}

/** What one input file (or brat pair) contributed. */
export interface FileReport {
  /** The file; for a brat pair, its .ann. */
  file: string;
  format: ImportFormat;
  /** Documents in the file (items with the same text count once per item). */
  items: number;
  /** Documents created by this import. */
  created: number;
  /** Items whose text was already in the workspace (or earlier in this import). */
  attached: number;
  spansAdded: number;
  spansSkipped: number;
}

export interface ImportReport {
  files: FileReport[];
  /** Things the user should know that did not stop the import. */
  notices: string[];
  /** Ids of the documents created, in order. */
  createdDocuments: string[];
  /** Layer files written. */
  layersWritten: number;
  /** What was added to the workspace schema (labels the files use that it lacked). */
  schemaAdded: SchemaAddition[];
}

export type ImportResult = { ok: true; report: ImportReport } | { ok: false; error: ParseError };

/** A file read and parsed, not yet applied. */
interface ParsedFile {
  file: string;
  /** The name recorded as the documents' source. */
  source: string;
  format: ImportFormat;
  items: ImportedItem[];
  /** The schema the file carried (gloss datasets), used to define what it adds. */
  schema?: Schema;
}

/** Where an item's text lives in the workspace after the import. */
interface Target {
  docId: string;
  text: CodePointIndex;
  textSha256: string;
  /** The new document to write, when the import creates it. */
  created: GlossDocument | null;
}

/** A layer the import changes: its state before (null = no file) and after. */
interface PlannedLayer {
  before: Layer | null;
  after: Layer;
  /** Whether --replace already cleared it in this import (later items then merge). */
  replaced: boolean;
}

/**
 * Import `files` (files, brat pairs, folders of brat pairs) into the workspace. Nothing is
 * written unless every file reads, parses and fits the schema (grown by what the files bring,
 * unless `strict`); the error names the file and, where it can, the line.
 */
export async function importFiles(ws: Workspace, files: string[], options: ImportOptions): Promise<ImportResult> {
  if (ws.readOnly) throw new Error('importFiles needs a workspace open for writing');
  const now = (options.now ?? (() => new Date()))().toISOString();
  const newId = options.newId ?? (() => crypto.randomUUID());
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const progress = options.onProgress ?? (() => undefined);

  // 1. Read, parse and check everything in memory.
  const units = await expandInputs(files, options.format);
  if (!units.ok) return units;
  const budget = { limits, used: 0 };
  const parsed: ParsedFile[] = [];
  const pendingW3c: { index: number; file: string; text: string }[] = [];
  const notices: string[] = [];
  for (const [i, unit] of units.units.entries()) {
    progress({ label: 'reading files', done: i, total: units.units.length });
    const read = unit.kind === 'brat' ? await readBratPair(unit, budget, ws.schema) : await readInput(unit.file, options.format, budget);
    if (!read.ok) return read;
    if ('w3cText' in read) {
      pendingW3c.push({ index: parsed.length, file: unit.file, text: read.w3cText });
      parsed.push({ file: unit.file, source: basename(unit.file), format: 'w3c', items: [] });
      continue;
    }
    notices.push(...read.notices);
    parsed.push(read.parsed);
  }
  progress({ label: 'reading files', done: units.units.length, total: units.units.length });
  // W3C annotations anchor in documents: of the workspace, or of the other files given.
  for (const pending of pendingW3c) {
    const others = parsed.filter((p) => p.format !== 'w3c');
    const read = await parseW3cFile(ws, pending.file, pending.text, others);
    if (!read.ok) return read;
    notices.push(...read.notices);
    parsed[pending.index]!.items = read.items;
  }

  let schema = ws.schema;
  const schemaAdded: SchemaAddition[] = [];
  for (const p of parsed) {
    if (!options.strict) {
      const widen = new Set(schemaAdded.flatMap((a) => (a.kind === 'relation' ? [a.name] : [])));
      const extension = extendSchema(schema, p.items, { ...(p.schema ? { hints: p.schema } : {}), widen });
      if (extension.added.length > 0) {
        schema = extension.schema;
        schemaAdded.push(...extension.added);
        notices.push(`${p.file}: added to the workspace schema: ${describeAdditions(extension.added)}`);
      }
    }
    for (const item of p.items) {
      const problems = checkImportedItem(item, schema);
      if (problems.length > 0) {
        const strictNote =
          options.strict && problems.some((m) => m.includes('unknown')) ? ' (--strict: the schema is not extended)' : '';
        return { ok: false, error: withLine({ file: p.file, message: problems.join('; ') + strictNote }, item.line) };
      }
    }
  }

  // 2. Plan: which document each item goes to, and every layer's new content. Still no writes.
  const targets = new Map<string, Target>();
  const existingBySha = new Map(ws.documents().map((d) => [d.textSha256, d.id]));
  const strays = await ws.strayDocuments();
  const taken = new Set<string>([...ws.documentIds(), ...strays.map((s) => s.id)]);
  const reusableStrays = new Map<string, string>();
  for (const stray of strays) {
    if (stray.textSha256 && !reusableStrays.has(stray.textSha256)) reusableStrays.set(stray.textSha256, stray.id);
  }
  const layers = new Map<string, PlannedLayer>();
  const reports: FileReport[] = [];
  const createdDocuments: GlossDocument[] = [];
  const itemCount = parsed.reduce((n, p) => n + p.items.length, 0);
  let itemsDone = 0;

  for (const { file, source, format, items } of parsed) {
    const report: FileReport = { file, format, items: items.length, created: 0, attached: 0, spansAdded: 0, spansSkipped: 0 };
    reports.push(report);
    for (const item of items) {
      progress({ label: 'checking documents', done: itemsDone++, total: itemCount });
      const sha = await sha256Hex(item.text);
      let target = targets.get(sha);
      if (target) {
        report.attached++;
      } else {
        const existing = existingBySha.get(sha);
        if (existing !== undefined) {
          target = { docId: existing, text: new CodePointIndex(item.text), textSha256: sha, created: null };
          report.attached++;
        } else {
          // An interrupted run of this import left the document on disk but not in the manifest:
          // take it up again, so that a re-run ends with one document, not two.
          const docId = reusableStrays.get(sha) ?? chooseId(item, file, taken);
          reusableStrays.delete(sha);
          taken.add(docId);
          const created = await buildDocument({
            id: docId,
            title: titleOf(item, file),
            text: item.text,
            blocks: item.blocks ?? plainTextToBlocks(item.text),
            meta: { source, format, ...item.meta },
            importedAt: now,
            ...(item.marks ? { marks: item.marks } : {}),
          });
          target = { docId, text: new CodePointIndex(item.text), textSha256: created.textSha256, created };
          createdDocuments.push(created);
          report.created++;
        }
        targets.set(sha, target);
      }
      for (const imported of item.layers) {
        const annotator = imported.annotator ?? options.annotator;
        const key = `${target.docId}/${annotator}`;
        let planned = layers.get(key);
        if (!planned) {
          const before = await ws.readLayer(target.docId, annotator);
          planned = {
            before,
            after: before ?? emptyLayer({ id: target.docId, textSha256: target.textSha256 }, annotator, now),
            replaced: false,
          };
          layers.set(key, planned);
        }
        const merged = mergeImportedLayer(planned.after, imported, {
          replace: (options.replace ?? false) && !planned.replaced,
          origin: `imported:${format}`,
          now,
          newId,
          text: target.text,
        });
        planned.after = merged.layer;
        planned.replaced ||= options.replace ?? false;
        report.spansAdded += merged.added;
        report.spansSkipped += merged.skipped;
      }
    }
    // W3C annotations always point at documents that exist: attaching is what they do.
    if (report.attached > 0 && format !== 'w3c') {
      notices.push(`${file}: ${report.attached} of ${report.items} document(s) already in the workspace (same text); annotations merged into them`);
    }
  }
  progress({ label: 'checking documents', done: itemCount, total: itemCount });

  // 3. Write: the schema first (the layers use its new labels; a schema with a label too many
  //    is harmless if the import is interrupted), layers of documents already in the workspace,
  //    then new documents, their layers and the manifest (Workspace.addDocuments keeps that order).
  if (schemaAdded.length > 0) await ws.setSchema(schema);
  const createdIds = new Set(createdDocuments.map((d) => d.id));
  const toWrite = [...layers.values()].filter((p) => p.before === null || layerContentChanged(p.before, p.after));
  const existingLayers = toWrite.filter((p) => !createdIds.has(p.after.document));
  const newLayers = toWrite.filter((p) => createdIds.has(p.after.document)).map((p) => p.after);
  const writes = existingLayers.length + createdDocuments.length + newLayers.length;
  let written = 0;
  for (const planned of existingLayers) {
    progress({ label: 'writing files', done: written++, total: writes });
    await ws.writeLayer(planned.after);
  }
  await ws.addDocuments(createdDocuments, newLayers, (done) => progress({ label: 'writing files', done: written + done, total: writes }));
  return {
    ok: true,
    report: { files: reports, notices, createdDocuments: createdDocuments.map((d) => d.id), layersWritten: toWrite.length, schemaAdded },
  };
}

/** Whether the import changed what a layer says (timestamps aside). */
function layerContentChanged(before: Layer, after: Layer): boolean {
  const content = (l: Layer): string =>
    JSON.stringify([l.status, l.spans.map((s) => [s.id, s.label, s.start, s.end, s.attributes, s.note, s.fragments]), l.relations, l.comments]);
  return content(before) !== content(after);
}

/** A document id for a new item: its own id if usable and free, else one from its title. */
function chooseId(item: ImportedItem, file: string, taken: ReadonlySet<string>): string {
  if (item.id !== undefined && isValidDocId(item.id) && !taken.has(item.id)) return item.id;
  return uniqueId(slugify(item.id ?? titleOf(item, file)), taken);
}

/** The item's title, else its first non-blank line (shortened), else the file's name. */
function titleOf(item: ImportedItem, file: string): string {
  if (item.title !== undefined && item.title.trim() !== '') return item.title;
  const firstLine = item.text.split('\n').find((l) => l.trim() !== '')?.trim();
  if (firstLine) {
    const chars = [...firstLine];
    return chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : firstLine;
  }
  const name = basename(file);
  return item.line !== undefined ? `${name}:${item.line}` : name;
}

function withLine(error: ParseError, line: number | undefined): ParseError {
  return line === undefined ? error : { ...error, line };
}

/** What `gloss import` was given, resolved: single files and brat pairs. */
type InputUnit = { kind: 'file'; file: string } | { kind: 'brat'; ann: string; txt: string; file: string };

type Expanded = { ok: true; units: InputUnit[] } | { ok: false; error: ParseError };

/** The brat pair of a path given as `x.ann`, `x.txt` or `x`. */
function bratPair(path: string): InputUnit {
  const ext = extname(path).toLowerCase();
  const stem = ext === '.ann' || ext === '.txt' ? path.slice(0, -ext.length) : path;
  return { kind: 'brat', ann: `${stem}.ann`, txt: `${stem}.txt`, file: `${stem}.ann` };
}

/**
 * Resolve the paths given: a folder is a collection of brat pairs (every `.ann` under it with
 * its `.txt`), a `.ann` (or any file under `--format brat`) is a pair. Under `auto`, a `.txt`
 * whose `.ann` is also given is that pair's text, not a document of its own.
 */
async function expandInputs(paths: string[], format: ImportFormat | 'auto'): Promise<Expanded> {
  const units: InputUnit[] = [];
  for (const path of paths) {
    let isFolder = false;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch {
      // Missing or unreadable: reading it says why, naming the file.
    }
    if (isFolder) {
      if (format !== 'auto' && format !== 'brat') return { ok: false, error: { file: path, message: 'is a folder, not a file' } };
      const anns = await findAnnFiles(path);
      if (anns.length === 0) {
        return {
          ok: false,
          error: { file: path, message: 'is a folder; a folder is imported as brat pairs (.ann with its .txt), and it holds no .ann file' },
        };
      }
      units.push(...anns.map(bratPair));
    } else if (format === 'brat' || (format === 'auto' && extname(path).toLowerCase() === '.ann')) {
      units.push(bratPair(path));
    } else {
      units.push({ kind: 'file', file: path });
    }
  }
  const seenPairs = new Set<string>();
  const pairTexts = new Set(units.flatMap((u) => (u.kind === 'brat' ? [u.txt] : [])));
  return {
    ok: true,
    units: units.filter((u) => {
      if (u.kind === 'file') return !(format === 'auto' && pairTexts.has(u.file));
      if (seenPairs.has(u.ann)) return false;
      seenPairs.add(u.ann);
      return true;
    }),
  };
}

/** Every `.ann` file under a folder (hidden entries skipped), sorted by path. */
async function findAnnFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findAnnFiles(path)));
    else if (entry.isFile() && extname(entry.name).toLowerCase() === '.ann') out.push(path);
  }
  return out;
}

/** Bytes read so far by this import, against its limits. */
interface ReadBudget {
  limits: ImportLimits;
  used: number;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file's bytes, refused before reading when it is not a plain file or is over the limits. */
async function readBytes(file: string, budget: ReadBudget): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; error: ParseError }> {
  const fail = (message: string): { ok: false; error: ParseError } => ({ ok: false, error: { file, message } });
  try {
    const info = await stat(file);
    if (info.isDirectory()) return fail('is a folder, not a file');
    if (!info.isFile()) return fail('is not a regular file');
    const { fileBytes, totalBytes } = budget.limits;
    if (info.size > fileBytes) {
      return fail(`is ${megabytes(info.size)}, over the import limit of ${megabytes(fileBytes)} per file; split it and import the parts`);
    }
    if (budget.used + info.size > totalBytes) {
      return fail(`would take this import over its limit of ${megabytes(totalBytes)} in all; import the files in smaller batches`);
    }
    const bytes = await readFile(file);
    // The file may have grown since stat: the limit holds for what was read.
    if (bytes.length > fileBytes) return fail(`is over the import limit of ${megabytes(fileBytes)} per file`);
    budget.used += bytes.length;
    return { ok: true, bytes };
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return fail('no such file');
    if (isErrnoException(error) && error.code === 'EISDIR') return fail('is a folder, not a file');
    return fail(`cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readText(file: string, budget: ReadBudget): Promise<{ ok: true; text: string } | { ok: false; error: ParseError }> {
  const read = await readBytes(file, budget);
  if (!read.ok) return read;
  const decoded = decodeUtf8(read.bytes);
  if (!decoded.ok) return { ok: false, error: { file, message: decoded.error.message } };
  return { ok: true, text: decoded.value };
}

type ReadInput =
  | { ok: true; parsed: ParsedFile; notices: string[] }
  | { ok: true; w3cText: string }
  | { ok: false; error: ParseError };

/** Read one input file: bytes (within the limits), format, parse. W3C files are parsed later. */
async function readInput(file: string, requested: ImportFormat | 'auto', budget: ReadBudget): Promise<ReadInput> {
  const read = await readBytes(file, budget);
  if (!read.ok) return read;
  const format = requested === 'auto' ? detectFormat(file, read.bytes) : requested;
  if (format === null) {
    return {
      ok: false,
      error: { file, message: `cannot tell the format from the name or content; pass --format ${IMPORT_FORMATS.join('|')}` },
    };
  }
  let result: ParseResult;
  if (isDocumentFormat(format)) {
    result = await DOCUMENT_FORMATS[format].parse(read.bytes, file);
  } else {
    const decoded = decodeUtf8(read.bytes);
    if (!decoded.ok) return { ok: false, error: { file, message: decoded.error.message } };
    if (format === 'w3c') return { ok: true, w3cText: decoded.value };
    if (format === 'brat') throw new Error('brat pairs are read by readBratPair');
    result = parseAnnotations(format, decoded.value, file);
    if (!result.ok && format === 'gloss') result = { ok: false, error: withJsonLine(result.error, decoded.value) };
  }
  if (!result.ok) return result;
  const parsed: ParsedFile = { file, source: basename(file), format, items: result.items };
  if (result.schema) parsed.schema = result.schema;
  return { ok: true, parsed, notices: result.notices };
}

function parseAnnotations(format: 'gloss' | 'jsonl' | 'doccano' | 'conll', text: string, file: string): ParseResult {
  switch (format) {
    case 'gloss':
      return parseGlossDataset(text, file);
    case 'jsonl':
      return parseJsonl(text, file);
    case 'doccano':
      return parseDoccano(text, file);
    case 'conll':
      return parseConll(text, file);
  }
}

/** A brat pair: the `.ann` over its sibling `.txt`, both strict UTF-8; errors name the file at fault. */
async function readBratPair(unit: Extract<InputUnit, { kind: 'brat' }>, budget: ReadBudget, schema: Schema): Promise<ReadInput> {
  const ann = await readText(unit.ann, budget);
  if (!ann.ok) return ann;
  const txt = await readText(unit.txt, budget);
  if (!txt.ok) {
    const missing = txt.error.message === 'no such file';
    return missing
      ? { ok: false, error: { file: unit.ann, message: `its text ${unit.txt} is missing (a brat .ann needs its .txt beside it)` } }
      : txt;
  }
  const result = parseBrat({ ann: ann.text, txt: txt.text, annFile: unit.ann, txtFile: unit.txt }, { schema });
  if (!result.ok) return result;
  return { ok: true, parsed: { file: unit.ann, source: basename(unit.txt), format: 'brat', items: result.items }, notices: result.notices };
}

/**
 * Parse a W3C file once the other files are parsed: each target source is a workspace document
 * (by id) or a document of another file of this import (by id, title, file name or file URL).
 */
async function parseW3cFile(
  ws: Workspace,
  file: string,
  text: string,
  others: readonly ParsedFile[],
): Promise<{ ok: true; items: ImportedItem[]; notices: string[] } | { ok: false; error: ParseError }> {
  const sources = w3cSources(text, file);
  if (!sources.ok) return { ok: false, error: withJsonLine(sources.error, text) };
  const found = new Map<string, W3cSourceDocument>();
  for (const source of sources.sources) {
    if (isValidDocId(source) && ws.entry(source)) {
      const doc = await ws.readDocument(source);
      if (doc) {
        found.set(source, { text: doc.text, id: doc.id, title: doc.title });
        continue;
      }
    }
    const item = findSourceItem(source, others);
    if (item) found.set(source, { text: item.text, ...(item.id !== undefined ? { id: item.id } : {}), ...(item.title !== undefined ? { title: item.title } : {}) });
  }
  const result = parseW3c(text, file, (source) => found.get(source));
  if (!result.ok) {
    const hint = result.error.message.includes('to anchor it in') ? '; import that document first, or give its file in the same command' : '';
    return { ok: false, error: { ...result.error, message: result.error.message + hint } };
  }
  return { ok: true, items: result.items, notices: result.notices };
}

/** The item of this import a W3C target source names: by id or title, or by its file when the file holds one item. */
function findSourceItem(source: string, files: readonly ParsedFile[]): ImportedItem | undefined {
  const sourceName = source.split(/[\\/]/).pop() ?? source;
  for (const p of files) {
    for (const item of p.items) {
      const keys = new Set<string>();
      if (item.id !== undefined) keys.add(item.id);
      keys.add(slugify(titleOf(item, p.file)));
      if (p.items.length === 1) {
        for (const k of [p.file, basename(p.file), baseName(p.file), pathToFileURL(p.file).href]) keys.add(k);
      }
      if (keys.has(source) || (p.items.length === 1 && (sourceName === basename(p.file) || sourceName === baseName(p.file)))) return item;
    }
  }
  return undefined;
}

/** A JSON file's syntax error with the line it is on (JSON.parse does not always say). */
function withJsonLine(error: ParseError, text: string): ParseError {
  if (error.line !== undefined || !error.message.startsWith('not valid JSON')) return error;
  const at = jsonSyntaxError(text);
  return at ? { ...error, line: at.line } : error;
}

/**
 * The format of a file from its extension, and otherwise from its content: a document format's
 * magic, a `gloss.dataset` object, W3C Web Annotation JSON-LD, JSON lines with doccano's
 * "label"/"entities" or "spans", or CoNLL columns with IOB tags. Null when it cannot be told.
 */
export function detectFormat(file: string, content: string | Uint8Array): ImportFormat | null {
  const ext = extname(file).toLowerCase();
  for (const name of Object.keys(documentFormats) as DocumentFormatName[]) {
    if (DOCUMENT_FORMATS[name].extensions.includes(ext)) return name;
  }
  if (ext === '.ann') return 'brat';
  if (CONLL_EXTENSIONS.includes(ext)) return 'conll';
  if (ext === '.jsonld') return 'w3c';
  if (typeof content !== 'string') {
    for (const name of Object.keys(documentFormats) as DocumentFormatName[]) {
      if (DOCUMENT_FORMATS[name].sniff?.(content)) return name;
    }
  }
  // Only to look at: the parser decodes strictly and says where a bad byte is.
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  const whole = parseWhole(text);
  if (whole !== undefined) {
    if (isRecord(whole) && whole.format === 'gloss.dataset') return 'gloss';
    if (looksLikeW3c(whole)) return 'w3c';
  }
  const first = firstJsonLine(text);
  if (isRecord(first) && typeof first.text === 'string') {
    return 'label' in first || 'labels' in first || 'entities' in first ? 'doccano' : 'jsonl';
  }
  if (ext === '.json') return 'gloss';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (looksLikeConll(text)) return 'conll';
  return null;
}

function parseWhole(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch {
    return undefined;
  }
}

function hasAnnotationType(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const types = Array.isArray(value.type) ? (value.type as unknown[]) : [value.type];
  return types.some((t) => typeof t === 'string' && /(?:^|[:#])(?:Annotation|AnnotationPage|AnnotationCollection)$/u.test(t));
}

/** A Web Annotation, a list of them, a page or a collection (JSON-LD). */
function looksLikeW3c(json: unknown): boolean {
  if (Array.isArray(json)) return json.length > 0 && hasAnnotationType(json[0]);
  if (!isRecord(json)) return false;
  const context = JSON.stringify(json['@context'] ?? '');
  return context.includes('www.w3.org/ns/anno.jsonld') || hasAnnotationType(json);
}

/** A `-DOCSTART-` line first, or the first lines all "token ... TAG" with IOB tags last. */
function looksLikeConll(text: string): boolean {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 20);
  if (lines.length === 0) return false;
  if (lines[0]!.startsWith('-DOCSTART-')) return true;
  return lines.every((l) => {
    const cols = l.split(/\s+/u);
    return cols.length >= 2 && /^(?:O|[BIESLU]-\S+)$/u.test(cols[cols.length - 1]!);
  });
}

function firstJsonLine(text: string): unknown {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
