// Growing a schema to fit imported annotations: the labels, relation types and attributes a file
// uses and the schema lacks are added (the importer says so; with --strict it refuses instead).

import type { ImportedItem } from './formats/types';
import type { AttributeType, AttributeValue, LabelDef, RelationDef, Schema } from './model';
import { findLabel } from './schema';

/** One thing added to a schema. */
export type SchemaAddition =
  | { kind: 'label'; name: string }
  | { kind: 'relation'; name: string }
  | { kind: 'attribute'; label: string; name: string; type: AttributeType };

/** The schema grown to fit, and what was added (empty = the schema already fitted). */
export interface SchemaExtension {
  schema: Schema;
  added: SchemaAddition[];
}

// Calm colours distinct from the default schema's, for labels that arrive without one.
const NEW_LABEL_COLOURS = [
  '#76b7b2',
  '#ff9da7',
  '#edc948',
  '#bab0ac',
  '#a0cbe8',
  '#8cd17d',
  '#d37295',
  '#86bcb6',
  '#b6992d',
  '#d4a6c8',
  '#9d7660',
  '#79706e',
];

/** The keys given to added labels, in this order: the digits work in annotating and in review (Shift + digit). */
const LABEL_KEYS = '1234567890';

function attributeType(value: AttributeValue): AttributeType {
  return typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'text';
}

/** Options of extendSchema. */
export interface ExtendOptions {
  /** Definitions to use for what is added: a dataset's own schema. */
  hints?: Schema;
  /**
   * Relation types whose allowed labels may grow (types added earlier in the same import);
   * other existing types keep their definition.
   */
  widen?: ReadonlySet<string>;
}

/**
 * The schema extended with every label, relation type and attribute that `items` use and it
 * lacks; never mutates `schema`. A label or relation type that `hints` defines (a dataset's own
 * schema) is added as defined there; otherwise a label gets category "other" and an unused
 * colour, and the first free digit as its key (none when all ten are taken); so does a label
 * `hints` defines with a key already taken, while one `hints` defines without a key keeps none.
 * A relation type gets the labels it was seen between, an attribute the type of its first value.
 * Values that do not fit an existing (or just added) attribute are left for the checks.
 */
export function extendSchema(schema: Schema, items: readonly ImportedItem[], options: ExtendOptions = {}): SchemaExtension {
  const { hints, widen = new Set<string>() } = options;
  const next: Schema = structuredClone(schema);
  const added: SchemaAddition[] = [];
  const usedColours = new Set(next.labels.map((l) => l.color.toLowerCase()));
  const usedKeys = new Set(next.labels.flatMap((l) => (l.key !== undefined ? [l.key] : [])));
  let colourTurn = 0;
  const freshColour = (): string => {
    const unused = NEW_LABEL_COLOURS.find((c) => !usedColours.has(c));
    const colour = unused ?? NEW_LABEL_COLOURS[colourTurn++ % NEW_LABEL_COLOURS.length]!;
    usedColours.add(colour);
    return colour;
  };

  const labelFor = (name: string): LabelDef => {
    const known = findLabel(next, name);
    if (known) return known;
    const hint = hints ? findLabel(hints, name) : undefined;
    const { name: labelName, key: ownKey, ...rest }: LabelDef = hint ? structuredClone(hint) : { name, category: 'other', color: freshColour(), attributes: [] };
    // A label the dataset defines keeps having no key if it has none; one whose key is taken, or
    // that arrives without a definition, gets the first free digit, if one is left.
    const wantsKey = !hint || ownKey !== undefined;
    const key = ownKey !== undefined && !usedKeys.has(ownKey) ? ownKey : wantsKey ? [...LABEL_KEYS].find((k) => !usedKeys.has(k)) : undefined;
    // In the schema's key order (name, key, ...), as the manifest is written.
    const label: LabelDef = { name: labelName, ...(key !== undefined ? { key } : {}), ...rest };
    if (key !== undefined) usedKeys.add(key);
    usedColours.add(label.color.toLowerCase());
    next.labels.push(label);
    added.push({ kind: 'label', name });
    return label;
  };

  for (const item of items) {
    for (const layer of item.layers) {
      const labelOfSpan = new Map<string, string>();
      for (const span of layer.spans) {
        const label = labelFor(span.label);
        if (span.id !== undefined) labelOfSpan.set(span.id, span.label);
        for (const [name, value] of Object.entries(span.attributes ?? {})) {
          if (label.attributes.some((a) => a.name === name)) continue;
          const type = attributeType(value);
          label.attributes.push({ name, type });
          added.push({ kind: 'attribute', label: label.name, name, type });
        }
      }
      for (const rel of layer.relations) {
        const from = labelOfSpan.get(rel.from);
        const to = labelOfSpan.get(rel.to);
        let def: RelationDef | undefined = next.relations.find((r) => r.type === rel.type);
        if (!def) {
          const hint = hints?.relations.find((r) => r.type === rel.type);
          def = hint ? structuredClone(hint) : { type: rel.type, from: [], to: [] };
          next.relations.push(def);
          added.push({ kind: 'relation', name: rel.type });
        } else if (!widen.has(rel.type) && !added.some((a) => a.kind === 'relation' && a.name === rel.type)) {
          // An existing relation type keeps its definition: what it allows is the schema's call.
          continue;
        }
        if (from !== undefined && !def.from.includes(from)) def.from.push(from);
        if (to !== undefined && !def.to.includes(to)) def.to.push(to);
      }
    }
  }
  // A dataset's relation definition may name labels that no span brought in: the schema allows
  // only labels it defines.
  const names = new Set(next.labels.map((l) => l.name));
  for (const a of added) {
    if (a.kind !== 'relation') continue;
    const def = next.relations.find((r) => r.type === a.name)!;
    def.from = def.from.filter((n) => names.has(n));
    def.to = def.to.filter((n) => names.has(n));
  }
  return { schema: next, added };
}

/** The additions in one line, e.g. `labels GPE, Organization; relation types Family; attributes Person.Mention (text)`. */
export function describeAdditions(added: readonly SchemaAddition[]): string {
  const parts: string[] = [];
  const labels = added.flatMap((a) => (a.kind === 'label' ? [a.name] : []));
  const relations = added.flatMap((a) => (a.kind === 'relation' ? [a.name] : []));
  const attributes = added.flatMap((a) => (a.kind === 'attribute' ? [`${a.label}.${a.name} (${a.type})`] : []));
  if (labels.length > 0) parts.push(`label${labels.length === 1 ? '' : 's'} ${labels.join(', ')}`);
  if (relations.length > 0) parts.push(`relation type${relations.length === 1 ? '' : 's'} ${relations.join(', ')}`);
  if (attributes.length > 0) parts.push(`attribute${attributes.length === 1 ? '' : 's'} ${attributes.join(', ')}`);
  return parts.join('; ');
}
