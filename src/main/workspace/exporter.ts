// `gloss export`: the workspace as a dataset. `gloss` is full fidelity (every layer, imports back
// losslessly); `jsonl` and `doccano` carry one annotator's spans per document.

import { exportDoccano } from '../../core/formats/doccano';
import { exportGlossDataset } from '../../core/formats/gloss';
import { exportJsonl } from '../../core/formats/jsonl';
import type { ExportDocument } from '../../core/formats/types';
import type { Layer } from '../../core/model';
import { checkLayer } from '../../core/validate';
import type { Workspace } from './workspace';

/** The formats `gloss export` writes. */
export const EXPORT_FORMATS = ['gloss', 'jsonl', 'doccano'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /**
   * Whose layer to export. Required for jsonl and doccano (one layer per document); for gloss,
   * omitting it exports every layer.
   */
  annotator?: string;
  /** ISO time written into a gloss dataset. */
  exportedAt: string;
}

export interface ExportOutput {
  /** The file's content. */
  text: string;
  documents: number;
  spans: number;
  /** Problems that did not stop the export: orphan spans exported as stored, unreadable files skipped. */
  warnings: string[];
}

/** Build the export of the whole workspace in manifest order. */
export async function exportWorkspace(ws: Workspace, options: ExportOptions): Promise<ExportOutput> {
  if (options.format !== 'gloss' && options.annotator === undefined) {
    throw new Error(`exporting ${options.format} needs an annotator`);
  }
  const warnings: string[] = [];
  const documents: ExportDocument[] = [];
  let spans = 0;
  for (const id of ws.documentIds()) {
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
  // Problems met while reading (corrupt layer files) are not in the export: say so.
  for (const problem of ws.problems) {
    if (problem.kind === 'corrupt-file' || problem.kind === 'invalid-file') warnings.push(`${problem.message} (not exported)`);
  }
  const text =
    options.format === 'gloss'
      ? exportGlossDataset({ schema: ws.schema, documents, exportedAt: options.exportedAt })
      : options.format === 'jsonl'
        ? exportJsonl(documents)
        : exportDoccano(documents);
  return { text, documents: documents.length, spans, warnings: [...new Set(warnings)] };
}
