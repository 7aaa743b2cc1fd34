import { beforeEach, describe, expect, it } from 'vitest';
import type { Node as PMNode } from 'prosemirror-model';
import type { CurationChange } from '../../../src/core/api';
import type { GlossDocument, Layer } from '../../../src/core/model';
import { CURATION_ANNOTATOR } from '../../../src/core/model';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { annotationState } from '../../../src/renderer/src/editor/annotations';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';
import { ReviewSession } from '../../../src/renderer/src/session/review';
import { writesPending } from '../../../src/renderer/src/session/writes';
import { createFakeApi, makeLayer, plainDocument } from './fakeApi';
import type { FakeApi } from './fakeApi';
import { mountHeadless, selectText } from './testHost';
import type { TestHost } from './testHost';

// 0-14 Emomali Rahmon · 19-33 Denis Manturov · 37-45 Dushanbe · 49-55 Monday
const TEXT = 'Emomali Rahmon met Denis Manturov in Dushanbe on Monday.';

let doc: GlossDocument;
let api: FakeApi;
let bob: Layer;
let carol: Layer;

beforeEach(async () => {
  doc = await plainDocument('report', TEXT);
  api = createFakeApi([doc]);
  api.annotator = 'rita';
  bob = makeLayer(doc, 'bob', [
    ['Person', 0, 14],
    ['Person', 19, 33],
    ['Location', 37, 45],
  ]);
  carol = makeLayer(doc, 'carol', [
    ['Person', 0, 14],
    ['Organisation', 19, 33],
    ['Location', 37, 42],
    ['Date', 49, 55],
  ]);
  api.putLayer('report', bob);
  api.putLayer('report', carol);
});

const hosts = new WeakMap<ReviewSession, TestHost>();
let stale = 0;

function open(layers: Layer[] = [bob, carol], curation: Layer | null = null): ReviewSession {
  stale = 0;
  const review = new ReviewSession({
    api,
    document: doc,
    editor: buildEditorDocument(doc),
    schema: DEFAULT_SCHEMA,
    layers,
    curation,
    onStale: () => stale++,
  });
  hosts.set(review, mountHeadless(review));
  return review;
}

function curation(): Layer | undefined {
  return api.layers.get(`report/${CURATION_ANNOTATOR}`);
}

/** What the curation layer holds now, as "Label start-end". */
function curated(): string[] {
  return (curation()?.spans ?? []).map((s) => `${s.label} ${s.start}-${s.end}`);
}

/** The review highlights as drawn: "start-end kind decided (current)". */
function drawn(review: ReviewSession): string[] {
  return annotationState(review.state)
    .decorations.find()
    .map((d) => {
      const attrs = (d as unknown as { type: { attrs: Record<string, string> } }).type.attrs;
      const { from, to } = d;
      if (attrs['data-added']) return `${from}-${to} added ${attrs['data-label']}`;
      return `${from}-${to} ${attrs['data-kind']} ${attrs['data-decided']}${attrs.class!.includes('gl-current') ? ' current' : ''}`;
    })
    .sort();
}

const kinds = (review: ReviewSession) => review.getSnapshot().items.map((i) => `${i.start}-${i.end} ${i.kind}`);
const currentAt = (review: ReviewSession) => {
  const c = review.getSnapshot().current;
  return c ? `${c.start}-${c.end}` : null;
};
const lastChanges = (): CurationChange[] => api.curationCalls[api.curationCalls.length - 1]!.changes;

