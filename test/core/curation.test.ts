import { describe, expect, it } from 'vitest';
import type { LayerChange } from '../../src/core/api';
import { applyCurationChanges, curationProgress, decisionsFor, isDecisionCurrent } from '../../src/core/curation';
import type { CurationChange, CurationOptions } from '../../src/core/curation';
import { applyLayerChanges, emptyLayer, serializeLayer } from '../../src/core/layer';
import type { Layer } from '../../src/core/model';
import { CodePointIndex } from '../../src/core/offsets';
import { compareLayers } from '../../src/core/review';
import type { ReviewItem } from '../../src/core/review';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { parseLayerJson } from '../../src/core/validate';

const T0 = '2024-05-03T10:00:00.000Z';
const T1 = '2024-05-03T11:00:00.000Z';
const T2 = '2024-05-03T12:00:00.000Z';

const TEXT = 'Maria Lopez pledged $5 million to the Red Cross in 2024 🌍 and plans 75 new laboratories.';
const text = new CodePointIndex(TEXT);
const doc = { id: 'pledge', textSha256: 'a'.repeat(64) };
/** Code-point range of the first occurrence of `s` in TEXT. */
function at(s: string): { start: number; end: number } {
  const u = TEXT.indexOf(s);
  if (u < 0) throw new Error(`"${s}" is not in the text`);
  const start = text.toCodePoint(u);
  return { start, end: start + [...s].length };
}

