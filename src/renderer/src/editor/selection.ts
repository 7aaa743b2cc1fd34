// Turning what the analyst selected into the code-point range of a new span: whitespace at
// either end is not part of an annotation.

import type { CodePointIndex } from '../../../core/offsets';

/** A code-point range with its text. */
export interface QuotedRange {
  start: number;
  end: number;
  quote: string;
}

/** The range without leading and trailing whitespace, or null if nothing else is left. */
export function trimRange(text: CodePointIndex, start: number, end: number): QuotedRange | null {
  if (end <= start) return null;
  const raw = text.slice(start, end);
  const quote = raw.trim();
  if (quote.length === 0) return null;
  // Whitespace characters are all in the BMP: UTF-16 units trimmed = code points trimmed.
  const leading = raw.length - raw.trimStart().length;
  const trailing = raw.length - raw.trimEnd().length;
  return { start: start + leading, end: end - trailing, quote };
}
