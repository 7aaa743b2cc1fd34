// Small helpers for data kept in typed columns (ADR 0020): the span index, my spans, the arenas.

/** `array` if it holds `need` items, else a copy at least twice as long (the first `used` items kept). */
export function grown<T extends Int32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>>(array: T, need: number, used: number = array.length): T {
  if (need <= array.length) return array;
  let size = Math.max(1, array.length * 2);
  while (size < need) size *= 2;
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array.subarray(0, used));
  return next;
}

/** Rows a page of PagedRows holds at most. */
export const PAGE_ROWS = 512;

/**
 * An immutable sequence of rows of `width` 32-bit integers, kept in pages of at most PAGE_ROWS rows
 * (each page one Int32Array, field f of its row j at `f * PAGE_ROWS + j`). A version made by
 * `inserted` or `removed` shares every page but the one it changed: one insertion copies ~12 KB
 * for six fields, where copying whole columns of 10,000 rows copied 240 KB. In the page, fresh
 * memory for a typed array costs ~3 µs per KB (its pages are faulted in), so the copy itself was
 * most of the cost (docs/adr/0026).
 *
 * A version may be written (`set`) while it is being made, before it is handed out: it copies a
 * page it shares first, so no other version ever sees the write.
 */
export class PagedRows {
  /** The pages this version may write in place (made for it; no other version has them). */
  private owned: Set<Int32Array>;
  /** The page of the last lookup (scans go row after row). */
  private last = 0;

  private constructor(
    readonly width: number,
    private readonly pages: Int32Array[],
    /** starts[p]: the first row of page p; starts[pages.length]: the number of rows. */
    private readonly starts: number[],
    owned: Iterable<Int32Array>,
  ) {
    this.owned = new Set(owned);
  }

  /** The rows of these columns (all of one length): row k is `columns[f][k]` for each field f. */
  static from(columns: readonly Int32Array[]): PagedRows {
    const width = columns.length;
    const size = columns[0]?.length ?? 0;
    const pages: Int32Array[] = [];
    const starts = [0];
    for (let start = 0; start < size; start += PAGE_ROWS) {
      const end = Math.min(size, start + PAGE_ROWS);
      const page = new Int32Array(PAGE_ROWS * width);
      columns.forEach((column, f) => page.set(column.subarray(start, end), f * PAGE_ROWS));
      pages.push(page);
      starts.push(end);
    }
    return new PagedRows(width, pages, starts, pages);
  }

  get size(): number {
    return this.starts[this.pages.length]!;
  }

  /** Field `field` of row `k` (0 ≤ k < size). */
  get(field: number, k: number): number {
    const p = this.pageOf(k);
    return this.pages[p]![field * PAGE_ROWS + k - this.starts[p]!]!;
  }

  /** A new version with a row of these values (one per field) inserted at `at` (0 ≤ at ≤ size). */
  inserted(at: number, values: readonly number[]): PagedRows {
    this.owned.clear();
    const { width } = this;
    if (this.pages.length === 0) {
      const page = new Int32Array(PAGE_ROWS * width);
      values.forEach((v, f) => (page[f * PAGE_ROWS] = v));
      return new PagedRows(width, [page], [0, 1], [page]);
    }
    const p = at === this.size ? this.pages.length - 1 : this.pageOf(at);
    const start = this.starts[p]!;
    const count = this.starts[p + 1]! - start;
    const j = at - start;
    const old = this.pages[p]!;
    // The page's rows with the new one: in one page, or in two halves when the page was full.
    const cut = count < PAGE_ROWS ? count + 1 : (count + 1) >> 1;
    const made = [withRow(old, count, j, values, 0, cut, width)];
    if (cut <= count) made.push(withRow(old, count, j, values, cut, count + 1, width));
    const pages = this.pages.slice();
    pages.splice(p, 1, ...made);
    const starts = this.starts.slice(0, p + 1);
    if (made.length === 2) starts.push(start + cut);
    for (let q = p + 1; q < this.starts.length; q++) starts.push(this.starts[q]! + 1);
    return new PagedRows(width, pages, starts, made);
  }

  /** A new version without row `at` (0 ≤ at < size). */
  removed(at: number): PagedRows {
    this.owned.clear();
    const { width } = this;
    const p = this.pageOf(at);
    const start = this.starts[p]!;
    const count = this.starts[p + 1]! - start;
    const j = at - start;
    const old = this.pages[p]!;
    const pages = this.pages.slice();
    if (count === 1) {
      pages.splice(p, 1);
      const starts = this.starts.slice();
      starts.splice(p + 1, 1);
      for (let q = p + 1; q < starts.length; q++) starts[q] = starts[q]! - 1;
      return new PagedRows(width, pages, starts, []);
    }
    const left = count - 1;
    // A page fallen under a quarter full is merged with its next (or previous) page if they fit
    // in half a page together, so that removals do not leave a trail of small pages.
    const q = p + 1 < pages.length ? p + 1 : p - 1;
    const other = q >= 0 ? this.starts[q + 1]! - this.starts[q]! : Infinity;
    if (left < PAGE_ROWS / 4 && left + other <= PAGE_ROWS / 2) {
      const page = new Int32Array(PAGE_ROWS * width);
      const first = Math.min(p, q);
      let n = 0;
      for (const r of [first, first + 1]) {
        const rows = this.starts[r + 1]! - this.starts[r]!;
        if (r === p) {
          copyRows(old, 0, j, page, n, width);
          copyRows(old, j + 1, rows, page, n + j, width);
          n += rows - 1;
        } else {
          copyRows(this.pages[r]!, 0, rows, page, n, width);
          n += rows;
        }
      }
      pages.splice(first, 2, page);
      const starts = this.starts.slice();
      starts.splice(first + 1, 1);
      for (let r = first + 1; r < starts.length; r++) starts[r] = starts[r]! - 1;
      return new PagedRows(width, pages, starts, [page]);
    }
    const page = new Int32Array(PAGE_ROWS * width);
    copyRows(old, 0, j, page, 0, width);
    copyRows(old, j + 1, count, page, j, width);
    pages[p] = page;
    const starts = this.starts.slice();
    for (let r = p + 1; r < starts.length; r++) starts[r] = starts[r]! - 1;
    return new PagedRows(width, pages, starts, [page]);
  }

