import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSpans } from '../../../src/core/layer';
import type { Span } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { encodeSpanTable } from '../../../src/core/span-table';
import type { SpanTable } from '../../../src/core/span-table';
import { PAGE_INTS, PAGE_ROWS } from '../../../src/renderer/src/columns';
import { SpanColumns } from '../../../src/renderer/src/session/spanColumns';

const TEXT = 'Над 💰 trade, the EBRD пообещал $1.4 billion to Dushanbe 𝔘 by 2025; Rahmon agreed.';
const text = new CodePointIndex(TEXT);
const T1 = '2024-05-01T12:00:00.000Z';
const T2 = '2024-05-02T08:30:00.000Z';

function span(id: string, label: string, start: number, end: number, extra: Partial<Span> = {}): Span {
  const quote = extra.quote ?? text.slice(start, end);
  return { id, label, start, end, quote, attributes: {}, origin: 'manual', createdAt: T1, updatedAt: T1, ...extra };
}

const sorted = (spans: Iterable<Span>): Span[] => [...spans].sort(compareSpans);

describe('SpanColumns', () => {
  const spans = [
    span('s3', 'Money', 31, 43, { attributes: { value: 1_400_000_000, currency: 'USD', exact: true }, note: 'from the annex' }),
    span('s1', 'Organisation', 18, 22, { attributes: { normalized: 'EBRD' }, origin: 'imported:brat', updatedAt: T2 }),
    // An orphan: its quote is not the text at its offsets.
    span('s2', 'Person', 4, 5, { quote: 'money bag' }),
    // Outside the text.
    span('far', 'Location', 500, 510, { quote: 'Khujand' }),
    span('frag', 'Commitment', 0, 43, { fragments: [{ start: 0, end: 3 }, { start: 23, end: 43 }] }),
    // Same range, ordered by label then id.
    span('b', 'Location', 47, 55),
    span('a', 'Location', 47, 55),
    span('𝔘-id', 'Date', 61, 65),
  ];

  it('gives back every span as it was given, in (start, end, label, id) order', () => {
    const columns = SpanColumns.from(spans, text);
    expect(columns.length).toBe(spans.length);
    expect(columns.size).toBe(spans.length);
    expect(columns.toArray()).toEqual(sorted(spans));
    expect([...columns]).toEqual(sorted(spans));
    expect(columns.map((s, i) => `${i}:${s.id}`)).toEqual(sorted(spans).map((s, i) => `${i}:${s.id}`));
    expect(columns.at(-1)).toEqual(sorted(spans).at(-1));
    expect(columns.at(spans.length)).toBeUndefined();
    for (const s of spans) {
      expect(columns.get(s.id)).toEqual(s);
      expect(columns.has(s.id)).toBe(true);
      expect(columns.indexOf(s.id)).toBe(sorted(spans).findIndex((x) => x.id === s.id));
    }
    expect(columns.get('s')).toBeUndefined();
    expect(columns.has('s10')).toBe(false);
    expect(columns.indexOf('nobody')).toBe(-1);
  });

  it('gives back origins and times past its dictionary of them (each span edited at its own moment)', () => {
    // 600 spans with 1,200 distinct times and 600 distinct origins: more than the dictionary holds.
    const many = Array.from({ length: 600 }, (_, i) =>
      span(`m${i}`, 'Date', i % 80, (i % 80) + 1, {
        origin: i % 2 ? `imported:file-${i}` : 'manual',
        createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
        updatedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
        ...(i % 3 === 0 ? { attributes: { n: i } } : {}),
      }),
    );
    const columns = SpanColumns.from(many, text);
    for (const s of many) expect(columns.get(s.id)).toEqual(s);
    // A change after the dictionary is full keeps its own times too.
    const later = span('m1', 'Date', 1, 2, { createdAt: many[1]!.createdAt, updatedAt: '2026-11-29T17:00:00.000Z', origin: 'manual' });
    expect(columns.with(new Map([['m1', later]])).get('m1')).toEqual(later);
  });

  it('keeps a quote only when it is not the text, and says so for drawing', () => {
    const columns = SpanColumns.from(spans, text);
    const drawn = (id: string) => columns.drawn(columns.rowOf(id));
    expect(drawn('s1')).toEqual({ start: 18, end: 22, label: 'Organisation', ownQuote: false, fragments: undefined });
    expect(drawn('s2').ownQuote).toBe(true);
    expect(drawn('far').ownQuote).toBe(true);
    expect(drawn('frag').fragments).toEqual([{ start: 0, end: 3 }, { start: 23, end: 43 }]);
    expect(columns.get('s2')!.quote).toBe('money bag');
    expect(columns.get('𝔘-id')!.quote).toBe(text.slice(61, 65));
    expect(columns.rowOf('none')).toBe(-1);
  });

  it('counts and filters by label without changing the order', () => {
    const columns = SpanColumns.from(spans, text);
    expect(Object.fromEntries(columns.labelCounts())).toEqual({ Money: 1, Organisation: 1, Person: 1, Location: 3, Commitment: 1, Date: 1 });
    const locations = columns.withLabel('Location');
    expect(locations.toArray().map((s) => s.id)).toEqual(['a', 'b', 'far']);
    expect(locations.indexOf('far')).toBe(2);
    expect(locations.get('far')).toEqual(spans[3]);
    expect(locations.has('s1')).toBe(false);
    expect(locations.get('s1')).toBeUndefined();
    expect(locations.labelCounts()).toEqual(new Map([['Location', 3]]));
    expect(columns.withLabel('Nothing').length).toBe(0);
  });

  it('makes a new version for a change and leaves the one before as it was', () => {
    const first = SpanColumns.from(spans, text);
    const relabelled = { ...spans[0]!, label: 'Date', updatedAt: T2 };
    const added = span('new', 'Person', 66, 72);
    const second = first.with(new Map<string, Span | undefined>([['s3', relabelled], ['s2', undefined], ['new', added]]));
    expect(second.get('s3')).toEqual(relabelled);
    expect(second.has('s2')).toBe(false);
    expect(second.get('new')).toEqual(added);
    expect(second.toArray()).toEqual(sorted([...spans.filter((s) => s.id !== 's3' && s.id !== 's2'), relabelled, added]));
    expect(first.toArray()).toEqual(sorted(spans));
    expect(first.get('s3')).toEqual(spans[0]);
    expect(first.has('new')).toBe(false);
  });

  it('is made the same from the spans as columns (as they come over HTTP), without their objects', () => {
    const table = JSON.parse(JSON.stringify(encodeSpanTable(spans))) as SpanTable;
    const columns = SpanColumns.fromTable(table, text)!;
    expect(columns.toArray()).toEqual(sorted(spans));
    for (const s of spans) {
      expect(columns.get(s.id)).toEqual(s);
      expect(columns.drawn(columns.rowOf(s.id))).toEqual(SpanColumns.from(spans, text).drawn(SpanColumns.from(spans, text).rowOf(s.id)));
    }
    // Dictionary columns (many spans, few labels and origins) read the same.
    const many = Array.from({ length: 200 }, (_, i) => span(`d${i}`, i % 2 ? 'Money' : 'Date', i % 80, (i % 80) + 1, { origin: i % 3 ? 'manual' : 'imported:brat' }));
    const dict = encodeSpanTable(many)!;
    expect(dict.columns.some((c) => 'dict' in c && c.key === 'label')).toBe(true);
    expect(SpanColumns.fromTable(dict, text)!.toArray()).toEqual(sorted(many));
    // A column that is no field of a span: not for this reader (the caller decodes the table).
    expect(SpanColumns.fromTable({ count: 1, columns: [...encodeSpanTable([spans[0]!])!.columns, { key: 'extra', values: [1] }] }, text)).toBeNull();
    expect(SpanColumns.fromTable({ count: 0, columns: [] }, text)!.length).toBe(0);
  });

  it('gives the same spans from the table as from the objects, for any spans', () => {
    const anySpan = fc.record({
      id: fc.string({ minLength: 1, maxLength: 6 }),
      label: fc.constantFrom('Person', 'Money', 'Date'),
      start: fc.integer({ min: 0, max: 68 }),
      length: fc.integer({ min: 1, max: 12 }),
      orphan: fc.boolean(),
      attributes: fc.option(fc.dictionary(fc.constantFrom('value', 'normalized', 'unit'), fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()))),
      note: fc.option(fc.string(), { nil: undefined }),
      fragments: fc.option(fc.constant([{ start: 0, end: 2 }, { start: 4, end: 6 }]), { nil: undefined }),
      origin: fc.constantFrom('manual', 'imported:brat', 'imported:jsonl'),
      createdAt: fc.constantFrom(T1, T2),
      updatedAt: fc.constantFrom(T1, T2, '2026-11-29T17:00:00.000Z'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(anySpan, { selector: (s) => s.id, maxLength: 60 }), (drawn) => {
        const made = drawn.map((d) => {
          const extra: Partial<Span> = { attributes: d.attributes ?? {}, origin: d.origin, createdAt: d.createdAt, updatedAt: d.updatedAt };
          if (d.orphan) extra.quote = 'gone';
          if (d.note !== undefined) extra.note = d.note;
          if (d.fragments !== undefined) extra.fragments = [...d.fragments];
          return span(d.id, d.label, d.start, d.start + d.length, extra);
        });
        const fromSpans = SpanColumns.from(made, text);
        const fromTable = SpanColumns.fromTable(JSON.parse(JSON.stringify(encodeSpanTable(made))) as SpanTable, text)!;
        expect(fromTable.toArray()).toEqual(fromSpans.toArray());
        expect(fromTable.toArray()).toEqual(sorted(JSON.parse(JSON.stringify(made)) as Span[]));
        for (const s of made) expect(fromTable.drawn(fromTable.rowOf(s.id))).toEqual(fromSpans.drawn(fromSpans.rowOf(s.id)));
        // The quotes that are the text left out of the table (as the server sends it, ADR 0025).
        const withoutQuotes = SpanColumns.fromTable(JSON.parse(JSON.stringify(encodeSpanTable(made, text))) as SpanTable, text)!;
        expect(withoutQuotes.toArray()).toEqual(fromSpans.toArray());
        for (const s of made) expect(withoutQuotes.drawn(withoutQuotes.rowOf(s.id))).toEqual(fromSpans.drawn(fromSpans.rowOf(s.id)));
      }),
      { numRuns: 150 },
    );
  });

  it('reads ids of any length and characters', () => {
    const long = 'x'.repeat(10_000) + '\ud800';
    const columns = SpanColumns.from([span(long, 'Person', 0, 3), span('\u{1F4B0}', 'Money', 4, 5)], text);
    expect(columns.get(long)!.id).toBe(long);
    expect(columns.get('\u{1F4B0}')!.label).toBe('Money');
  });

  it('matches a Map of spans through any run of adds, replacements and removals (and across its own compaction)', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
    const labels = ['Person', 'Money', 'Date'];
    const change = fc.record({
      id: fc.constantFrom(...ids),
      remove: fc.boolean(),
      label: fc.constantFrom(...labels),
      start: fc.integer({ min: 0, max: 70 }),
      length: fc.integer({ min: 1, max: 12 }),
      note: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { maxLength: 60 }), (batches) => {
        const model = new Map<string, Span>();
        let columns = SpanColumns.from([], text);
        const versions: [SpanColumns, Span[]][] = [];
        for (const batch of batches) {
          const after = new Map<string, Span | undefined>();
          for (const c of batch) {
            const next = c.remove ? undefined : span(c.id, c.label, c.start, Math.min(c.start + c.length, text.length), c.note === undefined ? {} : { note: c.note });
            after.set(c.id, next);
          }
          for (const [id, next] of after) {
            if (next) model.set(id, next);
            else model.delete(id);
          }
          columns = columns.with(after);
          versions.push([columns, sorted(model.values())]);
          expect(columns.length).toBe(model.size);
          for (const id of ids) expect(columns.get(id)).toEqual(model.get(id));
        }
        // Every version still reads as it was made.
        for (const [version, expected] of versions) expect(version.toArray()).toEqual(expected);
      }),
      { numRuns: 60 },
    );
    // Enough changes to make the rows start afresh from the live ones (more than 4,096 dead rows).
    let columns = SpanColumns.from(ids.map((id, i) => span(id, 'Person', i, i + 2)), text);
    const before = columns;
    for (let k = 0; k < 5_000; k++) {
      const id = ids[k % ids.length]!;
      columns = columns.with(new Map([[id, span(id, labels[k % labels.length]!, k % 40, (k % 40) + 2)]]));
    }
    expect(columns.toArray()).toEqual(sorted(ids.map((id, i) => span(id, labels[(4_960 + i) % labels.length]!, i, i + 2))));
    expect(before.toArray()).toEqual(ids.map((id, i) => span(id, 'Person', i, i + 2)));
  });

  it('keeps thousands of spans through random changes, every version reading as it was made', () => {
    // More spans than a page of the order (PAGE_ROWS) and than a page of the id table (PAGE_INTS):
    // each change copies only the pages it writes, so older versions share the rest.
    let seed = 5;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const labels = ['Person', 'Money', 'Date'];
    const model = new Map<string, Span>();
    const make = (id: string) => {
      const start = next(TEXT.length - 3);
      return span(id, labels[next(3)]!, start, start + 1 + next(3));
    };
    for (let i = 0; i < 3 * PAGE_INTS; i++) model.set(`s${i}`, make(`s${i}`));
    let columns = SpanColumns.from([...model.values()], text);
    const versions: [SpanColumns, Span[]][] = [[columns, sorted(model.values())]];
    for (let step = 0; step < 600; step++) {
      const ids = [...model.keys()];
      const kind = next(3);
      const id = kind === 0 ? `n${step}` : ids[next(ids.length)]!;
      const after = kind === 2 ? undefined : make(id);
      if (after) model.set(id, after);
      else model.delete(id);
      columns = columns.with(new Map([[id, after]]));
      expect(columns.get(id)).toEqual(after);
      if (step % 100 === 99) versions.push([columns, sorted(model.values())]);
    }
    expect(columns.length).toBe(model.size);
    expect(model.size).toBeGreaterThan(PAGE_ROWS);
    for (const [version, expected] of versions) {
      expect(version.toArray()).toEqual(expected);
      // Looked up by id, and placed in the order, as they were then.
      for (let k = 0; k < expected.length; k += 97) {
        expect(version.get(expected[k]!.id)).toEqual(expected[k]);
        expect(version.indexOf(expected[k]!.id)).toBe(k);
      }
      expect(version.withLabel('Money').toArray()).toEqual(expected.filter((s) => s.label === 'Money'));
    }
  });
});
