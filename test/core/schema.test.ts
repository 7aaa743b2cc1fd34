import { describe, expect, it } from 'vitest';
import type { LabelDef, Schema } from '../../src/core/model';
import { checkAttributes, COMMITMENT_STATUSES, DEFAULT_SCHEMA, findLabel, labelForKey, parseSchema } from '../../src/core/schema';

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

  it('passes its own parser unchanged', () => {
    expect(parseSchema(DEFAULT_SCHEMA)).toEqual({ ok: true, value: DEFAULT_SCHEMA });
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

describe('parseSchema', () => {
  const base = (): Schema => structuredClone(DEFAULT_SCHEMA);

  it('rejects what is not a schema', () => {
    const r = parseSchema({ labels: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-input');
      expect(r.error.message).toContain('labels');
    }
    expect(parseSchema(null).ok).toBe(false);
  });

  it('rejects duplicate label names and keys', () => {
    const s = base();
    s.labels[1]!.name = 'Person';
    expect(parseSchema(s).ok).toBe(false);
    const t = base();
    t.labels[1]!.key = '1';
    const r = parseSchema(t);
    expect(!r.ok && r.error.message).toContain('key "1" is used twice');
  });

  it('rejects bad colours, multi-character keys and enum attributes without values', () => {
    const s = base();
    s.labels[0]!.color = 'red';
    expect(parseSchema(s).ok).toBe(false);
    const t = base();
    t.labels[0]!.key = '10';
    expect(parseSchema(t).ok).toBe(false);
    const u = base();
    u.labels[7]!.attributes[0] = { name: 'status', type: 'enum' };
    const r = parseSchema(u);
    expect(!r.ok && r.error.message).toContain('"values"');
  });

  it('rejects relations naming unknown labels', () => {
    const s = base();
    s.relations[0]!.to.push('Ghost');
    const r = parseSchema(s);
    expect(!r.ok && r.error.message).toContain('unknown label "Ghost"');
  });

  it('accepts a label without key and drops unknown keys', () => {
    const r = parseSchema({
      labels: [{ name: 'Event', category: 'other', color: '#123456', attributes: [], extra: true }],
      relations: [],
    });
    expect(r).toEqual({
      ok: true,
      value: { labels: [{ name: 'Event', category: 'other', color: '#123456', attributes: [] }], relations: [] },
    });
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