  /**
   * Writes field `field` of row `k`: only on a version being made (from `from`, `inserted` or
   * `removed`, not yet handed out). A page it shares with another version is copied first.
   */
  set(field: number, k: number, value: number): void {
    const p = this.pageOf(k);
    let page = this.pages[p]!;
    if (!this.owned.has(page)) {
      page = page.slice();
      this.pages[p] = page;
      this.owned.add(page);
    }
    page[field * PAGE_ROWS + k - this.starts[p]!] = value;
  }

  /** The first row whose field `field` is `value`, or -1 (linear). */
  indexOf(field: number, value: number): number {
    let start = 0;
    for (const [p, page] of this.pages.entries()) {
      const count = this.starts[p + 1]! - start;
      const at = page.subarray(field * PAGE_ROWS, field * PAGE_ROWS + count).indexOf(value);
      if (at >= 0) return start + at;
      start += count;
    }
    return -1;
  }

  /** The rows as columns (for tests and diagnostics). */
  toColumns(): Int32Array[] {
    const out = Array.from({ length: this.width }, () => new Int32Array(this.size));
    this.pages.forEach((page, p) => {
      const start = this.starts[p]!;
      const count = this.starts[p + 1]! - start;
      out.forEach((column, f) => column.set(page.subarray(f * PAGE_ROWS, f * PAGE_ROWS + count), start));
    });
    return out;
  }

  /** How many pages hold the rows (for tests). */
  get pageCount(): number {
    return this.pages.length;
  }

  private pageOf(k: number): number {
    const { starts } = this;
    const last = this.last;
    if (starts[last]! <= k && k < starts[last + 1]!) return last;
    // The first page that ends after k.
    let lo = 0;
    let hi = this.pages.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid + 1]! > k) hi = mid;
      else lo = mid + 1;
    }
    this.last = lo;
    return lo;
  }
}

/** Rows [from, to) of page `src` copied to page `dst` from row `at`, every field. */
function copyRows(src: Int32Array, from: number, to: number, dst: Int32Array, at: number, width: number): void {
  if (to <= from) return;
  for (let f = 0; f < width; f++) dst.set(src.subarray(f * PAGE_ROWS + from, f * PAGE_ROWS + to), f * PAGE_ROWS + at);
}

/**
 * A new page holding rows [from, to) of page `old` (of `count` rows) as it would be with a row of
 * `values` inserted at `j`.
 */
function withRow(old: Int32Array, count: number, j: number, values: readonly number[], from: number, to: number, width: number): Int32Array {
  const page = new Int32Array(PAGE_ROWS * width);
  // Rows before j are where they were; rows after it come from one place earlier.
  copyRows(old, from, Math.min(to, j), page, 0, width);
  if (from <= j && j < to) values.forEach((v, f) => (page[f * PAGE_ROWS + j - from] = v));
  const after = Math.max(from, j + 1);
  copyRows(old, after - 1, Math.min(to, count + 1) - 1, page, after - from, width);
  return page;
}

/** Items a page of PagedInts holds. */
export const PAGE_INTS = 1024;
const PAGE_INTS_SHIFT = 10;

/**
 * A fixed-length array of 32-bit integers in pages of PAGE_INTS, whose versions share the pages
 * neither has written since they parted: `copy` costs the list of pages, a write the page it falls
 * in (once per version). For a hash table of 10,000 spans that each change copied whole (64 KB of
 * fresh memory; see PagedRows).
 */
export class PagedInts {
  /** The pages this version may write in place (made for it; no other version has them). */
  private owned: Set<Int32Array>;

  private constructor(
    readonly length: number,
    private readonly pages: Int32Array[],
    owned: Iterable<Int32Array>,
  ) {
    this.owned = new Set(owned);
  }

  /** `length` zeros. */
  static zeros(length: number): PagedInts {
    const pages = Array.from({ length: Math.ceil(length / PAGE_INTS) }, (_, p) => new Int32Array(Math.min(PAGE_INTS, length - p * PAGE_INTS)));
    return new PagedInts(length, pages, pages);
  }

  get(i: number): number {
    return this.pages[i >> PAGE_INTS_SHIFT]![i & (PAGE_INTS - 1)]!;
  }

  /** Writes item i: on a version being made (not handed out); a page it shares is copied first. */
  set(i: number, value: number): void {
    const p = i >> PAGE_INTS_SHIFT;
    let page = this.pages[p]!;
    if (!this.owned.has(page)) {
      page = page.slice();
      this.pages[p] = page;
      this.owned.add(page);
    }
    page[i & (PAGE_INTS - 1)] = value;
  }

  /** A new version, the same items; neither writes the other's pages from now on. */
  copy(): PagedInts {
    this.owned.clear();
    return new PagedInts(this.length, this.pages.slice(), []);
  }

  /** The items as one array (for tests and diagnostics). */
  toArray(): Int32Array {
    const out = new Int32Array(this.length);
    this.pages.forEach((page, p) => out.set(page, p * PAGE_INTS));
    return out;
  }
}
