import { describe, expect, it } from 'vitest';
import type { LayerChange } from '../../src/core/api';
import type { ImportedLayer } from '../../src/core/formats/types';
import {
  applyLayerChanges,
  canonicalLayer,
  checkRange,
  emptyLayer,
  isOrphanSpan,
  mergeImportedLayer,
  mergeSpans,
  serializeDocument,
  serializeLayer,
} from '../../src/core/layer';
import type { GlossDocument, Layer } from '../../src/core/model';
import { CodePointIndex } from '../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { readSample } from './samples';

const T0 = '2024-05-03T10:00:00.000Z';
const T1 = '2024-05-03T10:05:00.000Z';
const T2 = '2024-05-03T10:10:00.000Z';

const digest = readSample('social-monitoring-digest.txt');
const text = new CodePointIndex(digest);
const doc = { id: 'digest', textSha256: 'f'.repeat(64) };

function layerWith(changes: LayerChange[], now = T1): Layer {
  const r = applyLayerChanges(emptyLayer(doc, 'alice', T0), text, DEFAULT_SCHEMA, changes, now);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function counter(prefix = 'g'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

describe('emptyLayer', () => {
  it('is a todo layer of the document with nothing in it', () => {
    expect(emptyLayer(doc, 'alice', T0)).toEqual({
      format: 'gloss.layer',
      version: 1,
      offsetUnit: 'codepoint',
      document: 'digest',
      textSha256: 'f'.repeat(64),
      annotator: 'alice',
      status: 'todo',
      updatedAt: T0,
      spans: [],
      relations: [],
      comments: [],
    });
  });
});

describe('applyLayerChanges: add', () => {
  it('adds a span with quote, origin and timestamps and moves todo to in-progress', () => {
    const layer = layerWith([{ op: 'add', span: { id: 's1', label: 'Person', start: 284, end: 295 } }]);
    expect(layer.status).toBe('in-progress');
    expect(layer.updatedAt).toBe(T1);
    expect(layer.spans).toEqual([
      {
        id: 's1',
        label: 'Person',
        start: 284,
        end: 295,
        quote: 'Maria Lopez',
        attributes: {},
        origin: 'manual',
        createdAt: T1,
        updatedAt: T1,
      },
    ]);
  });

  it('quotes astral characters by code points', () => {
    const layer = layerWith([
      { op: 'add', span: { id: 'y', label: 'Date', start: 349, end: 353, attributes: { normalized: '2027' } } },
      { op: 'add', span: { id: 'm', label: 'Money', start: 72, end: 83, attributes: { value: 25e6, currency: 'EUR' } } },
    ]);
    expect(layer.spans.map((s) => s.quote)).toEqual(['€25 million', '𝟐𝟎𝟐𝟕']);
  });

  it('keeps spans sorted by start, end, label, id', () => {
    const layer = layerWith([
      { op: 'add', span: { id: 'b', label: 'Person', start: 284, end: 295 } },
      { op: 'add', span: { id: 'c', label: 'Commitment', start: 68, end: 129 } },
      { op: 'add', span: { id: 'a', label: 'Person', start: 284, end: 295 } },
      { op: 'add', span: { id: 'd', label: 'Money', start: 72, end: 83 } },
      { op: 'add', span: { id: 'e', label: 'Location', start: 52, end: 56 } },
    ]);
    expect(layer.spans.map((s) => s.id)).toEqual(['e', 'c', 'd', 'a', 'b']);
  });

  it('stores a discontinuous span with its fragments and hull quote', () => {
    const layer = layerWith([
      {
        op: 'add',
        span: { id: 'f', label: 'Organisation', start: 41, end: 56, fragments: [{ start: 41, end: 50 }, { start: 52, end: 56 }] },
      },
    ]);
    expect(layer.spans[0]!.fragments).toEqual([
      { start: 41, end: 50 },
      { start: 52, end: 56 },
    ]);
    expect(layer.spans[0]!.quote).toBe('GreenFund (Oslo');
  });

  it.each([
    [{ id: 'x', label: 'Ghost', start: 0, end: 1 }, /unknown label "Ghost"/],
    [{ id: 'x', label: 'Person', start: 5, end: 5 }, /not a non-empty range/],
    [{ id: 'x', label: 'Person', start: -1, end: 3 }, /not a non-empty range/],
    [{ id: 'x', label: 'Person', start: 400, end: 407 }, /0\.\.406 code points/],
    [{ id: 'x', label: 'Person', start: 1.5, end: 3 }, /integers/],
    [{ id: '', label: 'Person', start: 0, end: 3 }, /non-empty id/],
    [{ id: 'x', label: 'Money', start: 72, end: 83, attributes: { value: 'lots' } }, /expected a number/],
    [{ id: 'x', label: 'Person', start: 0, end: 9, fragments: [{ start: 0, end: 9 }] }, /at least two fragments/],
    [{ id: 'x', label: 'Person', start: 0, end: 9, fragments: [{ start: 0, end: 5 }, { start: 4, end: 9 }] }, /overlaps/],
    [{ id: 'x', label: 'Person', start: 0, end: 9, fragments: [{ start: 0, end: 2 }, { start: 4, end: 8 }] }, /hull/],
  ])('rejects an invalid span %#', (span, message) => {
    const before = emptyLayer(doc, 'alice', T0);
    const r = applyLayerChanges(before, text, DEFAULT_SCHEMA, [{ op: 'add', span }], T1);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-input');
      expect(r.error.message).toMatch(message);
      expect(r.error.message).toContain('change 1 of 1 (add)');
    }
  });

  it('rejects a duplicate id as a conflict and applies nothing of the batch', () => {
    const before = layerWith([{ op: 'add', span: { id: 's1', label: 'Person', start: 284, end: 295 } }]);
    const snapshot = structuredClone(before);
    const r = applyLayerChanges(
      before,
      text,
      DEFAULT_SCHEMA,
      [
        { op: 'add', span: { id: 's2', label: 'Location', start: 52, end: 56 } },
        { op: 'add', span: { id: 's1', label: 'Person', start: 284, end: 295 } },
      ],
      T2,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('conflict');
      expect(r.error.message).toContain('change 2 of 2');
    }
    expect(before).toEqual(snapshot);
  });
});

describe('applyLayerChanges: remove, update, status', () => {
  const base = (): Layer =>
    layerWith([
      { op: 'add', span: { id: 'c', label: 'Commitment', start: 68, end: 129, attributes: { status: 'planned' } } },
      { op: 'add', span: { id: 'm', label: 'Money', start: 72, end: 83, attributes: { value: 25e6, currency: 'EUR' } } },
      { op: 'add', span: { id: 'p', label: 'Person', start: 284, end: 295 } },
    ]);

  it('removes a span and the relations that point at it', () => {
    const layer = { ...base(), relations: [{ id: 'r1', type: 'amount', from: 'c', to: 'm' }, { id: 'r2', type: 'actor', from: 'c', to: 'p' }] };
    const r = applyLayerChanges(layer, text, DEFAULT_SCHEMA, [{ op: 'remove', spanId: 'm' }], T2);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.spans.map((s) => s.id)).toEqual(['c', 'p']);
      expect(r.value.relations).toEqual([{ id: 'r2', type: 'actor', from: 'c', to: 'p' }]);
      expect(r.value.updatedAt).toBe(T2);
    }
  });

  it('fails with not-found for unknown span ids', () => {
    const r1 = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'remove', spanId: 'nope' }], T2);
    expect(!r1.ok && r1.error.code).toBe('not-found');
    const r2 = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'nope', patch: { note: 'x' } }], T2);
    expect(!r2.ok && r2.error.message).toContain('no span with id "nope"');
  });

  it('relabels, keeping only the attributes the new label allows', () => {
    const r = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'm', patch: { label: 'Quantity' } }], T2);
    expect(r.ok).toBe(true);
    if (r.ok) {
      const m = r.value.spans.find((s) => s.id === 'm')!;
      expect(m.label).toBe('Quantity');
      expect(m.attributes).toEqual({ value: 25e6 });
      expect(m.createdAt).toBe(T1);
      expect(m.updatedAt).toBe(T2);
      expect(m.quote).toBe('€25 million');
    }
  });

  it('replaces attributes with the patch and checks them', () => {
    const ok = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'c', patch: { attributes: { status: 'completed', deadline: '2027' } } }], T2);
    expect(ok.ok && ok.value.spans.find((s) => s.id === 'c')!.attributes).toEqual({ deadline: '2027', status: 'completed' });
    const bad = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'c', patch: { attributes: { status: 'soon' } } }], T2);
    expect(!bad.ok && bad.error.message).toMatch(/expected one of/);
    const unknown = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'p', patch: { label: 'Nobody' } }], T2);
    expect(!unknown.ok && unknown.error.message).toContain('unknown label "Nobody"');
  });

  it('sets a note and removes it with an empty string', () => {
    const withNote = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'p', patch: { note: 'check spelling' } }], T2);
    expect(withNote.ok).toBe(true);
    if (!withNote.ok) return;
    expect(withNote.value.spans.find((s) => s.id === 'p')!.note).toBe('check spelling');
    const without = applyLayerChanges(withNote.value, text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'p', patch: { note: '' } }], T2);
    expect(without.ok && 'note' in without.value.spans.find((s) => s.id === 'p')!).toBe(false);
  });

  it('sets the status, and only an edit moves todo to in-progress', () => {
    const todo = emptyLayer(doc, 'alice', T0);
    const done = applyLayerChanges(todo, text, DEFAULT_SCHEMA, [{ op: 'status', status: 'done' }], T1);
    expect(done.ok && done.value.status).toBe('done');
    const stillTodo = applyLayerChanges(todo, text, DEFAULT_SCHEMA, [{ op: 'status', status: 'todo' }], T1);
    expect(stillTodo.ok && stillTodo.value.status).toBe('todo');
    const statusThenEdit = applyLayerChanges(todo, text, DEFAULT_SCHEMA, [
      { op: 'status', status: 'todo' },
      { op: 'add', span: { id: 'l', label: 'Location', start: 52, end: 56 } },
    ], T1);
    expect(statusThenEdit.ok && statusThenEdit.value.status).toBe('in-progress');
    const bad = applyLayerChanges(todo, text, DEFAULT_SCHEMA, [{ op: 'status', status: 'finished' as 'done' }], T1);
    expect(!bad.ok && bad.error.message).toContain('unknown status "finished"');
  });

  it('keeps a done layer done when it is edited', () => {
    const done = { ...base(), status: 'done' as const };
    const r = applyLayerChanges(done, text, DEFAULT_SCHEMA, [{ op: 'remove', spanId: 'p' }], T2);
    expect(r.ok && r.value.status).toBe('done');
  });

  it('rejects unknown operations', () => {
    const r = applyLayerChanges(base(), text, DEFAULT_SCHEMA, [{ op: 'rename' } as unknown as LayerChange], T2);
    expect(!r.ok && r.error.message).toContain('unknown operation "rename"');
  });

  it('undoes an add with a remove and a relabel with the inverse patch', () => {
    const start = base();
    const added = applyLayerChanges(start, text, DEFAULT_SCHEMA, [{ op: 'add', span: { id: 'o', label: 'Organisation', start: 303, end: 326 } }], T2);
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    const undone = applyLayerChanges(added.value, text, DEFAULT_SCHEMA, [{ op: 'remove', spanId: 'o' }], T2);
    expect(undone.ok && undone.value.spans).toEqual(start.spans);
    const relabelled = applyLayerChanges(start, text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'm', patch: { label: 'Quantity' } }], T2);
    if (!relabelled.ok) throw new Error(relabelled.error.message);
    const back = applyLayerChanges(relabelled.value, text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'm', patch: { label: 'Money', attributes: { value: 25e6, currency: 'EUR' } } }], T2);
    expect(back.ok && back.value.spans.find((s) => s.id === 'm')!.attributes).toEqual({ currency: 'EUR', value: 25e6 });
  });

  it('never mutates the input layer', () => {
    const before = base();
    const snapshot = structuredClone(before);
    applyLayerChanges(before, text, DEFAULT_SCHEMA, [
      { op: 'update', spanId: 'm', patch: { label: 'Quantity', note: 'n' } },
      { op: 'remove', spanId: 'p' },
      { op: 'add', span: { id: 'z', label: 'Location', start: 52, end: 56 } },
      { op: 'status', status: 'done' },
    ], T2);
    expect(before).toEqual(snapshot);
  });

  it('returns an equal copy for an empty batch', () => {
    const before = base();
    const r = applyLayerChanges(before, text, DEFAULT_SCHEMA, [], T2);
    expect(r.ok && r.value).toEqual(before);
    expect(r.ok && r.value !== before).toBe(true);
  });
});

