// JSON lines in the Prodigy/spaCy "spans" style: {"text", "spans":[{"start","end","label"}],
// "relations"?, "meta"?}, one document a line. Offsets are code points into "text".
//
// Relations follow Prodigy's rel.manual output: {"head", "child", "head_span", "child_span",
// "label"}, where "head"/"child" are indices into the line's "tokens" (the token_end of each
// span, the convention spaCy's relation tutorial reads) and "head_span"/"child_span" give the
// spans by {start, end, token_start, token_end, label}. Gloss has no tokenizer of record, so a
// line with relations carries tokens made for it: whitespace-separated pieces, cut at every span
// edge so each span starts and ends on a token; a line without relations carries none.
// Spans get no "id": the span shape stays the one readers expect, the fragments of a
// discontinuous span (one span each here) would share it, and relations find their spans by
// offsets. On import, relations are resolved through head_span/child_span (or, without them,
// through "head"/"child" and the spans' token_end).

import { isValidDocId, plainTextToBlocks, uniqueId } from '../document';
import type { DocumentMeta } from '../model';
import { CodePointIndex } from '../offsets';
import {
  checkSpanAgainstText,
  isObject,
  normalizeItem,
  readJsonLines,
  relationsByRange,
  spanRangesInOrder,
} from './common';
import type { RelationEnd } from './common';
import type { ExportDocument, ImportedItem, ImportedRelation, ImportedSpan, ParseResult } from './types';

/** Parse a JSON-lines file; blank lines are skipped, and the first bad line is an error naming it. */
export function parseJsonl(text: string, file: string): ParseResult {
  const read = readJsonLines(text, file);
  if (!read.ok) return read;
  const items: ImportedItem[] = [];
  const notices: string[] = [];
  for (const { line, value } of read.lines) {
    const bad = (message: string): ParseResult => ({ ok: false, error: { file, line, message } });
    if (!isObject(value)) return bad('expected a JSON object with "text" and "spans"');
    if (typeof value.text !== 'string') return bad('"text" must be a string');
    // Prodigy marks rejected and ignored examples: they are not annotations to import.
    if (value.answer === 'reject' || value.answer === 'ignore') {
      notices.push(`${file}:${line}: skipped (answer "${value.answer}")`);
      continue;
    }
    const index = new CodePointIndex(value.text);
    const spansValue = value.spans ?? [];
    if (!Array.isArray(spansValue)) return bad('"spans" must be a list');
    const spans: ImportedSpan[] = [];
    // Prodigy's token_end of each span, for relations given by token index only.
    const tokenEnds: unknown[] = [];
    for (const [i, s] of spansValue.entries()) {
      const where = `span ${i + 1}`;
      if (!isObject(s)) return bad(`${where}: expected an object with "start", "end" and "label"`);
      if (typeof s.label !== 'string' || s.label === '') return bad(`${where}: "label" must be a non-empty string`);
      const problem = checkSpanAgainstText(index, { start: s.start, end: s.end }, s.text);
      if (problem) return bad(`${where} (${s.label}): ${problem}`);
      const span: ImportedSpan = { label: s.label, start: s.start as number, end: s.end as number };
      if (typeof s.id === 'string' && s.id !== '') span.id = s.id;
      spans.push(span);
      tokenEnds.push(s.token_end);
    }
    const relationsValue = value.relations ?? [];
    if (!Array.isArray(relationsValue)) return bad('"relations" must be a list');
    const resolved: { type: string; head: number; child: number }[] = [];
    for (const [i, r] of relationsValue.entries()) {
      if (!isObject(r)) return bad(`relation ${i + 1}: expected an object with "head_span", "child_span" and "label"`);
      if (typeof r.label !== 'string' || r.label === '') return bad(`relation ${i + 1}: "label" must be a non-empty string`);
      const where = `relation ${i + 1} (${r.label})`;
      const head = resolveEnd(r, 'head', spans, tokenEnds);
      if (typeof head === 'string') return bad(`${where}: ${head}`);
      const child = resolveEnd(r, 'child', spans, tokenEnds);
      if (typeof child === 'string') return bad(`${where}: ${child}`);
      resolved.push({ type: r.label, head, child });
    }
    // Relations point at span ids; a span without one gets an id naming its place in the line.
    const taken = new Set(spans.flatMap((s) => (s.id !== undefined ? [s.id] : [])));
    const idOf = (i: number): string => {
      const span = spans[i]!;
      if (span.id === undefined) {
        span.id = uniqueId(`span-${i + 1}`, taken);
        taken.add(span.id);
      }
      return span.id;
    };
    const relations: ImportedRelation[] = resolved.map((r) => ({ type: r.type, from: idOf(r.head), to: idOf(r.child) }));
    const item: ImportedItem = { text: value.text, layers: [{ spans, relations, comments: [] }], line };
    if (value.meta !== undefined) {
      if (!isObject(value.meta)) return bad('"meta" must be an object');
      const { id, title } = value.meta;
      if (typeof id === 'string' && id !== '') {
        if (isValidDocId(id)) item.id = id;
        else notices.push(`${file}:${line}: meta.id ${JSON.stringify(id)} is not usable as a document id; a new one is made`);
      }
      if (typeof title === 'string' && title !== '') item.title = title;
      const meta: Partial<DocumentMeta> = {};
      for (const key of ['source', 'language', 'date'] as const) {
        const v = value.meta[key];
        if (typeof v === 'string') meta[key] = v;
      }
      if (Object.keys(meta).length > 0) item.meta = meta;
    }
    const normalized = normalizeItem(item);
    if (normalized.changed) notices.push(`${file}:${line}: line endings of the text normalised to \\n; offsets moved accordingly`);
    normalized.item.blocks = plainTextToBlocks(normalized.item.text);
    items.push(normalized.item);
  }
  return { ok: true, items, notices };
}

