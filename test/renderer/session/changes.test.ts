import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LayerChange, SpanPatch } from '../../../src/core/api';
import { applyLayerChanges, emptyLayer } from '../../../src/core/layer';
import type { AttributeValue, Layer, LayerStatus, Span } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { attributesAllowed, planBatch, toSpanInput } from '../../../src/renderer/src/session/changes';
import type { BatchContext } from '../../../src/renderer/src/session/changes';

const NOW = '2024-05-01T12:00:00.000Z';
const TEXT = 'Over the past year, trade 💰 increased by 18 percent to $1.4 billion.';
const text = new CodePointIndex(TEXT);
const ctx = (status: LayerStatus = 'in-progress'): BatchContext => ({ text, schema: DEFAULT_SCHEMA, status, now: NOW });

function span(id: string, label: string, start: number, end: number, extra: Partial<Span> = {}): Span {
  return {
    id,
    label,
    start,
    end,
    quote: text.slice(start, end),
    attributes: {},
    origin: 'manual',
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  };
}

function mapOf(...spans: Span[]): Map<string, Span> {
  return new Map(spans.map((s) => [s.id, s]));
}

/** Apply a plan's effect to a copy of the spans (what the session does). */
function applied(spans: ReadonlyMap<string, Span>, changes: LayerChange[], status: LayerStatus = 'in-progress') {
  const plan = planBatch(spans, changes, ctx(status));
  if (!plan.ok) throw new Error(plan.message);
  const next = new Map(spans);
  for (const [id, s] of plan.effect.after) {
    if (s) next.set(id, s);
    else next.delete(id);
  }
  return { next, effect: plan.effect };
}

const content = (s: Span) => ({ id: s.id, label: s.label, start: s.start, end: s.end, attributes: s.attributes, note: s.note ?? '' });

