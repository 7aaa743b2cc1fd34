import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/core/model';
import { compareLayers } from '../../src/core/review';
import type { ReviewItem, ReviewLayer } from '../../src/core/review';

const T0 = '2024-05-03T10:00:00.000Z';

let counter = 0;
/** A span; the quote is irrelevant to review, so it is a placeholder. */
function sp(label: string, start: number, end: number, extra: Partial<Span> = {}): Span {
  return {
    id: extra.id ?? `s${++counter}`,
    label,
    start,
    end,
    quote: 'x'.repeat(end - start),
    attributes: {},
    origin: 'manual',
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

function layer(annotator: string, spans: readonly Span[]): ReviewLayer {
  return { annotator, spans };
}

/** An item in short: kind, hull, versions as "annotator:label[start,end)", missing. */
function brief(item: ReviewItem): string {
  const versions = item.versions.map((v) => `${v.annotator}:${v.span.label}[${v.span.start},${v.span.end})`).join(' ');
  return `${item.kind} [${item.start},${item.end}) ${versions}${item.missing.length ? ` missing ${item.missing.join(',')}` : ''}`;
}

describe('compareLayers: kinds', () => {
  it('marks identical spans agreed, same range different label a label conflict, overlap a boundary mismatch, lone spans missing', () => {
    const items = compareLayers([
      layer('alice', [sp('Person', 0, 5), sp('Person', 10, 15), sp('Money', 20, 30), sp('Date', 40, 44)]),
      layer('bob', [sp('Person', 0, 5), sp('Organisation', 10, 15), sp('Money', 22, 30)]),
    ]);
    expect(items.map(brief)).toEqual([
      'agreed [0,5) alice:Person[0,5) bob:Person[0,5)',
      'label-conflict [10,15) alice:Person[10,15) bob:Organisation[10,15)',
      'boundary-mismatch [20,30) alice:Money[20,30) bob:Money[22,30)',
      'missing [40,44) alice:Date[40,44) missing bob',
    ]);
  });

  it('keeps nested spans agreed by everyone as separate agreed items', () => {
    const items = compareLayers([
      layer('alice', [sp('Commitment', 0, 100), sp('Quantity', 20, 30), sp('Money', 40, 50)]),
      layer('bob', [sp('Money', 40, 50), sp('Quantity', 20, 30), sp('Commitment', 0, 100)]),
    ]);
    expect(items.map(brief)).toEqual([
      'agreed [0,100) alice:Commitment[0,100) bob:Commitment[0,100)',
      'agreed [20,30) alice:Quantity[20,30) bob:Quantity[20,30)',
      'agreed [40,50) alice:Money[40,50) bob:Money[40,50)',
    ]);
  });

  it('keeps an agreed nested span apart from the disagreement around it', () => {
    const items = compareLayers([
      layer('alice', [sp('Commitment', 0, 100), sp('Quantity', 20, 30)]),
      layer('bob', [sp('Commitment', 0, 90), sp('Quantity', 20, 30)]),
    ]);
    expect(items.map(brief)).toEqual([
      'boundary-mismatch [0,100) alice:Commitment[0,100) bob:Commitment[0,90)',
      'agreed [20,30) alice:Quantity[20,30) bob:Quantity[20,30)',
    ]);
  });

  it('pairs nested disagreements by label, not into one cluster', () => {
    const items = compareLayers([
      layer('alice', [sp('Commitment', 0, 100), sp('Quantity', 20, 30)]),
      layer('bob', [sp('Commitment', 0, 90), sp('Quantity', 20, 32)]),
    ]);
    expect(items.map(brief)).toEqual([
      'boundary-mismatch [0,100) alice:Commitment[0,100) bob:Commitment[0,90)',
      'boundary-mismatch [20,32) alice:Quantity[20,30) bob:Quantity[20,32)',
    ]);
  });

  it('does not tie a small span of one label to a large one of another that holds it', () => {
    const items = compareLayers([layer('alice', [sp('Quantity', 20, 30)]), layer('bob', [sp('Commitment', 0, 90)])]);
    expect(items.map(brief)).toEqual([
      'missing [0,90) bob:Commitment[0,90) missing alice',
      'missing [20,30) alice:Quantity[20,30) missing bob',
    ]);
  });

  it('ties spans of different labels sharing at least half of what they cover', () => {
    // 6 of 10 code points in common: one item; 4 of 10: two.
    expect(compareLayers([layer('a', [sp('Person', 0, 10)]), layer('b', [sp('Organisation', 0, 6)])]).map(brief)).toEqual([
      'boundary-mismatch [0,10) a:Person[0,10) b:Organisation[0,6)',
    ]);
    expect(compareLayers([layer('a', [sp('Person', 0, 10)]), layer('b', [sp('Organisation', 0, 4)])]).map(brief)).toEqual([
      'missing [0,10) a:Person[0,10) missing b',
      'missing [0,4) b:Organisation[0,4) missing a',
    ]);
  });

  it('makes one item of a chain of overlaps', () => {
    const items = compareLayers([
      layer('alice', [sp('Person', 0, 5), sp('Person', 9, 15)]),
      layer('bob', [sp('Person', 4, 10)]),
    ]);
    expect(items.map(brief)).toEqual(['boundary-mismatch [0,15) alice:Person[0,5) alice:Person[9,15) bob:Person[4,10)']);
    // One annotator's own overlapping spans are tied only through someone else's.
    expect(compareLayers([layer('alice', [sp('Person', 0, 5), sp('Person', 3, 8)]), layer('bob', [])]).map(brief)).toEqual([
      'missing [0,5) alice:Person[0,5) missing bob',
      'missing [3,8) alice:Person[3,8) missing bob',
    ]);
  });

  it('chains through three annotators, and one split name against a whole one is one item', () => {
    const chain = compareLayers([
      layer('a', [sp('Location', 0, 5)]),
      layer('b', [sp('Location', 4, 10)]),
      layer('c', [sp('Location', 9, 15)]),
    ]);
    expect(chain.map(brief)).toEqual(['boundary-mismatch [0,15) a:Location[0,5) b:Location[4,10) c:Location[9,15)']);
    const split = compareLayers([layer('a', [sp('Person', 0, 5), sp('Person', 6, 11)]), layer('b', [sp('Person', 0, 11)])]);
    expect(split.map(brief)).toEqual(['boundary-mismatch [0,11) a:Person[0,5) a:Person[6,11) b:Person[0,11)']);
  });

  it('with three annotators: agreed needs all three; two agreeing and one missing or different are not agreed', () => {
    const items = compareLayers([
      layer('a', [sp('Person', 0, 5), sp('Date', 10, 14), sp('Money', 20, 25)]),
      layer('b', [sp('Person', 0, 5), sp('Date', 10, 14), sp('Money', 20, 25)]),
      layer('c', [sp('Organisation', 0, 5), sp('Money', 20, 25)]),
    ]);
    expect(items.map(brief)).toEqual([
      'label-conflict [0,5) a:Person[0,5) b:Person[0,5) c:Organisation[0,5)',
      'missing [10,14) a:Date[10,14) b:Date[10,14) missing c',
      'agreed [20,25) a:Money[20,25) b:Money[20,25) c:Money[20,25)',
    ]);
  });

  it('lists who is missing whatever the kind', () => {
    const [item] = compareLayers([layer('a', [sp('Person', 0, 5)]), layer('b', [sp('Person', 0, 7)]), layer('c', [])]);
    expect(item?.kind).toBe('boundary-mismatch');
    expect(item?.missing).toEqual(['c']);
  });

  it('matches duplicates as multisets: a second copy only one annotator has is missing for the other', () => {
    const items = compareLayers([
      layer('alice', [sp('Person', 0, 5, { id: 'a1' }), sp('Person', 0, 5, { id: 'a2' })]),
      layer('bob', [sp('Person', 0, 5, { id: 'b1' })]),
    ]);
    // Same hull: their order is the keys' order.
    expect(items.map(brief).sort()).toEqual(['agreed [0,5) alice:Person[0,5) bob:Person[0,5)', 'missing [0,5) alice:Person[0,5) missing bob']);
    expect(items.find((i) => i.kind === 'agreed')!.versions.map((v) => v.span.id)).toEqual(['a1', 'b1']);
    expect(items.find((i) => i.kind === 'missing')!.versions.map((v) => v.span.id)).toEqual(['a2']);
  });

  it('gives identical items distinct keys', () => {
    const items = compareLayers([
      layer('alice', [sp('Person', 0, 5, { id: 'a1' }), sp('Person', 0, 5, { id: 'a2' })]),
      layer('bob', [sp('Person', 0, 5, { id: 'b1' }), sp('Person', 0, 5, { id: 'b2' })]),
    ]);
    expect(items.map((i) => i.kind)).toEqual(['agreed', 'agreed']);
    expect(items[1]!.key).toBe(`${items[0]!.key}~2`);
  });

  it('compares discontinuous spans by their fragments', () => {
    const frags = [
      { start: 0, end: 3 },
      { start: 6, end: 9 },
    ];
    expect(compareLayers([layer('a', [sp('Person', 0, 9, { fragments: frags })]), layer('b', [sp('Person', 0, 9, { fragments: frags })])]).map((i) => i.kind)).toEqual([
      'agreed',
    ]);
    // Same hull, no fragments: a boundary mismatch (they overlap on the fragments).
    expect(compareLayers([layer('a', [sp('Person', 0, 9, { fragments: frags })]), layer('b', [sp('Person', 0, 9)])]).map((i) => i.kind)).toEqual([
      'boundary-mismatch',
    ]);
    // Inside the hull, in the gap: no common code point, no tie.
    expect(compareLayers([layer('a', [sp('Person', 0, 9, { fragments: frags })]), layer('b', [sp('Person', 3, 6)])]).map((i) => i.kind)).toEqual([
      'missing',
      'missing',
    ]);
  });

  it('flags agreed versions whose attributes differ', () => {
    const items = compareLayers([
      layer('a', [sp('Money', 0, 5, { attributes: { value: 5, currency: 'USD' } }), sp('Date', 10, 14, { attributes: { normalized: '2024' } })]),
      layer('b', [sp('Money', 0, 5, { attributes: { currency: 'USD', value: 5e9 } }), sp('Date', 10, 14, { attributes: { normalized: '2024' } })]),
    ]);
    expect(items.map((i) => [i.kind, i.attributesDiffer])).toEqual([
      ['agreed', true],
      ['agreed', false],
    ]);
  });

  it('refuses an annotator given twice', () => {
    expect(() => compareLayers([layer('a', []), layer('a', [])])).toThrow(/distinct/);
  });
});

describe('compareLayers: keys', () => {
  const alice = () => layer('alice', [sp('Person', 0, 5), sp('Money', 20, 30), sp('Date', 40, 44)]);
  const bob = () => layer('bob', [sp('Person', 0, 5), sp('Money', 22, 30)]);

  it('are the same after a reload: new ids and times, other layer order', () => {
    const first = compareLayers([alice(), bob()]).map((i) => i.key);
    const again = compareLayers([
      layer('bob', bob().spans.map((s) => ({ ...s, id: `x${s.id}`, updatedAt: '2025-01-01T00:00:00.000Z' }))),
      alice(),
    ]).map((i) => i.key);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(3);
    expect(first[0]).toMatch(/^0-5-[0-9a-f]{14}$/);
  });

  it('change when what an annotator marked changes, or who is compared', () => {
    const first = compareLayers([alice(), bob()]).map((i) => i.key);
    const moved = compareLayers([alice(), layer('bob', [sp('Person', 0, 5), sp('Money', 21, 30)])]).map((i) => i.key);
    expect(moved[0]).toBe(first[0]);
    expect(moved[1]).not.toBe(first[1]);
    const other = compareLayers([alice(), layer('carol', bob().spans)]).map((i) => i.key);
    expect(other[0]).not.toBe(first[0]);
  });
});

describe('compareLayers: properties', () => {
  const labels = ['Person', 'Organisation', 'Money'];
  const spanArb = fc
    .record({ label: fc.constantFrom(...labels), start: fc.integer({ min: 0, max: 40 }), length: fc.integer({ min: 1, max: 12 }) })
    .map(({ label, start, length }) => ({ label, start, end: start + length }));
  const layersArb = fc.array(fc.array(spanArb, { maxLength: 8 }), { minLength: 2, maxLength: 4 });

  it('puts every span in exactly one item; agreed items have one identical version per annotator; keys are unique', () => {
    fc.assert(
      fc.property(layersArb, (raw) => {
        const layers = raw.map((spans, a) => layer(`ann${a}`, spans.map((s, i) => sp(s.label, s.start, s.end, { id: `a${a}-${i}` }))));
        const items = compareLayers(layers);
        const placed = items.flatMap((item) => item.versions.map((v) => `${v.annotator}/${v.span.id}`)).sort();
        const all = layers.flatMap((l) => l.spans.map((s) => `${l.annotator}/${s.id}`)).sort();
        expect(placed).toEqual(all);
        expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
        for (const item of items) {
          const who = item.versions.map((v) => v.annotator);
          expect([...new Set(who), ...item.missing].sort()).toEqual(layers.map((l) => l.annotator).sort());
          expect(item.start).toBe(Math.min(...item.versions.map((v) => v.span.start)));
          expect(item.end).toBe(Math.max(...item.versions.map((v) => v.span.end)));
          if (item.kind === 'agreed') {
            expect(who).toEqual(layers.map((l) => l.annotator));
            const [first] = item.versions;
            for (const v of item.versions) expect([v.span.label, v.span.start, v.span.end]).toEqual([first!.span.label, first!.span.start, first!.span.end]);
          }
        }
        // The keys do not depend on the order the layers are given in.
        const reversed = compareLayers([...layers].reverse());
        expect(reversed.map((i) => i.key).sort()).toEqual(items.map((i) => i.key).sort());
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});
