// My spans as columns (ADR 0020). A layer of 10,000 spans kept as objects takes ~1.8 MB of the JS
// heap (the objects, their ids, quotes and attributes, a Map by id, a sorted array): more than the
// whole budget left beside the app and the text. Here every span is one row of typed columns
// (start, end, label, flags, and origin and times as numbers of a small dictionary) with its id,
// and everything else (attributes, note, fragments, and the quote when it is not simply the text)
// as JSON, as UTF-16 code units in string arenas (copied in by a loop: TextEncoder.encodeInto costs ~1 µs a call in the page). A typed array's contents live outside the V8 heap, so the spans cost the heap next
// to nothing; a `Span` object is made only when asked for (a list row, the inspector, a change).
//
// A `SpanColumns` is one version of the spans, never changed once made (React snapshots hold
// it): `with` makes the next version. Rows are shared between versions and only ever appended,
// so a version is just its rows in (start, end, label, id) order and a hash table from id to row,
// both copied per version (~40 + ~65 KB for 10,000 spans, outside the heap). A span's quote is
// stored only when it differs from the text at its offsets (an orphan); else it is the text's.

import { isOrphanSpan } from '../../../core/layer';
import type { Span } from '../../../core/model';
import { firstIndex } from '../../../core/offsets';
import { spanColumnReader } from '../../../core/span-table';
import type { SpanTable } from '../../../core/span-table';
import type { CodePointIndex } from '../../../core/offsets';
import { grown, PagedInts, PagedRows } from '../columns';
import { StringArena, stringHash } from '../stringArena';

/** My spans in text order, as the panels read them: by position, by id, counted by label. */
export interface SpanList extends Iterable<Span> {
  readonly length: number;
  /** The i-th span in (start, end, label, id) order; negative counts from the end. */
  at(i: number): Span | undefined;
  get(id: string): Span | undefined;
  has(id: string): boolean;
  /** Position of the span with this id in the order, or -1. */
  indexOf(id: string): number;
  /** How many spans each label has (labels with none left out). */
  labelCounts(): Map<string, number>;
  /** The spans with this label, in the same order. */
  withLabel(label: string): SpanList;
  map<T>(fn: (span: Span, i: number) => T): T[];
  toArray(): Span[];
}

/** Every field of a span, in the order `Rows.span` gives them. */
const SPAN_FIELDS = ['id', 'label', 'start', 'end', 'quote', 'attributes', 'origin', 'createdAt', 'updatedAt', 'note', 'fragments'] as const satisfies readonly (keyof Span)[];
const SPAN_KEYS: ReadonlySet<string> = new Set(SPAN_FIELDS);
const NO_ATTRIBUTES: Span['attributes'] = Object.freeze({});

/** The row's quote is stored (it differs from the text, or the span lies outside it). */
const OWN_QUOTE = 1;
/** The span has fragments (drawing it needs its stored fields). */
const FRAGMENTED = 2;

/**
 * What a row keeps apart from id, label, offsets, origin and times (JSON of these, in the rest
 * arena; nothing at all for most spans). Origin and times are here only when the row's
 * dictionary of them was full.
 */
interface RowRest {
  quote?: string;
  attributes?: Span['attributes'];
  note?: string;
  fragments?: Span['fragments'];
  origin?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** A row with nothing in the rest arena. */
const NO_REST: Readonly<RowRest> = Object.freeze({});

/**
 * Strings the rows share, each kept once and numbered: labels, and origins and timestamps (a
 * layer's spans mostly share a few: every span of an import has the same three). Those are
 * bounded (`most`), so that a layer of 10,000 spans each edited at its own moment does not keep
 * 10,000 strings in the heap: past the bound, they go in the rest JSON.
 */
class Words {
  static readonly MOST = 256;
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly most = Infinity) {}

  /** The word's number, or -1 when it is new and there is no more room. */
  indexOf(s: string): number {
    let at = this.index.get(s);
    if (at === undefined) {
      if (this.strings.length >= this.most) return -1;
      at = this.strings.push(s) - 1;
      this.index.set(s, at);
    }
    return at;
  }
}

