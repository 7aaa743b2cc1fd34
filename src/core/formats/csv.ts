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

/**
 * The spans of every layer given, one row each, in document, layer and span order: document
 * id, title, annotator, span id, label, its category in the schema (empty if the schema does
 * not know it), start, end (code points), the text at [start, end), the attributes as JSON
 * (keys sorted) and the note. A discontinuous span gives one row per fragment, with its id.
 */
export function exportCsv(documents: ExportDocument[], schema: Schema): string {
  let out = csvRow([...CSV_COLUMNS]);
  for (const { document, layers } of documents) {
    const index = new CodePointIndex(document.text);
    for (const layer of layers) {
      for (const span of sortedSpans(layer.spans)) {
        const category = findLabel(schema, span.label)?.category ?? '';
        const attributes: Record<string, unknown> = {};
        for (const name of Object.keys(span.attributes).sort()) attributes[name] = span.attributes[name];
        for (const r of spanRanges(span)) {
          out += csvRow([
            document.id,
            document.title,
            layer.annotator,
            span.id,
            span.label,
            category,
            String(r.start),
            String(r.end),
            index.slice(r.start, r.end),
            JSON.stringify(attributes),
            span.note ?? '',
          ]);
        }
      }
    }
  }
  return out;
}
