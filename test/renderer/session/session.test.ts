import { beforeEach, describe, expect, it } from 'vitest';
import type { GlossDocument, Span } from '../../../src/core/model';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { spanTableOf, withLazySpanObjects, withSpanTable } from '../../../src/core/span-table';
import { annotationState, buildDecorations, levelsOf } from '../../../src/renderer/src/editor/annotations';
import type { RenderedSpan } from '../../../src/renderer/src/editor/annotations';
import { CHUNK_BLOCKS } from '../../../src/renderer/src/editor/positions';
import { DocumentSession } from '../../../src/renderer/src/session/session';
import { writesPending } from '../../../src/renderer/src/session/writes';
import tajikistan from '../../../resources/sample/tajikistan-russia-industrial-cooperation.txt?raw';
import digest from '../../../resources/sample/social-monitoring-digest.txt?raw';
import { createFakeApi, FIXED_NOW, makeLayer, plainDocument, storedLayer } from './fakeApi';
import type { FakeApi } from './fakeApi';
import { mountHeadless, selectText as selectRange } from './testHost';
import type { TestHost } from './testHost';

const LOCAL_NOW = new Date('2024-05-02T08:00:00.000Z');

let doc: GlossDocument;
let astralDoc: GlossDocument;
let api: FakeApi;

beforeEach(async () => {
  doc = await plainDocument('tajikistan', tajikistan);
  astralDoc = await plainDocument('digest', digest);
  api = createFakeApi([doc, astralDoc]);
});

const hosts = new WeakMap<DocumentSession, TestHost>();

async function open(docId = 'tajikistan', readOnly = false): Promise<DocumentSession> {
  const opened = await api.openDocument(docId);
  if (!opened.ok) throw new Error(opened.error.message);
  let n = 0;
  const session = new DocumentSession({
    api,
    opened: opened.value,
    schema: DEFAULT_SCHEMA,
    readOnly,
    now: () => LOCAL_NOW,
    newId: () => `s${++n}`,
    flashMs: 5,
  });
  hosts.set(session, mountHeadless(session));
  return session;
}

function selectText(session: DocumentSession, start: number, end: number): void {
  selectRange(session, hosts.get(session)!, start, end);
}

function drawn(session: DocumentSession): string[] {
  return annotationState(session.state)
    .decorations.find()
    .map((d) => {
      const spec = d.spec as { span: { id: string; label: string } };
      const cls = (d as unknown as { type: { attrs: { class: string } } }).type.attrs.class;
      return `${spec.span.id}:${spec.span.label}${cls.includes('gl-selected') ? '*' : ''}`;
    })
    .sort();
}

const stored = (docId = 'tajikistan'): Span[] => storedLayer(api, docId)?.spans ?? [];

describe('DocumentSession: making spans', () => {
  it('makes a span of a selection, trimmed, in code points, and saves it', async () => {
    const session = await open();
    // 74..90 is " Emomali Rahmon " with its spaces.
    expect(doc.text.slice(74, 90)).toBe(' Emomali Rahmon ');
    selectText(session, 74, 90);
    expect(session.getSnapshot().textSelection).toEqual({ start: 75, end: 89, quote: 'Emomali Rahmon' });
    expect(session.applyLabel('Person')).toBe(true);

    const snap = session.getSnapshot();
    expect(snap.spans.map((s) => [s.id, s.label, s.start, s.end, s.quote])).toEqual([['s1', 'Person', 75, 89, 'Emomali Rahmon']]);
    expect(snap.selected?.id).toBe('s1');
    // The text selection collapsed: the next label key relabels the new span.
    expect(session.state.selection.empty).toBe(true);
    expect(drawn(session)).toEqual(['s1:Person*']);
    expect(snap.save.state).toBe('saving');

    await session.idle();
    expect(stored().map((s) => [s.label, s.start, s.end, s.quote])).toEqual([['Person', 75, 89, 'Emomali Rahmon']]);
    expect(session.getSnapshot().save).toEqual({ state: 'saved' });
    // The workspace's own values (its clock) replace the local ones.
    expect(session.getSnapshot().spans.at(0)!.createdAt).toBe(FIXED_NOW);
  });

  it('does nothing for a blank selection or without anything selected', async () => {
    const session = await open();
    selectText(session, 89, 90); // one space
    expect(session.getSnapshot().textSelection).toBeNull();
    expect(session.applyLabel('Person')).toBe(false);
    selectText(session, 10, 10);
    expect(session.applyLabel('Person')).toBe(false);
    expect(session.applyLabel('NoSuchLabel')).toBe(false);
    await session.idle();
    expect(api.calls).toEqual([]);
  });

  it('counts astral characters as one code point', async () => {
    const session = await open('digest');
    const start = digest.indexOf('€25 million');
    const cpStart = [...digest.slice(0, start)].length;
    selectText(session, cpStart, cpStart + 11);
    session.applyLabel('Money');
    await session.idle();
    expect(stored('digest')).toMatchObject([{ label: 'Money', start: cpStart, end: cpStart + 11, quote: '€25 million' }]);
    // The globe emoji before it is two UTF-16 units but one code point.
    expect(cpStart).toBe(start - 1);
  });

  it('relabels the selected span with a label key, keeping allowed attributes', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    session.setAttributes('s1', { normalized: 'Rahmon, Emomali' });
    expect(session.applyLabel('Organisation')).toBe(true);
    expect(session.getSnapshot().selected).toMatchObject({ label: 'Organisation', attributes: { normalized: 'Rahmon, Emomali' } });
    expect(drawn(session)).toEqual(['s1:Organisation*']);
    session.applyLabel('Percent');
    expect(session.getSnapshot().selected).toMatchObject({ label: 'Percent', attributes: {} });
    session.undo();
    expect(session.getSnapshot().selected).toMatchObject({ label: 'Organisation', attributes: { normalized: 'Rahmon, Emomali' } });
    await session.idle();
    expect(stored()).toMatchObject([{ label: 'Organisation', attributes: { normalized: 'Rahmon, Emomali' } }]);
  });
});

