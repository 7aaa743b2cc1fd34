import { describe, expect, it } from 'vitest';
import { plural } from '../../src/core/plural';

describe('plural', () => {
  it('counts with thousands separators, as the app shows counts', () => {
    expect([plural(1, 'span'), plural(2, 'span'), plural(300_000, 'span'), plural(1_000, 'document')]).toEqual(['1 span', '2 spans', '300,000 spans', '1,000 documents']);
    expect(plural(3, 'temp file')).toBe('3 temp files');
    expect(plural(0, 'entry', 'entries')).toBe('0 entries');
  });
});