/**
 * The index of the span that one end of a Prodigy relation points at, or why there is none.
 * `head_span`/`child_span` decide (by start, end and, when given, label); without them the
 * token index in `head`/`child` must be the token_end of exactly one span.
 */
function resolveEnd(relation: Record<string, unknown>, end: 'head' | 'child', spans: ImportedSpan[], tokenEnds: unknown[]): number | string {
  const key = `${end}_span`;
  const given = relation[key];
  if (given !== undefined && given !== null) {
    if (!isObject(given)) return `"${key}" must be an object with "start" and "end"`;
    const { start, end: stop, label } = given;
    if (!Number.isInteger(start) || !Number.isInteger(stop)) return `"${key}" needs integer "start" and "end"`;
    if (label !== undefined && label !== null && typeof label !== 'string') return `"${key}".label must be a string`;
    const matches = spans.flatMap((s, i) => (s.start === start && s.end === stop && (typeof label !== 'string' || s.label === label) ? [i] : []));
    const range = `[${String(start)}, ${String(stop)})${typeof label === 'string' ? ` ${label}` : ''}`;
    if (matches.length === 0) return `${key} ${range} is not one of the line's spans`;
    // Without a label, spans of several labels on that range leave the end undecided.
    if (new Set(matches.map((i) => spans[i]!.label)).size > 1) return `${key} ${range} matches spans of several labels; give its "label"`;
    return matches[0]!;
  }
  const token = relation[end];
  if (typeof token !== 'number') return `needs "${key}" with the span's "start" and "end"`;
  const matches = tokenEnds.flatMap((t, i) => (t === token ? [i] : []));
  if (matches.length === 1) return matches[0]!;
  return matches.length === 0
    ? `"${end}" is token ${token}, which ends none of the line's spans (give "${key}")`
    : `"${end}" is token ${token}, which ends ${matches.length} spans (give "${key}")`;
}

/** A token as Prodigy writes it; offsets in code points, `ws` = followed by one space. */
interface Token {
  text: string;
  start: number;
  end: number;
  id: number;
  ws: boolean;
}

/**
 * Tokens for a line with relations: runs of non-space and runs of space, cut at every span edge.
 * As in spaCy, a single space after a token is its `ws` rather than a token of its own, unless a
 * span starts on it or ends right after it, so that every span begins and ends on a token.
 */
function tokensFor(text: string, ranges: RelationEnd[]): Token[] {
  const chars = [...text];
  const starts = new Set(ranges.map((r) => r.start));
  const ends = new Set(ranges.map((r) => r.end));
  const isSpace = (c: string): boolean => /^\s$/u.test(c);
  const tokens: Token[] = [];
  let from = 0;
  for (let i = 1; i <= chars.length; i++) {
    const cut = i === chars.length || starts.has(i) || ends.has(i) || isSpace(chars[i]!) !== isSpace(chars[i - 1]!);
    if (!cut) continue;
    let start = from;
    from = i;
    const previous = tokens[tokens.length - 1];
    if (chars[start] === ' ' && previous && previous.end === start && !previous.ws && !starts.has(start) && !ends.has(start + 1)) {
      previous.ws = true;
      start++;
    }
    if (start < i) tokens.push({ text: chars.slice(start, i).join(''), start, end: i, id: tokens.length, ws: false });
  }
  return tokens;
}

/** One document's line (see exportJsonl), with its line break. */
export function jsonlLine({ document, layers }: ExportDocument): string {
  return JSON.stringify(jsonlValue(document.text, document.id, document.title, layers[0])) + '\n';
}

function jsonlValue(text: string, id: string, title: string, layer: ExportDocument['layers'][number] | undefined): Record<string, unknown> {
  const index = new CodePointIndex(text);
  const ranges = spanRangesInOrder(layer?.spans ?? []);
  const relations = relationsByRange(layer?.spans ?? [], layer?.relations ?? []);
  const meta = { id, title };
  if (relations.length === 0) {
    const spans = ranges.map((r) => ({ start: r.start, end: r.end, label: r.label, text: index.slice(r.start, r.end) }));
    return { text, spans, relations: [], meta };
  }
  const tokens = tokensFor(text, ranges);
  const tokenAt = new Map(tokens.map((t) => [t.start, t.id]));
  const tokenEndingAt = new Map(tokens.map((t) => [t.end, t.id]));
  const withTokens = (r: RelationEnd): { start: number; end: number; token_start: number; token_end: number } => ({
    start: r.start,
    end: r.end,
    token_start: tokenAt.get(r.start)!,
    token_end: tokenEndingAt.get(r.end)!,
  });
  const spans = ranges.map((r) => ({ ...withTokens(r), label: r.label, text: index.slice(r.start, r.end) }));
  const rels = relations.map((r) => {
    const head = { ...withTokens(r.from), label: r.from.label };
    const child = { ...withTokens(r.to), label: r.to.label };
    return { head: head.token_end, child: child.token_end, head_span: head, child_span: child, label: r.type };
  });
  return { text, tokens, spans, relations: rels, meta };
}

/**
 * One line per document with the spans and relations of its first layer given (none without
 * layers). A discontinuous span becomes one span per fragment, as the format has no fragments;
 * a relation points at its first fragment. Lines with relations carry Prodigy tokens (see above).
 */
export function exportJsonl(documents: ExportDocument[]): string {
  return documents.map(jsonlLine).join('');
}