describe('canonicalLayer and serialisation', () => {
  it('writes keys in model order, attributes sorted, two-space JSON with a trailing newline', () => {
    const layer = layerWith([
      { op: 'add', span: { id: 'm', label: 'Money', start: 72, end: 83, attributes: { value: 25e6, currency: 'EUR' }, note: 'pledge' } },
    ]);
    // Same content, every key in reverse order: the output must not depend on input key order.
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const shuffled = reversed({ ...layer, spans: layer.spans.map((s) => reversed({ ...s, attributes: reversed(s.attributes) })) });
    const json = serializeLayer(shuffled);
    expect(json.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(json) as object)).toEqual([
      'format', 'version', 'offsetUnit', 'document', 'textSha256', 'annotator', 'status', 'updatedAt', 'spans', 'relations', 'comments',
    ]);
    expect(json).toContain('\n  "spans": [\n    {\n      "id": "m",');
    const span = (JSON.parse(json) as Layer).spans[0]!;
    expect(Object.keys(span)).toEqual(['id', 'label', 'start', 'end', 'quote', 'attributes', 'note', 'origin', 'createdAt', 'updatedAt']);
    expect(Object.keys(span.attributes)).toEqual(['currency', 'value']);
    expect(serializeLayer(JSON.parse(json) as Layer)).toBe(json);
  });

  it('is stable: canonicalising twice changes nothing', () => {
    const layer = layerWith([
      { op: 'add', span: { id: 'b', label: 'Person', start: 284, end: 295 } },
      { op: 'add', span: { id: 'a', label: 'Location', start: 52, end: 56 } },
    ]);
    expect(canonicalLayer(canonicalLayer(layer))).toEqual(canonicalLayer(layer));
  });

  it('writes exactly what JSON.stringify writes of the canonical layer, however often its spans were written before', () => {
    const plain = (layer: Layer): string => `${JSON.stringify(canonicalLayer(layer), null, 2)}\n`;
    const empty = emptyLayer(doc, 'alice', T0);
    expect(serializeLayer(empty)).toBe(plain(empty));
    // Newlines, quotes and a `"spans": []` inside strings; fragments; relations, comments, decisions.
    const layer = layerWith([
      { op: 'add', span: { id: 'm', label: 'Money', start: 72, end: 83, attributes: { value: 25e6, currency: 'EUR' }, note: 'two\nlines "spans": []' } },
      { op: 'add', span: { id: 'f', label: 'Person', start: 0, end: 20, fragments: [{ start: 0, end: 4 }, { start: 10, end: 20 }] } },
      { op: 'add', span: { id: 'p', label: 'Person', start: 284, end: 295 } },
    ]);
    const withAll: Layer = {
      ...layer,
      relations: [{ id: 'r', type: 'amount', from: 'm', to: 'p' }],
      comments: [{ id: 'c', target: null, author: 'bob', text: 'see\n"spans": []', createdAt: T1, resolved: false }],
      decisions: [{ id: 'd', itemKey: 'k', action: 'accept', from: [{ annotator: 'alice', spanId: 'm', updatedAt: T1 }], by: 'carol', at: T2 }],
    };
    for (const l of [layer, withAll, canonicalLayer(withAll)]) {
      expect(serializeLayer(l)).toBe(plain(l));
      // Again, the spans' texts now kept: the same bytes.
      expect(serializeLayer(l)).toBe(plain(l));
    }
    const edited = applyLayerChanges(layer, text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'p', patch: { label: 'Organisation' } }], T2);
    if (!edited.ok) throw new Error(edited.error.message);
    expect(serializeLayer(edited.value)).toBe(plain(edited.value));
    expect(JSON.parse(serializeLayer(edited.value))).toEqual(edited.value);
  });

  it('hands a canonical layer back as it is', () => {
    const layer = layerWith([{ op: 'add', span: { id: 'a', label: 'Location', start: 52, end: 56 } }]);
    expect(canonicalLayer(layer)).toBe(layer);
    const handMade: Layer = { ...layer, spans: [...layer.spans] };
    expect(canonicalLayer(handMade)).not.toBe(handMade);
    expect(canonicalLayer(handMade)).toEqual(layer);
  });

  it('keeps the spans an edit of a canonical layer leaves alone as the same objects, and makes the others canonical', () => {
    const layer = layerWith([
      { op: 'add', span: { id: 'a', label: 'Location', start: 52, end: 56 } },
      { op: 'add', span: { id: 'm', label: 'Money', start: 72, end: 83, attributes: { value: 25e6, currency: 'EUR' } } },
      { op: 'add', span: { id: 'b', label: 'Person', start: 284, end: 295 } },
    ]);
    const [a, m, b] = layer.spans;
    const edited = applyLayerChanges(
      layer,
      text,
      DEFAULT_SCHEMA,
      [
        { op: 'update', spanId: 'm', patch: { attributes: { value: 3, currency: 'USD' } } },
        { op: 'add', span: { id: 'c', label: 'Person', start: 0, end: 4, note: 'first' } },
      ],
      T1,
    );
    if (!edited.ok) throw new Error(edited.error.message);
    const [c, a2, m2, b2] = edited.value.spans;
    expect(edited.value.spans.map((s) => s.id)).toEqual(['c', 'a', 'm', 'b']);
    expect(a2).toBe(a);
    expect(b2).toBe(b);
    // The changed and added spans are canonical: key order, attributes sorted.
    expect(Object.keys(m2!.attributes)).toEqual(['currency', 'value']);
    expect(Object.keys(c!)).toEqual(['id', 'label', 'start', 'end', 'quote', 'attributes', 'note', 'origin', 'createdAt', 'updatedAt']);
    expect(edited.value).toEqual(canonicalLayer(edited.value));
    // The version before is untouched.
    expect(m).toMatchObject({ label: 'Money', attributes: { value: 25e6, currency: 'EUR' } });
    // A layer not made canonical (e.g. built by hand) is copied whole, as before.
    const handMade: Layer = { ...layer, spans: [...layer.spans] };
    const fromHand = applyLayerChanges(handMade, text, DEFAULT_SCHEMA, [{ op: 'remove', spanId: 'm' }], T1);
    if (!fromHand.ok) throw new Error(fromHand.error.message);
    expect(fromHand.value.spans[0]).not.toBe(a);
    expect(fromHand.value.spans).toEqual([a, b]);
  });

  it('ends an edit of a canonical layer exactly where canonicalising the whole edit ends, for any batch', () => {
    // Batches small (spans put back one by one) and large (all sorted again), touching the same
    // span twice, adding and removing it, and moving spans by relabelling them (the order is
    // start, end, label, id).
    let seed = 3;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const labels = ['Person', 'Location', 'Organisation', 'Date'];
    let layer = layerWith(
      Array.from({ length: 60 }, (_, i): LayerChange => {
        const start = next(300);
        return { op: 'add', span: { id: `s${i}`, label: labels[i % 4]!, start, end: start + 1 + next(3) } };
      }),
    );
    let made = 0;
    for (let round = 0; round < 150; round++) {
      const ids = layer.spans.map((s) => s.id);
      const size = round % 10 === 9 ? 20 + next(10) : 1 + next(4);
      const changes: LayerChange[] = [];
      for (let k = 0; k < size; k++) {
        const kind = next(4);
        const id = ids[next(ids.length)]!;
        if (kind === 0 || ids.length < 10) {
          const start = next(300);
          const fresh = `n${made++}`;
          changes.push({ op: 'add', span: { id: fresh, label: labels[next(4)]!, start, end: start + 1 + next(3) } });
          ids.push(fresh);
        } else if (kind === 1) {
          changes.push({ op: 'update', spanId: id, patch: { label: labels[next(4)]! } });
        } else if (kind === 2) {
          changes.push({ op: 'remove', spanId: id });
          ids.splice(ids.indexOf(id), 1);
        } else {
          changes.push({ op: 'update', spanId: id, patch: { note: `round ${round}` } });
        }
      }
      const edited = applyLayerChanges(layer, text, DEFAULT_SCHEMA, changes, T1);
      // The same batch on a layer that is not known canonical: canonicalised whole, as a layer read from a file.
      const whole = applyLayerChanges({ ...layer, spans: [...layer.spans] }, text, DEFAULT_SCHEMA, changes, T1);
      expect(edited.ok).toBe(true);
      if (!edited.ok || !whole.ok) throw new Error('the batch failed');
      expect(edited.value).toEqual(whole.value);
      expect(serializeLayer(edited.value)).toBe(serializeLayer(whole.value));
      layer = edited.value;
    }
    expect(layer.spans.length).toBeGreaterThan(10);
  });

  it('keeps the relations and comments an edit leaves alone as the same objects', () => {
    const base = layerWith([
      { op: 'add', span: { id: 'a', label: 'Location', start: 52, end: 56 } },
      { op: 'add', span: { id: 'b', label: 'Person', start: 284, end: 295 } },
      { op: 'add', span: { id: 'c', label: 'Person', start: 0, end: 4 } },
      { op: 'comment-add', comment: { id: 'k1', target: null, text: 'check the figures' } },
    ]);
    // Relations come with imports: a layer read from a file, made canonical.
    const layer = canonicalLayer({
      ...base,
      relations: [
        { id: 'r1', type: 'related', from: 'a', to: 'b' },
        { id: 'r2', type: 'related', from: 'c', to: 'b' },
      ],
    });
    const relabelled = applyLayerChanges(layer, text, DEFAULT_SCHEMA, [{ op: 'update', spanId: 'a', patch: { label: 'Organisation' } }], T2);
    if (!relabelled.ok) throw new Error(relabelled.error.message);
    expect(relabelled.value.relations[0]).toBe(layer.relations[0]);
    expect(relabelled.value.relations[1]).toBe(layer.relations[1]);
    expect(relabelled.value.comments[0]).toBe(layer.comments[0]);
    const removed = applyLayerChanges(relabelled.value, text, DEFAULT_SCHEMA, [{ op: 'remove', spanId: 'c' }], T2);
    if (!removed.ok) throw new Error(removed.error.message);
    expect(removed.value.relations).toEqual([layer.relations[0]]);
    expect(removed.value.relations[0]).toBe(layer.relations[0]);
    // A relation built by hand is made canonical (its own key order), not kept as it is.
    const handMade = canonicalLayer({ ...layer, relations: [{ to: 'b', from: 'a', type: 'related', id: 'r3' } as never] });
    expect(Object.keys(handMade.relations[0]!)).toEqual(['id', 'type', 'from', 'to']);
  });

  it('serialises documents with a fixed key order', () => {
    const d: GlossDocument = {
      importedAt: T0,
      textSha256: 'a'.repeat(64),
      meta: { format: 'txt', source: 'x.txt' },
      blocks: [{ end: 1, start: 0, type: 'paragraph' }],
      text: 'x',
      title: 'X',
      id: 'x',
      offsetUnit: 'codepoint',
      version: 1,
      format: 'gloss.document',
    };
    const json = serializeDocument(d);
    expect(Object.keys(JSON.parse(json) as object)).toEqual([
      'format', 'version', 'offsetUnit', 'id', 'title', 'text', 'blocks', 'meta', 'textSha256', 'importedAt',
    ]);
    expect(json).toContain('"blocks": [\n    {\n      "type": "paragraph",\n      "start": 0,\n      "end": 1\n    }\n  ]');
    expect(json).toContain('"meta": {\n    "source": "x.txt",\n    "format": "txt"\n  }');
    expect(json.endsWith('\n')).toBe(true);
  });
});

