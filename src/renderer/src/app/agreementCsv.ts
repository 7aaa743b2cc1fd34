// The agreement dashboard's tables as one CSV file: the pairs, the labels, the documents (worst
// first) and the overall coefficients, each a block with its own header row.

import type { AgreementResult } from '../../../core/api';

/** One CSV field: quoted when needed; text a spreadsheet would run as a formula is defused. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(values: (string | number | null)[]): string {
  return values.map(csvField).join(',');
}

/** Numbers as computed (full precision); undefined coefficients are empty cells. */
export function agreementCsv(result: AgreementResult): string {
  const lines: string[] = [];
  lines.push(row(['# Pairs (precision = tp/|b| and recall = tp/|a|)']));
  lines.push(row(['a', 'b', 'tp', 'onlyA', 'onlyB', 'precision', 'recall', 'f1', 'cohenKappa', 'tokens']));
  for (const p of result.pairs) lines.push(row([p.a, p.b, p.tp, p.onlyA, p.onlyB, p.precision, p.recall, p.f1, p.cohenKappa, p.tokens]));
  lines.push('');
  lines.push(row(['# Labels (summed over the pairs)']));
  lines.push(row(['label', 'tp', 'onlyA', 'onlyB', 'f1']));
  for (const [label, c] of Object.entries(result.byLabel).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(row([label, c.tp, c.onlyA, c.onlyB, c.f1]));
  }
  lines.push('');
  lines.push(row(['# Documents (worst agreement first)']));
  lines.push(row(['document', 'title', 'annotators', 'disagreements', 'f1', 'krippendorffAlpha', 'tokens']));
  for (const d of result.byDocument) lines.push(row([d.document, d.title, d.annotators.join(' '), d.disagreements, d.f1, d.krippendorffAlpha, d.tokens]));
  lines.push('');
  lines.push(row(['# Overall']));
  lines.push(row(['annotators', 'documents', 'fleissKappa', 'fleissTokens', 'krippendorffAlpha', 'krippendorffTokens']));
  lines.push(row([result.annotators.join(' '), result.documents, result.fleissKappa, result.fleissTokens, result.krippendorffAlpha, result.krippendorffTokens]));
  return `${lines.join('\r\n')}\r\n`;
}
