// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { GlossDocument, Layer } from '../../../src/core/model';
import { CURATION_ANNOTATOR } from '../../../src/core/model';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { handleReviewKey } from '../../../src/renderer/src/app/keys';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';
import { ReviewSession } from '../../../src/renderer/src/session/review';
import { createFakeApi, makeLayer, plainDocument } from '../session/fakeApi';
import type { FakeApi } from '../session/fakeApi';
import { mountHeadless, selectText } from '../session/testHost';
import type { TestHost } from '../session/testHost';

// 0-14 Emomali Rahmon · 19-33 Denis Manturov · 37-45 Dushanbe
const TEXT = 'Emomali Rahmon met Denis Manturov in Dushanbe.';

let doc: GlossDocument;
let api: FakeApi;
let review: ReviewSession;
let host: TestHost;

beforeEach(async () => {
  doc = await plainDocument('report', TEXT);
  api = createFakeApi([doc]);
  const bob: Layer = makeLayer(doc, 'bob', [
    ['Person', 0, 14],
    ['Person', 19, 33],
  ]);
  const carol: Layer = makeLayer(doc, 'carol', [
    ['Person', 0, 14],
    ['Organisation', 19, 33],
    ['Location', 37, 45],
  ]);
  api.putLayer('report', bob);
  api.putLayer('report', carol);
  review = new ReviewSession({ api, document: doc, editor: buildEditorDocument(doc), schema: DEFAULT_SCHEMA, layers: [bob, carol], curation: null });
  host = mountHeadless(review);
});

function key(k: string, init: KeyboardEventInit = {}, target: EventTarget = document.body): { handled: boolean; prevented: boolean } {
  const event = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });
  Object.defineProperty(event, 'target', { value: target });
  const handled = handleReviewKey(event, review, DEFAULT_SCHEMA);
  return { handled, prevented: event.defaultPrevented };
}

const current = () => {
  const c = review.getSnapshot().current;
  return c ? `${c.start}-${c.end}` : null;
};
const ops = () => api.curationCalls.map((c) => c.changes.map((x) => (x.op === 'accept' ? `accept:${x.annotator}` : x.op)).join('+'));

describe('review keys', () => {
  it('n and p walk the items', () => {
    expect(current()).toBe('0-14');
    expect(key('n')).toEqual({ handled: true, prevented: true });
    expect(current()).toBe('19-33');
    key('n');
    expect(current()).toBe('37-45');
    key('p');
    expect(current()).toBe('19-33');
  });

  it('1..9 accept the version of the annotator in that position, r rejects, u undoes', async () => {
    key('n');
    key('2');
    await review.idle();
    expect(ops()).toEqual(['accept:carol']);
    expect(current()).toBe('37-45');
    key('r');
    await review.idle();
    key('u');
    await review.idle();
    expect(ops()).toEqual(['accept:carol', 'reject', 'undo']);
    expect(api.layers.get(`report/${CURATION_ANNOTATOR}`)?.decisions?.map((d) => d.action)).toEqual(['accept']);
  });

  it('a asks before accepting all agreed; keys wait while it asks', async () => {
    key('a');
    expect(review.getSnapshot().confirmingAll).toBe(1);
    expect(key('n').handled).toBe(false);
    review.confirmAcceptAll();
    await review.idle();
    expect(ops()).toEqual(['accept-all-agreed']);
  });

  it('e opens the edit of the current item, Escape closes it', () => {
    key('n');
    key('e');
    expect(review.getSnapshot().editing).toMatchObject({ from: { annotator: 'bob' }, initial: { label: 'Person', start: 19, end: 33 } });
    key('Escape');
    expect(review.getSnapshot().editing).toBeNull();
  });

  it('Shift + a label key adds a span of the selected text (the key changes with Shift, the code does not)', async () => {
    selectText(review, host, 37, 45);
    expect(key('#', { shiftKey: true, code: 'Digit3' }).handled).toBe(true);
    await review.idle();
    expect(api.curationCalls[0]!.changes).toEqual([{ op: 'add', itemKey: null, span: { label: 'Location', start: 37, end: 45, attributes: {} } }]);
  });

  it('Ctrl+Z undoes in review too', async () => {
    key('1');
    await review.idle();
    key('z', { ctrlKey: true });
    await review.idle();
    expect(ops()).toEqual(['accept:bob', 'undo']);
  });

  it('leaves keys typed in fields, other modifiers and unknown keys alone', async () => {
    const input = document.createElement('textarea');
    document.body.appendChild(input);
    expect(key('1', {}, input).handled).toBe(false);
    expect(key('n', { altKey: true }).handled).toBe(false);
    expect(key('x').handled).toBe(false);
    expect(key('1', { ctrlKey: true }).handled).toBe(false);
    await review.idle();
    expect(api.curationCalls).toEqual([]);
    expect(current()).toBe('0-14');
    input.remove();
  });
});