describe('checkRange', () => {
  it('accepts a span within the text and adjacent fragments', () => {
    expect(checkRange({ start: 0, end: 3 }, 3)).toBeNull();
    expect(checkRange({ start: 0, end: 4, fragments: [{ start: 0, end: 2 }, { start: 2, end: 4 }] }, 4)).toBeNull();
  });

  it('rejects an end past the text', () => {
    expect(checkRange({ start: 0, end: 4 }, 3)).toMatch(/0\.\.3/);
  });
});

describe('isOrphanSpan', () => {
  const text = new CodePointIndex('Digest 🌍: Emomali Rahmon');
  it('is an orphan when the range does not fit or the quote no longer matches, in code points', () => {
    expect(isOrphanSpan({ start: 10, end: 24, quote: 'Emomali Rahmon' }, text)).toBe(false);
    expect(isOrphanSpan({ start: 7, end: 8, quote: '🌍' }, text)).toBe(false);
    expect(isOrphanSpan({ start: 10, end: 24, quote: 'Emomali Rahmo' }, text)).toBe(true);
    expect(isOrphanSpan({ start: 10, end: 99, quote: 'Emomali Rahmon' }, text)).toBe(true);
    expect(isOrphanSpan({ start: 10, end: 24, quote: 'Emomali Rahmon', fragments: [{ start: 10, end: 24 }] }, text)).toBe(true);
  });
});