/** The rows of every version of one session's spans: appended, never changed. */
class Rows {
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  labels = new Int32Array(64);
  flags = new Int32Array(64);
  hashes = new Int32Array(64);
  idAt = new Int32Array(64);
  idLen = new Int32Array(64);
  restAt = new Int32Array(64);
  restLen = new Int32Array(64);
  /** Numbers in `words` of origin, createdAt and updatedAt; -1: in the rest JSON. */
  origins = new Int32Array(64);
  created = new Int32Array(64);
  updated = new Int32Array(64);
  readonly ids = new StringArena();
  private readonly rests = new StringArena();
  private readonly words = new Words(Words.MOST);
  /**
   * While many rows are added at once, where each rest seen so far starts (many spans carry the
   * same attributes); dropped after, so that the heap does not keep the strings.
   */
  restsSeen: Map<string, number> | null = null;
  private readonly labelWords = new Words();
  /** The labels by their number in the `labels` column. */
  readonly labelNames = this.labelWords.strings;

  constructor(
    readonly text: CodePointIndex,
    /** How many rows to make room for at once. */
    capacity = 0,
  ) {
    if (capacity > this.starts.length) this.grow(capacity);
  }

  add(span: Span): number {
    const row = this.count++;
    if (row === this.starts.length) this.grow(row + 1);
    this.starts[row] = span.start;
    this.ends[row] = span.end;
    this.labels[row] = this.labelWords.indexOf(span.label);
    this.idAt[row] = this.ids.add(span.id);
    this.idLen[row] = span.id.length;
    this.hashes[row] = stringHash(span.id);

    const rest: RowRest = {};
    if ((this.origins[row] = this.words.indexOf(span.origin)) < 0) rest.origin = span.origin;
    if ((this.created[row] = this.words.indexOf(span.createdAt)) < 0) rest.createdAt = span.createdAt;
    if ((this.updated[row] = this.words.indexOf(span.updatedAt)) < 0) rest.updatedAt = span.updatedAt;
    let flags = 0;
    // No quote: a table's quote that is the text at the span's offsets (ADR 0025).
    if (span.quote !== undefined && isOrphanSpan(span, this.text)) {
      rest.quote = span.quote;
      flags |= OWN_QUOTE;
    }
    if (Object.keys(span.attributes).length > 0) rest.attributes = span.attributes;
    if (span.note !== undefined) rest.note = span.note;
    if (span.fragments !== undefined) {
      rest.fragments = span.fragments;
      flags |= FRAGMENTED;
    }
    this.flags[row] = flags;
    const json = JSON.stringify(rest);
    // "{}": nothing to keep (restLen 0 says so).
    if (json.length <= 2) {
      this.restAt[row] = 0;
      this.restLen[row] = 0;
      return row;
    }
    // Rows never change: rows with the same rest may share its characters.
    let at = this.restsSeen?.get(json);
    if (at === undefined) {
      at = this.rests.add(json);
      this.restsSeen?.set(json, at);
    }
    this.restAt[row] = at;
    this.restLen[row] = json.length;
    return row;
  }

  id(row: number): string {
    return this.ids.get(this.idAt[row]!, this.idLen[row]!);
  }

  idIs(row: number, id: string): boolean {
    return this.ids.equals(this.idAt[row]!, this.idLen[row]!, id);
  }

  label(row: number): string {
    return this.labelNames[this.labels[row]!]!;
  }

  rest(row: number): Readonly<RowRest> {
    const length = this.restLen[row]!;
    return length === 0 ? NO_REST : (JSON.parse(this.rests.get(this.restAt[row]!, length)) as RowRest);
  }

  /** A word of the row (origin, createdAt or updatedAt), from its column or else its rest. */
  private word(at: number, rest: Readonly<RowRest>, key: 'origin' | 'createdAt' | 'updatedAt'): string {
    return at >= 0 ? this.words.strings[at]! : rest[key]!;
  }

