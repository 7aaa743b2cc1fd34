// CSV of spans for spreadsheets and pandas: one row per span (per fragment) of every layer.
// RFC 4180: comma-separated, CRLF line ends, fields quoted when needed. Offsets are code points.

import type { Schema } from '../model';
import { CodePointIndex } from '../offsets';
import { findLabel } from '../schema';
import { sortedSpans, spanRanges } from './common';
import type { ExportDocument } from './types';

/** The columns, in order. */
export const CSV_COLUMNS = ['document', 'title', 'annotator', 'id', 'label', 'category', 'start', 'end', 'text', 'attributes', 'note'] as const;

/** One field, quoted (and its quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/u.test(value) ? `"${value.replace(/"/gu, '""')}"` : value;
}

function csvRow(fields: string[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

/** The header row. */
export function csvHeader(): string {
  return csvRow([...CSV_COLUMNS]);
}

/** Whether a field needs quoting (csvField's test). */
const NEEDS_QUOTES = /[",\r\n]/u;

/** The rows of one document's layers, in layer and span order (see exportCsv). */
export function csvRows({ document, layers }: ExportDocument, schema: Schema): string {
  const index = new CodePointIndex(document.text);
  const rows: string[] = [];
  // Fields that repeat on every row of the document, a layer or a label: made once.
  const documentFields = `${csvField(document.id)},${csvField(document.title)},`;
  const labelFields = new Map<string, string>();
  for (const layer of layers) {
    const layerFields = `${documentFields}${csvField(layer.annotator)},`;
    for (const span of sortedSpans(layer.spans)) {
      let label = labelFields.get(span.label);
      if (label === undefined) {
        label = `${csvField(span.label)},${csvField(findLabel(schema, span.label)?.category ?? '')},`;
        labelFields.set(span.label, label);
      }
      const names = Object.keys(span.attributes);
      let attributes = '{}';
      if (names.length > 0) {
        const sorted: Record<string, unknown> = {};
        for (const name of names.sort()) sorted[name] = span.attributes[name];
        attributes = csvField(JSON.stringify(sorted));
      }
      const id = csvField(span.id);
      const note = span.note === undefined ? '' : csvField(span.note);
      for (const r of spanRanges(span)) {
        const text = index.slice(r.start, r.end);
        rows.push(`${layerFields}${id},${label}${r.start},${r.end},${NEEDS_QUOTES.test(text) ? csvField(text) : text},${attributes},${note}\r\n`);
      }
    }
  }
  return rows.join('');
}

/**
 * The spans of every layer given, one row each, in document, layer and span order: document
 * id, title, annotator, span id, label, its category in the schema (empty if the schema does
 * not know it), start, end (code points), the text at [start, end), the attributes as JSON
 * (keys sorted) and the note. A discontinuous span gives one row per fragment, with its id.
 */
export function exportCsv(documents: ExportDocument[], schema: Schema): string {
  return csvHeader() + documents.map((d) => csvRows(d, schema)).join('');
}
