// Helpers shared by the format parsers and exporters: reading JSON lines with line numbers,
// checking spans against a text, and moving offsets when a text's line endings are normalised.

import { checkRange, compareSpans } from '../layer';
import type { Relation, Span } from '../model';
import type { CodePointIndex } from '../offsets';
import { normalizeWithOffsets } from '../text';
import type { ImportedItem, ParseError } from './types';

/** One non-blank line of a JSON-lines file, parsed. */
export interface JsonLine {
  /** 1-based line number. */
  line: number;
  value: unknown;
}

/** The non-blank lines of a JSON-lines text, parsed; the first bad line is an error naming it. */
export function readJsonLines(text: string, file: string): { ok: true; lines: JsonLine[] } | { ok: false; error: ParseError } {
  const lines: JsonLine[] = [];
  const raw = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parts = raw.split('\n');
  for (const [i, part] of parts.entries()) {
    const source = part.endsWith('\r') ? part.slice(0, -1) : part;
    if (source.trim() === '') continue;
    try {
      lines.push({ line: i + 1, value: JSON.parse(source) });
    } catch (e) {
      return { ok: false, error: { file, line: i + 1, message: `not valid JSON: ${(e as Error).message}` } };
    }
  }
  return { ok: true, lines };
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why a span given as [start, end) with an optional expected text does not fit `text`, or null.
 * A text that differs usually means the file counts UTF-16 units or bytes, so the message says so.
 */
export function checkSpanAgainstText(
  text: CodePointIndex,
  span: { start: unknown; end: unknown; fragments?: { start: unknown; end: unknown }[] },
  expected: unknown,
): string | null {
  const problem = checkRange(span, text.length);
  if (problem) return problem;
  if (expected === undefined) return null;
  const actual = text.slice(span.start as number, span.end as number);
  if (typeof expected !== 'string') return 'its "text" must be a string';
  if (expected === actual) return null;
  return (
    `its text ${JSON.stringify(expected)} does not match the document at [${String(span.start)}, ${String(span.end)}), ` +
    `which is ${JSON.stringify(actual)} (offsets must be Unicode code points)`
  );
}

/**
 * An item whose text has CR line endings (or a BOM) becomes one with \n and every offset moved
 * accordingly; returns whether anything changed so the parser can say so.
 */
export function normalizeItem(item: ImportedItem): { item: ImportedItem; changed: boolean } {
  const n = normalizeWithOffsets(item.text);
  if (!n.changed) return { item, changed: false };
  const move = <R extends { start: number; end: number }>(r: R): R => ({ ...r, start: n.mapOffset(r.start), end: n.mapOffset(r.end) });
  const out: ImportedItem = {
    ...item,
    text: n.text,
    layers: item.layers.map((layer) => ({
      ...layer,
      spans: layer.spans.map((s) => {
        const moved = move(s);
        if (s.fragments) moved.fragments = s.fragments.map(move);
        return moved;
      }),
    })),
  };
  if (item.blocks) out.blocks = item.blocks.map(move);
  if (item.marks) out.marks = item.marks.map(move);
  return { item: out, changed: true };
}

/** The ranges a span covers: its fragments, or the span itself. */
export function spanRanges(span: Span): { start: number; end: number }[] {
  return span.fragments ?? [{ start: span.start, end: span.end }];
}

/** The spans in export order. */
export function sortedSpans(spans: Span[]): Span[] {
  return [...spans].sort(compareSpans);
}

/**
 * Every span as its ranges (one per fragment), sorted by (start, end, label) across spans: a
 * fragment read back is a span of its own, so this order is the one a re-export gives too.
 */
export function spanRangesInOrder(spans: Span[]): RelationEnd[] {
  const ranges = sortedSpans(spans).flatMap((span) => spanRanges(span).map((r) => ({ start: r.start, end: r.end, label: span.label })));
  // Array.prototype.sort is stable: equal ranges keep their spans' order.
  return ranges.sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** One end of a relation as a range format writes it: the range of (the first fragment of) a span. */
export interface RelationEnd {
  start: number;
  end: number;
  label: string;
}

/** A relation with both ends as ranges, for formats that point at spans by their offsets or by their place in a list. */
export interface RangeRelation {
  id: string;
  type: string;
  from: RelationEnd;
  to: RelationEnd;
}

/**
 * The relations of a layer with their ends as ranges, in a stable order (by the ends' positions,
 * then type): relation ids change from one import to the next, positions do not, so an export
 * read back and written again gives the same bytes. A span written as one range per fragment is
 * pointed at by its first fragment. A relation whose span is missing (a dangling relation, which
 * validation reports) cannot be written and is left out.
 */
export function relationsByRange(spans: Span[], relations: Relation[]): RangeRelation[] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const endOf = (id: string): RelationEnd | undefined => {
    const span = byId.get(id);
    if (!span) return undefined;
    const first = spanRanges(span)[0]!;
    return { start: first.start, end: first.end, label: span.label };
  };
  const out: RangeRelation[] = [];
  for (const rel of relations) {
    const from = endOf(rel.from);
    const to = endOf(rel.to);
    if (from && to) out.push({ id: rel.id, type: rel.type, from, to });
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const compareEnds = (a: RelationEnd, b: RelationEnd): number => a.start - b.start || a.end - b.end || cmp(a.label, b.label);
  return out.sort((a, b) => compareEnds(a.from, b.from) || compareEnds(a.to, b.to) || cmp(a.type, b.type) || cmp(a.id, b.id));
}
