// `gloss import`: files (txt, md, gloss, jsonl, doccano) into a workspace, all or nothing. Every
// file is read, parsed and checked in memory first; only then is anything written, documents
// before the manifest. Re-running an interrupted import ends with exactly the file's content.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { GlossDocument, Layer } from '../../core/model';
import { buildDocument, isValidDocId, parseMarkdown, parsePlainText, plainTextToBlocks, slugify, uniqueId } from '../../core/document';
import { parseDoccano } from '../../core/formats/doccano';
import { parseGlossDataset } from '../../core/formats/gloss';
import { parseJsonl } from '../../core/formats/jsonl';
import type { ImportedItem, ParseError, ParseResult } from '../../core/formats/types';
import { sha256Hex } from '../../core/hash';
import { emptyLayer, mergeImportedLayer } from '../../core/layer';
import { CodePointIndex } from '../../core/offsets';
import { decodeUtf8 } from '../../core/text';
import { checkImportedItem } from '../../core/validate';
import { isErrnoException } from './durable';
import type { Workspace } from './workspace';

/** The formats `gloss import` reads. */
export const IMPORT_FORMATS = ['txt', 'md', 'gloss', 'jsonl', 'doccano'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  /** A format for every file, or "auto": by extension, then by content. */
  format: ImportFormat | 'auto';
  /** Whose layer receives annotations that do not name an annotator (jsonl, doccano). */
  annotator: string;
  /** Replace the annotator's layer instead of merging into it. */
  replace?: boolean;
  now?: () => Date;
  newId?: () => string;
}

/** What one input file contributed. */
export interface FileReport {
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
}

export type ImportResult = { ok: true; report: ImportReport } | { ok: false; error: ParseError };

/** A file read and parsed, not yet applied. */
interface ParsedFile {
  file: string;
  format: ImportFormat;
  items: ImportedItem[];
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
 * Import `files` into the workspace. Nothing is written unless every file reads, parses and
 * fits the schema; the error names the file and, for line-based input, the line.
 */
export async function importFiles(ws: Workspace, files: string[], options: ImportOptions): Promise<ImportResult> {
  if (ws.readOnly) throw new Error('importFiles needs a workspace open for writing');
  const now = (options.now ?? (() => new Date()))().toISOString();
  const newId = options.newId ?? (() => crypto.randomUUID());

  // 1. Read, parse and check everything in memory.
  const parsed: ParsedFile[] = [];
  const notices: string[] = [];
  for (const file of files) {
    const read = await readInput(file, options.format);
    if (!read.ok) return read;
    notices.push(...read.notices);
    for (const item of read.items) {
      const problems = checkImportedItem(item, ws.schema);
      if (problems.length > 0) {
        return { ok: false, error: withLine({ file, message: problems.join('; ') }, item.line) };
      }
    }
    parsed.push({ file, format: read.format, items: read.items });
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

  for (const { file, format, items } of parsed) {
    const report: FileReport = { file, format, items: items.length, created: 0, attached: 0, spansAdded: 0, spansSkipped: 0 };
    reports.push(report);
    for (const item of items) {
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
            meta: { source: basename(file), format, ...item.meta },
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
    if (report.attached > 0) {
      notices.push(`${file}: ${report.attached} of ${report.items} document(s) already in the workspace (same text); annotations merged into them`);
    }
  }

  // 3. Write: layers of documents already in the workspace, then new documents, their layers and
  //    the manifest (Workspace.addDocuments keeps that order).
  const createdIds = new Set(createdDocuments.map((d) => d.id));
  const toWrite = [...layers.values()].filter((p) => p.before === null || layerContentChanged(p.before, p.after));
  for (const planned of toWrite) {
    if (!createdIds.has(planned.after.document)) await ws.writeLayer(planned.after);
  }
  await ws.addDocuments(
    createdDocuments,
    toWrite.filter((p) => createdIds.has(p.after.document)).map((p) => p.after),
  );
  return {
    ok: true,
    report: { files: reports, notices, createdDocuments: createdDocuments.map((d) => d.id), layersWritten: toWrite.length },
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

type ReadInput =
  | { ok: true; format: ImportFormat; items: ImportedItem[]; notices: string[] }
  | { ok: false; error: ParseError };

/** Read one input file: bytes, strict UTF-8, format, parse. */
async function readInput(file: string, requested: ImportFormat | 'auto'): Promise<ReadInput> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason =
      isErrnoException(error) && error.code === 'ENOENT'
        ? 'no such file'
        : isErrnoException(error) && error.code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot read: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, error: { file, message: reason } };
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, error: { file, message: decoded.error.message } };
  const text = decoded.value;
  const format = requested === 'auto' ? detectFormat(file, text) : requested;
  if (format === null) {
    return {
      ok: false,
      error: { file, message: `cannot tell the format from the name or content; pass --format ${IMPORT_FORMATS.join('|')}` },
    };
  }
  const result = parseAs(format, text, file);
  if (!result.ok) return result;
  return { ok: true, format, items: result.items, notices: result.notices };
}

function parseAs(format: ImportFormat, text: string, file: string): ParseResult {
  switch (format) {
    case 'txt': {
      const doc = parsePlainText(text, file);
      return { ok: true, items: [{ ...doc, layers: [] }], notices: [] };
    }
    case 'md': {
      const doc = parseMarkdown(text, file);
      return { ok: true, items: [{ ...doc, layers: [] }], notices: [] };
    }
    case 'gloss':
      return parseGlossDataset(text, file);
    case 'jsonl':
      return parseJsonl(text, file);
    case 'doccano':
      return parseDoccano(text, file);
  }
}

/**
 * The format of a file from its extension, and for JSON and unknown extensions from its
 * content: a `gloss.dataset` object, or JSON lines with doccano's "label"/"entities" or
 * "spans". Null when it cannot be told.
 */
export function detectFormat(file: string, text: string): ImportFormat | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.txt' || ext === '.text') return 'txt';
  if (ext === '.md' || ext === '.markdown') return 'md';
  if (ext === '.json' && !looksLikeJsonLines(text)) return 'gloss';
  const sniffed = sniffJson(text);
  if (sniffed) return sniffed;
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return null;
}

/** JSON lines (several top-level objects, one a line) rather than one JSON document. */
function looksLikeJsonLines(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return firstJsonLine(text) !== undefined;
  }
}

function sniffJson(text: string): ImportFormat | null {
  try {
    const whole: unknown = JSON.parse(text);
    if (isRecord(whole) && whole.format === 'gloss.dataset') return 'gloss';
  } catch {
    // Not one JSON document: perhaps JSON lines.
  }
  const first = firstJsonLine(text);
  if (!isRecord(first) || typeof first.text !== 'string') return null;
  if ('label' in first || 'labels' in first || 'entities' in first) return 'doccano';
  return 'jsonl';
}

function firstJsonLine(text: string): unknown {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
