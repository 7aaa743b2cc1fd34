import { beforeEach, describe, expect, it } from 'vitest';
import { fail } from '../../../src/core/api';
import { CURATION_ANNOTATOR } from '../../../src/core/model';
import { Workbench } from '../../../src/renderer/src/app/workbench';
import { createFakeApi, makeLayer, plainDocument } from '../session/fakeApi';
import type { FakeApi } from '../session/fakeApi';
import { mountHeadless, selectText } from '../session/testHost';

let api: FakeApi;

beforeEach(async () => {
  api = createFakeApi([await plainDocument('one', 'First report.'), await plainDocument('two', 'Second report, Oslo.')]);
});

function label(bench: Workbench, start: number, end: number, name: string): void {
  const session = bench.session!;
  selectText(session, mountHeadless(session), start, end);
  session.applyLabel(name);
}

describe('Workbench', () => {
  it('loads the workspace and opens the remembered document, else the first', async () => {
    const opened: string[] = [];
    const bench = new Workbench(api, { onOpened: (id) => opened.push(id) });
    await bench.load('two');
    expect(bench.getSnapshot().workspace?.name).toBe('Test workspace');
    expect(bench.session?.document.id).toBe('two');
    await bench.load('gone');
    expect(bench.session?.document.id).toBe('one');
    expect(opened).toEqual(['two', 'one']);
  });

  it('reports a workspace it cannot read', async () => {
    api.getWorkspace = async () => fail('corrupt', 'gloss.json is not valid JSON');
    const bench = new Workbench(api);
    await bench.load(null);
    expect(bench.getSnapshot().loadError).toBe('gloss.json is not valid JSON');
    expect(bench.session).toBeNull();
  });

  it('keeps the document list in step with my saved spans', async () => {
    const bench = new Workbench(api);
    await bench.load('two');
    label(bench, 15, 19, 'Location');
    await bench.session!.idle();
    expect(bench.getSnapshot().documents.find((d) => d.id === 'two')).toMatchObject({ myStatus: 'in-progress', mySpanCount: 1 });
  });

  it('writes pending edits under the old name before switching annotator', async () => {
    const bench = new Workbench(api);
    await bench.load('two');
    api.hold = true;
    label(bench, 15, 19, 'Location');
    const switching = bench.changeAnnotator('alice');
    api.hold = false;
    api.release();
    expect(await switching).toBeNull();
    expect(api.layers.get('two/me')?.spans).toHaveLength(1);
    expect(api.layers.get('two/alice')).toBeUndefined();
    expect(bench.getSnapshot().workspace?.annotator).toBe('alice');
    expect(bench.session?.getSnapshot().spans).toHaveLength(0);
  });

  it('lets the last of several quick opens win', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    const a = bench.open('two');
    const b = bench.open('one');
    await Promise.all([a, b]);
    expect(bench.session?.document.id).toBe('one');
  });
});