describe('DocumentSession: what the editor draws', () => {
  it('draws, after any edits, undos and redos, what a fresh drawing of its spans draws', async () => {
    const session = await open();
    const host = hosts.get(session)!;
    // A seeded run of nested and overlapping creates, relabels, deletes, undos and redos, near
    // one another so that levels shift; the editor's index keeps no drawn spans: it asks the
    // session for them, which must come out as if everything were drawn again from scratch.
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const labels = DEFAULT_SCHEMA.labels.map((l) => l.name);
    for (let step = 0; step < 120; step++) {
      const spans = session.getSnapshot().spans;
      const op = next(10);
      if (op < 4 || spans.length === 0) {
        const start = 60 + next(120);
        session.createSpan(labels[next(labels.length)]!, start, start + 1 + next(40));
      } else if (op < 6) {
        const span = spans.at(next(spans.length))!;
        session.relabel(span.id, labels[next(labels.length)]!);
      } else if (op < 8) {
        session.remove(spans.at(next(spans.length))!.id);
      } else if (op === 8) {
        session.undo();
      } else {
        session.redo();
      }
      const all = session.getSnapshot().spans.map((s) => session.renderedSpan(s.id)).filter((s): s is RenderedSpan => s !== undefined);
      const fresh = buildDecorations(host.state.doc, all, session.getSnapshot().selected?.id ?? null, null);
      expect(levelsOf(annotationState(host.state).decorations)).toEqual(levelsOf(fresh));
      expect(drawn(session)).toEqual(
        fresh
          .find()
          .map((d) => {
            const spec = d.spec as { span: { id: string; label: string } };
            const cls = (d as unknown as { type: { attrs: { class: string } } }).type.attrs.class;
            return `${spec.span.id}:${spec.span.label}${cls.includes('gl-selected') ? '*' : ''}`;
          })
          .sort(),
      );
    }
    expect(session.getSnapshot().spans.length).toBeGreaterThan(5);
    await session.idle();
  });
});