describe('ReviewSession', () => {
  it('merges the layers into items, draws each with its kind and tooltip, and starts on the first undecided one', () => {
    const review = open();
    expect(kinds(review)).toEqual(['0-14 agreed', '19-33 label-conflict', '37-45 boundary-mismatch', '49-55 missing']);
    const snap = review.getSnapshot();
    expect(snap.remaining).toBe(4);
    expect(snap.agreedOpen).toBe(1);
    expect(snap.annotators).toEqual(['bob', 'carol']);
    expect(currentAt(review)).toBe('0-14');
    // Editor positions are code points + 2 inside the one paragraph (after the openings of its chunk and itself).
    expect(drawn(review)).toEqual(['2-16 agreed false current', '21-35 label-conflict false', '39-47 boundary-mismatch false', '51-57 missing false']);
    const title = (annotationState(review.state).decorations.find(21, 35)[0] as unknown as { type: { attrs: Record<string, string> } }).type.attrs.title;
    expect(title).toBe('Label conflict\nbob: Person “Denis Manturov”\ncarol: Organisation “Denis Manturov”');
  });

  it('accepts the version of the annotator in a key position, marks the item decided, and moves to the next undecided item', async () => {
    const review = open();
    review.next();
    expect(currentAt(review)).toBe('19-33');
    review.acceptPosition(2);
    await review.idle();
    expect(lastChanges()).toEqual([{ op: 'accept', itemKey: review.getSnapshot().items[1]!.key, annotator: 'carol', spanId: 'carol-2' }]);
    expect(api.curationCalls[0]!.annotators).toEqual(['bob', 'carol']);
    expect(curated()).toEqual(['Organisation 19-33']);
    expect(review.getSnapshot().remaining).toBe(3);
    expect(currentAt(review)).toBe('37-45');
    expect(drawn(review)).toContain('21-35 label-conflict true');
    expect(review.getSnapshot().decisions.get(review.getSnapshot().items[1]!.key)).toMatchObject([{ action: 'accept', by: 'rita', chosen: { annotator: 'carol' } }]);
  });

  it('says why when the annotator in that position marked nothing there, and sends nothing', async () => {
    const review = open();
    review.setCurrent(review.getSnapshot().items[3]!.key);
    expect(review.acceptPosition(1)).toBe(false);
    expect(review.getSnapshot().message).toMatch(/^bob marked nothing here/);
    expect(review.acceptPosition(7)).toBe(false);
    expect(review.getSnapshot().message).toBe('No annotator 7 in this review.');
    await review.idle();
    expect(api.curationCalls).toEqual([]);
    expect(currentAt(review)).toBe('49-55');
  });

  it('replaces an item’s decision when another key is pressed on it, and undo brings the first back', async () => {
    const review = open();
    const conflict = review.getSnapshot().items[1]!.key;
    review.setCurrent(conflict);
    review.acceptPosition(2);
    review.setCurrent(conflict);
    review.acceptPosition(1);
    await review.idle();
    expect(lastChanges().map((c) => c.op)).toEqual(['undo', 'accept']);
    expect(curated()).toEqual(['Person 19-33']);
    expect(review.getSnapshot().decisions.get(conflict)).toHaveLength(1);
    review.undo();
    await review.idle();
    expect(curated()).toEqual(['Organisation 19-33']);
    review.undo();
    await review.idle();
    expect(curated()).toEqual([]);
    expect(curation()?.decisions).toEqual([]);
    expect(review.getSnapshot().remaining).toBe(4);
  });

  it('rejects an item explicitly (a decision, no span), and undo takes it back', async () => {
    const review = open();
    review.setCurrent(review.getSnapshot().items[3]!.key);
    review.reject();
    await review.idle();
    expect(curated()).toEqual([]);
    expect(curation()?.decisions).toMatchObject([{ action: 'reject', itemKey: review.getSnapshot().items[3]!.key, by: 'rita' }]);
    expect(drawn(review)).toContain('51-57 missing true');
    expect(review.getSnapshot().remaining).toBe(3);
    review.undo();
    await review.idle();
    expect(curation()?.decisions).toEqual([]);
    // Back on the item the undone decision was about.
    expect(drawn(review)).toContain('51-57 missing false current');
  });

  it('after a restart (no history of its own) undo takes back the last decision on disk', async () => {
    const first = open();
    first.setCurrent(first.getSnapshot().items[2]!.key);
    first.acceptPosition(1);
    first.reject();
    await first.idle();
    const again = open([bob, carol], curation()!);
    expect(again.getSnapshot().remaining).toBe(2);
    expect(again.getSnapshot().canUndo).toBe(true);
    again.undo();
    await again.idle();
    expect(curation()?.decisions?.map((d) => d.action)).toEqual(['accept']);
    expect(again.getSnapshot().remaining).toBe(3);
  });

  it('accepts every agreed item in one step after a confirmation, and undoes it as one step', async () => {
    const review = open();
    review.requestAcceptAll();
    expect(review.getSnapshot().confirmingAll).toBe(1);
    expect(api.curationCalls).toEqual([]);
    review.cancelAcceptAll();
    expect(review.getSnapshot().confirmingAll).toBeNull();
    review.requestAcceptAll();
    review.confirmAcceptAll();
    await review.idle();
    expect(lastChanges()).toEqual([{ op: 'accept-all-agreed' }]);
    expect(curated()).toEqual(['Person 0-14']);
    expect(review.getSnapshot().agreedOpen).toBe(0);
    review.requestAcceptAll();
    expect(review.getSnapshot().confirmingAll).toBeNull();
    expect(review.getSnapshot().message).toBe('No agreed items are waiting for a decision.');
    review.undo();
    await review.idle();
    expect(curated()).toEqual([]);
  });

  it('adds a span of the selected text: to the current item when it overlaps it, else to no item; drawn apart', async () => {
    const review = open();
    const boundary = review.getSnapshot().items[2]!.key;
    review.setCurrent(boundary);
    selectText(review, hosts.get(review)!, 37, 45);
    expect(review.getSnapshot().textSelection).toMatchObject({ start: 37, end: 45, quote: 'Dushanbe' });
    review.addSpan('Location');
    await review.idle();
    expect(lastChanges()).toEqual([{ op: 'add', itemKey: boundary, span: { label: 'Location', start: 37, end: 45, attributes: {} } }]);
    expect(review.getSnapshot().textSelection).toBeNull();
    review.setCurrent(review.getSnapshot().items[0]!.key);
    selectText(review, hosts.get(review)!, 15, 18);
    review.addSpan('Commitment');
    await review.idle();
    expect(lastChanges()).toMatchObject([{ op: 'add', itemKey: null, span: { label: 'Commitment', start: 15, end: 18 } }]);
    expect(curated()).toEqual(['Commitment 15-18', 'Location 37-45']);
    expect(review.getSnapshot().added).toHaveLength(1);
    expect(drawn(review)).toContain('17-20 added Commitment');
    review.undo();
    await review.idle();
    expect(drawn(review).some((d) => d.includes('added'))).toBe(false);
  });

  it('asks for a selection before adding a span', () => {
    const review = open();
    expect(review.addSpan('Person')).toBe(false);
    expect(review.getSnapshot().message).toMatch(/^Select text first/);
  });

  it('edits a version into the curated layer: label, range and attributes', async () => {
    const review = open();
    const boundary = review.getSnapshot().items[2]!.key;
    review.setCurrent(boundary);
    review.startEdit({ annotator: 'carol', spanId: 'carol-3' });
    expect(review.getSnapshot().editing).toMatchObject({ itemKey: boundary, from: { annotator: 'carol', spanId: 'carol-3' }, initial: { label: 'Location', start: 37, end: 42 } });
    review.saveEdit({ label: 'Location', start: 37, end: 45, attributes: { normalized: 'Dushanbe, Tajikistan' } });
    await review.idle();
    expect(review.getSnapshot().editing).toBeNull();
    expect(curation()?.spans).toMatchObject([{ label: 'Location', start: 37, end: 45, quote: 'Dushanbe', attributes: { normalized: 'Dushanbe, Tajikistan' }, origin: 'manual' }]);
    expect(curation()?.decisions).toMatchObject([{ action: 'edit', chosen: { annotator: 'carol', spanId: 'carol-3' } }]);
    // Editing again starts from the curated span and replaces the decision.
    review.setCurrent(boundary);
    review.startEdit();
    expect(review.getSnapshot().editing?.initial).toMatchObject({ start: 37, end: 45, attributes: { normalized: 'Dushanbe, Tajikistan' } });
    review.saveEdit({ label: 'Location', start: 37, end: 45, attributes: {} });
    await review.idle();
    expect(lastChanges().map((c) => c.op)).toEqual(['undo', 'edit']);
    expect(curation()?.spans).toHaveLength(1);
  });

  it('walks the items with next and previous, within the filter', () => {
    const review = open();
    review.setFilter('disagreements');
    expect(review.getSnapshot().visible.map((i) => i.kind)).toEqual(['label-conflict', 'boundary-mismatch', 'missing']);
    review.next();
    expect(currentAt(review)).toBe('19-33');
    review.next();
    review.next();
    expect(currentAt(review)).toBe('49-55');
    expect(review.next()).toBe(false);
    expect(review.getSnapshot().message).toBe('This is the last item.');
    review.previous();
    expect(currentAt(review)).toBe('37-45');
    expect(hosts.get(review)!.revealed.length).toBeGreaterThan(0);
  });

  it('takes in layers changed on disk: new items drawn, the others left as they were', () => {
    const review = open();
    const agreedBefore = annotationState(review.state).decorations.find(2, 16)[0]!.spec as unknown;
    const carol2 = makeLayer(doc, 'carol', [
      ['Person', 0, 14],
      ['Person', 19, 33],
      ['Location', 37, 42],
      ['Date', 49, 55],
    ]);
    review.updateLayers([bob, carol2], null);
    expect(kinds(review)).toEqual(['0-14 agreed', '19-33 agreed', '37-45 boundary-mismatch', '49-55 missing']);
    // Not redrawn: the same decoration spec (find() hands out copies of the decorations).
    expect(annotationState(review.state).decorations.find(2, 16)[0]!.spec).toBe(agreedBefore);
    expect(drawn(review)).toContain('21-35 agreed false');
  });

  it('reports a refusal and asks for the layers again when the items are not the workspace’s any more', async () => {
    const review = open();
    // Bob's layer changed on disk, the review has not seen it yet.
    api.putLayer('report', makeLayer(doc, 'bob', [['Person', 0, 14]]));
    review.setCurrent(review.getSnapshot().items[1]!.key);
    review.acceptPosition(1);
    await review.idle();
    expect(review.getSnapshot().error).toMatch(/no review item/);
    expect(stale).toBe(1);
    expect(curated()).toEqual([]);
  });

  it('takes keys typed ahead on the items they were typed on, moving on at once', async () => {
    const review = open();
    api.hold = true;
    review.next();
    review.acceptPosition(1);
    expect(currentAt(review)).toBe('37-45');
    review.acceptPosition(2);
    expect(currentAt(review)).toBe('49-55');
    review.reject();
    // On to what is left: the agreed item at the start.
    expect(currentAt(review)).toBe('0-14');
    await review.idle();
    expect(api.curationCalls.map((c) => c.changes.map((x) => x.op).join('+'))).toEqual(['accept', 'accept', 'reject']);
    expect(curated()).toEqual(['Person 19-33', 'Location 37-42']);
    expect(review.getSnapshot().remaining).toBe(1);
  });

  it('still writes the decisions typed ahead when the review is closed before they are written', async () => {
    const review = open();
    const before = writesPending();
    review.next();
    review.acceptPosition(1);
    review.acceptPosition(2);
    review.reject();
    // Three writes on their way: the page would ask before closing (app/unsaved.ts).
    expect(writesPending()).toBe(before + 3);
    // Moving on to another document closes the review at once.
    review.dispose();
    await review.idle();
    expect(api.curationCalls.map((c) => c.changes.map((x) => x.op).join('+'))).toEqual(['accept', 'accept', 'reject']);
    expect(curated()).toEqual(['Person 19-33', 'Location 37-42']);
    expect(writesPending()).toBe(before);
  });

  it('shows progress while a decision is written', async () => {
    const review = open();
    review.acceptPosition(1);
    expect(review.getSnapshot().busy).toBe(true);
    await review.idle();
    expect(review.getSnapshot().busy).toBe(false);
  });
});

