import { describe, expect, it } from 'vitest';
import type { LayerChange } from '../../../src/core/api';
import { ChangeHistory } from '../../../src/renderer/src/session/history';

const add = (id: string): LayerChange => ({ op: 'add', span: { id, label: 'Person', start: 0, end: 1 } });
const remove = (id: string): LayerChange => ({ op: 'remove', spanId: id });
const note = (id: string, text: string): LayerChange => ({ op: 'update', spanId: id, patch: { note: text } });

describe('ChangeHistory', () => {
  it('undoes and redoes in stack order', () => {
    const h = new ChangeHistory();
    expect(h.canUndo).toBe(false);
    h.record({ changes: [add('a')], inverse: [remove('a')] });
    h.record({ changes: [add('b')], inverse: [remove('b')] });
    expect(h.takeUndo()?.inverse).toEqual([remove('b')]);
    expect(h.canRedo).toBe(true);
    expect(h.takeUndo()?.inverse).toEqual([remove('a')]);
    expect(h.takeUndo()).toBeUndefined();
    expect(h.takeRedo()?.changes).toEqual([add('a')]);
    expect(h.takeRedo()?.changes).toEqual([add('b')]);
    expect(h.takeRedo()).toBeUndefined();
  });

  it('forgets what could be redone when something new is recorded', () => {
    const h = new ChangeHistory();
    h.record({ changes: [add('a')], inverse: [remove('a')] });
    h.takeUndo();
    h.record({ changes: [add('c')], inverse: [remove('c')] });
    expect(h.canRedo).toBe(false);
    expect(h.takeUndo()?.changes).toEqual([add('c')]);
  });

  it('joins consecutive steps with the same key into one', () => {
    const h = new ChangeHistory();
    h.record({ changes: [add('a')], inverse: [remove('a')] });
    h.record({ changes: [note('a', 'x')], inverse: [note('a', '')], coalesceKey: 'note#1' });
    h.record({ changes: [note('a', 'xy')], inverse: [note('a', 'x')], coalesceKey: 'note#1' });
    h.record({ changes: [note('a', 'xyz')], inverse: [note('a', 'xy')], coalesceKey: 'note#2' });
    expect(h.takeUndo()?.inverse).toEqual([note('a', 'xy')]);
    const joined = h.takeUndo()!;
    // The joined step's inverse runs last-first: it ends with the original note.
    expect(joined.inverse).toEqual([note('a', 'x'), note('a', '')]);
    expect(joined.changes).toEqual([note('a', 'x'), note('a', 'xy')]);
    expect(h.takeUndo()?.changes).toEqual([add('a')]);
  });

  it('does not join across an undo', () => {
    const h = new ChangeHistory();
    h.record({ changes: [note('a', '1')], inverse: [note('a', '')], coalesceKey: 'k' });
    h.record({ changes: [note('a', '2')], inverse: [note('a', '1')], coalesceKey: 'k' });
    h.takeUndo();
    h.takeRedo();
    h.record({ changes: [note('a', '3')], inverse: [note('a', '2')], coalesceKey: 'k' });
    expect(h.takeUndo()?.changes).toEqual([note('a', '3')]);
  });

  it('keeps at most its limit of steps, dropping the oldest', () => {
    const h = new ChangeHistory(2);
    for (const id of ['a', 'b', 'c']) h.record({ changes: [add(id)], inverse: [remove(id)] });
    expect(h.takeUndo()?.changes).toEqual([add('c')]);
    expect(h.takeUndo()?.changes).toEqual([add('b')]);
    expect(h.takeUndo()).toBeUndefined();
  });

  it('puts back a step that could not be applied', () => {
    const h = new ChangeHistory();
    const entry = { changes: [add('a')], inverse: [remove('a')] };
    h.record(entry);
    const taken = h.takeUndo()!;
    h.restore(taken, 'undo');
    expect(h.canRedo).toBe(false);
    expect(h.takeUndo()).toBe(entry);
    h.takeRedo();
    h.takeUndo();
    const redo = h.takeRedo()!;
    h.restore(redo, 'redo');
    expect(h.canUndo).toBe(false);
    expect(h.takeRedo()).toBe(entry);
  });

  it('clears', () => {
    const h = new ChangeHistory();
    h.record({ changes: [add('a')], inverse: [remove('a')] });
    h.takeUndo();
    h.record({ changes: [add('b')], inverse: [remove('b')] });
    h.clear();
    expect(h.canUndo || h.canRedo).toBe(false);
  });
});