describe('DocumentSession: undo and redo reach the disk', () => {
  it('undoes a create (the other span stays), and redoes it', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    selectText(session, 1459, 1467);
    expect(session.getSnapshot().textSelection?.quote).toBe('Gemotest');
    session.applyLabel('Organisation');
    await session.idle();
    expect(stored().map((s) => s.quote)).toEqual(['Emomali Rahmon', 'Gemotest']);

    expect(session.undo()).toBe(true);
    await session.idle();
    expect(stored().map((s) => [s.label, s.start, s.end])).toEqual([['Person', 75, 89]]);
    expect(drawn(session)).toEqual(['s1:Person']);

    expect(session.redo()).toBe(true);
    await session.idle();
    expect(stored().map((s) => [s.label, s.start, s.end])).toEqual([
      ['Person', 75, 89],
      ['Organisation', 1459, 1467],
    ]);
    expect(session.getSnapshot().selected?.id).toBe('s2');
  });

  it('undoes a delete with the attributes and note the span had', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    session.setAttributes('s1', { normalized: 'Emomali Rahmon' });
    session.setNote('s1', 'President');
    expect(session.removeSelected()).toBe(true);
    expect(session.getSnapshot().selected).toBeNull();
    expect(drawn(session)).toEqual([]);
    await session.idle();
    expect(stored()).toEqual([]);
    session.undo();
    await session.idle();
    expect(stored()).toMatchObject([{ id: 's1', label: 'Person', attributes: { normalized: 'Emomali Rahmon' }, note: 'President' }]);
    expect(session.getSnapshot().selected?.id).toBe('s1');
  });

  it('undoes a run of note edits made in one field as one step', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    session.setNote('s1', 'P', 'note#1');
    session.setNote('s1', 'Pr', 'note#1');
    session.setNote('s1', 'President', 'note#1');
    session.undo();
    expect(session.getSnapshot().selected?.note).toBeUndefined();
    expect(session.getSnapshot().spans).toHaveLength(1);
    session.undo();
    expect(session.getSnapshot().spans).toHaveLength(0);
    expect(session.getSnapshot().canUndo).toBe(false);
    await session.idle();
    expect(stored()).toEqual([]);
  });

  it('keeps the order of edits made faster than the workspace answers', async () => {
    const session = await open();
    api.hold = true;
    selectText(session, 75, 89);
    session.applyLabel('Person');
    selectText(session, 1459, 1467);
    session.applyLabel('Organisation');
    session.applyLabel('Location');
    session.undo();
    session.undo();
    // The first batch goes out in a task of its own (after the key's event), the rest wait for it.
    expect(api.calls).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.calls).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      api.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    api.hold = false;
    api.release();
    await session.idle();
    expect(api.calls.map((c) => c.changes[0]!.op)).toEqual(['add', 'add', 'update', 'update', 'remove']);
    expect(stored().map((s) => [s.id, s.label])).toEqual([['s1', 'Person']]);
    expect(session.getSnapshot().spans.map((s) => [s.id, s.label])).toEqual([['s1', 'Person']]);
  });

  it('still writes an edit made just before the document was closed, counted until it is written', async () => {
    const session = await open();
    const before = writesPending();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    expect(writesPending()).toBe(before + 1);
    // Another document opened at once: this session is closed before its save went out.
    session.dispose();
    await session.idle();
    expect(stored().map((s) => [s.label, s.start, s.end])).toEqual([['Person', 75, 89]]);
    expect(writesPending()).toBe(before);
  });

  it('does not record status changes for undo', async () => {
    const session = await open();
    expect(session.setStatus('done')).toBe(true);
    expect(session.getSnapshot().status).toBe('done');
    expect(session.getSnapshot().canUndo).toBe(false);
    await session.idle();
    expect(storedLayer(api, 'tajikistan')?.status).toBe('done');
  });
});

describe('DocumentSession: selection', () => {
  it('selects the innermost of the spans under a click', async () => {
    const session = await open();
    // "increased by 18 percent to $1.4 billion" with "18 percent" inside it.
    const outerStart = doc.text.indexOf('increased by 18');
    const innerStart = doc.text.indexOf('18 percent');
    selectText(session, outerStart, outerStart + 'increased by 18 percent to $1.4 billion'.length);
    session.applyLabel('Commitment');
    selectText(session, innerStart, innerStart + 10);
    session.applyLabel('Percent');
    session.select(null);
    session.selectInnermost(['s1', 's2']);
    expect(session.getSnapshot().selected?.label).toBe('Percent');
    session.selectInnermost(['s1']);
    expect(session.getSnapshot().selected?.label).toBe('Commitment');
    session.selectInnermost([]);
    expect(session.getSnapshot().selected).toBeNull();
    expect(drawn(session)).toEqual(['s1:Commitment', 's2:Percent']);
  });

  it('lets a new text selection take over from a selected span; Escape clears both', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    expect(session.getSnapshot().selected?.id).toBe('s1');
    selectText(session, 100, 110);
    expect(session.getSnapshot().selected).toBeNull();
    expect(drawn(session)).toEqual(['s1:Person']);
    session.select('s1');
    // Selecting a span collapses the text selection, so a label key relabels it.
    expect(session.state.selection.empty).toBe(true);
    selectText(session, 100, 110);
    session.clearSelection();
    expect(session.state.selection.empty).toBe(true);
    expect(session.getSnapshot().textSelection).toBeNull();
    expect(session.removeSelected()).toBe(false);
  });

  it('flashes a span it jumps to, then stops', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    session.select(null);
    session.select('s1', { reveal: true, flash: true });
    expect(hosts.get(session)!.revealed).toEqual(['s1']);
    expect(annotationState(session.state).flashing?.id).toBe('s1');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(annotationState(session.state).flashing).toBeNull();
  });
});

