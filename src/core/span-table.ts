// Spans as columns, for sending a layer over HTTP in browser mode (ADR 0013). A layer of 10,000
// spans is ~2.4 MB of JSON as objects, mostly the same nine keys and the same few labels, origins
// and timestamps written again per span; the browser then takes ~45 ms just to turn those bytes
// into a string. As columns, with each low-variety column written once as a dictionary, it is
// less than half the size and arrives, decodes and parses in about a third of the time.
//
// The encoding is exact: decoding gives spans deep-equal to the encoded ones, with their keys in
// the same order when the spans agree on an order (spans checked by the layer schema always do).
// No span field may be null, so null stands for a field a span does not have; a layer whose spans
// have a null anywhere (invalid anyway) is simply not encoded. Quotes that are just the text at
// their offsets (nearly all) are left out when the encoder has the text (ADR 0025).

import { isOrphanSpan } from './layer';
import type { Span } from './model';
import type { CodePointIndex } from './offsets';

/**
 * A column: the values themselves, or indexes into `dict` (null: the span has no such field), or
 * `same`, the one value every span has (the origin and times of an import, say).
 * A "quote" column with `fromText` leaves out every quote that is just the text at its span's
 * offsets: there, null stands for that text (decoding needs the document's text).
 */
export type SpanColumn = { key: string } & ({ values: unknown[]; fromText?: true } | { dict: string[]; index: (number | null)[] } | { same: string });

/** The spans of a layer as columns, one per key (a list, so that any key, even "__proto__", is only data). */
export interface SpanTable {
  count: number;
  columns: SpanColumn[];
}

/** A column of strings is written as a dictionary when it has at most this share of distinct values. */
const DICT_SHARE = 1 / 4;

/**
 * The spans as columns, or null when they cannot be encoded exactly (a null value; not objects).
 * Given the document's text, the quotes that are just that text are left out (`fromText`).
 */
export function encodeSpanTable(spans: readonly unknown[], text?: CodePointIndex): SpanTable | null {
  const keys = keyOrder(spans);
  if (keys === null) return null;
  const columns: SpanColumn[] = [];
  for (const key of keys) {
    const values: unknown[] = new Array<unknown>(spans.length);
    let strings = true;
    for (let i = 0; i < spans.length; i++) {
      const record = spans[i] as Record<string, unknown>;
      const value = Object.hasOwn(record, key) ? record[key] : undefined;
      if (value === null) return null;
      values[i] = value === undefined ? null : value;
      if (value !== undefined && typeof value !== 'string') strings = false;
    }
    const fromText = key === 'quote' && text && strings ? quotesFromText(spans, values as (string | null)[], text) : null;
    columns.push({ key, ...(fromText ? { values: fromText, fromText: true } : strings ? dictionaryOrPlain(values as (string | null)[]) : { values }) });
  }
  return { count: spans.length, columns };
}

/** The quotes with null for each that is the text at its span's offsets; null when every span does not have a quote. */
function quotesFromText(spans: readonly unknown[], quotes: readonly (string | null)[], text: CodePointIndex): (string | null)[] | null {
  const out: (string | null)[] = new Array<string | null>(quotes.length);
  for (let i = 0; i < quotes.length; i++) {
    const quote = quotes[i];
    if (quote === null || quote === undefined) return null;
    const span = spans[i] as Pick<Span, 'start' | 'end' | 'fragments' | 'quote'>;
    // Left out exactly when the page finds the span no orphan (its columns keep no quote then);
    // offsets that are not a range in the text make an orphan.
    out[i] = isOrphanSpan(span, text) ? quote : null;
  }
  return out;
}

/**
 * Every key of the spans, in an order that keeps each span's own order whenever the spans agree
 * on one (a topological order of "comes right after" within a span; ties by first appearance).
 * Null when a span is not an object.
 */
function keyOrder(spans: readonly unknown[]): string[] | null {
  const keys: string[] = [];
  const next = new Map<string, Set<string>>();
  for (const span of spans) {
    if (typeof span !== 'object' || span === null || Array.isArray(span)) return null;
    let previous: string | null = null;
    for (const key of Object.keys(span)) {
      if (!next.has(key)) {
        next.set(key, new Set());
        keys.push(key);
      }
      if (previous !== null) next.get(previous)!.add(key);
      previous = key;
    }
  }
  const before = new Map(keys.map((k) => [k, 0]));
  for (const followers of next.values()) for (const key of followers) before.set(key, before.get(key)! + 1);
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < keys.length) {
    // The first key (by first appearance) with nothing left before it; on a cycle, the first left.
    const key = keys.find((k) => !placed.has(k) && before.get(k) === 0) ?? keys.find((k) => !placed.has(k))!;
    placed.add(key);
    order.push(key);
    for (const follower of next.get(key)!) before.set(follower, before.get(follower)! - 1);
  }
  return order;
}

function dictionaryOrPlain(values: (string | null)[]): { values: unknown[] } | { dict: string[]; index: (number | null)[] } | { same: string } {
  const dict: string[] = [];
  const indexOf = new Map<string, number>();
  const index: (number | null)[] = new Array<number | null>(values.length);
  const most = Math.max(16, Math.floor(values.length * DICT_SHARE));
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value === null) {
      index[i] = null;
      continue;
    }
    let at = indexOf.get(value);
    if (at === undefined) {
      if (dict.length >= most) return { values };
      at = dict.length;
      dict.push(value);
      indexOf.set(value, at);
    }
    index[i] = at;
  }
  // Every span has the one value: said once.
  if (dict.length === 1 && values.length > 0 && !index.includes(null)) return { same: dict[0]! };
  return { dict, index };
}