describe('planBatch', () => {
  it('adds a span with its quote, origin and times, and an inverse that removes it', () => {
    const { next, effect } = applied(new Map(), [{ op: 'add', span: { id: 'p', label: 'Percent', start: 41, end: 51 } }], 'todo');
    expect(next.get('p')).toEqual({
      id: 'p',
      label: 'Percent',
      start: 41,
      end: 51,
      quote: '18 percent',
      attributes: {},
      origin: 'manual',
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(effect.inverse).toEqual([{ op: 'remove', spanId: 'p' }]);
    // The first edit starts the work; undo does not go back to "todo".
    expect(effect.status).toBe('in-progress');
  });

  it('undoes a removal with everything the span had', () => {
    const money = span('m', 'Money', 55, 67, { attributes: { value: 1.4e9, currency: 'USD' }, note: 'check' });
    const { effect } = applied(mapOf(money), [{ op: 'remove', spanId: 'm' }]);
    expect(effect.after.get('m')).toBeUndefined();
    expect(effect.before.get('m')).toBe(money);
    expect(effect.inverse).toEqual([{ op: 'add', span: toSpanInput(money) }]);
    expect(toSpanInput(money)).toEqual({
      id: 'm',
      label: 'Money',
      start: 55,
      end: 67,
      attributes: { value: 1.4e9, currency: 'USD' },
      note: 'check',
    });
  });

  it('relabels, dropping attributes the new label does not allow, and its inverse puts them back', () => {
    const q = span('q', 'Quantity', 55, 67, { attributes: { value: 1.4, unit: 'billion' } });
    const { next, effect } = applied(mapOf(q), [{ op: 'update', spanId: 'q', patch: { label: 'Money' } }]);
    expect(next.get('q')).toMatchObject({ label: 'Money', attributes: { value: 1.4 } });
    expect(effect.inverse).toEqual([
      { op: 'update', spanId: 'q', patch: { label: 'Quantity', attributes: { value: 1.4, unit: 'billion' } } },
    ]);
    const back = applied(next, effect.inverse);
    expect(content(back.next.get('q')!)).toEqual(content(q));
  });

  it('sets and removes notes; the inverse of a first note removes it', () => {
    const p = span('p', 'Person', 0, 4);
    const { next, effect } = applied(mapOf(p), [{ op: 'update', spanId: 'p', patch: { note: 'who?' } }]);
    expect(next.get('p')!.note).toBe('who?');
    expect(effect.inverse).toEqual([{ op: 'update', spanId: 'p', patch: { note: '' } }]);
    expect(applied(next, effect.inverse).next.get('p')!.note).toBeUndefined();
  });

  it('works through several changes of one span in order, and inverts them in reverse', () => {
    const changes: LayerChange[] = [
      { op: 'add', span: { id: 'x', label: 'Person', start: 0, end: 4 } },
      { op: 'update', spanId: 'x', patch: { label: 'Organisation', attributes: { normalized: 'Over' } } },
      { op: 'update', spanId: 'x', patch: { note: 'odd' } },
    ];
    const { next, effect } = applied(new Map(), changes);
    expect(next.get('x')).toMatchObject({ label: 'Organisation', attributes: { normalized: 'Over' }, note: 'odd' });
    expect(effect.before.get('x')).toBeUndefined();
    expect(effect.inverse.map((c) => c.op)).toEqual(['update', 'update', 'remove']);
    expect(applied(next, effect.inverse).next.size).toBe(0);
  });

  it('refuses what the workspace refuses, changing nothing', () => {
    const p = span('p', 'Person', 0, 4);
    const spans = mapOf(p);
    const refused: [LayerChange[], RegExp][] = [
      [[{ op: 'add', span: { id: 'p', label: 'Person', start: 5, end: 8 } }], /already exists/],
      [[{ op: 'add', span: { id: 'n', label: 'Nope', start: 5, end: 8 } }], /unknown label/],
      [[{ op: 'add', span: { id: 'n', label: 'Person', start: 5, end: 5 } }], /not a non-empty range/],
      [[{ op: 'add', span: { id: 'n', label: 'Person', start: 60, end: 99 } }], /not a non-empty range/],
      [[{ op: 'remove', spanId: 'zzz' }], /no span with id "zzz"/],
      [[{ op: 'update', spanId: 'p', patch: { attributes: { value: 3 } } }], /unknown attribute "value"/],
      [[{ op: 'update', spanId: 'p', patch: { label: 'Percent', attributes: { value: 'many' } } }], /expected a number/],
      [
        [
          { op: 'remove', spanId: 'p' },
          { op: 'remove', spanId: 'p' },
        ],
        /change 2 of 2/,
      ],
    ];
    for (const [changes, message] of refused) {
      const plan = planBatch(spans, changes, ctx());
      expect(plan.ok).toBe(false);
      if (!plan.ok) expect(plan.message).toMatch(message);
    }
    expect(spans.get('p')).toBe(p);
  });

  it('sets the status and inverts it', () => {
    const { effect } = applied(new Map(), [{ op: 'status', status: 'done' }], 'in-progress');
    expect(effect.status).toBe('done');
    expect(effect.inverse).toEqual([{ op: 'status', status: 'in-progress' }]);
  });
});

describe('attributesAllowed', () => {
  it('keeps only attributes the label has, with the right type', () => {
    expect(attributesAllowed(DEFAULT_SCHEMA, 'Money', { value: 3, unit: 'kg', currency: 7 })).toEqual({ value: 3 });
    expect(attributesAllowed(DEFAULT_SCHEMA, 'Commitment', { status: 'planned', deadline: '2025' })).toEqual({
      status: 'planned',
      deadline: '2025',
    });
    expect(attributesAllowed(DEFAULT_SCHEMA, 'Commitment', { status: 'maybe' })).toEqual({});
    expect(attributesAllowed(DEFAULT_SCHEMA, 'Unknown', { value: 1 })).toEqual({});
  });
});

describe('planBatch agrees with the workspace (applyLayerChanges)', () => {
  const labels = ['Person', 'Money', 'Percent', 'Commitment', 'Nope'];
  const attrSets: Record<string, AttributeValue>[] = [{}, { value: 18 }, { normalized: 'x' }, { status: 'planned' }, { value: 'bad' }];
  const changeArb = (ids: string[]) =>
    fc.oneof(
      fc
        .tuple(fc.constantFrom(...ids), fc.constantFrom(...labels), fc.integer({ min: -1, max: 70 }), fc.integer({ min: 0, max: 12 }), fc.constantFrom(...attrSets))
        .map(([id, label, start, len, attributes]): LayerChange => ({ op: 'add', span: { id, label, start, end: start + len, attributes } })),
      fc.constantFrom(...ids).map((id): LayerChange => ({ op: 'remove', spanId: id })),
      fc
        .tuple(fc.constantFrom(...ids), fc.option(fc.constantFrom(...labels), { nil: undefined }), fc.option(fc.constantFrom(...attrSets), { nil: undefined }), fc.option(fc.constantFrom('', 'n1', 'n2'), { nil: undefined }))
        .map(([id, label, attributes, note]): LayerChange => {
          const patch: SpanPatch = {};
          if (label !== undefined) patch.label = label;
          if (attributes !== undefined) patch.attributes = attributes;
          if (note !== undefined) patch.note = note;
          return { op: 'update', spanId: id, patch };
        }),
    );

  it('accepts and refuses the same batches, with the same spans after, and undo restores them', () => {
    fc.assert(
      fc.property(fc.array(fc.array(changeArb(['a', 'b', 'c']), { minLength: 1, maxLength: 4 }), { maxLength: 8 }), (batches) => {
        let layer: Layer = emptyLayer({ id: 'd', textSha256: '0' }, 'me', NOW);
        let local = new Map<string, Span>();
        let status: LayerStatus = 'todo';
        for (const batch of batches) {
          const plan = planBatch(local, batch, { text, schema: DEFAULT_SCHEMA, status, now: NOW });
          const server = applyLayerChanges(layer, text, DEFAULT_SCHEMA, batch, NOW);
          expect(plan.ok).toBe(server.ok);
          if (!plan.ok || !server.ok) continue;
          const before = local;
          local = new Map(local);
          for (const [id, s] of plan.effect.after) {
            if (s) local.set(id, s);
            else local.delete(id);
          }
          status = plan.effect.status;
          layer = server.value;
          expect([...local.values()].map(content).sort(byId)).toEqual(layer.spans.map(content).sort(byId));
          expect(status).toBe(layer.status);
          // The inverse is a valid batch that restores the spans as they were.
          const undo = planBatch(local, plan.effect.inverse, { text, schema: DEFAULT_SCHEMA, status, now: NOW });
          expect(undo.ok).toBe(true);
          if (undo.ok) {
            const restored = new Map(local);
            for (const [id, s] of undo.effect.after) {
              if (s) restored.set(id, s);
              else restored.delete(id);
            }
            expect([...restored.values()].map(content).sort(byId)).toEqual([...before.values()].map(content).sort(byId));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