describe('DocumentSession: when things go wrong', () => {
  it('shows a refused save as an error and goes back to what is on disk', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    await session.idle();
    api.refuseWith = 'the disk is full';
    selectText(session, 1459, 1467);
    session.applyLabel('Organisation');
    expect(session.getSnapshot().spans).toHaveLength(2);
    await session.idle();
    // The resync reads the layer again after the failure.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const snap = session.getSnapshot();
    expect(snap.save).toEqual({ state: 'error', message: 'the disk is full' });
    expect(snap.spans.map((s) => s.quote)).toEqual(['Emomali Rahmon']);
    expect(drawn(session)).toEqual(['s1:Person']);
    expect(snap.canUndo).toBe(false);
    api.refuseWith = null;
    session.select('s1');
    session.applyLabel('Location');
    await session.idle();
    expect(session.getSnapshot().save).toEqual({ state: 'saved' });
  });

  it('changes nothing in a read-only workspace', async () => {
    const session = await open('tajikistan', true);
    selectText(session, 75, 89);
    expect(session.applyLabel('Person')).toBe(false);
    expect(session.setStatus('done')).toBe(false);
    await session.idle();
    expect(api.calls).toEqual([]);
    expect(session.getSnapshot().readOnly).toBe(true);
  });

  it('lists orphan spans without moving them; draws them only where they fit in the text', async () => {
    const good: Span = { id: 'g', label: 'Person', start: 75, end: 89, quote: 'Emomali Rahmon', attributes: {}, origin: 'manual', createdAt: FIXED_NOW, updatedAt: FIXED_NOW };
    const changed: Span = { ...good, id: 'c', quote: 'Someone Else' };
    const outside: Span = { ...good, id: 'o', start: 5000, end: 5010, quote: 'gone' };
    // Only the blank text between two blocks: its quote fits, so it is no orphan, but nothing shows it.
    const [first, second] = doc.blocks;
    const between: Span = { ...good, id: 'b', start: first!.end, end: second!.start, quote: [...doc.text].slice(first!.end, second!.start).join('') };
    expect(between.quote).toMatch(/^\s+$/);
    const opened = await api.openDocument('tajikistan');
    if (!opened.ok) throw new Error('open');
    opened.value.mine.spans = [good, changed, outside, between];
    const session = new DocumentSession({ api, opened: opened.value, schema: DEFAULT_SCHEMA });
    const snap = session.getSnapshot();
    expect(snap.spans.map((s) => [s.id, s.start])).toEqual([
      ['c', 75],
      ['g', 75],
      ['b', first!.end],
      ['o', 5000],
    ]);
    expect([...snap.orphans].sort()).toEqual(['c', 'o']);
    expect(drawn(session)).toEqual(['c:Person', 'g:Person']);
    const classes = annotationState(session.state)
      .decorations.find()
      .map((d) => (d as unknown as { type: { attrs: { class: string } } }).type.attrs.class);
    expect(classes.filter((c) => c.includes('gl-orphan'))).toHaveLength(1);
  });
});