/**
 * The spans back as objects: deep-equal to what was encoded, keys in the same order. A table
 * whose quotes come from the text needs that text.
 */
export function decodeSpanTable<T = unknown>(table: SpanTable, text?: CodePointIndex): T[] {
  const count = table.count;
  const keys = table.columns.map((column) => column.key);
  const read = table.columns.map((column) => {
    if ('fromText' in column && column.fromText && !text) throw new Error('span table: its quotes come from the document text, and no text was given');
    return spanColumnReader(table, column, text);
  });
  // A span is a copy of a template with its keys (one per set of keys present), made by
  // JSON.parse: its properties sit inside the object, as JSON.parse's own objects do, where
  // adding nine properties one by one to {} spills five into a separate array (~25 bytes more
  // a span). Past 31 columns a bit mask no longer fits: spans are built key by key.
  const templates = keys.length <= 31 ? new Map<number, Record<string, unknown>>() : null;
  const spans: T[] = new Array<T>(count);
  /** The span's value of each column (undefined: none). */
  const row: unknown[] = new Array<unknown>(keys.length);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < keys.length; c++) row[c] = read[c]!(i);
    let span: Record<string, unknown>;
    if (templates) {
      let mask = 0;
      for (let c = 0; c < keys.length; c++) if (row[c] !== undefined) mask |= 1 << c;
      let template = templates.get(mask);
      if (template === undefined) {
        template = JSON.parse(JSON.stringify(Object.fromEntries(keys.filter((_, c) => mask & (1 << c)).map((key) => [key, 0])))) as Record<string, unknown>;
        templates.set(mask, template);
      }
      span = { ...template };
    } else {
      span = {};
    }
    for (let c = 0; c < keys.length; c++) {
      const value = row[c];
      if (value === undefined) continue;
      // As JSON.parse does: "__proto__" is a key like any other, not the prototype.
      if (keys[c] === '__proto__' && !templates) Object.defineProperty(span, '__proto__', { value, enumerable: true, writable: true, configurable: true });
      else span[keys[c]!] = value;
    }
    spans[i] = span as T;
  }
  return spans;
}

/**
 * The i-th span's value in a column of the table (undefined: the span has no such field), for
 * readers that take the columns as they are (decodeSpanTable, the renderer's span columns). A
 * quote left out as the text's (`fromText`) is that text, given it; else undefined.
 */
export function spanColumnReader(table: SpanTable, column: SpanColumn, text?: CodePointIndex): (i: number) => unknown {
  if ('same' in column) {
    const same = column.same;
    return () => same;
  }
  if ('dict' in column) {
    const { dict, index } = column;
    return (i) => {
      const at = index[i];
      return at === null || at === undefined ? undefined : dict[at];
    };
  }
  const values = column.values;
  if (column.fromText && text) {
    const starts = columnValues(table, 'start');
    const ends = columnValues(table, 'end');
    return (i) => values[i] ?? text.slice(starts[i] as number, ends[i] as number);
  }
  return (i) => values[i] ?? undefined;
}

/** The values of a plain column of the table (what quotes from the text are placed by). */
function columnValues(table: SpanTable, key: string): readonly unknown[] {
  const column = table.columns.find((c) => c.key === key);
  if (!column || !('values' in column)) throw new Error(`span table: quotes come from the text, but its ${key} column is missing`);
  return column.values;
}

/** Whether a value is a span table (what a layer's `spans` is on the wire when encoded). */
export function isSpanTable(value: unknown): value is SpanTable {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const table = value as Partial<SpanTable>;
  if (typeof table.count !== 'number' || !Array.isArray(table.columns)) return false;
  return table.columns.every((column: unknown) => {
    if (typeof column !== 'object' || column === null || !('key' in column) || typeof column.key !== 'string') return false;
    if ('same' in column) return typeof column.same === 'string';
    if ('dict' in column) return Array.isArray(column.dict) && 'index' in column && Array.isArray(column.index) && column.index.length === table.count;
    if ('fromText' in column && (column.fromText !== true || column.key !== 'quote')) return false;
    return 'values' in column && Array.isArray(column.values) && column.values.length === table.count;
  });
}

/** A layer (or any object with `spans`) with its spans as a table, when they can be encoded; given its document's text, quotes that are the text are left out. */
export function withSpanTable<L extends { spans: readonly unknown[] }>(layer: L, text?: CodePointIndex): Omit<L, 'spans'> & { spans: SpanTable | L['spans'] } {
  const table = encodeSpanTable(layer.spans, text);
  return table === null ? layer : { ...layer, spans: table };
}

/** The tables of layers made by withLazySpanObjects, by layer. */
const wireTables = new WeakMap<object, SpanTable>();

/**
 * A layer from the wire: spans sent as a table become objects again (plain spans stay), made
 * only when `spans` is first read: a reader that can take the table as it is (spanTableOf) never
 * makes them. 10,000 spans as objects cost the page ~25 ms to make and more to collect, when what
 * keeps them is typed columns (ADR 0020).
 */
export function withLazySpanObjects<L>(layer: L, text?: () => CodePointIndex): L {
  if (typeof layer !== 'object' || layer === null || !('spans' in layer) || !isSpanTable(layer.spans)) return layer;
  const table = layer.spans;
  let spans: unknown[] | null = null;
  const lazy = { ...layer };
  Object.defineProperty(lazy, 'spans', {
    enumerable: true,
    configurable: true,
    get: () => (spans ??= decodeSpanTable(table, text?.())),
    set: (value: unknown[]) => void (spans = value),
  });
  wireTables.set(lazy, table);
  return lazy;
}

/** The span table a layer of withLazySpanObjects came as (undefined for any other layer). */
export function spanTableOf(layer: object): SpanTable | undefined {
  return wireTables.get(layer);
}
