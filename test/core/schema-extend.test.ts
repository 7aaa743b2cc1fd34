// Growing the schema for imported annotations: what is added, from hints or by inference, and
// that the result is always a valid schema and the input is never changed.

import { describe, expect, it } from 'vitest';
import type { ImportedItem, ImportedLayer } from '../../src/core/formats/types';
import type { Schema } from '../../src/core/model';
import { DEFAULT_SCHEMA, findLabel } from '../../src/core/schema';
import { parseSchema } from '../../src/core/schema-file';
import { describeAdditions, extendSchema } from '../../src/core/schema-extend';

function item(layer: Partial<ImportedLayer>): ImportedItem {
  return { text: 'Alice met Bob in Paris.', layers: [{ spans: [], relations: [], comments: [], ...layer }] };
}

describe('extendSchema', () => {
  it('adds unknown labels, relation types and attributes, and nothing for known ones', () => {
    const before = structuredClone(DEFAULT_SCHEMA);
    const { schema, added } = extendSchema(DEFAULT_SCHEMA, [
      item({
        spans: [
          { id: 'a', label: 'Person', start: 0, end: 5, attributes: { normalized: 'Alice', Mention: 'Name', Individual: true } },
          { id: 'b', label: 'Person', start: 10, end: 13 },
          { id: 'p', label: 'GPE', start: 17, end: 22, attributes: { population: 2100000 } },
        ],
        relations: [
          { type: 'Family', from: 'a', to: 'b' },
          { type: 'Located', from: 'a', to: 'p' },
          { type: 'Located', from: 'b', to: 'p' },
        ],
      }),
    ]);
    expect(added).toEqual([
      { kind: 'attribute', label: 'Person', name: 'Mention', type: 'text' },
      { kind: 'attribute', label: 'Person', name: 'Individual', type: 'boolean' },
      { kind: 'label', name: 'GPE' },
      { kind: 'attribute', label: 'GPE', name: 'population', type: 'number' },
      { kind: 'relation', name: 'Family' },
      { kind: 'relation', name: 'Located' },
    ]);
    expect(findLabel(schema, 'GPE')).toMatchObject({ category: 'other', attributes: [{ name: 'population', type: 'number' }] });
    // The default schema binds 1-8: an added label takes the first free digit.
    expect(findLabel(schema, 'GPE')?.key).toBe('9');
    expect(schema.relations.find((r) => r.type === 'Located')).toEqual({ type: 'Located', from: ['Person'], to: ['GPE'] });
    expect(parseSchema(schema).ok).toBe(true);
    expect(DEFAULT_SCHEMA).toEqual(before);
    expect(describeAdditions(added)).toBe(
      'label GPE; relation types Family, Located; attributes Person.Mention (text), Person.Individual (boolean), GPE.population (number)',
    );
  });

  it('adds nothing when the schema fits', () => {
    const { schema, added } = extendSchema(DEFAULT_SCHEMA, [item({ spans: [{ label: 'Money', start: 0, end: 5, attributes: { value: 5 } }] })]);
    expect(added).toEqual([]);
    expect(schema).toEqual(DEFAULT_SCHEMA);
  });

  it('gives added labels the free digit keys in order, then none; a free key of their own is kept', () => {
    const { schema } = extendSchema(DEFAULT_SCHEMA, [item({ spans: ['A', 'B', 'C'].map((label) => ({ label, start: 0, end: 1 })) })]);
    expect(['A', 'B', 'C'].map((name) => findLabel(schema, name)?.key)).toEqual(['9', '0', undefined]);
    expect(parseSchema(schema).ok).toBe(true);
    const hints: Schema = { labels: [{ name: 'Vehicle', key: 'v', category: 'entity', color: '#654321', attributes: [] }], relations: [] };
    const withHint = extendSchema(DEFAULT_SCHEMA, [item({ spans: [{ label: 'Vehicle', start: 0, end: 1 }, { label: 'D', start: 0, end: 1 }] })], { hints }).schema;
    expect(findLabel(withHint, 'Vehicle')?.key).toBe('v');
    expect(findLabel(withHint, 'D')?.key).toBe('9');
  });

  it('gives new labels distinct colours not used by the schema', () => {
    const labels = ['A', 'B', 'C', 'D', 'E'];
    const { schema } = extendSchema(DEFAULT_SCHEMA, [item({ spans: labels.map((label) => ({ label, start: 0, end: 1 })) })]);
    const colours = schema.labels.map((l) => l.color);
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('takes definitions from hints, dropping a taken key and labels the schema does not have', () => {
    const hints: Schema = {
      labels: [
        { name: 'Weapon', key: '1', category: 'entity', color: '#123456', attributes: [{ name: 'kind', type: 'enum', values: ['gun', 'knife'] }] },
        { name: 'Vehicle', key: 'v', category: 'entity', color: '#654321', attributes: [] },
      ],
      relations: [{ type: 'uses', from: ['Person', 'Vehicle'], to: ['Weapon'] }],
    };
    const { schema } = extendSchema(
      DEFAULT_SCHEMA,
      [item({ spans: [{ id: 'w', label: 'Weapon', start: 0, end: 5 }, { id: 'p', label: 'Person', start: 10, end: 13 }], relations: [{ type: 'uses', from: 'p', to: 'w' }] })],
      { hints },
    );
    // Its own key "1" is taken: it gets the first free digit instead.
    expect(findLabel(schema, 'Weapon')).toEqual({ name: 'Weapon', key: '9', category: 'entity', color: '#123456', attributes: hints.labels[0]!.attributes });
    expect(findLabel(schema, 'Vehicle')).toBeUndefined();
    expect(schema.relations.find((r) => r.type === 'uses')).toEqual({ type: 'uses', from: ['Person'], to: ['Weapon'] });
    expect(parseSchema(schema).ok).toBe(true);
  });

  it('keeps the definition of an existing relation type unless told to widen it', () => {
    const spans = [
      { id: 'a', label: 'Person', start: 0, end: 5 },
      { id: 'b', label: 'Person', start: 10, end: 13 },
    ];
    const relations = [{ type: 'actor', from: 'a', to: 'b' }];
    const kept = extendSchema(DEFAULT_SCHEMA, [item({ spans, relations })]);
    expect(kept.schema.relations.find((r) => r.type === 'actor')).toEqual(DEFAULT_SCHEMA.relations[0]);
    const widened = extendSchema(DEFAULT_SCHEMA, [item({ spans, relations })], { widen: new Set(['actor']) });
    expect(widened.schema.relations.find((r) => r.type === 'actor')?.from).toEqual(['Commitment', 'Person']);
  });
});
