// `gloss export`: the workspace as a dataset. `gloss` is full fidelity (every layer, imports back
// losslessly); `w3c` and `csv` carry every layer given; `jsonl`, `doccano`, `conll` and `brat`
// carry one layer per document. brat is a folder of files, the others one file. Deterministic:
// the same workspace and clock give the same bytes.

import { exportBrat } from '../../core/formats/brat';
import { exportConll } from '../../core/formats/conll';
import type { UnrepresentedSpan } from '../../core/formats/conll';
import { exportCsv } from '../../core/formats/csv';
import { exportDoccano } from '../../core/formats/doccano';
import { exportGlossDataset } from '../../core/formats/gloss';
import { exportJsonl } from '../../core/formats/jsonl';
import type { ExportDocument } from '../../core/formats/types';
import { exportW3c } from '../../core/formats/w3c';
import type { Layer } from '../../core/model';
import { checkLayer } from '../../core/validate';
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

/** Build a one-file export of the whole workspace in manifest order. */
export async function exportWorkspace(ws: Workspace, options: ExportOptions): Promise<ExportOutput> {
  const collected = await collect(ws, options);
  const { documents } = collected;
  const summary = { documents: documents.length, spans: collected.spans, warnings: collected.warnings, notices: [] };
  switch (options.format) {
    case 'gloss':
      return { ...summary, text: exportGlossDataset({ schema: ws.schema, documents, exportedAt: options.exportedAt }) };
    case 'jsonl':
      return { ...summary, text: exportJsonl(documents) };
    case 'doccano':
      return { ...summary, text: exportDoccano(documents) };
    case 'w3c':
      return { ...summary, text: exportW3c(documents) };
    case 'csv':
      return { ...summary, text: exportCsv(documents, ws.schema) };
    case 'conll': {
      const conll = exportConll(documents, { prefer: options.prefer ?? 'outer' });
      return { ...summary, text: conll.text, notices: conll.notices, unrepresented: conll.unrepresented };
    }
  }
}

/** Build a folder export (brat: `<docId>.txt` and `<docId>.ann` per document). */
export async function exportWorkspaceFolder(ws: Workspace, options: FolderExportOptions): Promise<FolderExportOutput> {
  const collected = await collect(ws, options);
  const pairs = exportBrat(collected.documents);
  return {
    documents: collected.documents.length,
    spans: collected.spans,
    warnings: collected.warnings,
    notices: pairs.flatMap((p) => p.notices),
    files: pairs.flatMap((p) => [
      { name: `${p.id}.txt`, text: p.txt },
      { name: `${p.id}.ann`, text: p.ann },
    ]),
  };
}

/** Documents whose files are read ahead of the one being exported (a read-only workspace). */
const READ_AHEAD_WINDOW = 32;

/** Every readable document with the chosen layers, and what to warn about. */
async function collect(
  ws: Workspace,
  options: CommonExportOptions & { format: ExportFormat | FolderExportFormat },
): Promise<{ documents: ExportDocument[]; spans: number; warnings: string[] }> {
  if (!MULTI_LAYER_FORMATS.includes(options.format) && options.annotator === undefined) {
    throw new Error(`exporting ${options.format} needs an annotator`);
  }
  const warnings: string[] = [];
  const documents: ExportDocument[] = [];
  let spans = 0;
  const ids = ws.documentIds();
  const chosen = options.annotator !== undefined ? [options.annotator] : undefined;
  for (const [i, id] of ids.entries()) {
    options.onProgress?.({ label: 'exporting documents', done: i, total: ids.length });
    if (i % READ_AHEAD_WINDOW === 0) ws.readAhead(ids.slice(i, i + 2 * READ_AHEAD_WINDOW), chosen);
    const document = await ws.readDocument(id);
    if (!document) {
      warnings.push(`document "${id}" skipped: its file ${ws.documentFile(id)} is missing or unreadable`);
      continue;
    }
    const annotators = options.annotator !== undefined ? [options.annotator] : await ws.layerAnnotators(id);
    const layers: Layer[] = [];
    for (const annotator of annotators) {
      const layer = await ws.readLayer(id, annotator);
      if (!layer) continue;
      const file = ws.layerFile(id, annotator);
      for (const problem of checkLayer(layer, document, ws.schema, file)) {
        if (problem.kind === 'orphan-span') warnings.push(`${problem.message} (exported with its stored offsets)`);
      }
      layers.push(layer);
      spans += layer.spans.length;
    }
    documents.push({ document, layers });
  }
  options.onProgress?.({ label: 'exporting documents', done: ids.length, total: ids.length });
  // Problems met while reading (corrupt layer files) are not in the export: say so.
  for (const problem of ws.problems) {
    if (problem.kind === 'corrupt-file' || problem.kind === 'invalid-file') warnings.push(`${problem.message} (not exported)`);
  }
  return { documents, spans, warnings: [...new Set(warnings)] };
}
