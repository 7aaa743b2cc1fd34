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
  SpanIndex,
  widen,
  withAnnotationMeta,
} from '../../../src/renderer/src/editor/annotations';
import type { AnnotationMeta, RenderedSpan } from '../../../src/renderer/src/editor/annotations';
import { PAGE_ROWS } from '../../../src/renderer/src/columns';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';

// One paragraph of 60 characters: content positions 1..61.
const TEXT = 'x'.repeat(60);
const { doc } = buildEditorDocument({ text: TEXT, blocks: [{ type: 'paragraph', start: 0, end: 60 }] });

function span(id: string, from: number, to: number, label = 'Person'): RenderedSpan {
  return { id, label, from, to, pieces: [{ from, to }], colorClass: `gl-c-${label.length}`, orphan: false };
}

function stateWith(initial: RenderedSpan[] = [], window?: { from: number; to: number }): EditorState {
  return EditorState.create({ doc, plugins: [createAnnotationPlugin(initial, { window })] });
}

/** The ids drawn, sorted. */
function drawnIds(state: EditorState): string[] {
  return [...levelsOf(decorations(state)).keys()].sort();
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

  it.each([
    ['keeping the spans', false],
    ['drawing them through a resolver', true],
  ])('ends up exactly where a fresh build would, after any edits (%s)', (_how, resolving) => {
    const spanArb = fc
      .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('Person', 'Money', 'Date'))
      .map(([from, length, label]) => ({ from, to: Math.min(61, from + length), label }));
    const opArb = fc.oneof(
      spanArb.map((s) => ({ kind: 'add' as const, ...s })),
      fc.nat().map((n) => ({ kind: 'remove' as const, n })),
      fc.nat().map((n) => ({ kind: 'relabel' as const, n })),
      fc.nat().map((n) => ({ kind: 'select' as const, n })),
      fc.tuple(fc.integer({ min: 0, max: 62 }), fc.integer({ min: 0, max: 30 })).map(([from, length]) => ({ kind: 'window' as const, from, to: Math.min(62, from + length) })),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const live = new Map<string, RenderedSpan>();
        // The resolver draws what `live` holds now, as the session draws its stored spans.
        let state = resolving
          ? EditorState.create({ doc, plugins: [createAnnotationPlugin([], { resolve: (id) => live.get(id) })] })
          : stateWith();
        let window = { from: 0, to: doc.content.size };
        let selected: string | null = null;
        let next = 0;
        for (const op of ops) {
          const ids = [...live.keys()];
          if (op.kind === 'window') {
            window = { from: op.from, to: op.to };
            state = apply(state, { window });
          } else if (op.kind === 'add') {
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
        // What a fresh build draws, cut to the window (the selected span is drawn wherever it is).
        const fresh = buildDecorations(doc, [...live.values()], selected, null);
        const inWindow = (id: string) => {
          const s = live.get(id)!;
          return id === selected || (window.from < window.to && s.from < window.to && s.to > window.from);
        };
        const expected = picture(fresh).filter((p) => inWindow(p.split(' ')[0]!));
        expect(picture(decorations(state))).toEqual(expected);
        const levels = [...levelsOf(fresh)].filter(([id]) => inWindow(id));
        expect(levelsOf(decorations(state))).toEqual(new Map(levels));
        // The index holds every span, drawn or not, with the levels of a fresh build.
        expect(new Map(annotationState(state).index.entries.map((e) => [e.id, e.level]))).toEqual(levelsOf(fresh));
      }),
      { numRuns: 300 },
    );
  });

  describe('window', () => {
    const spans = [span('a', 1, 5), span('b', 20, 25), span('c', 40, 45), span('long', 2, 50, 'Commitment')];

    it('draws only the spans meeting the window, keeping their levels', () => {
      const state = stateWith(spans, { from: 18, to: 30 });
      expect(drawnIds(state)).toEqual(['b', 'long']);
      expect(levelsOf(decorations(state)).get('b')).toBe(1);
      expect(annotationState(state).index.size).toBe(4);
    });

    it('draws what the window gains and erases what it loses', () => {
      let state = stateWith(spans, { from: 0, to: 10 });
      expect(drawnIds(state)).toEqual(['a', 'long']);
      state = apply(state, { window: { from: 35, to: 61 } });
      expect(drawnIds(state)).toEqual(['c', 'long']);
      state = apply(state, { window: { from: 0, to: 61 } });
      expect(drawnIds(state)).toEqual(['a', 'b', 'c', 'long']);
    });

    it('draws the selected and flashing spans wherever they are, and lets them go after', () => {
      let state = stateWith(spans, { from: 0, to: 10 });
      state = apply(state, { select: spans[2]!, flash: spans[1]! });
      expect(drawnIds(state)).toEqual(['a', 'b', 'c', 'long']);
      expect(picture(decorations(state)).find((p) => p.startsWith('c '))).toContain('gl-selected');
      state = apply(state, { select: null, flash: null });
      expect(drawnIds(state)).toEqual(['a', 'long']);
    });

    it('keeps spans added or removed out of sight in the index, with their levels', () => {
      let state = stateWith(spans, { from: 0, to: 10 });
      const inner = span('inner', 41, 44);
      state = apply(state, { add: [inner] });
      expect(drawnIds(state)).toEqual(['a', 'long']);
      expect(annotationState(state).index.entryOf('inner')?.level).toBe(2);
      state = apply(state, { remove: [spans[3]!] });
      expect(annotationState(state).index.entryOf('inner')?.level).toBe(1);
      state = apply(state, { window: { from: 38, to: 61 } });
      expect(levelsOf(decorations(state))).toEqual(
        new Map([
          ['c', 0],
          ['inner', 1],
        ]),
      );
    });

    it('draws spans in blocks appended later, once they fit in the document', () => {
      const full = buildEditorDocument({
        text: `${'x'.repeat(10)}\n\n${'y'.repeat(10)}`,
        blocks: [
          { type: 'paragraph', start: 0, end: 10 },
          { type: 'paragraph', start: 12, end: 22 },
        ],
      }, 1).doc;
      // One block per chunk. First block: positions 2..12; second: 16..26.
      const partial = full.copy(full.content.cut(0, full.child(0).nodeSize));
      const first = span('first', 3, 7);
      const second = span('second', 16, 22);
      let state = EditorState.create({ doc: partial, plugins: [createAnnotationPlugin([first, second], { window: { from: 0, to: full.content.size } })] });
      expect(drawnIds(state)).toEqual(['first']);
      state = state.apply(state.tr.insert(partial.content.size, full.child(1)));
      expect(drawnIds(state)).toEqual(['first', 'second']);
      expect(picture(decorations(state))).toEqual(picture(buildDecorations(full, [first, second], null, null)));
    });
  });

  describe('SpanIndex', () => {
    it('finds overlapping spans past a long one, and spans by id after a range change', () => {
      const index = SpanIndex.build([span('long', 1, 900), span('x', 500, 510), span('y', 950, 960)]);
      expect(index.overlapping({ from: 800, to: 955 }, 10_000).map((e) => e.id)).toEqual(['long', 'y']);
      expect(index.overlapping({ from: 800, to: 955 }, 955).map((e) => e.id)).toEqual(['long']);
      expect(index.overlapping({ from: 5, to: 5 }, 10_000)).toEqual([]);
      expect(index.indexOf(span('x', 1, 2))).toBe(1);
      expect(index.indexOf(span('nope', 1, 2))).toBe(-1);
    });

    it('keeps the spans it is given, or only ids, ranges and levels', () => {
      const spans = [span('b', 5, 9), span('a', 2, 20)];
      const kept = SpanIndex.build(spans);
      expect(kept.entries).toEqual([
        { id: 'a', from: 2, to: 20, level: 0, span: spans[1] },
        { id: 'b', from: 5, to: 9, level: 1, span: spans[0] },
      ]);
      const bare = SpanIndex.build(spans, { keep: false });
      expect(bare.entries).toEqual([
        { id: 'a', from: 2, to: 20, level: 0 },
        { id: 'b', from: 5, to: 9, level: 1 },
      ]);
    });

    it('leaves an index as it was when a new one is made from it', () => {
      const before = SpanIndex.build([span('long', 1, 50), span('x', 10, 20)], { keep: false });
      const added = before.with(span('mid', 5, 30));
      expect(added.entry).toEqual({ id: 'mid', from: 5, to: 30, level: 1 });
      expect(added.shifted).toEqual([[{ id: 'x', from: 10, to: 20, level: 1 }, { id: 'x', from: 10, to: 20, level: 2 }]]);
      expect(added.index.entries.map((e) => [e.id, e.level])).toEqual([['long', 0], ['mid', 1], ['x', 2]]);
      const removed = added.index.without(span('long', 1, 50))!;
      expect(removed.index.entries.map((e) => [e.id, e.level])).toEqual([['mid', 0], ['x', 1]]);
      expect(removed.shifted.map(([o, n]) => [o.id, o.level, n.level])).toEqual([['mid', 1, 0], ['x', 2, 1]]);
      // The indexes made along the way are untouched.
      expect(before.entries.map((e) => [e.id, e.level])).toEqual([['long', 0], ['x', 1]]);
      expect(added.index.entries.map((e) => [e.id, e.level])).toEqual([['long', 0], ['mid', 1], ['x', 2]]);
    });

    it('matches a fresh build after many changes over thousands of spans, older indexes untouched', () => {
      // Enough spans for many pages of rows (PAGE_ROWS each); long spans added and removed shift
      // the levels of spans on pages the new index shares with the old one.
      let seed = 11;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const live = new Map<string, RenderedSpan>();
      for (let i = 0; i < 3 * PAGE_ROWS; i++) {
        const from = next(20_000);
        live.set(`s${i}`, span(`s${i}`, from, from + 1 + next(40)));
      }
      let index = SpanIndex.build([...live.values()], { keep: false });
      const versions: [SpanIndex, [string, number, number, number][]][] = [];
      const picture = (ix: SpanIndex) => ix.entries.map((e): [string, number, number, number] => [e.id, e.from, e.to, e.level]);
      for (let step = 0; step < 400; step++) {
        const ids = [...live.keys()];
        if (step % 3 === 2) {
          const gone = live.get(ids[next(ids.length)]!)!;
          live.delete(gone.id);
          index = index.without(gone)!.index;
        } else {
          const from = next(20_000);
          // Every tenth one long: it raises the levels of hundreds of spans after it.
          const s = span(`n${step}`, from, from + (step % 10 === 0 ? 2_000 + next(4_000) : 1 + next(40)));
          live.set(s.id, s);
          index = index.with(s).index;
        }
        versions.push([index, picture(index)]);
      }
      expect(picture(index)).toEqual(picture(SpanIndex.build([...live.values()], { keep: false })));
      for (const [version, entries] of versions) expect(picture(version)).toEqual(entries);
    });
  });

  it('widens a window to the minimum, within the document', () => {
    expect(widen({ from: 50, to: 60 }, 40, 1000)).toEqual({ from: 35, to: 75 });
    expect(widen({ from: 2, to: 10 }, 40, 1000)).toEqual({ from: 0, to: 40 });
    expect(widen({ from: 990, to: 1000 }, 40, 1000)).toEqual({ from: 960, to: 1000 });
    expect(widen({ from: 0, to: 10 }, 40, 20)).toEqual({ from: 0, to: 20 });
    expect(widen({ from: 100, to: 300 }, 40, 1000)).toEqual({ from: 100, to: 300 });
  });
});
