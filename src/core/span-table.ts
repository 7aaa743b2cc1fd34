// Spans as columns, for sending a layer over HTTP in browser mode (ADR 0013). A layer of 10,000
// spans is ~2.4 MB of JSON as objects, mostly the same nine keys and the same few labels, origins
// and timestamps written again per span; the browser then takes ~45 ms just to turn those bytes
// into a string. As columns, with each low-variety column written once as a dictionary, it is
// less than half the size and arrives, decodes and parses in about a third of the time.
//
// The encoding is exact: decoding gives spans deep-equal to the encoded ones, with their keys in
// the same order when the spans agree on an order (spans checked by the layer schema always do).
// No span field may be null, so null stands for a field a span does not have; a layer whose spans
// have a null anywhere (invalid anyway) is simply not encoded.

/** A column: the values themselves, or indexes into `dict` (null: the span has no such field). */
export type SpanColumn = { key: string } & ({ values: unknown[] } | { dict: string[]; index: (number | null)[] });

/** The spans of a layer as columns, one per key (a list, so that any key, even "__proto__", is only data). */
export interface SpanTable {
  count: number;
  columns: SpanColumn[];
}

/** A column of strings is written as a dictionary when it has at most this share of distinct values. */
const DICT_SHARE = 1 / 4;

/** The spans as columns, or null when they cannot be encoded exactly (a null value; not objects). */
export function encodeSpanTable(spans: readonly unknown[]): SpanTable | null {
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
    columns.push({ key, ...(strings ? dictionaryOrPlain(values as (string | null)[]) : { values }) });
  }
  return { count: spans.length, columns };
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

function dictionaryOrPlain(values: (string | null)[]): { values: unknown[] } | { dict: string[]; index: (number | null)[] } {
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
  return { dict, index };
}

/** The spans back as objects: deep-equal to what was encoded, keys in the same order. */
export function decodeSpanTable<T = unknown>(table: SpanTable): T[] {
  const count = table.count;
  const keys = table.columns.map((column) => column.key);
  // Each column as its values (a dictionary looked up once per cell here, not per span below).
  const values = table.columns.map((column) => ('dict' in column ? column.index.map((at) => (at === null ? null : column.dict[at])) : column.values));
  // A span is a copy of a template with its keys (one per set of keys present), made by
  // JSON.parse: its properties sit inside the object, as JSON.parse's own objects do, where
  // adding nine properties one by one to {} spills five into a separate array (~25 bytes more
  // a span). Past 31 columns a bit mask no longer fits: spans are built key by key.
  const templates = keys.length <= 31 ? new Map<number, Record<string, unknown>>() : null;
  const spans: T[] = new Array<T>(count);
  for (let i = 0; i < count; i++) {
    let span: Record<string, unknown>;
    if (templates) {
      let mask = 0;
      for (let c = 0; c < keys.length; c++) if (values[c]![i] !== null && values[c]![i] !== undefined) mask |= 1 << c;
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
      const value = values[c]![i];
      if (value === null || value === undefined) continue;
      // As JSON.parse does: "__proto__" is a key like any other, not the prototype.
      if (keys[c] === '__proto__' && !templates) Object.defineProperty(span, '__proto__', { value, enumerable: true, writable: true, configurable: true });
      else span[keys[c]!] = value;
    }
    spans[i] = span as T;
  }
  return spans;
}

/** Whether a value is a span table (what a layer's `spans` is on the wire when encoded). */
export function isSpanTable(value: unknown): value is SpanTable {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const table = value as Partial<SpanTable>;
  if (typeof table.count !== 'number' || !Array.isArray(table.columns)) return false;
  return table.columns.every((column: unknown) => {
    if (typeof column !== 'object' || column === null || !('key' in column) || typeof column.key !== 'string') return false;
    if ('dict' in column) return Array.isArray(column.dict) && 'index' in column && Array.isArray(column.index) && column.index.length === table.count;
    return 'values' in column && Array.isArray(column.values) && column.values.length === table.count;
  });
}

/** A layer (or any object with `spans`) with its spans as a table, when they can be encoded. */
export function withSpanTable<L extends { spans: readonly unknown[] }>(layer: L): Omit<L, 'spans'> & { spans: SpanTable | L['spans'] } {
  const table = encodeSpanTable(layer.spans);
  return table === null ? layer : { ...layer, spans: table };
}

/** A layer from the wire: spans sent as a table become objects again; plain spans stay. */
export function withSpanObjects<L>(layer: L): L {
  if (typeof layer !== 'object' || layer === null || !('spans' in layer) || !isSpanTable(layer.spans)) return layer;
  return { ...layer, spans: decodeSpanTable(layer.spans) };
}

/** The tables of layers made by withLazySpanObjects, by layer. */
const wireTables = new WeakMap<object, SpanTable>();

/**
 * As withSpanObjects, but the span objects are made only when `spans` is first read: a reader
 * that can take the table as it is (spanTableOf) never makes them. 10,000 spans as objects cost
 * the page ~25 ms to make and more to collect, when what keeps them is typed columns (ADR 0020).
 */
export function withLazySpanObjects<L>(layer: L): L {
  if (typeof layer !== 'object' || layer === null || !('spans' in layer) || !isSpanTable(layer.spans)) return layer;
  const table = layer.spans;
  let spans: unknown[] | null = null;
  const lazy = { ...layer };
  Object.defineProperty(lazy, 'spans', {
    enumerable: true,
    configurable: true,
    get: () => (spans ??= decodeSpanTable(table)),
    set: (value: unknown[]) => void (spans = value),
  });
  wireTables.set(lazy, table);
  return lazy;
}

/** The span table a layer of withLazySpanObjects came as (undefined for any other layer). */
export function spanTableOf(layer: object): SpanTable | undefined {
  return wireTables.get(layer);
}