  span(row: number): Span {
    const rest = this.rest(row);
    const start = this.starts[row]!;
    const end = this.ends[row]!;
    const span: Span = {
      id: this.id(row),
      label: this.label(row),
      start,
      end,
      quote: rest.quote ?? this.text.slice(start, end),
      attributes: rest.attributes ?? {},
      origin: this.word(this.origins[row]!, rest, 'origin'),
      createdAt: this.word(this.created[row]!, rest, 'createdAt'),
      updatedAt: this.word(this.updated[row]!, rest, 'updatedAt'),
    };
    if (rest.note !== undefined) span.note = rest.note;
    if (rest.fragments !== undefined) span.fragments = rest.fragments;
    return span;
  }

  /** The (start, end, label, id) order of two rows, as compareSpans orders spans. */
  compare(a: number, b: number): number {
    const by = this.starts[a]! - this.starts[b]! || this.ends[a]! - this.ends[b]!;
    if (by !== 0 || a === b) return by;
    const la = this.labels[a]!;
    const lb = this.labels[b]!;
    if (la !== lb) return this.labelNames[la]! < this.labelNames[lb]! ? -1 : 1;
    return this.ids.compare(this.idAt[a]!, this.idLen[a]!, this.idAt[b]!, this.idLen[b]!);
  }

  private grow(need: number): void {
    this.starts = grown(this.starts, need);
    this.ends = grown(this.ends, need);
    this.labels = grown(this.labels, need);
    this.flags = grown(this.flags, need);
    this.hashes = grown(this.hashes, need);
    this.idAt = grown(this.idAt, need);
    this.idLen = grown(this.idLen, need);
    this.restAt = grown(this.restAt, need);
    this.restLen = grown(this.restLen, need);
    this.origins = grown(this.origins, need);
    this.created = grown(this.created, need);
    this.updated = grown(this.updated, need);
  }
}

/**
 * An open-addressing table (linear probing) of row + 1 by id hash; 0 is an empty slot. Filled to
 * at most 3/4 (`overfull`): lookups are rare (a command's few spans), and a fuller table is
 * smaller. In pages (PagedInts): a change copies the pages it writes, not the whole table
 * (docs/adr/0026).
 */
function tableFor(count: number): PagedInts {
  let size = 16;
  while (overfull(count, size)) size *= 2;
  return PagedInts.zeros(size);
}

/** Whether `count` rows fill a table of `size` slots past 3/4. */
function overfull(count: number, size: number): boolean {
  return count * 4 > size * 3;
}

function tableInsert(table: PagedInts, rows: Rows, row: number): void {
  const mask = table.length - 1;
  let slot = rows.hashes[row]! & mask;
  while (table.get(slot) !== 0) slot = (slot + 1) & mask;
  table.set(slot, row + 1);
}

/** The slot holding the row with this id, or -1. */
function tableFind(table: PagedInts, rows: Rows, id: string): number {
  const mask = table.length - 1;
  const hash = stringHash(id);
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const entry = table.get(slot);
    if (entry === 0) return -1;
    if (rows.hashes[entry - 1] === hash && rows.idIs(entry - 1, id)) return slot;
  }
}

/** Empty a slot, moving later entries of its probe run back (no tombstones). */
function tableDelete(table: PagedInts, rows: Rows, slot: number): void {
  const mask = table.length - 1;
  let hole = slot;
  table.set(hole, 0);
  for (let next = (hole + 1) & mask; table.get(next) !== 0; next = (next + 1) & mask) {
    const entry = table.get(next);
    const home = rows.hashes[entry - 1]! & mask;
    // The entry may fill the hole if its home is not cyclically in (hole, next].
    if (hole <= next ? home <= hole || home > next : home <= hole && home > next) {
      table.set(hole, entry);
      table.set(next, 0);
      hole = next;
    }
  }
}

/**
 * Rows shown in order: the session's version or a filtered view of it. The order is in pages
 * (PagedRows of one field, the row): a change copies one page of it, not all 10,000 rows.
 */
abstract class OrderedRows implements SpanList {
  protected constructor(
    protected readonly rows: Rows,
    protected readonly order: PagedRows,
  ) {}

  get length(): number {
    return this.order.size;
  }

  at(i: number): Span | undefined {
    const k = i < 0 ? this.order.size + i : i;
    return k >= 0 && k < this.order.size ? this.rows.span(this.order.get(0, k)) : undefined;
  }

