import { describe, expect, it } from 'vitest';
import type { Schema } from '../../../src/core/model';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { labelColorClass, labelColorRules } from '../../../src/renderer/src/labels';

describe('label colours', () => {
  it('gives each label a class by its place in the schema, unknown labels a grey one', () => {
    expect(labelColorClass(DEFAULT_SCHEMA, 'Person')).toBe('gl-c-0');
    expect(labelColorClass(DEFAULT_SCHEMA, 'Commitment')).toBe('gl-c-7');
    expect(labelColorClass(DEFAULT_SCHEMA, 'Ghost')).toBe('gl-c-none');
  });

  it('writes one rule per label and refuses anything that is not a hex colour', () => {
    const schema: Schema = {
      labels: [
        { name: 'A', category: 'other', color: '#4e79a7', attributes: [] },
        { name: 'B', category: 'other', color: 'red; } body { display: none', attributes: [] },
        { name: 'C', category: 'other', color: '#abc', attributes: [] },
      ],
      relations: [],
    };
    expect(labelColorRules(schema)).toEqual(['.gl-c-0 { --gl-color: #4e79a7; }', '.gl-c-2 { --gl-color: #abc; }']);
  });
});
