import { describe, expect, it } from 'vitest';
import type { LabelDef } from '../../src/core/model';
import { checkAttributes, COMMITMENT_STATUSES, DEFAULT_SCHEMA, findLabel, labelForKey } from '../../src/core/schema';

function label(name: string): LabelDef {
  const l = findLabel(DEFAULT_SCHEMA, name);
  if (!l) throw new Error(`no label ${name}`);
  return l;
}

describe('DEFAULT_SCHEMA', () => {
  it('has the eight labels of DESIGN.md §4 on keys 1..8 in order', () => {
    expect(DEFAULT_SCHEMA.labels.map((l) => [l.key, l.name, l.category])).toEqual([
      ['1', 'Person', 'entity'],
      ['2', 'Organisation', 'entity'],
      ['3', 'Location', 'entity'],
      ['4', 'Money', 'figure'],
      ['5', 'Percent', 'figure'],
      ['6', 'Quantity', 'figure'],
      ['7', 'Date', 'figure'],
      ['8', 'Commitment', 'commitment'],
    ]);
  });

  it('types the attributes as the design says', () => {
    const attrs = (name: string): [string, string][] => label(name).attributes.map((a) => [a.name, a.type]);
    expect(attrs('Person')).toEqual([['normalized', 'text']]);
    expect(attrs('Money')).toEqual([['value', 'number'], ['currency', 'text']]);
    expect(attrs('Percent')).toEqual([['value', 'number']]);
    expect(attrs('Quantity')).toEqual([['value', 'number'], ['unit', 'text']]);
    expect(attrs('Date')).toEqual([['normalized', 'text']]);
    expect(attrs('Commitment')).toEqual([['status', 'enum'], ['deadline', 'text']]);
    expect(label('Commitment').attributes[0]!.values).toEqual(['planned', 'in progress', 'completed', 'under consideration']);
    expect(COMMITMENT_STATUSES).toHaveLength(4);
  });

  it('has distinct #rrggbb colours', () => {
    const colours = DEFAULT_SCHEMA.labels.map((l) => l.color.toLowerCase());
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('has the relations actor, amount and when from Commitment', () => {
    expect(DEFAULT_SCHEMA.relations).toEqual([
      { type: 'actor', from: ['Commitment'], to: ['Person', 'Organisation', 'Location'] },
      { type: 'amount', from: ['Commitment'], to: ['Money', 'Percent', 'Quantity'] },
      { type: 'when', from: ['Commitment'], to: ['Date'] },
    ]);
  });
});

describe('findLabel and labelForKey', () => {
  it('find labels by exact name and by key', () => {
    expect(findLabel(DEFAULT_SCHEMA, 'Money')?.key).toBe('4');
    expect(findLabel(DEFAULT_SCHEMA, 'money')).toBeUndefined();
    expect(labelForKey(DEFAULT_SCHEMA, '8')?.name).toBe('Commitment');
    expect(labelForKey(DEFAULT_SCHEMA, '9')).toBeUndefined();
    expect(labelForKey(DEFAULT_SCHEMA, '')).toBeUndefined();
  });
});

describe('checkAttributes', () => {
  it('accepts valid values and no attributes at all', () => {
    expect(checkAttributes(label('Money'), { value: 1.4e9, currency: 'USD' })).toEqual([]);
    expect(checkAttributes(label('Commitment'), { status: 'in progress', deadline: 'next year and a half' })).toEqual([]);
    expect(checkAttributes(label('Person'), {})).toEqual([]);
  });

  it('names unknown attributes', () => {
    const messages = checkAttributes(label('Person'), { value: 3 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('unknown attribute "value"');
    expect(messages[0]).toContain('normalized');
  });

  it('rejects wrong types', () => {
    expect(checkAttributes(label('Money'), { value: '1.4 billion' })[0]).toMatch(/"value".*expected a number/);
    expect(checkAttributes(label('Money'), { value: Number.NaN })[0]).toMatch(/finite/);
    expect(checkAttributes(label('Money'), { currency: 840 })[0]).toMatch(/"currency".*expected text/);
  });

  it('rejects enum values outside the list', () => {
    const [m] = checkAttributes(label('Commitment'), { status: 'done' });
    expect(m).toContain('expected one of "planned", "in progress", "completed", "under consideration"');
    expect(m).toContain('"done"');
    expect(checkAttributes(label('Commitment'), { status: true })).toHaveLength(1);
  });

  it('checks boolean attributes and reports every problem', () => {
    const l: LabelDef = {
      name: 'Flag',
      category: 'other',
      color: '#000000',
      attributes: [{ name: 'negated', type: 'boolean' }],
    };
    expect(checkAttributes(l, { negated: false })).toEqual([]);
    expect(checkAttributes(l, { negated: 'no', other: 1 })).toHaveLength(2);
  });
});

describe('DEFAULT_SCHEMA immutability', () => {
  it('is frozen deeply, and a structured clone can be edited', () => {
    expect(Object.isFrozen(DEFAULT_SCHEMA)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCHEMA.labels[0]!.attributes)).toBe(true);
    expect(() => {
      (DEFAULT_SCHEMA.labels as LabelDef[]).push({ name: 'X', category: 'other', color: '#000000', attributes: [] });
    }).toThrow(TypeError);
    const copy = structuredClone(DEFAULT_SCHEMA);
    copy.labels[0]!.name = 'Human';
    expect(DEFAULT_SCHEMA.labels[0]!.name).toBe('Person');
  });
});