describe('mergeSpans', () => {
  const opts = (over: Partial<Parameters<typeof mergeSpans>[2]> = {}): Parameters<typeof mergeSpans>[2] => ({
    replace: false,
    origin: 'imported:jsonl',
    now: T2,
    newId: counter(),
    text,
    ...over,
  });

  it('adds new spans with quotes and the given origin, skipping identical ones', () => {
    const layer = layerWith([{ op: 'add', span: { id: 'p', label: 'Person', start: 284, end: 295 } }]);
    const result = mergeSpans(layer, [
      { label: 'Person', start: 284, end: 295 },
      { label: 'Organisation', start: 284, end: 295 },
      { label: 'Organisation', start: 303, end: 326, note: 'bank' },
      { label: 'Organisation', start: 303, end: 326 },
    ], opts());
    expect(result.added).toBe(2);
    expect(result.skipped).toBe(2);
    expect(result.layer.spans.map((s) => [s.id, s.label, s.quote, s.origin])).toEqual([
      ['g1', 'Organisation', 'Maria Lopez', 'imported:jsonl'],
      ['p', 'Person', 'Maria Lopez', 'manual'],
      ['g2', 'Organisation', 'Nordic Development Bank', 'imported:jsonl'],
    ]);
    expect(result.layer.spans[2]!.note).toBe('bank');
    expect(result.layer.updatedAt).toBe(T2);
    expect(result.idMap.get('#0')).toBe('p');
  });

  it('is idempotent: merging the same spans again adds nothing', () => {
    const spans = [
      { label: 'Location', start: 52, end: 56 },
      { label: 'Date', start: 349, end: 353, attributes: { normalized: '2027' } },
    ];
    const once = mergeSpans(emptyLayer(doc, 'alice', T0), spans, opts());
    const twice = mergeSpans(once.layer, spans, opts({ now: '2030-01-01T00:00:00.000Z' }));
    expect(twice.added).toBe(0);
    expect(twice.skipped).toBe(2);
    expect(twice.layer).toEqual(once.layer);
  });

  it('treats different fragments as different spans', () => {
    const hull = { label: 'Organisation', start: 41, end: 56 };
    const split = { ...hull, fragments: [{ start: 41, end: 50 }, { start: 52, end: 56 }] };
    const r = mergeSpans(emptyLayer(doc, 'alice', T0), [hull, split, split], opts());
    expect(r.added).toBe(2);
    expect(r.skipped).toBe(1);
  });

  it('keeps incoming ids unless taken, then uses newId', () => {
    const layer = layerWith([{ op: 'add', span: { id: 's1', label: 'Person', start: 284, end: 295 } }]);
    const r = mergeSpans(layer, [
      { id: 's1', label: 'Location', start: 52, end: 56 },
      { id: 's9', label: 'Date', start: 349, end: 353 },
    ], opts({ newId: counter('s') }));
    // newId's first answer "s1" is taken too, so it asks again.
    expect(r.layer.spans.map((s) => s.id).sort()).toEqual(['s1', 's2', 's9']);
    expect(r.idMap.get('s1')).toBe('s2');
    expect(r.idMap.get('s9')).toBe('s9');
  });

  it('replaces the spans and relations with replace: true', () => {
    const layer = {
      ...layerWith([
        { op: 'add', span: { id: 'c', label: 'Commitment', start: 68, end: 129 } },
        { op: 'add', span: { id: 'd', label: 'Date', start: 125, end: 129 } },
      ]),
      relations: [{ id: 'r', type: 'when', from: 'c', to: 'd' }],
    };
    const r = mergeSpans(layer, [{ label: 'Location', start: 52, end: 56 }], opts({ replace: true }));
    expect(r.layer.spans.map((s) => s.label)).toEqual(['Location']);
    expect(r.layer.relations).toEqual([]);
    expect(r.added).toBe(1);
  });

  it('does not touch updatedAt when nothing was added, and never mutates its input', () => {
    const layer = layerWith([{ op: 'add', span: { id: 'p', label: 'Person', start: 284, end: 295 } }]);
    const snapshot = structuredClone(layer);
    const r = mergeSpans(layer, [{ label: 'Person', start: 284, end: 295 }], opts());
    expect(r.layer.updatedAt).toBe(T1);
    expect(layer).toEqual(snapshot);
  });

  it('throws on a span that was not checked (a programmer error)', () => {
    expect(() => mergeSpans(emptyLayer(doc, 'alice', T0), [{ label: 'Person', start: 0, end: 9999 }], opts())).toThrow(/not checked/);
  });
});

