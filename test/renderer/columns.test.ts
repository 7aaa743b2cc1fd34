import { describe, expect, it } from 'vitest';
import { grown, PAGE_INTS, PAGE_ROWS, PagedInts, PagedRows } from '../../src/renderer/src/columns';

describe('typed column helpers', () => {
  it('grow by doubling, keeping the items used, and only when needed', () => {
    const a = Int32Array.from([5, 6, 7, 8]);
    expect(grown(a, 4)).toBe(a);
    const b = grown(a, 5);
    expect(b.length).toBe(8);
    expect([...b.subarray(0, 4)]).toEqual([5, 6, 7, 8]);
    const c = grown(Uint16Array.from([1, 2, 3, 4]), 20, 2);
    expect(c).toBeInstanceOf(Uint16Array);
    expect(c.length).toBe(32);
    expect([...c.subarray(0, 4)]).toEqual([1, 2, 0, 0]);
  });

  describe('PagedRows', () => {
    /** A seeded PRNG (mulberry32), so that a failure can be replayed. */
    function random(seed: number): () => number {
      return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    const rowsOf = (paged: PagedRows): number[][] => {
      const columns = paged.toColumns();
      return Array.from({ length: paged.size }, (_, k) => columns.map((c) => c[k]!));
    };
    const viaGet = (paged: PagedRows): number[][] =>
      Array.from({ length: paged.size }, (_, k) => Array.from({ length: paged.width }, (_, f) => paged.get(f, k)));

    it('holds the columns it is made from, in pages of at most PAGE_ROWS rows', () => {
      const n = PAGE_ROWS * 2 + 7;
      const a = Int32Array.from({ length: n }, (_, k) => k);
      const b = Int32Array.from({ length: n }, (_, k) => -k);
      const paged = PagedRows.from([a, b]);
      expect(paged.size).toBe(n);
      expect(paged.pageCount).toBe(3);
      expect(paged.get(0, PAGE_ROWS)).toBe(PAGE_ROWS);
      expect(paged.get(1, n - 1)).toBe(-(n - 1));
      expect(paged.toColumns().map((c) => [...c])).toEqual([[...a], [...b]]);
      const empty = PagedRows.from([new Int32Array(0), new Int32Array(0)]);
      expect(empty.size).toBe(0);
      expect(rowsOf(empty.inserted(0, [1, 2]))).toEqual([[1, 2]]);
    });

    it('inserts and removes like an array, every older version left as it was', () => {
      const next = random(7);
      const model: number[][] = [];
      let paged = PagedRows.from([new Int32Array(0), new Int32Array(0), new Int32Array(0)]);
      const versions: [PagedRows, number[][]][] = [];
      for (let step = 0; step < 6000; step++) {
        // Grow to ~2,500 rows, then shrink to nothing: splits of full pages, then merges.
        const grow = step < 3000 ? next() < 0.85 : next() < 0.1;
        if (grow || model.length === 0) {
          const at = next() < 0.3 ? model.length : Math.floor(next() * (model.length + 1));
          const row = [step, at, -step - 1];
          model.splice(at, 0, row);
          paged = paged.inserted(at, row);
        } else {
          const at = Math.floor(next() * model.length);
          model.splice(at, 1);
          paged = paged.removed(at);
        }
        if (step % 500 === 0) versions.push([paged, model.map((r) => [...r])]);
        expect(paged.size).toBe(model.length);
      }
      expect(rowsOf(paged)).toEqual(model);
      for (const [version, rows] of versions) {
        expect(rowsOf(version)).toEqual(rows);
        expect(viaGet(version)).toEqual(rows);
      }
    });

    it('keeps its pages at least a quarter full on average as rows are removed (merging small ones)', () => {
      const n = PAGE_ROWS * 8;
      let paged = PagedRows.from([Int32Array.from({ length: n }, (_, k) => k)]);
      // Full pages split as rows go in...
      for (let k = 0; k < n; k += 2) paged = paged.inserted(k, [-1]);
      expect(paged.pageCount).toBeGreaterThan(8);
      // ...and pages that run low are merged as rows go out: never many more pages than rows need.
      for (let k = paged.size - 1; k >= 0; k -= 3) paged = paged.removed(k);
      for (let k = paged.size - 1; k >= 0; k -= 2) paged = paged.removed(k);
      expect(paged.pageCount).toBeLessThanOrEqual(Math.ceil(paged.size / (PAGE_ROWS / 4)) + 1);
    });

    it('writes a version being made without touching the versions it shares pages with', () => {
      const n = PAGE_ROWS * 3;
      const base = PagedRows.from([Int32Array.from({ length: n }, (_, k) => k), new Int32Array(n)]);
      const made = base.inserted(PAGE_ROWS + 1, [42, 42]);
      // Rows on the page the insertion copied, and on pages it shares with base.
      made.set(1, PAGE_ROWS + 2, 7);
      made.set(1, 0, 9);
      made.set(1, n, 8);
      expect(made.get(1, PAGE_ROWS + 2)).toBe(7);
      expect(made.get(1, 0)).toBe(9);
      expect(made.get(1, n)).toBe(8);
      expect([...base.toColumns()[1]!]).toEqual(new Array(n).fill(0));
      // Once a version has been derived from, writing it no longer reaches the derived one.
      const later = made.removed(5);
      made.set(1, 0, 1);
      expect(later.get(1, 0)).toBe(9);
      expect(made.get(1, 0)).toBe(1);
    });
  });

  describe('PagedInts', () => {
    it('reads and writes like an array, a copy sharing nothing it writes with the original', () => {
      const n = PAGE_INTS * 2 + 5;
      const a = PagedInts.zeros(n);
      for (let i = 0; i < n; i += 3) a.set(i, i + 1);
      expect(a.length).toBe(n);
      const expected = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? i + 1 : 0));
      expect(a.toArray()).toEqual(expected);
      const b = a.copy();
      b.set(0, -1);
      b.set(n - 1, -2);
      expect(b.get(0)).toBe(-1);
      expect(b.get(n - 1)).toBe(-2);
      expect(b.get(3)).toBe(4);
      expect(a.toArray()).toEqual(expected);
      // Nor does the original, written after the copy (it is copied from, so its pages are shared).
      a.set(PAGE_INTS + 1, 99);
      expect(b.get(PAGE_INTS + 1)).toBe(0);
      expect(a.get(PAGE_INTS + 1)).toBe(99);
      expect(PagedInts.zeros(0).toArray()).toEqual(new Int32Array(0));
    });
  });

  it('PagedRows finds a value in a field, across pages', () => {
    const n = PAGE_ROWS + 10;
    const paged = PagedRows.from([Int32Array.from({ length: n }, (_, k) => k * 2)]);
    expect(paged.indexOf(0, (PAGE_ROWS + 3) * 2)).toBe(PAGE_ROWS + 3);
    expect(paged.indexOf(0, 6)).toBe(3);
    expect(paged.indexOf(0, 7)).toBe(-1);
    // Rows past a page's count (its unused room) are not found.
    expect(paged.removed(n - 1).indexOf(0, (n - 1) * 2)).toBe(-1);
  });
});