  /** The version these rows belong to. */
  protected abstract version(): SpanColumns;
  abstract get(id: string): Span | undefined;
  abstract has(id: string): boolean;
  abstract indexOf(id: string): number;

  labelCounts(): Map<string, number> {
    const byIndex = new Int32Array(this.rows.labelNames.length);
    for (let k = 0; k < this.order.size; k++) byIndex[this.rows.labels[this.order.get(0, k)]!]!++;
    const counts = new Map<string, number>();
    byIndex.forEach((n, label) => {
      if (n > 0) counts.set(this.rows.labelNames[label]!, n);
    });
    return counts;
  }

  withLabel(label: string): SpanList {
    const index = this.rows.labelNames.indexOf(label);
    const kept: number[] = [];
    for (let k = 0; k < this.order.size; k++) {
      const row = this.order.get(0, k);
      if (this.rows.labels[row] === index) kept.push(row);
    }
    return new LabelRows(this.rows, PagedRows.from([Int32Array.from(kept)]), this.version());
  }

  map<T>(fn: (span: Span, i: number) => T): T[] {
    const out: T[] = new Array<T>(this.order.size);
    for (let k = 0; k < this.order.size; k++) out[k] = fn(this.rows.span(this.order.get(0, k)), k);
    return out;
  }

  toArray(): Span[] {
    return this.map((span) => span);
  }

  *[Symbol.iterator](): Iterator<Span> {
    for (let k = 0; k < this.order.size; k++) yield this.rows.span(this.order.get(0, k));
  }
}

/** The spans of one label, out of a version. */
class LabelRows extends OrderedRows {
  constructor(
    rows: Rows,
    order: PagedRows,
    private readonly all: SpanColumns,
  ) {
    super(rows, order);
  }

  protected version(): SpanColumns {
    return this.all;
  }

  get(id: string): Span | undefined {
    return this.has(id) ? this.all.get(id) : undefined;
  }

  has(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  indexOf(id: string): number {
    const row = this.all.rowOf(id);
    return row < 0 ? -1 : this.order.indexOf(0, row);
  }
}

/** One version of my spans. */
export class SpanColumns extends OrderedRows {
  private constructor(
    rows: Rows,
    order: PagedRows,
    private readonly table: PagedInts,
  ) {
    super(rows, order);
  }

  /** The spans, in any order (ids unique), over this text. */
  static from(spans: readonly Span[], text: CodePointIndex): SpanColumns {
    return SpanColumns.built(text, spans.length, (rows, k) => rows.add(spans[k]!));
  }

  /**
   * The spans of a span table (as a layer's spans come over HTTP, ADR 0013), without making
   * them objects first; null when the table has a column that is no field of a span (the caller
   * then decodes it as it is).
   */
  static fromTable(table: SpanTable, text: CodePointIndex): SpanColumns | null {
    const read = new Map<string, (i: number) => unknown>();
    for (const column of table.columns) {
      if (!SPAN_KEYS.has(column.key)) return null;
      // Without the text: a quote left out as the text's reads as none (the row keeps none).
      read.set(column.key, spanColumnReader(table, column));
    }
    const field = (key: keyof Span): ((i: number) => unknown) => read.get(key) ?? (() => undefined);
    const [id, label, start, end, quote, attributes, origin, createdAt, updatedAt, note, fragments] = SPAN_FIELDS.map(field);
    // One span object, filled again for each row (Rows.add copies what it keeps).
    const span: Record<keyof Span, unknown> = { id: '', label: '', start: 0, end: 0, quote: '', attributes: {}, origin: '', createdAt: '', updatedAt: '', note: undefined, fragments: undefined };
    return SpanColumns.built(text, table.count, (rows, k) => {
      span.id = id!(k);
      span.label = label!(k);
      span.start = start!(k);
      span.end = end!(k);
      span.quote = quote!(k);
      span.attributes = attributes!(k) ?? NO_ATTRIBUTES;
      span.origin = origin!(k);
      span.createdAt = createdAt!(k);
      span.updatedAt = updatedAt!(k);
      span.note = note!(k);
      span.fragments = fragments!(k);
      return rows.add(span as unknown as Span);
    });
  }