describe('mergeImportedLayer', () => {
  const imported: ImportedLayer = {
    annotator: 'bob',
    status: 'done',
    spans: [
      { id: 'c', label: 'Commitment', start: 68, end: 129, attributes: { status: 'planned' } },
      { id: 'm', label: 'Money', start: 72, end: 83 },
    ],
    relations: [{ id: 'r1', type: 'amount', from: 'c', to: 'm' }],
    comments: [
      { id: 'k1', target: { annotator: 'bob', spanId: 'm' }, author: 'bob', text: 'EUR?', createdAt: T0, resolved: false },
    ],
  };

  it('brings relations, comments and status along, re-pointed at the merged ids', () => {
    const existing = applyLayerChanges(emptyLayer(doc, 'bob', T0), text, DEFAULT_SCHEMA, [
      { op: 'add', span: { id: 'm', label: 'Location', start: 52, end: 56 } },
    ], T1);
    if (!existing.ok) throw new Error(existing.error.message);
    const r = mergeImportedLayer(existing.value, imported, { replace: false, origin: 'imported:gloss', now: T2, newId: counter('n'), text });
    expect(r.added).toBe(2);
    const money = r.layer.spans.find((s) => s.label === 'Money')!;
    expect(money.id).toBe('n1');
    expect(r.layer.relations).toEqual([{ id: 'r1', type: 'amount', from: 'c', to: 'n1' }]);
    expect(r.layer.comments[0]!.target).toEqual({ annotator: 'bob', spanId: 'n1' });
    expect(r.layer.status).toBe('done');
    expect(r.layer.updatedAt).toBe(T2);
  });

  it('is idempotent', () => {
    const opts = { replace: false, origin: 'imported:gloss', now: T2, newId: counter(), text };
    const once = mergeImportedLayer(emptyLayer(doc, 'bob', T0), imported, opts);
    const twice = mergeImportedLayer(once.layer, imported, { ...opts, now: '2031-01-01T00:00:00.000Z' });
    expect(twice.added).toBe(0);
    expect(twice.layer).toEqual(once.layer);
  });
});
