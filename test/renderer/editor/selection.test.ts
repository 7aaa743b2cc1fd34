import { describe, expect, it } from 'vitest';
import { CodePointIndex } from '../../../src/core/offsets';
import { trimRange } from '../../../src/renderer/src/editor/selection';

describe('trimRange', () => {
  const text = new CodePointIndex('  Emomali Rahmon \n met 🌍\u00a0\tthere');

  it('drops whitespace at both ends, in code points', () => {
    expect(trimRange(text, 0, 17)).toEqual({ start: 2, end: 16, quote: 'Emomali Rahmon' });
  });

  it('counts astral characters as one and trims Unicode spaces', () => {
    // "🌍" is code point 23; after it come a no-break space and a tab.
    expect(trimRange(text, 19, 26)).toEqual({ start: 19, end: 24, quote: 'met 🌍' });
  });

  it('keeps inner whitespace and newlines', () => {
    expect(trimRange(text, 2, 22)).toEqual({ start: 2, end: 22, quote: 'Emomali Rahmon \n met' });
  });

  it('gives nothing for a blank or empty selection', () => {
    expect(trimRange(text, 0, 2)).toBeNull();
    expect(trimRange(text, 16, 19)).toBeNull();
    expect(trimRange(text, 5, 5)).toBeNull();
    expect(trimRange(text, 6, 5)).toBeNull();
  });
});
