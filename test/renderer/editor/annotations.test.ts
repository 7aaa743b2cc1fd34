import fc from 'fast-check';
import { EditorState } from 'prosemirror-state';
import type { Decoration, DecorationSet } from 'prosemirror-view';
import { describe, expect, it } from 'vitest';
import {
  annotationState,
  buildDecorations,
  createAnnotationPlugin,
  levelsOf,
  MAX_LEVEL,
  withAnnotationMeta,
} from '../../../src/renderer/src/editor/annotations';
import type { AnnotationMeta, RenderedSpan } from '../../../src/renderer/src/editor/annotations';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';

// One paragraph of 60 characters: content positions 1..61.
const TEXT = 'x'.repeat(60);
const { doc } = buildEditorDocument({ text: TEXT, blocks: [{ type: 'paragraph', start: 0, end: 60 }] });

function span(id: string, from: number, to: number, label = 'Person'): RenderedSpan {
  return { id, label, from, to, pieces: [{ from, to }], colorClass: `gl-c-${label.length}`, orphan: false };
}

function stateWith(initial: RenderedSpan[] = []): EditorState {
  return EditorState.create({ doc, plugins: [createAnnotationPlugin(initial)] });
}

function apply(state: EditorState, meta: AnnotationMeta): EditorState {
  return state.apply(withAnnotationMeta(state.tr, meta));
}

function decorations(state: EditorState): DecorationSet {
  return annotationState(state).decorations;
}

/** Every drawn piece as "id from-to classes", sorted: a comparable picture of the set. */
function picture(set: DecorationSet): string[] {
  return set
    .find()
    .map((d: Decoration) => {
      const attrs = (d as unknown as { type: { attrs: Record<string, string> } }).type.attrs;
      return `${attrs['data-span-id']} ${d.from}-${d.to} ${attrs.class} ${attrs['data-label']} ${attrs.nodeName}`;
    })
    .sort();
}

