// Spans as columns (ADR 0013): exact round trips, dictionaries only where they pay, and refusal
// of what cannot be encoded exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodePointIndex } from '../../src/core/offsets';
import { decodeSpanTable, encodeSpanTable, isSpanTable, spanTableOf, withLazySpanObjects, withSpanTable } from '../../src/core/span-table';
import type { SpanTable } from '../../src/core/span-table';

const TIMES = { createdAt: '2024-05-01T10:00:00.000Z', updatedAt: '2024-05-01T10:00:00.000Z' };

describe('encodeSpanTable / decodeSpanTable', () => {
  it('gives back spans deep-equal to the encoded ones, keys in the same order, optional fields absent', () => {
    const spans = [
      { id: 's1', label: 'Person', start: 0, end: 4, quote: 'Ivan', attributes: {}, origin: 'manual', ...TIMES },
      { id: 's2', label: 'Money', start: 10, end: 13, quote: '$5m', attributes: { value: 5, currency: 'USD' }, note: '😀', origin: 'manual', ...TIMES },
      { id: 's3', label: 'Person', start: 0, end: 9, quote: 'Ivan 😀 X', attributes: {}, fragments: [{ start: 0, end: 4 }], origin: 'manual', ...TIMES },
    ];
    const table = encodeSpanTable(spans)!;
    expect(isSpanTable(table)).toBe(true);
    const back = decodeSpanTable(JSON.parse(JSON.stringify(table)));
    expect(back).toEqual(spans);
    expect(JSON.stringify(back)).toBe(JSON.stringify(spans));
    expect(back[0]).not.toHaveProperty('note');
    expect(back[0]).not.toHaveProperty('fragments');
  });

  it('writes repeated strings once (a dictionary) and varied ones as they are', () => {
    const spans = Array.from({ length: 100 }, (_, i) => ({ id: `s${i}`, label: i % 2 ? 'Person' : 'Place', start: i, end: i + 1, ...TIMES }));
    const table = encodeSpanTable(spans)!;
    const column = (key: string) => table.columns.find((c) => c.key === key);
    expect(table.columns.map((c) => c.key)).toEqual(['id', 'label', 'start', 'end', 'createdAt', 'updatedAt']);
    expect(column('label')).toEqual({ key: 'label', dict: ['Place', 'Person'], index: spans.map((_, i) => i % 2) });
    // One value every span has: said once.
    expect(column('createdAt')).toEqual({ key: 'createdAt', same: TIMES.createdAt });
    expect(decodeSpanTable(JSON.parse(JSON.stringify(table)))).toEqual(spans);
    // One value that some spans lack stays a dictionary.
    const some = encodeSpanTable(spans.map((s, i) => (i % 3 ? s : { ...s, note: 'n' })))!;
    expect(some.columns.find((c) => c.key === 'note')).toEqual({ key: 'note', dict: ['n'], index: spans.map((_, i) => (i % 3 ? null : 0)) });
    expect(isSpanTable({ count: 2, columns: [{ key: 'origin', same: 1 }] })).toBe(false);
    expect(column('id')).toEqual({ key: 'id', values: spans.map((s) => s.id) });
    expect(column('start')).toEqual({ key: 'start', values: spans.map((s) => s.start) });
    expect(JSON.stringify(table).length).toBeLessThan(JSON.stringify(spans).length / 2);
  });

  it('gives back spans with more keys than a template mask holds (40), absent ones absent', () => {
    const wide = [0, 1, 2].map((n) => Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`k${k}`, k % 3 === n ? null : `${n}-${k}`]).filter(([, v]) => v !== null)));
    expect(JSON.stringify(decodeSpanTable(JSON.parse(JSON.stringify(encodeSpanTable(wide)))))).toBe(JSON.stringify(wide));
  });

  it('refuses what it cannot give back exactly: a null value, a span that is not an object', () => {
    expect(encodeSpanTable([{ id: 's1', note: null }])).toBeNull();
    expect(encodeSpanTable([{ id: 's1' }, 'x'])).toBeNull();
    expect(encodeSpanTable([[1, 2]])).toBeNull();
    const layer = { annotator: 'a', spans: [{ id: 's1', note: null }] };
    expect(withSpanTable(layer)).toBe(layer);
  });

  it('round-trips any spans whose values are JSON without null (property)', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())));
    const key = fc.constantFrom('id', 'label', 'start', 'end', 'note', 'origin', 'x', '__proto__', 'constructor');
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value, { noNullPrototype: true })), (spans) => {
        const plain = JSON.parse(JSON.stringify(spans)) as object[];
        const table = encodeSpanTable(plain);
        expect(table).not.toBeNull();
        expect(isSpanTable(JSON.parse(JSON.stringify(table)))).toBe(true);
        const back = decodeSpanTable(JSON.parse(JSON.stringify(table)));
        expect(back).toEqual(plain);
        expect(back.map((s) => Object.getPrototypeOf(s))).toEqual(plain.map(() => Object.prototype));
        // Spans agreeing on a key order (here: all in one fixed order) keep it.
        const ordered = plain.map((s) => Object.fromEntries(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : 1))));
        expect(JSON.stringify(decodeSpanTable(encodeSpanTable(ordered)!))).toBe(JSON.stringify(ordered));
      }),
    );
  });

  it('leaves a layer whose spans are plain as it is, and decodes one sent as columns', () => {
    const layer = { annotator: 'a', spans: [{ id: 's1', label: 'Person', ...TIMES }], relations: [] };
    const sent = JSON.parse(JSON.stringify(withSpanTable(layer)));
    expect(Array.isArray(sent.spans)).toBe(false);
    expect(withLazySpanObjects(sent)).toEqual(layer);
    expect(Object.keys(withLazySpanObjects(sent))).toEqual(['annotator', 'spans', 'relations']);
    expect(withLazySpanObjects(layer)).toBe(layer);
    expect(isSpanTable({ count: 2, columns: [{ key: 'id', values: ['a'] }] })).toBe(false);
    expect(isSpanTable({ count: 1, columns: [{ values: ['a'] }] })).toBe(false);
    expect(isSpanTable({ count: 1, columns: { id: { values: ['a'] } } })).toBe(false);
  });

  it('leaves out quotes that are the text, given the text, and needs the text to put them back', () => {
    const text = new CodePointIndex('Ivan 😀 pledged $5m to Душанбе');
    const spans = [
      { id: 's1', start: 0, end: 4, quote: 'Ivan' },
      { id: 's2', start: 5, end: 6, quote: '😀' },
      { id: 's3', start: 22, end: 29, quote: 'Душанбе' },
      { id: 'orphan', start: 0, end: 4, quote: 'Olga' },
      { id: 'outside', start: 40, end: 44, quote: 'Gone' },
    ];
    const table = encodeSpanTable(spans, text)!;
    expect(table.columns.find((c) => c.key === 'quote')).toEqual({ key: 'quote', values: [null, null, null, 'Olga', 'Gone'], fromText: true });
    expect(isSpanTable(JSON.parse(JSON.stringify(table)))).toBe(true);
    expect(decodeSpanTable(table, text)).toEqual(spans);
    expect(() => decodeSpanTable(table)).toThrow(/no text was given/);
    // Without the text, or when a span has no quote, quotes travel as before.
    expect(encodeSpanTable(spans)!.columns.find((c) => c.key === 'quote')).not.toHaveProperty('fromText');
    expect(decodeSpanTable(encodeSpanTable(spans)!)).toEqual(spans);
    const noQuote = [...spans, { id: 'bare', start: 0, end: 1 }];
    expect(encodeSpanTable(noQuote, text)!.columns.find((c) => c.key === 'quote')).not.toHaveProperty('fromText');
    expect(decodeSpanTable(encodeSpanTable(noQuote, text)!)).toEqual(noQuote);
    // Only a quote column may come from the text.
    expect(isSpanTable({ count: 1, columns: [{ key: 'label', values: [null], fromText: true }] })).toBe(false);
    // Lazily decoded layers are given the text when their spans are read.
    const lazy = withLazySpanObjects({ annotator: 'a', spans: JSON.parse(JSON.stringify(table)) as SpanTable }, () => text);
    expect(lazy.spans).toEqual(spans);
  });

  it('decodes a layer sent as columns only when its spans are read, and keeps the table for readers that take it', () => {
    const layer = { annotator: 'a', spans: [{ id: 's1', label: 'Person', ...TIMES }, { id: 's2', label: 'Money', note: 'n', ...TIMES }], relations: [] };
    const sent = JSON.parse(JSON.stringify(withSpanTable(layer)));
    const lazy = withLazySpanObjects(sent);
    expect(spanTableOf(lazy)).toBe(sent.spans);
    expect(spanTableOf(sent)).toBeUndefined();
    expect(spanTableOf(layer)).toBeUndefined();
    // Not read yet: the property is the decoding getter, nothing decoded.
    expect(typeof Object.getOwnPropertyDescriptor(lazy, 'spans')!.get).toBe('function');
    expect(lazy).toEqual(layer);
    expect(Object.keys(lazy)).toEqual(['annotator', 'spans', 'relations']);
    expect(lazy.spans).toBe(lazy.spans);
    expect(JSON.parse(JSON.stringify(lazy))).toEqual(layer);
    lazy.spans = [];
    expect(lazy.spans).toEqual([]);
    expect(withLazySpanObjects(layer)).toBe(layer);
  });
});