describe('ReviewSession: a long document', () => {
  it('opens with the first blocks, loads the rest frame by frame, and loads at once up to an item chosen far down', async () => {
    const paragraphs = Array.from({ length: 1200 }, (_, i) => `Paragraph ${i}: Emomali Rahmon met the delegation of the Ministry of Finance in Dushanbe to agree the next steps.`);
    const text = paragraphs.join('\n\n');
    const long = await plainDocument('long', text);
    const marks = (label: string): [string, number, number][] =>
      paragraphs.map((p, i) => {
        const at = paragraphs.slice(0, i).reduce((n, q) => n + q.length + 2, 0) + p.indexOf('Emomali');
        return [label, at, at + 'Emomali Rahmon'.length];
      });
    const paints: (() => void)[] = [];
    const review = new ReviewSession({
      api,
      document: long,
      editor: buildEditorDocument(long),
      schema: DEFAULT_SCHEMA,
      layers: [makeLayer(long, 'bob', marks('Person')), makeLayer(long, 'carol', marks('Organisation'))],
      curation: null,
      afterPaint: (run) => void paints.push(run),
    });
    const host = mountHeadless(review);
    const blocksIn = (doc: PMNode) => doc.children.reduce((n, chunk) => n + chunk.childCount, 0);
    expect(blocksIn(host.state.doc)).toBeLessThan(1200 / 2);
    // Items far down are chosen before their blocks arrived: loaded up to there, drawn as current.
    const last = review.getSnapshot().items.at(-1)!;
    review.setCurrent(last.key, { reveal: true });
    expect(host.revealed).toEqual([last.key]);
    const current = annotationState(host.state).selected;
    expect(current?.id).toBe(last.key);
    expect(host.state.doc.content.size).toBeGreaterThanOrEqual(current!.to);
    expect(annotationState(host.state).decorations.find(current!.from, current!.to).length).toBeGreaterThan(0);
    for (let i = 0; i < 100 && paints.length > 0; i++) paints.splice(0).forEach((run) => run());
    expect(blocksIn(host.state.doc)).toBe(1200);
  });
});