describe('DocumentSession: comments and my layer on disk', () => {
  it('adds a comment to my layer addressed to a colleague’s span, without touching spans, status or undo', async () => {
    api.putLayer('tajikistan', makeLayer(doc, 'bob', [['Person', 75, 89]]));
    const session = await open();
    const id = session.addComment({ annotator: 'bob', spanId: 'bob-1' }, '  Is this the president?  ');
    expect(id).toBe('c-s1');
    await session.idle();
    expect(api.calls.map((c) => c.changes)).toEqual([[{ op: 'comment-add', comment: { id: 'c-s1', target: { annotator: 'bob', spanId: 'bob-1' }, text: 'Is this the president?' } }]]);
    const snap = session.getSnapshot();
    expect(snap.comments).toMatchObject([{ id: 'c-s1', author: 'me', resolved: false, text: 'Is this the president?' }]);
    expect(snap.status).toBe('todo');
    expect(snap.canUndo).toBe(false);
    expect(session.addComment(null, '   ')).toBeNull();
  });

  it('resolves and removes my comments', async () => {
    const session = await open();
    const id = session.addComment(null, 'Check the figures.')!;
    session.resolveComment(id, true);
    await session.idle();
    expect(session.getSnapshot().comments).toMatchObject([{ id, resolved: true }]);
    session.removeComment(id);
    await session.idle();
    expect(session.getSnapshot().comments).toEqual([]);
  });

  it('sends the updatedAt of my layer as last read or written with every edit', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    await session.idle();
    selectText(session, 182, 196);
    session.applyLabel('Person');
    await session.idle();
    expect(api.bases).toEqual([FIXED_NOW, FIXED_NOW]);
  });

  it('takes over my layer as it is on disk: spans redrawn, undo history dropped', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    await session.idle();
    session.replaceLayer({ ...makeLayer(doc, 'me', [['Location', 163, 181]]), updatedAt: 'later' });
    expect(session.getSnapshot().spans.map((s) => s.label)).toEqual(['Location']);
    expect(session.getSnapshot().canUndo).toBe(false);
    expect(drawn(session)).toEqual(['me-1:Location']);
  });

  it('opens my layer as it comes over HTTP (spans as columns) without making its span objects', async () => {
    const layer = makeLayer(doc, 'me', [['Location', 163, 181], ['Person', 75, 89]]);
    const opened = await api.openDocument('tajikistan');
    if (!opened.ok) throw new Error(opened.error.message);
    const mine = withLazySpanObjects(JSON.parse(JSON.stringify(withSpanTable(layer))) as typeof layer);
    expect(spanTableOf(mine)).toBeDefined();
    // Reading the spans as objects would fail here: the session takes the table.
    Object.defineProperty(mine, 'spans', {
      get: () => {
        throw new Error('span objects made');
      },
    });
    const session = new DocumentSession({ api, opened: { ...opened.value, mine }, schema: DEFAULT_SCHEMA, flashMs: 5 });
    hosts.set(session, mountHeadless(session));
    expect(session.getSnapshot().spans.toArray()).toEqual(layer.spans.slice().sort((a, b) => a.start - b.start));
    expect(drawn(session)).toEqual(['me-1:Location', 'me-2:Person']);
  });

  it('reads my layer again (keeping undo) when an answer disagrees with the spans it holds', async () => {
    const session = await open();
    selectText(session, 75, 89);
    session.applyLabel('Person');
    await session.idle();
    // A span slipped into the stored layer without a new updatedAt (never expected): the next
    // answer names only its own span, but its span count tells the two apart.
    const layer = storedLayer(api, 'tajikistan')!;
    const extra = makeLayer(doc, 'me', [['Location', 163, 181]]).spans[0]!;
    api.layers.set('tajikistan/me', { ...layer, spans: [...layer.spans, extra] });
    selectText(session, 1459, 1467);
    session.applyLabel('Organisation');
    await session.idle();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.calls.at(-1)!.changes).toHaveLength(1);
    expect(session.getSnapshot().spans.map((s) => [s.id, s.label])).toEqual([['s1', 'Person'], ['me-1', 'Location'], ['s2', 'Organisation']]);
    expect(drawn(session)).toEqual(['me-1:Location', 's1:Person', 's2:Organisation*']);
    expect(session.getSnapshot().canUndo).toBe(true);
  });
});

