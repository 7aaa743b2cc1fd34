// The annotation schema: the default one for the reports' domain (DESIGN.md §4), look-ups by
// name and key, and attribute checking. Parsing a schema read from a manifest or a dataset is in
// schema-file.ts (zod): the renderer imports this module and does not need zod.

import type { AttributeDef, AttributeValue, LabelDef, Schema } from './model';

/** The values of the Commitment `status` attribute. */
export const COMMITMENT_STATUSES = ['planned', 'in progress', 'completed', 'under consideration'];

const normalized = (description: string): AttributeDef => ({
  name: 'normalized',
  type: 'text',
  description,
});

/** Freeze an object and everything in it: shared constants must not be edited in place. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The default schema of a new workspace: entities, figures and commitments (DESIGN.md §4).
 * Frozen: copy it (structuredClone) to change it.
 */
export const DEFAULT_SCHEMA: Schema = deepFreeze({
  labels: [
    {
      name: 'Person',
      key: '1',
      category: 'entity',
      color: '#4e79a7',
      attributes: [normalized('Canonical name, e.g. "Emomali Rahmon"')],
    },
    {
      name: 'Organisation',
      key: '2',
      category: 'entity',
      color: '#59a14f',
      attributes: [normalized('Canonical name of the organisation')],
    },
    {
      name: 'Location',
      key: '3',
      category: 'entity',
      color: '#9c755f',
      attributes: [normalized('Canonical place name')],
    },
    {
      name: 'Money',
      key: '4',
      category: 'figure',
      color: '#f28e2b',
      attributes: [
        { name: 'value', type: 'number', description: 'Amount as a number, e.g. 1400000000' },
        { name: 'currency', type: 'text', description: 'ISO 4217 code, three letters, e.g. USD' },
      ],
    },
    {
      name: 'Percent',
      key: '5',
      category: 'figure',
      color: '#c9a227',
      attributes: [{ name: 'value', type: 'number', description: 'The percentage, e.g. 18' }],
    },
    {
      name: 'Quantity',
      key: '6',
      category: 'figure',
      color: '#499894',
      attributes: [
        { name: 'value', type: 'number', description: 'The quantity as a number' },
        { name: 'unit', type: 'text', description: 'What is counted or measured, e.g. laboratories' },
      ],
    },
    {
      name: 'Date',
      key: '7',
      category: 'figure',
      color: '#b07aa1',
      attributes: [normalized('ISO 8601 date or period, e.g. 2023-04-27')],
    },
    {
      name: 'Commitment',
      key: '8',
      category: 'commitment',
      color: '#e15759',
      attributes: [
        {
          name: 'status',
          type: 'enum',
          values: [...COMMITMENT_STATUSES],
          description: 'How far the pledge or plan has got',
        },
        { name: 'deadline', type: 'text', description: 'When it is due, as stated or ISO 8601' },
      ],
    },
  ],
  relations: [
    { type: 'actor', from: ['Commitment'], to: ['Person', 'Organisation', 'Location'] },
    { type: 'amount', from: ['Commitment'], to: ['Money', 'Percent', 'Quantity'] },
    { type: 'when', from: ['Commitment'], to: ['Date'] },
  ],
});

/** The label of that name, if the schema has one. */
export function findLabel(schema: Schema, name: string): LabelDef | undefined {
  return schema.labels.find((l) => l.name === name);
}

/** The label bound to a keyboard key ("1".."9"), if any. */
export function labelForKey(schema: Schema, key: string): LabelDef | undefined {
  return schema.labels.find((l) => l.key !== undefined && l.key === key);
}

/** Messages for every attribute that the label does not allow (empty = all fine). */
export function checkAttributes(label: LabelDef, attrs: Record<string, AttributeValue>): string[] {
  const messages: string[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    const def = label.attributes.find((a) => a.name === name);
    if (!def) {
      const known = label.attributes.map((a) => a.name);
      messages.push(
        `unknown attribute "${name}" for label ${label.name}` +
          (known.length ? ` (known: ${known.join(', ')})` : ' (it has no attributes)'),
      );
      continue;
    }
    const problem = checkAttributeValue(def, value);
    if (problem) messages.push(`attribute "${name}" of ${label.name}: ${problem}`);
  }
  return messages;
}

function checkAttributeValue(def: AttributeDef, value: unknown): string | null {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' ? null : `expected text, got ${describe(value)}`;
    case 'number':
      if (typeof value !== 'number') return `expected a number, got ${describe(value)}`;
      return Number.isFinite(value) ? null : `expected a finite number, got ${String(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `expected true or false, got ${describe(value)}`;
    case 'enum': {
      const values = def.values ?? [];
      if (typeof value === 'string' && values.includes(value)) return null;
      return `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
