// Comments as LayerChanges: added to the commenter's own layer (any span of any layer as target),
// changed and removed only by their author; they leave the layer's status alone.

import { describe, expect, it } from 'vitest';
import type { LayerChange } from '../../src/core/api';
import { applyLayerChanges, emptyLayer, serializeLayer } from '../../src/core/layer';
import type { Layer } from '../../src/core/model';
import { CodePointIndex } from '../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { parseLayerJson } from '../../src/core/validate';

const T0 = '2024-05-03T10:00:00.000Z';
const T1 = '2024-05-03T11:00:00.000Z';
const T2 = '2024-05-03T12:00:00.000Z';
const text = new CodePointIndex('Maria Lopez pledged $5 million.');
const doc = { id: 'pledge', textSha256: 'a'.repeat(64) };

function apply(layer: Layer, changes: LayerChange[], now = T1): ReturnType<typeof applyLayerChanges> {
  return applyLayerChanges(layer, text, DEFAULT_SCHEMA, changes, now);
}

function applied(layer: Layer, changes: LayerChange[], now = T1): Layer {
  const r = apply(layer, changes, now);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const carol = emptyLayer(doc, 'carol', T0);

describe('comment-add', () => {
  it("stores a comment on a colleague's span in my layer, by me, unresolved, without starting my work", () => {
    const layer = applied(carol, [{ op: 'comment-add', comment: { id: 'k1', target: { annotator: 'alice', spanId: 's1' }, text: 'Is this the donor?' } }]);
    expect(layer.comments).toEqual([
      { id: 'k1', target: { annotator: 'alice', spanId: 's1' }, author: 'carol', text: 'Is this the donor?', createdAt: T1, resolved: false },
    ]);
    expect(layer.status).toBe('todo');
    expect(layer.updatedAt).toBe(T1);
    expect(carol.comments).toEqual([]);
    expect(parseLayerJson(JSON.parse(serializeLayer(layer)), 'annotations/pledge/carol.json')).toEqual({ ok: true, value: layer });
  });

  it('takes a comment on the document (no target) and on a span of my own layer, added in the same batch', () => {
    const layer = applied(carol, [
      { op: 'add', span: { id: 'p', label: 'Person', start: 0, end: 11 } },
      { op: 'comment-add', comment: { id: 'k1', target: { annotator: 'carol', spanId: 'p' }, text: 'check spelling' } },
      { op: 'comment-add', comment: { id: 'k2', target: null, text: 'source is a press release' } },
    ]);
    expect(layer.comments.map((c) => [c.id, c.target?.spanId ?? null])).toEqual([
      ['k1', 'p'],
      ['k2', null],
    ]);
    // The span made the layer in-progress, not the comments.
    expect(layer.status).toBe('in-progress');
  });

  it('refuses an id taken, empty text, a bad target, a span of my layer that is not there', () => {
    const base = applied(carol, [{ op: 'comment-add', comment: { id: 'k1', target: null, text: 'x' } }]);
    const cases: [LayerChange, string][] = [
      [{ op: 'comment-add', comment: { id: 'k1', target: null, text: 'again' } }, 'conflict'],
      [{ op: 'comment-add', comment: { id: 'k2', target: null, text: '   ' } }, 'invalid-input'],
      [{ op: 'comment-add', comment: { id: '', target: null, text: 'x' } }, 'invalid-input'],
      [{ op: 'comment-add', comment: { id: 'k2', target: { annotator: '', spanId: 's1' }, text: 'x' } }, 'invalid-input'],
      [{ op: 'comment-add', comment: { id: 'k2', target: { annotator: 'carol', spanId: 'nope' }, text: 'x' } }, 'not-found'],
    ];
    for (const [change, code] of cases) {
      const r = apply(base, [change]);
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
      if (!r.ok) expect(r.error.message).toMatch(/^change 1 of 1 \(comment-add\): /);
    }
  });
});

describe('comment-update and comment-remove', () => {
  const withComments: Layer = {
    ...applied(carol, [{ op: 'comment-add', comment: { id: 'mine', target: { annotator: 'alice', spanId: 's1' }, text: 'Is this the donor?' } }]),
    // An imported file may carry someone else's comment in this layer.
    comments: [
      { id: 'mine', target: { annotator: 'alice', spanId: 's1' }, author: 'carol', text: 'Is this the donor?', createdAt: T1, resolved: false },
      { id: 'theirs', target: null, author: 'dave', text: 'imported', createdAt: T0, resolved: false },
    ],
  };

  it('changes the text and resolves, keeping author and creation time', () => {
    const layer = applied(withComments, [{ op: 'comment-update', id: 'mine', text: 'Is she the donor?', resolved: true }], T2);
    expect(layer.comments[0]).toEqual({ id: 'mine', target: { annotator: 'alice', spanId: 's1' }, author: 'carol', text: 'Is she the donor?', createdAt: T1, resolved: true });
    expect(applied(layer, [{ op: 'comment-update', id: 'mine', resolved: false }]).comments[0]?.resolved).toBe(false);
  });

  it('removes my comment', () => {
    expect(applied(withComments, [{ op: 'comment-remove', id: 'mine' }]).comments.map((c) => c.id)).toEqual(['theirs']);
  });

  it("refuses someone else's comment, an unknown id, empty text", () => {
    const cases: [LayerChange, string][] = [
      [{ op: 'comment-update', id: 'theirs', resolved: true }, 'forbidden'],
      [{ op: 'comment-remove', id: 'theirs' }, 'forbidden'],
      [{ op: 'comment-update', id: 'nope', text: 'x' }, 'not-found'],
      [{ op: 'comment-remove', id: 'nope' }, 'not-found'],
      [{ op: 'comment-update', id: 'mine', text: '' }, 'invalid-input'],
    ];
    for (const [change, code] of cases) {
      const r = apply(withComments, [change]);
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
    }
  });

  it('applies nothing of a batch that fails part-way', () => {
    const r = apply(withComments, [
      { op: 'comment-update', id: 'mine', resolved: true },
      { op: 'comment-remove', id: 'theirs' },
    ]);
    expect(r.ok).toBe(false);
    expect(withComments.comments[0]?.resolved).toBe(false);
  });
});