describe('annotation plugin', () => {
  it('draws each span as its own <span> with id, label and level classes', () => {
    const state = apply(stateWith(), { add: [span('a', 3, 10)] });
    expect(picture(decorations(state))).toEqual(['a 3-10 gl-span gl-lv-0 gl-c-6 Person span']);
  });

  it('gives nested spans increasing levels, whatever the order they arrive in', () => {
    const outer = span('outer', 1, 40, 'Commitment');
    const inner = span('inner', 10, 20, 'Quantity');
    const innermost = span('innermost', 12, 15, 'Percent');
    const a = apply(apply(apply(stateWith(), { add: [outer] }), { add: [inner] }), { add: [innermost] });
    const b = apply(apply(apply(stateWith(), { add: [innermost] }), { add: [inner] }), { add: [outer] });
    const expected = new Map([
      ['outer', 0],
      ['inner', 1],
      ['innermost', 2],
    ]);
    expect(levelsOf(decorations(a))).toEqual(expected);
    expect(levelsOf(decorations(b))).toEqual(expected);
    expect(picture(decorations(a))).toEqual(picture(decorations(b)));
  });

  it('lowers the levels of the spans inside a removed span', () => {
    const outer = span('outer', 1, 40);
    const inner = span('inner', 10, 20);
    let state = stateWith([outer, inner]);
    expect(levelsOf(decorations(state)).get('inner')).toBe(1);
    state = apply(state, { remove: [outer] });
    expect(levelsOf(decorations(state))).toEqual(new Map([['inner', 0]]));
  });

  it('puts partly overlapping spans on different rows', () => {
    const state = stateWith([span('left', 1, 20), span('right', 10, 30)]);
    expect(levelsOf(decorations(state))).toEqual(
      new Map([
        ['left', 0],
        ['right', 1],
      ]),
    );
  });

  it('caps the level class but keeps counting', () => {
    const stack = Array.from({ length: MAX_LEVEL + 3 }, (_, i) => span(`s${i}`, 1 + i, 50 - i));
    const state = stateWith(stack);
    const deepest = picture(decorations(state)).find((p) => p.startsWith(`s${MAX_LEVEL + 2} `))!;
    expect(deepest).toContain(`gl-lv-${MAX_LEVEL}`);
    expect(levelsOf(decorations(state)).get(`s${MAX_LEVEL + 2}`)).toBe(MAX_LEVEL + 2);
  });

  it('marks the selected span, moves the mark, and forgets a removed selection', () => {
    const a = span('a', 1, 5);
    const b = span('b', 10, 15);
    let state = apply(stateWith([a, b]), { select: a });
    expect(picture(decorations(state)).filter((p) => p.includes('gl-selected'))).toEqual([
      'a 1-5 gl-span gl-lv-0 gl-c-6 gl-selected Person span',
    ]);
    state = apply(state, { select: b });
    expect(picture(decorations(state)).filter((p) => p.includes('gl-selected'))).toEqual([
      'b 10-15 gl-span gl-lv-0 gl-c-6 gl-selected Person span',
    ]);
    state = apply(state, { remove: [b] });
    expect(annotationState(state).selected).toBeNull();
    expect(picture(decorations(state))).toEqual(['a 1-5 gl-span gl-lv-0 gl-c-6 Person span']);
  });

  it('keeps a relabelled span selected (removed and added back under its id)', () => {
    const before = span('a', 1, 5, 'Person');
    const after = span('a', 1, 5, 'Organisation');
    let state = apply(stateWith([before]), { select: before });
    state = apply(state, { remove: [before], add: [after] });
    expect(annotationState(state).selected).toBe(after);
    expect(picture(decorations(state))).toEqual(['a 1-5 gl-span gl-lv-0 gl-c-12 gl-selected Organisation span']);
  });

  it('flashes a span and stops', () => {
    const a = span('a', 1, 5);
    let state = apply(stateWith([a]), { flash: a });
    expect(picture(decorations(state))[0]).toContain('gl-flash');
    state = apply(state, { flash: null });
    expect(picture(decorations(state))[0]).not.toContain('gl-flash');
  });

  it('draws every piece of a discontinuous span, and orphans as such', () => {
    const split: RenderedSpan = { ...span('d', 1, 30), pieces: [{ from: 1, to: 5 }, { from: 20, to: 30 }], orphan: true };
    const state = stateWith([split]);
    expect(picture(decorations(state))).toEqual([
      'd 1-5 gl-span gl-lv-0 gl-c-6 gl-orphan Person span',
      'd 20-30 gl-span gl-lv-0 gl-c-6 gl-orphan Person span',
    ]);
    expect(picture(decorations(apply(state, { remove: [split] })))).toEqual([]);
  });

  it('leaves the decorations of unrelated spans untouched (no rebuild)', () => {
    const far = span('far', 40, 50);
    let state = stateWith([span('a', 1, 5), far]);
    const specBefore = decorations(state).find(40, 50)[0]!.spec;
    state = apply(state, { add: [span('b', 2, 8)] });
    state = apply(state, { remove: [span('a', 1, 5)] });
    expect(decorations(state).find(40, 50)[0]!.spec).toBe(specBefore);
  });

  it('ignores transactions without its meta', () => {
    const state = stateWith([span('a', 1, 5)]);
    const next = state.apply(state.tr.setMeta('other', true));
    expect(annotationState(next)).toBe(annotationState(state));
  });

  it('ends up exactly where a fresh build would, after any edits', () => {
    const spanArb = fc
      .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('Person', 'Money', 'Date'))
      .map(([from, length, label]) => ({ from, to: Math.min(61, from + length), label }));
    const opArb = fc.oneof(
      spanArb.map((s) => ({ kind: 'add' as const, ...s })),
      fc.nat().map((n) => ({ kind: 'remove' as const, n })),
      fc.nat().map((n) => ({ kind: 'relabel' as const, n })),
      fc.nat().map((n) => ({ kind: 'select' as const, n })),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        let state = stateWith();
        const live = new Map<string, RenderedSpan>();
        let selected: string | null = null;
        let next = 0;
        for (const op of ops) {
          const ids = [...live.keys()];
          if (op.kind === 'add') {
            const s = span(`s${next++}`, op.from, op.to, op.label);
            live.set(s.id, s);
            state = apply(state, { add: [s] });
          } else if (ids.length > 0) {
            const target = live.get(ids[op.n % ids.length]!)!;
            if (op.kind === 'remove') {
              live.delete(target.id);
              if (selected === target.id) selected = null;
              state = apply(state, { remove: [target] });
            } else if (op.kind === 'relabel') {
              const relabelled = { ...target, label: target.label === 'Date' ? 'Person' : 'Date' };
              live.set(target.id, relabelled);
              state = apply(state, { remove: [target], add: [relabelled] });
            } else {
              selected = target.id;
              state = apply(state, { select: target });
            }
          }
        }
        const fresh = buildDecorations(doc, [...live.values()], selected, null);
        expect(picture(decorations(state))).toEqual(picture(fresh));
        expect(levelsOf(decorations(state))).toEqual(levelsOf(fresh));
      }),
      { numRuns: 300 },
    );
  });
});