function annotate(annotator: string, changes: LayerChange[]): Layer {
  const r = applyLayerChanges(emptyLayer(doc, annotator, T0), text, DEFAULT_SCHEMA, changes, T0);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const alice = annotate('alice', [
  { op: 'add', span: { id: 'a-person', label: 'Person', ...at('Maria Lopez') } },
  { op: 'add', span: { id: 'a-money', label: 'Money', ...at('$5 million'), attributes: { value: 5e6, currency: 'USD' } } },
  { op: 'add', span: { id: 'a-org', label: 'Organisation', ...at('Red Cross') } },
  { op: 'add', span: { id: 'a-date', label: 'Date', ...at('2024'), attributes: { normalized: '2024' } } },
]);
const bob = annotate('bob', [
  { op: 'add', span: { id: 'b-person', label: 'Person', ...at('Maria Lopez') } },
  { op: 'add', span: { id: 'b-money', label: 'Money', ...at('$5 million'), attributes: { value: 5e6, currency: 'USD' } } },
  { op: 'add', span: { id: 'b-org', label: 'Organisation', ...at('the Red Cross') } },
  { op: 'add', span: { id: 'b-date', label: 'Date', ...at('2024'), attributes: { normalized: '2024-01-01' } } },
  { op: 'add', span: { id: 'b-qty', label: 'Quantity', ...at('75 new laboratories'), attributes: { value: 75 } } },
]);
const layers = [alice, bob];
const items = compareLayers(layers);
function item(kind: ReviewItem['kind'], label: string): ReviewItem {
  const found = items.find((i) => i.kind === kind && i.versions.some((v) => v.span.label === label));
  if (!found) throw new Error(`no ${kind} item of ${label}`);
  return found;
}

function ids(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

function options(over: Partial<CurationOptions> = {}): CurationOptions {
  return { layers, who: 'carol', now: T1, newId: ids('c'), ...over };
}

const empty = emptyLayer(doc, 'curation', T0);

function curate(changes: CurationChange[], base: Layer = empty, over: Partial<CurationOptions> = {}): Layer {
  const r = applyCurationChanges(base, text, DEFAULT_SCHEMA, changes, options(over));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('the review items this file works with', () => {
  it('are agreed Person and Money, a boundary mismatch on the organisation, attributes differing on the date, a Quantity only bob has', () => {
    expect(items.map((i) => `${i.kind}:${i.versions[0]!.span.label}${i.attributesDiffer ? '*' : ''}`)).toEqual([
      'agreed:Person',
      'agreed:Money',
      'boundary-mismatch:Organisation',
      'agreed:Date*',
      'missing:Quantity',
    ]);
  });
});

describe('applyCurationChanges', () => {
  it('accept copies the version into the curation layer (origin kept) and records the decision', () => {
    const org = item('boundary-mismatch', 'Organisation');
    const layer = curate([{ op: 'accept', itemKey: org.key, annotator: 'bob', spanId: 'b-org' }]);
    expect(layer.status).toBe('in-progress');
    expect(layer.updatedAt).toBe(T1);
    expect(layer.spans).toEqual([
      { id: 'c1', label: 'Organisation', ...at('the Red Cross'), quote: 'the Red Cross', attributes: {}, origin: 'manual', createdAt: T1, updatedAt: T1 },
    ]);
    expect(layer.decisions).toEqual([
      {
        id: 'c2',
        itemKey: org.key,
        action: 'accept',
        from: [
          { annotator: 'alice', spanId: 'a-org', updatedAt: T0 },
          { annotator: 'bob', spanId: 'b-org', updatedAt: T0 },
        ],
        chosen: { annotator: 'bob', spanId: 'b-org' },
        spanId: 'c1',
        by: 'carol',
        at: T1,
      },
    ]);
    expect(empty.spans).toEqual([]);
    expect(empty.decisions).toBeUndefined();
  });

  it('keeps an imported origin on accept', () => {
    const imported = { ...bob, spans: bob.spans.map((s) => ({ ...s, origin: 'imported:doccano' })) };
    const qty = compareLayers([alice, imported]).find((i) => i.kind === 'missing')!;
    const layer = curate([{ op: 'accept', itemKey: qty.key, annotator: 'bob', spanId: 'b-qty' }], empty, { layers: [alice, imported] });
    expect(layer.spans[0]?.origin).toBe('imported:doccano');
  });

  it('edit accepts a version with changes, checked against schema and text', () => {
    const date = item('agreed', 'Date');
    const layer = curate([
      { op: 'edit', itemKey: date.key, annotator: 'alice', spanId: 'a-date', span: { label: 'Date', ...at('2024'), attributes: { normalized: '2024-12-31' } } },
    ]);
    expect(layer.spans).toMatchObject([{ label: 'Date', quote: '2024', attributes: { normalized: '2024-12-31' }, origin: 'manual' }]);
    expect(layer.decisions?.[0]).toMatchObject({ action: 'edit', chosen: { annotator: 'alice', spanId: 'a-date' }, spanId: layer.spans[0]!.id });

    const bad = applyCurationChanges(
      empty,
      text,
      DEFAULT_SCHEMA,
      [{ op: 'edit', itemKey: date.key, annotator: 'alice', spanId: 'a-date', span: { label: 'Money', ...at('2024'), attributes: { value: 'lots' } } }],
      options(),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/change 1 of 1 \(edit\).*value/);
  });

  it('reject records an explicit decision and makes no span', () => {
    const qty = item('missing', 'Quantity');
    const layer = curate([{ op: 'reject', itemKey: qty.key }]);
    expect(layer.spans).toEqual([]);
    expect(layer.decisions).toEqual([
      { id: 'c1', itemKey: qty.key, action: 'reject', from: [{ annotator: 'bob', spanId: 'b-qty', updatedAt: T0 }], by: 'carol', at: T1 },
    ]);
  });

  it('add makes a new span in an item, or anywhere with no item', () => {
    const org = item('boundary-mismatch', 'Organisation');
    const layer = curate([
      { op: 'add', itemKey: org.key, span: { label: 'Organisation', ...at('Red Cross'), note: 'the article is not part of the name' } },
      { op: 'add', itemKey: null, span: { label: 'Commitment', ...at('plans 75 new laboratories'), attributes: { status: 'planned' } } },
    ]);
    expect(layer.spans.map((s) => [s.label, s.quote, s.note])).toEqual([
      ['Organisation', 'Red Cross', 'the article is not part of the name'],
      ['Commitment', 'plans 75 new laboratories', undefined],
    ]);
    expect(layer.decisions?.map((d) => [d.action, d.itemKey, d.from.length, d.chosen])).toEqual([
      ['add', org.key, 2, undefined],
      ['add', null, 0, undefined],
    ]);
  });

  it('accept-all-agreed accepts every agreed item without a decision, but not those whose attributes differ', () => {
    const person = item('agreed', 'Person');
    const first = curate([{ op: 'reject', itemKey: person.key }]);
    const layer = curate([{ op: 'accept-all-agreed' }], first, { now: T2, newId: ids('d') });
    // Person was rejected before; Date's versions differ in attributes: only Money is taken.
    expect(layer.spans.map((s) => [s.label, s.quote, s.attributes])).toEqual([['Money', '$5 million', { currency: 'USD', value: 5e6 }]]);
    expect(layer.decisions?.map((d) => [d.action, d.itemKey, d.chosen?.annotator, d.at])).toEqual([
      ['reject', person.key, undefined, T1],
      ['accept', item('agreed', 'Money').key, 'alice', T2],
    ]);
    // Again: nothing left to take.
    expect(curate([{ op: 'accept-all-agreed' }], layer, { newId: ids('e') }).decisions).toHaveLength(2);
  });

  it('undo removes the decision and the span it made', () => {
    const org = item('boundary-mismatch', 'Organisation');
    const money = item('agreed', 'Money');
    const layer = curate([
      { op: 'accept', itemKey: org.key, annotator: 'alice', spanId: 'a-org' },
      { op: 'accept', itemKey: money.key, annotator: 'bob', spanId: 'b-money' },
    ]);
    const undone = curate([{ op: 'undo', decisionId: layer.decisions![0]!.id }], layer, { now: T2 });
    expect(undone.spans.map((s) => s.quote)).toEqual(['$5 million']);
    expect(undone.decisions?.map((d) => d.itemKey)).toEqual([money.key]);
    expect(undone.updatedAt).toBe(T2);
    // The item is open again.
    expect(curate([{ op: 'reject', itemKey: org.key }], undone).decisions).toHaveLength(2);
  });

  it('refuses what would contradict a decision: accept after reject, reject after accept, the same version twice', () => {
    const org = item('boundary-mismatch', 'Organisation');
    const rejected = curate([{ op: 'reject', itemKey: org.key }]);
    const accepted = curate([{ op: 'accept', itemKey: org.key, annotator: 'alice', spanId: 'a-org' }]);
    const tries: [Layer, CurationChange][] = [
      [rejected, { op: 'accept', itemKey: org.key, annotator: 'alice', spanId: 'a-org' }],
      [rejected, { op: 'add', itemKey: org.key, span: { label: 'Organisation', ...at('Red Cross') } }],
      [rejected, { op: 'reject', itemKey: org.key }],
      [accepted, { op: 'reject', itemKey: org.key }],
      [accepted, { op: 'accept', itemKey: org.key, annotator: 'alice', spanId: 'a-org' }],
    ];
    for (const [base, change] of tries) {
      const r = applyCurationChanges(base, text, DEFAULT_SCHEMA, [change], options());
      expect(r.ok ? 'ok' : r.error.code).toBe('conflict');
    }
    // Taking the other version too is fine (a chain of overlaps may hold two right spans).
    expect(curate([{ op: 'accept', itemKey: org.key, annotator: 'bob', spanId: 'b-org' }], accepted, { newId: ids('x') }).spans).toHaveLength(2);
  });

  it('refuses unknown items, versions not in the item, unknown decisions, and applies nothing of a failing batch', () => {
    const org = item('boundary-mismatch', 'Organisation');
    const cases: [CurationChange, string][] = [
      [{ op: 'accept', itemKey: 'no-such-key', annotator: 'alice', spanId: 'a-org' }, 'not-found'],
      [{ op: 'accept', itemKey: org.key, annotator: 'alice', spanId: 'a-person' }, 'not-found'],
      [{ op: 'undo', decisionId: 'nope' }, 'not-found'],
      [{ op: 'status', status: 'finished' as 'done' }, 'invalid-input'],
      [{ op: 'frobnicate' } as unknown as CurationChange, 'invalid-input'],
    ];
    for (const [change, code] of cases) {
      const r = applyCurationChanges(empty, text, DEFAULT_SCHEMA, [{ op: 'reject', itemKey: org.key }, change], options());
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
      if (!r.ok) expect(r.error.message).toMatch(/^change 2 of 2/);
    }
  });

  it('refuses to accept an orphan as it is, and skips it in accept-all-agreed', () => {
    // Both annotators' Person spans quote a text that is no longer there.
    const stale = (l: Layer): Layer => ({ ...l, spans: l.spans.map((s) => (s.label === 'Person' ? { ...s, quote: 'Mario Lopes' } : s)) });
    const staleLayers = [stale(alice), stale(bob)];
    const person = compareLayers(staleLayers).find((i) => i.kind === 'agreed' && i.versions[0]!.span.label === 'Person')!;
    const r = applyCurationChanges(empty, text, DEFAULT_SCHEMA, [{ op: 'accept', itemKey: person.key, annotator: 'alice', spanId: 'a-person' }], options({ layers: staleLayers }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/orphan.*edit it instead/);
    const all = curate([{ op: 'accept-all-agreed' }], empty, { layers: staleLayers });
    expect(all.spans.map((s) => s.label)).toEqual(['Money']);
  });

  it('sets the status, and a new file from an empty batch keeps an empty decision list', () => {
    expect(curate([{ op: 'status', status: 'done' }]).status).toBe('done');
    expect(curate([]).decisions).toEqual([]);
  });

  it('is only for the curation layer', () => {
    expect(() => applyCurationChanges(alice, text, DEFAULT_SCHEMA, [], options())).toThrow(/curation/);
  });

  it('writes a file that reads back the same, decisions in the order taken', () => {
    const layer = curate([
      { op: 'reject', itemKey: item('missing', 'Quantity').key },
      { op: 'accept', itemKey: item('agreed', 'Person').key, annotator: 'alice', spanId: 'a-person' },
    ]);
    const json: unknown = JSON.parse(serializeLayer(layer));
    const back = parseLayerJson(json, 'annotations/pledge/curation.json');
    expect(back).toEqual({ ok: true, value: layer });
    expect(Object.keys((json as { decisions: object[] }).decisions[1]!)).toEqual(['id', 'itemKey', 'action', 'from', 'chosen', 'spanId', 'by', 'at']);
  });
});

describe('decision helpers', () => {
  it('decisionsFor, curationProgress and isDecisionCurrent follow the items', () => {
    const org = item('boundary-mismatch', 'Organisation');
    const layer = curate([{ op: 'accept', itemKey: org.key, annotator: 'alice', spanId: 'a-org' }, { op: 'accept-all-agreed' }]);
    expect(decisionsFor(layer, org.key).map((d) => d.action)).toEqual(['accept']);
    expect(curationProgress(items, layer)).toEqual({ total: 5, decided: 3, left: 2 });
    expect(curationProgress(items, null)).toEqual({ total: 5, decided: 0, left: 5 });
    const decision = decisionsFor(layer, org.key)[0]!;
    expect(isDecisionCurrent(decision, org)).toBe(true);
    // Bob edits the note of his version: same item key, but the decision saw an older version.
    const edited = { ...bob, spans: bob.spans.map((s) => (s.id === 'b-org' ? { ...s, note: 'hm', updatedAt: T2 } : s)) };
    const again = compareLayers([alice, edited]).find((i) => i.key === org.key)!;
    expect(isDecisionCurrent(decision, again)).toBe(false);
  });
});
