// The quick shape checks against the zod schemas they stand in for: a file they pass is one zod
// accepts, giving the same canonical layer or document; files they refuse go to zod.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDocument, canonicalLayer } from '../../src/core/layer';
import type { GlossDocument, Layer } from '../../src/core/model';
import { isDocumentEntriesShape, isDocumentFileShape, isLayerFileShape } from '../../src/core/quick-shape';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { documentSchema, layerSchema, manifestSchema, parseManifestJson } from '../../src/core/validate';

const SEED = 20261127;
const T = '2024-05-03T10:00:00.000Z';
const SHA = 'a'.repeat(64);

function layerJson(): Layer {
  const span = (id: string, start: number, end: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id,
    label: 'Person',
    start,
    end,
    quote: 'Maria',
    attributes: { normalized: 'Maria Lopez', confidence: 0.5, checked: true },
    origin: 'manual',
    createdAt: T,
    updatedAt: T,
    ...extra,
  });
  return JSON.parse(
    JSON.stringify({
      format: 'gloss.layer',
      version: 1,
      offsetUnit: 'codepoint',
      document: 'digest',
      textSha256: SHA,
      annotator: 'alice',
      status: 'in-progress',
      updatedAt: T,
      spans: [span('s1', 0, 5), span('s2', 10, 20, { note: 'two\nlines', fragments: [{ start: 10, end: 12 }, { start: 15, end: 20 }] })],
      relations: [{ id: 'r1', type: 'works-for', from: 's1', to: 's2' }],
      comments: [
        { id: 'c1', target: { annotator: 'alice', spanId: 's1' }, author: 'bob', text: 'sure?', createdAt: T, resolved: false },
        { id: 'c2', target: null, author: 'bob', text: 'done', createdAt: T, resolved: true },
      ],
    }),
  ) as Layer;
}

function documentJson(): GlossDocument {
  return JSON.parse(
    JSON.stringify({
      format: 'gloss.document',
      version: 1,
      offsetUnit: 'codepoint',
      id: 'digest',
      title: 'Digest',
      text: 'Maria 🌍 Lopez\n\nOslo',
      blocks: [
        { type: 'heading', start: 0, end: 13, level: 1 },
        { type: 'paragraph', start: 15, end: 19, page: 2 },
      ],
      marks: [{ type: 'link', start: 15, end: 19, href: 'https://oslo.no' }],
      meta: { source: 'digest.txt', format: 'txt', language: 'en', date: '2024-05-03' },
      textSha256: SHA,
      importedAt: T,
    }),
  ) as GlossDocument;
}

/** Values a mutation puts somewhere: right and wrong types, edge numbers, odd names. */
const VALUES: unknown[] = [null, 0, -1, 1.5, 2 ** 53, 7, '', 'x', 'alice', 'a/b', 'Person', 'todo', 'link', true, false, [], {}, [{}], { start: 1, end: 2 }];

type Path = (string | number)[];

/** Every path to a value inside `value`, the root excluded. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: Path[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path, ...paths(child, path));
  }
  return out;
}

/** A mutation: set, delete or add a key at a path (applied to a fresh copy). */
type Mutation = { path: Path; op: 'set'; value: unknown } | { path: Path; op: 'delete' } | { path: Path; op: 'add'; key: string; value: unknown };

