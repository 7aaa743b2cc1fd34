import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringArena } from '../../src/renderer/src/stringArena';

const sign = (n: number) => Math.sign(n);
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('StringArena', () => {
  it('gives back, compares and orders strings as JavaScript does (surrogates, empty, long)', () => {
    const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constant(''), fc.constant('\ud800'));
    fc.assert(
      fc.property(fc.array(anyString, { minLength: 1, maxLength: 30 }), (strings) => {
        const arena = new StringArena();
        const at = strings.map((s) => arena.add(s));
        strings.forEach((s, i) => {
          expect(arena.get(at[i]!, s.length)).toBe(s);
          strings.forEach((t, j) => {
            expect(arena.equals(at[i]!, s.length, t)).toBe(s === t);
            expect(sign(arena.compareTo(at[i]!, s.length, t))).toBe(order(s, t));
            expect(sign(arena.compare(at[i]!, s.length, at[j]!, t.length))).toBe(order(s, t));
          });
        });
      }),
    );
  });

  it('grows past its first size, keeping what it held', () => {
    const arena = new StringArena();
    const first = arena.add('first');
    const long = 'é'.repeat(50_000);
    const at = arena.add(long);
    expect(arena.get(first, 5)).toBe('first');
    expect(arena.get(at, long.length)).toBe(long);
  });
});
