import { describe, expect, it } from 'vitest';
import { grown, insertAt, removeAt } from '../../src/renderer/src/columns';

describe('typed column helpers', () => {
  it('insert and remove into a copy, leaving the array given as it was', () => {
    const a = Int32Array.from([1, 2, 3]);
    expect([...insertAt(a, 0, 9)]).toEqual([9, 1, 2, 3]);
    expect([...insertAt(a, 3, 9)]).toEqual([1, 2, 3, 9]);
    expect([...removeAt(a, 1)]).toEqual([1, 3]);
    expect([...a]).toEqual([1, 2, 3]);
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