describe('DocumentSession: long documents and the panels', () => {
  /** A report of `paragraphs` paragraphs of ~200 characters, one Person span in each. */
  async function longDocument(paragraphs: number): Promise<{ doc: GlossDocument; spans: [string, number, number][] }> {
    const parts: string[] = [];
    const spans: [string, number, number][] = [];
    let at = 0;
    for (let i = 0; i < paragraphs; i++) {
      const para = `Paragraph ${i}: Emomali Rahmon met the delegation again and they agreed on the next steps of the programme, ` + 'with figures to follow later in the year and a joint statement.';
      const name = para.indexOf('Emomali');
      spans.push(['Person', at + name, at + name + 'Emomali Rahmon'.length]);
      parts.push(para);
      at += para.length + 2;
    }
    return { doc: await plainDocument('long', parts.join('\n\n')), spans };
  }

  /** A scheduler run by hand: what the session leaves for after the next paint. */
  function manualPaints(): { afterPaint: (run: () => void) => void; paint: () => number } {
    const queue: (() => void)[] = [];
    return {
      afterPaint: (run) => void queue.push(run),
      paint: () => {
        const now = queue.splice(0);
        for (const run of now) run();
        return now.length;
      },
    };
  }

  async function openLong(paragraphs: number, paints: ReturnType<typeof manualPaints>) {
    const { doc: long, spans } = await longDocument(paragraphs);
    const longApi = createFakeApi([long]);
    longApi.layers.set('long/me', makeLayer(long, 'me', spans));
    const opened = await longApi.openDocument('long');
    if (!opened.ok) throw new Error(opened.error.message);
    let n = 0;
    const session = new DocumentSession({ api: longApi, opened: opened.value, schema: DEFAULT_SCHEMA, now: () => LOCAL_NOW, newId: () => `n${++n}`, afterPaint: paints.afterPaint });
    const host = mountHeadless(session);
    return { session, host, long, spans, longApi };
  }

  it('opens a long document with its first blocks, draws the spans there, and appends the rest frame by frame', async () => {
    const paints = manualPaints();
    const { session, host } = await openLong(1000, paints);
    // 1,000 paragraphs in chunks of CHUNK_BLOCKS (no headings to move a chunk's end).
    expect(session.editor.positions.slots.length).toBe(1000);
    const chunks = session.editor.chunkCount;
    expect(chunks).toBe(Math.ceil(1000 / CHUNK_BLOCKS));
    const first = host.state.doc.childCount;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(chunks / 2);
    expect(session.loaded).toBe(false);
    // Only the spans of the first window are decorations; all 1,000 are in the index.
    expect(annotationState(host.state).index.size).toBe(1000);
    expect(drawn(session).length).toBeGreaterThan(0);
    expect(drawn(session).length).toBeLessThan(200);
    let steps = 0;
    while (!session.loaded && steps < 100) {
      paints.paint();
      steps++;
    }
    expect(session.loaded).toBe(true);
    expect(steps).toBeGreaterThan(1);
    expect(host.state.doc.eq(session.editor.doc)).toBe(true);
  });

  it('loads at once up to a span selected far down before it arrived, and draws it selected', async () => {
    const paints = manualPaints();
    const { session, host } = await openLong(1000, paints);
    const last = session.getSnapshot().spans.at(-1)!;
    session.select(last.id, { reveal: true, flash: true });
    const drawnLast = session.renderedSpan(last.id)!;
    expect(host.state.doc.content.size).toBeGreaterThanOrEqual(drawnLast.to);
    expect(host.revealed).toEqual([last.id]);
    expect(drawn(session)).toContain(`${last.id}:Person*`);
  });

  it('makes a span near the end of a long document once it has loaded, with the right offsets', async () => {
    const paints = manualPaints();
    const { session, host, long, longApi } = await openLong(1000, paints);
    while (!session.loaded) paints.paint();
    const start = long.text.lastIndexOf('joint statement');
    selectRange(session, host, start, start + 'joint statement'.length);
    expect(session.applyLabel('Commitment')).toBe(true);
    let done = false;
    const idle = session.idle().then(() => (done = true));
    while (!done) {
      paints.paint();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await idle;
    const saved = storedLayer(longApi, 'long')!.spans.find((s) => s.label === 'Commitment')!;
    expect([saved.start, saved.end, saved.quote]).toEqual([start, start + 15, 'joint statement']);
    expect(drawn(session)).toContain(`${saved.id}:Commitment*`);
  });

  it('tells the panels of a key in the text after the next paint, but its snapshot is current at once', async () => {
    const paints = manualPaints();
    const opened = await api.openDocument('tajikistan');
    if (!opened.ok) throw new Error(opened.error.message);
    const session = new DocumentSession({ api, opened: opened.value, schema: DEFAULT_SCHEMA, now: () => LOCAL_NOW, newId: () => 'k1', afterPaint: paints.afterPaint });
    const host = mountHeadless(session);
    let heard = 0;
    session.subscribe(() => heard++);
    selectRange(session, host, 75, 89);
    paints.paint();
    heard = 0;
    expect(session.applyLabel('Person')).toBe(true);
    // Drawn and in the snapshot now; the listeners hear of it after the paint, once.
    expect(drawn(session)).toEqual(['k1:Person*']);
    expect(session.getSnapshot().spans.map((s) => s.id)).toEqual(['k1']);
    expect(heard).toBe(0);
    paints.paint();
    expect(heard).toBe(1);
    // A command from a panel (not a key in the text) tells them at once.
    session.setNote('k1', 'checked');
    expect(heard).toBe(2);
  });
});
