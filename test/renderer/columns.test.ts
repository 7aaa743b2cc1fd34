import { describe, expect, it } from 'vitest';
import { grown, insertAt, insertAtAll, removeAt, removeAtAll } from '../../src/renderer/src/columns';

describe('typed column helpers', () => {
  it('insert and remove into a copy, leaving the array given as it was', () => {
    const a = Int32Array.from([1, 2, 3]);
    expect([...insertAt(a, 0, 9)]).toEqual([9, 1, 2, 3]);
    expect([...insertAt(a, 3, 9)]).toEqual([1, 2, 3, 9]);
    expect([...removeAt(a, 1)]).toEqual([1, 3]);
    expect([...a]).toEqual([1, 2, 3]);
  });

  it('insert into and remove from several columns at once, copies in one buffer, the columns given left as they were', () => {
    const a = Int32Array.from([1, 2, 3]);
    const b = Int32Array.from([4, 5, 6]);
    const inserted = insertAtAll([a, b], 1, [7, 8]);
    expect(inserted.map((c) => [...c])).toEqual([
      [1, 7, 2, 3],
      [4, 8, 5, 6],
    ]);
    expect(inserted[0]!.buffer).toBe(inserted[1]!.buffer);
    // Writing one copy leaves the other (and the originals) alone.
    inserted[0]![3] = 99;
    expect([...inserted[1]!]).toEqual([4, 8, 5, 6]);
    const removed = removeAtAll([a, b], 2);
    expect(removed.map((c) => [...c])).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(removeAtAll([Int32Array.from([1]), Int32Array.from([2])], 0).map((c) => c.length)).toEqual([0, 0]);
    expect([...a]).toEqual([1, 2, 3]);
    expect([...b]).toEqual([4, 5, 6]);
  });

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
});