describe('Workbench: layers, review and changes on disk', () => {
  beforeEach(() => {
    const one = api.documents[0]!;
    api.putLayer('one', makeLayer(one, 'bob', [['Person', 0, 5]]));
    api.putLayer('one', makeLayer(one, 'carol', [['Location', 0, 5]]));
  });

  it('shows a colleague’s layer read-only and goes back to mine', async () => {
    const modes: string[] = [];
    const bench = new Workbench(api, { onOpened: (_id, mode) => modes.push(mode.kind === 'layer' ? `layer:${mode.annotator}` : mode.kind) });
    await bench.load('one');
    bench.viewLayer('bob');
    const viewed = bench.viewSession!;
    expect(viewed).not.toBe(bench.session);
    expect(viewed.getSnapshot()).toMatchObject({ annotator: 'bob', readOnly: true });
    expect(viewed.getSnapshot().spans.toArray()).toMatchObject([{ label: 'Person', start: 0, end: 5 }]);
    expect(viewed.applyLabel('Location')).toBe(false);
    bench.viewLayer('me');
    expect(bench.viewSession).toBe(bench.session);
    expect(modes).toEqual(['mine', 'layer:bob', 'mine']);
  });

  it('reviews the annotators with spans by default, and needs two', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    expect(bench.layerAnnotators()).toEqual(['bob', 'carol']);
    bench.startReview();
    expect(bench.review?.annotators).toEqual(['bob', 'carol']);
    expect(bench.review?.getSnapshot().items.map((i) => i.kind)).toEqual(['label-conflict']);
    bench.setReviewAnnotators(['bob']);
    expect(bench.review).toBeNull();
    expect(bench.getSnapshot().opened?.mode).toEqual({ kind: 'review', annotators: ['bob'] });
    bench.stopReview();
    expect(bench.getSnapshot().opened?.mode).toEqual({ kind: 'mine' });
  });

  it('keeps the curation layer it writes among the open layers and the list', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    bench.startReview();
    bench.review!.acceptPosition(1);
    await bench.review!.idle();
    expect(bench.getSnapshot().opened?.others.find((l) => l.annotator === CURATION_ANNOTATOR)?.spans).toHaveLength(1);
    expect(bench.getSnapshot().documents.find((d) => d.id === 'one')?.layers.find((l) => l.annotator === CURATION_ANNOTATOR)).toMatchObject({ spanCount: 1 });
  });

  it('polls for changes: a colleague’s layer changed on disk is taken into the list, the open layer and the review', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    bench.startReview();
    await bench.pollOnce();
    expect(api.polledWith).toEqual([0]);
    const one = api.documents[0]!;
    api.putLayer('one', makeLayer(one, 'carol', [['Person', 0, 5]]));
    api.pollAnswers.push({ ok: true, value: { cursor: 7, changes: [{ document: 'one', annotator: 'carol', file: 'annotations/one/carol.json' }] } });
    const revision = bench.getSnapshot().revision;
    await bench.pollOnce();
    expect(bench.review?.getSnapshot().items.map((i) => i.kind)).toEqual(['agreed']);
    expect(bench.getSnapshot().opened?.others.find((l) => l.annotator === 'carol')?.spans[0]?.label).toBe('Person');
    expect(bench.getSnapshot().revision).toBe(revision + 1);
    expect(bench.getSnapshot().notice).toBeNull();
    await bench.pollOnce();
    expect(api.polledWith).toEqual([0, 0, 7]);
  });

  it('reloads my own layer changed on disk by someone else, with a notice', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    label(bench, 6, 12, 'Location');
    await bench.session!.idle();
    const outside = makeLayer(api.documents[0]!, 'me', [['Organisation', 0, 5]]);
    api.putLayer('one', { ...outside, updatedAt: '2024-06-01T00:00:00.000Z' });
    api.pollAnswers.push({ ok: true, value: { cursor: 3, changes: [{ document: 'one', annotator: 'me', file: 'annotations/one/me.json' }] } });
    await bench.pollOnce();
    expect(bench.session!.getSnapshot().spans.map((s) => s.label)).toEqual(['Organisation']);
    expect(bench.getSnapshot().notice?.text).toMatch(/changed on disk by someone else; it has been reloaded/);
    expect(bench.getSnapshot().documents.find((d) => d.id === 'one')?.mySpanCount).toBe(1);
    // The next edit is checked against what is on disk now, and goes through.
    label(bench, 6, 12, 'Location');
    await bench.session!.idle();
    expect(api.bases[api.bases.length - 1]).toBe('2024-06-01T00:00:00.000Z');
    expect(api.layers.get('one/me')?.spans.map((s) => s.label)).toEqual(['Organisation', 'Location']);
    bench.dismissNotice();
    expect(bench.getSnapshot().notice).toBeNull();
  });

  it('never overwrites my layer changed on disk: the edit is refused as a conflict, the layer reloaded, a notice shown', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    label(bench, 6, 12, 'Location');
    await bench.session!.idle();
    // Someone writes my file; the app has not polled yet.
    api.putLayer('one', { ...makeLayer(api.documents[0]!, 'me', [['Person', 0, 5]]), updatedAt: '2024-06-02T00:00:00.000Z' });
    label(bench, 13, 19, 'Organisation');
    await bench.session!.idle();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.layers.get('one/me')?.spans.map((s) => s.label)).toEqual(['Person']);
    expect(bench.session!.getSnapshot().spans.map((s) => s.label)).toEqual(['Person']);
    expect(bench.getSnapshot().notice?.text).toMatch(/was not saved: your layer had been changed on disk/);
  });

  it('rereads everything on resync, and stops polling when the workspace cannot be watched', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    api.documents.push(await plainDocument('three', 'Third.'));
    api.pollAnswers.push({ ok: true, value: { cursor: 9, changes: [], resync: true } });
    await bench.pollOnce();
    expect(bench.getSnapshot().documents.map((d) => d.id)).toEqual(['one', 'two', 'three']);
    api.pollAnswers.push(fail('io', 'cannot watch /ws'));
    await bench.pollOnce();
    expect(bench.getSnapshot().watchError).toMatch(/cannot watch \/ws/);
  });
});