  /** A first version of `count` rows, each added by `add` (k = 0, 1, ...), in any order. */
  private static built(text: CodePointIndex, count: number, add: (rows: Rows, k: number) => number): SpanColumns {
    const rows = new Rows(text, count);
    const order = new Int32Array(count);
    let sorted = true;
    rows.restsSeen = new Map();
    for (let k = 0; k < count; k++) {
      order[k] = add(rows, k);
      if (k > 0 && sorted && rows.compare(k - 1, k) > 0) sorted = false;
    }
    rows.restsSeen = null;
    // A layer on disk is stored sorted: sort only if it is not.
    if (!sorted) order.sort((a, b) => rows.compare(a, b));
    const table = tableFor(count);
    for (let row = 0; row < count; row++) tableInsert(table, rows, row);
    return new SpanColumns(rows, PagedRows.from([order]), table);
  }

  protected version(): SpanColumns {
    return this;
  }

  get size(): number {
    return this.order.size;
  }

  /** The row of the span with this id, or -1 (for drawing without making a Span). */
  rowOf(id: string): number {
    const slot = tableFind(this.table, this.rows, id);
    return slot < 0 ? -1 : this.table.get(slot) - 1;
  }

  get(id: string): Span | undefined {
    const row = this.rowOf(id);
    return row < 0 ? undefined : this.rows.span(row);
  }

  has(id: string): boolean {
    return this.rowOf(id) >= 0;
  }

  indexOf(id: string): number {
    const row = this.rowOf(id);
    return row < 0 ? -1 : this.position(row);
  }

  /** What drawing a span needs, without making it: offsets, label, whether it is an orphan. */
  drawn(row: number): { start: number; end: number; label: string; ownQuote: boolean; fragments: Span['fragments'] } {
    const rows = this.rows;
    const flags = rows.flags[row]!;
    return {
      start: rows.starts[row]!,
      end: rows.ends[row]!,
      label: rows.label(row),
      ownQuote: (flags & OWN_QUOTE) !== 0,
      fragments: flags & FRAGMENTED ? rows.rest(row).fragments : undefined,
    };
  }

  /** Every row in order (for the first drawing). */
  forEachRow(fn: (row: number, id: string) => void): void {
    for (let k = 0; k < this.order.size; k++) {
      const row = this.order.get(0, k);
      fn(row, this.rows.id(row));
    }
  }

  /** The next version: these spans put in place of the ones with their ids (undefined = removed). */
  with(after: ReadonlyMap<string, Span | undefined>): SpanColumns {
    const rows = this.rows;
    // Rows are appended per change: once most are dead, start afresh from the live ones.
    if (rows.count > 2 * this.order.size + 4096) return SpanColumns.from([...this.applied(after)], rows.text);
    let order = this.order;
    let table = this.table.copy();
    for (const [id, next] of after) {
      const slot = tableFind(table, rows, id);
      if (slot >= 0) {
        const old = table.get(slot) - 1;
        tableDelete(table, rows, slot);
        order = order.removed(positionIn(rows, order, old));
      }
      if (!next) continue;
      const row = rows.add(next);
      order = order.inserted(lowerBoundRow(rows, order, row), [row]);
      if (overfull(order.size, table.length)) {
        table = tableFor(order.size);
        for (let k = 0; k < order.size; k++) tableInsert(table, rows, order.get(0, k));
      } else {
        tableInsert(table, rows, row);
      }
    }
    return new SpanColumns(rows, order, table);
  }

  private *applied(after: ReadonlyMap<string, Span | undefined>): Generator<Span> {
    for (const span of this) if (!after.has(span.id)) yield span;
    for (const span of after.values()) if (span) yield span;
  }

  private position(row: number): number {
    return positionIn(this.rows, this.order, row);
  }
}

/** Where a row of `order` stands in it. */
function positionIn(rows: Rows, order: PagedRows, row: number): number {
  const at = lowerBoundRow(rows, order, row);
  return at < order.size && order.get(0, at) === row ? at : order.indexOf(0, row);
}

/** The first position in `order` whose row does not come before `row`. */
function lowerBoundRow(rows: Rows, order: PagedRows, row: number): number {
  return firstIndex(order.size, (k) => rows.compare(order.get(0, k), row) >= 0);
}