function mutate<T>(original: T, mutations: Mutation[]): unknown {
  const copy = JSON.parse(JSON.stringify(original)) as unknown;
  for (const m of mutations) {
    let parent = copy as Record<string | number, unknown>;
    for (const key of m.path.slice(0, -1)) {
      const next = parent[key];
      if (typeof next !== 'object' || next === null) break;
      parent = next as Record<string | number, unknown>;
    }
    const last = m.path[m.path.length - 1]!;
    if (m.op === 'set') parent[last] = m.value;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      // An own key, as JSON.parse makes it (assigning "__proto__" would set the prototype instead).
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return copy;
}

function mutations(original: unknown): fc.Arbitrary<Mutation[]> {
  const all = paths(original);
  const path = fc.constantFrom(...all);
  const value = fc.constantFrom(...VALUES);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ path, op: fc.constant('set' as const), value }),
    fc.record({ path, op: fc.constant('delete' as const) }),
    fc.record({ path, op: fc.constant('add' as const), key: fc.constantFrom('extra', 'id', 'note', 'fragments', '__proto__', 'decisions'), value }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

describe('isLayerFileShape', () => {
  it('passes a valid layer, and canonicalLayer of it is what zod gives', () => {
    const json = layerJson();
    expect(isLayerFileShape(json)).toBe(true);
    const parsed = layerSchema.safeParse(json);
    expect(parsed.success && canonicalLayer(parsed.data)).toEqual(canonicalLayer(json));
  });

  it('passes only what zod accepts, with the same canonical layer; refuses nothing else but decisions', () => {
    const original = layerJson();
    let passed = 0;
    fc.assert(
      fc.property(mutations(original), (ms) => {
        const json = mutate(original, ms);
        const parsed = layerSchema.safeParse(json);
        if (isLayerFileShape(json)) {
          passed++;
          expect(parsed.success).toBe(true);
          expect(canonicalLayer(json)).toEqual(canonicalLayer(parsed.data!));
        } else if (parsed.success) {
          // Left to zod on purpose: curation decisions, and an attribute zod drops.
          const attributeProto = JSON.stringify(json).includes('"__proto__"');
          expect(parsed.data.decisions !== undefined || attributeProto, JSON.stringify(ms)).toBe(true);
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
    // The mutations keep many layers valid (an extra key, another valid value), so both ways are tried.
    expect(passed).toBeGreaterThan(100);
  });

  it('refuses duplicate ids, a bad document id and a non-empty list of decisions', () => {
    const dup = layerJson();
    dup.spans[1]!.id = 's1';
    expect(isLayerFileShape(dup)).toBe(false);
    expect(layerSchema.safeParse(dup).success).toBe(false);
    expect(isLayerFileShape({ ...layerJson(), document: '../etc' })).toBe(false);
    expect(isLayerFileShape({ ...layerJson(), decisions: [] })).toBe(true);
    expect(isLayerFileShape({ ...layerJson(), decisions: [{ id: 'd' }] })).toBe(false);
    expect(isLayerFileShape('not a layer')).toBe(false);
  });
});

describe('isDocumentFileShape', () => {
  it('passes a valid document, and canonicalDocument of it is what zod gives', () => {
    const json = documentJson();
    expect(isDocumentFileShape(json)).toBe(true);
    const parsed = documentSchema.safeParse(json);
    expect(parsed.success && canonicalDocument(parsed.data)).toEqual(canonicalDocument(json));
  });

  it('passes exactly what zod accepts, with the same canonical document', () => {
    const original = documentJson();
    let passed = 0;
    fc.assert(
      fc.property(mutations(original), (ms) => {
        const json = mutate(original, ms);
        const parsed = documentSchema.safeParse(json);
        expect(isDocumentFileShape(json), JSON.stringify(ms)).toBe(parsed.success);
        if (parsed.success) {
          passed++;
          expect(canonicalDocument(json as GlossDocument)).toEqual(canonicalDocument(parsed.data));
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
    expect(passed).toBeGreaterThan(100);
  });

  it('refuses a block past the end of the text, counted in code points', () => {
    const json = documentJson();
    // 19 code points (the globe is one), 20 UTF-16 units.
    json.blocks[1]!.end = 20;
    expect(isDocumentFileShape(json)).toBe(false);
    expect(documentSchema.safeParse(json).success).toBe(false);
  });
});

describe('isDocumentEntriesShape (the manifest’s document list)', () => {
  const manifest = (): Record<string, unknown> =>
    JSON.parse(
      JSON.stringify({
        format: 'gloss.workspace',
        version: 1,
        name: 'ws',
        schema: DEFAULT_SCHEMA,
        documents: ['alpha', 'beta', 'gamma'].map((id, i) => ({ id, title: `T ${i}`, textSha256: SHA, importedAt: T, source: `${id}.txt`, format: 'txt', length: 10 + i })),
      }),
    ) as Record<string, unknown>;

  it('passes only lists zod accepts; parseManifestJson gives what zod alone gives, and zod’s error otherwise', () => {
    const original = manifest();
    let passed = 0;
    // Mutations inside the document list only (the schema is zod's either way).
    const inList = paths(original.documents).map((p) => ['documents', ...p]);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ path: fc.constantFrom(...inList), op: fc.constant('set' as const), value: fc.constantFrom(...VALUES, 'alpha', SHA) }),
      fc.record({ path: fc.constantFrom(...inList), op: fc.constant('delete' as const) }),
      fc.record({ path: fc.constantFrom(...inList), op: fc.constant('add' as const), key: fc.constantFrom('extra', 'id', '__proto__'), value: fc.constantFrom(...VALUES) }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const json = mutate(original, ms) as Record<string, unknown>;
        const zod = manifestSchema.safeParse(json);
        const documentsValid = zod.success || !zod.error.issues.some((issue) => issue.path[0] === 'documents');
        if (isDocumentEntriesShape(json.documents)) {
          passed++;
          expect(documentsValid, JSON.stringify(ms)).toBe(true);
        }
        const parsed = parseManifestJson(json, 'gloss.json');
        expect(parsed.ok, JSON.stringify(ms)).toBe(zod.success);
        if (parsed.ok && zod.success) expect(parsed.value.documents).toEqual(zod.data.documents.map((d) => ({ ...d })));
        if (!parsed.ok && !zod.success) expect(parsed.error.message).toContain('not a valid Gloss workspace manifest');
      }),
      { numRuns: 2000, seed: SEED },
    );
    expect(passed).toBeGreaterThan(100);
  });

  it('refuses a duplicate id, a bad id and a bad hash, which zod then names', () => {
    const dup = manifest();
    (dup.documents as { id: string }[])[2]!.id = 'alpha';
    expect(isDocumentEntriesShape(dup.documents)).toBe(false);
    const result = parseManifestJson(dup, 'gloss.json');
    expect(!result.ok && result.error.message).toMatch(/duplicate id "alpha"/u);
    const badId = manifest();
    (badId.documents as { id: string }[])[0]!.id = '../x';
    expect(isDocumentEntriesShape(badId.documents)).toBe(false);
    const badHash = manifest();
    (badHash.documents as { textSha256: string }[])[1]!.textSha256 = 'ABC';
    expect(isDocumentEntriesShape(badHash.documents)).toBe(false);
    expect(isDocumentEntriesShape(manifest().documents)).toBe(true);
  });
});
