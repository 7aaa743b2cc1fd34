// @vitest-environment happy-dom
// Long lists (review items, my annotations, documents) render only the rows in sight, follow the
// scrolling of their box, and scroll to the current row when it changes elsewhere.
import { act, useSyncExternalStore } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentSummary } from '../../../src/core/api';
import type { GlossDocument, Layer } from '../../../src/core/model';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { AnnotationList } from '../../../src/renderer/src/app/AnnotationList';
import { DocumentList } from '../../../src/renderer/src/app/DocumentList';
import { handleReviewKey } from '../../../src/renderer/src/app/keys';
import { ReviewPanel } from '../../../src/renderer/src/app/ReviewPanel';
import { buildEditorDocument } from '../../../src/renderer/src/editor/document';
import { ReviewSession } from '../../../src/renderer/src/session/review';
import { DocumentSession } from '../../../src/renderer/src/session/session';
import { FIXED_NOW, createFakeApi, makeLayer, plainDocument } from '../session/fakeApi';
import { mountHeadless } from '../session/testHost';
import { rootPerTest } from './reactRoot';

const dom = rootPerTest();

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Row heights in px, as in app.css. */
const REVIEW_ROW = 46;
const ANNOTATION_ROW = 48;
const DOCUMENT_ROW = 58;

/** "w0000 w0001 …": word i spans code points 6i .. 6i+5. */
function words(n: number): string {
  return Array.from({ length: n }, (_, i) => `w${String(i).padStart(4, '0')}`).join(' ');
}
const word = (i: number): [number, number] => [6 * i, 6 * i + 5];



const $ = (selector: string) => dom.container.querySelector(selector);
const $$ = (selector: string) => [...dom.container.querySelectorAll(selector)];

async function scroll(box: Element, top: number): Promise<void> {
  await act(async () => {
    box.scrollTop = top;
    box.dispatchEvent(new Event('scroll'));
  });
}

/** The index of each rendered row, from an attribute that ends in the row's number. */
function indices(selector: string, attribute: string): number[] {
  return $$(selector).map((e) => Number(/(\d+)$/.exec(e.getAttribute(attribute) ?? '')![1]));
}

describe('the review item list', () => {
  const COUNT = 5000;
  let doc: GlossDocument;
  let review: ReviewSession;

  beforeEach(async () => {
    doc = await plainDocument('long', words(COUNT));
    const api = createFakeApi([doc]);
    const marks = Array.from({ length: COUNT }, (_, i): [string, number, number] => ['Person', ...word(i)]);
    const bob: Layer = makeLayer(doc, 'bob', marks);
    // carol disagrees on every tenth word, so the items are of several kinds.
    const carol: Layer = makeLayer(
      doc,
      'carol',
      marks.map(([label, start, end], i) => [i % 10 === 0 ? 'Location' : label, start, end]),
    );
    api.putLayer('long', bob);
    api.putLayer('long', carol);
    review = new ReviewSession({ api, document: doc, editor: buildEditorDocument(doc), schema: DEFAULT_SCHEMA, layers: [bob, carol], curation: null });
    mountHeadless(review);
  });

  function Harness({ session }: { session: ReviewSession }) {
    const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
    return <ReviewPanel schema={DEFAULT_SCHEMA} review={session} snapshot={snapshot} onComment={() => false} commentsDisabled />;
  }

  async function render(): Promise<void> {
    await act(async () => dom.root.render(<Harness session={review} />));
  }

  const box = () => $('.gl-review-scroll')!;
  const list = () => $('.gl-review-items') as HTMLElement;
  const itemIndex = (key: string | null | undefined) => review.getSnapshot().visible.findIndex((i) => i.key === key);
  const rendered = () => $$('[data-testid=review-item]').map((e) => itemIndex(e.getAttribute('data-item-key')));

  it('renders only a window of 5,000 items, with padding standing in for the rest', async () => {
    await render();
    expect(review.getSnapshot().visible).toHaveLength(COUNT);
    // Counts as the analyst reads them: with thousands separators.
    expect(dom.container.textContent).toContain('5,000 left of 5,000');
    expect(dom.container.textContent).toMatch(/Items\s*5,000/);
    expect(dom.container.textContent).toContain('Accept all agreed (4,500)');
    const rows = rendered();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThanOrEqual(100);
    expect(rows[0]).toBe(0);
    expect(rows).toEqual(rows.map((_, i) => i));
    expect(list().style.paddingTop).toBe('0px');
    expect(list().style.paddingBottom).toBe(`${(COUNT - rows.length) * REVIEW_ROW}px`);
    // The row keeps its test ids and marks the current item.
    const first = $('[data-testid=review-item]')!;
    expect(first.getAttribute('aria-current')).toBe('true');
    expect(first.getAttribute('data-kind')).toBe('label-conflict');
  });

  it('shows the rows further down when the box scrolls', async () => {
    await render();
    await scroll(box(), 2500 * REVIEW_ROW);
    const rows = rendered();
    expect(rows).toContain(2500);
    expect(rows).not.toContain(0);
    expect(rows.length).toBeLessThanOrEqual(100);
    expect(list().style.paddingTop).toBe(`${rows[0]! * REVIEW_ROW}px`);
    expect(list().style.paddingBottom).toBe(`${(COUNT - rows[rows.length - 1]! - 1) * REVIEW_ROW}px`);
  });

  it('scrolls to the current item when it changes elsewhere, far down the list', async () => {
    await render();
    const far = review.getSnapshot().visible[4321]!;
    await act(async () => review.setCurrent(far.key, { reveal: true }));
    const row = $(`[data-testid=review-item][data-item-key="${far.key}"]`);
    expect(row?.getAttribute('aria-current')).toBe('true');
    expect(box().scrollTop).toBeGreaterThan(4000 * REVIEW_ROW);
    expect(box().scrollTop).toBeLessThanOrEqual(4321 * REVIEW_ROW);
  });

  it('n and p keep working, and bring the current row back, when it is off-screen in the list', async () => {
    await render();
    await act(async () => review.setCurrent(review.getSnapshot().visible[3000]!.key));
    await scroll(box(), 0);
    expect(rendered()).not.toContain(3000);
    const key = (k: string) => {
      const event = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true });
      Object.defineProperty(event, 'target', { value: document.body });
      return handleReviewKey(event, review, DEFAULT_SCHEMA);
    };
    await act(async () => void key('n'));
    expect(itemIndex(review.getSnapshot().current?.key)).toBe(3001);
    expect(itemIndex($('[data-testid=review-item][aria-current=true]')?.getAttribute('data-item-key'))).toBe(3001);
    await act(async () => void key('p'));
    await act(async () => void key('p'));
    expect(itemIndex($('[data-testid=review-item][aria-current=true]')?.getAttribute('data-item-key'))).toBe(2999);
  });

  it('a filter brings the current item back in sight', async () => {
    await render();
    await scroll(box(), 4000 * REVIEW_ROW);
    expect(rendered()).not.toContain(0);
    await act(async () => review.setFilter('disagreements'));
    // 500 disagreements, still windowed; the current one (the first item) is the first of them.
    expect(review.getSnapshot().visible).toHaveLength(500);
    expect(box().scrollTop).toBe(0);
    expect(rendered()[0]).toBe(0);
    expect($('[data-testid=review-item][aria-current=true]')).not.toBeNull();
  });
});

describe('my annotation list', () => {
  it('renders a window of 3,000 spans and scrolls to a span selected in the text', async () => {
    const COUNT = 3000;
    const doc = await plainDocument('long', words(COUNT));
    const api = createFakeApi([doc]);
    api.putLayer('long', makeLayer(doc, api.annotator, Array.from({ length: COUNT }, (_, i): [string, number, number] => ['Person', ...word(i)])));
    const opened = await api.openDocument('long');
    if (!opened.ok) throw new Error(opened.error.message);
    const session = new DocumentSession({ api, opened: opened.value, schema: DEFAULT_SCHEMA, now: () => new Date(FIXED_NOW), newId: () => 'new' });
    mountHeadless(session);
    function Harness() {
      const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
      return <AnnotationList schema={DEFAULT_SCHEMA} session={session} snapshot={snapshot} />;
    }
    await act(async () => dom.root.render(<Harness />));
    // Counts are written as a person reads them.
    expect($('.gl-annotations .gl-count')?.textContent).toBe('3,000');
    expect([...$$('[data-testid=annotation-filter] option')].map((o) => o.textContent)).toContain('Person (3,000)');
    const spanIndex = (id: string | null | undefined) => (id ? session.getSnapshot().spans.indexOf(id) : -1);
    const rows = () => $$('[data-testid=annotation-item]').map((e) => spanIndex(e.getAttribute('data-span-id')));
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThanOrEqual(100);
    expect(rows()[0]).toBe(0);

    const box = $('.gl-ann-scroll')!;
    await scroll(box, 1500 * ANNOTATION_ROW);
    expect(rows()).toContain(1500);
    expect(rows()).not.toContain(0);

    const far = session.getSnapshot().spans.at(2900)!;
    // As a click in the text does; the panels may follow a frame later.
    await act(async () => session.select(far.id));
    await act(async () => new Promise((resolve) => setTimeout(resolve, 150)));
    expect($(`[data-testid=annotation-item][data-span-id="${far.id}"]`)?.getAttribute('aria-current')).toBe('true');
    expect(box.scrollTop).toBeGreaterThan(2800 * ANNOTATION_ROW);
  });
});

describe('the document list', () => {
  const summaries = (n: number): DocumentSummary[] =>
    Array.from({ length: n }, (_, i) => ({ id: `doc${i}`, title: `Report ${i}`, length: 100, myStatus: 'todo', mySpanCount: i % 7, layers: [] }));
  const rows = () => indices('[data-testid=doc-item]', 'data-doc-id');

  it('renders every row of a short list', async () => {
    await act(async () => dom.root.render(<DocumentList documents={summaries(250)} currentId={null} onOpen={() => {}} />));
    expect(rows()).toHaveLength(250);
    expect(($('[data-testid=doc-list]') as HTMLElement).style.paddingBottom).toBe('0px');
  });

  it('renders a window of 1,000 documents, follows scrolling, and scrolls to the open one', async () => {
    const documents = summaries(1000);
    const opened: string[] = [];
    const onOpen = (id: string) => void opened.push(id);
    await act(async () => dom.root.render(<DocumentList documents={documents} currentId={null} onOpen={onOpen} />));
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThanOrEqual(100);
    expect(rows()[0]).toBe(0);
    expect(($('[data-testid=doc-list]') as HTMLElement).style.paddingBottom).toBe(`${(1000 - rows().length) * DOCUMENT_ROW}px`);
    expect($('.gl-doclist .gl-count')!.textContent).toBe('1,000');

    const box = $('.gl-doclist')!;
    await scroll(box, 600 * DOCUMENT_ROW);
    expect(rows()).toContain(600);
    expect(rows()).not.toContain(0);
    (dom.container.querySelector('[data-doc-id=doc600]') as HTMLElement).click();
    expect(opened).toEqual(['doc600']);

    // Opened elsewhere (from the address or the agreement view).
    await act(async () => dom.root.render(<DocumentList documents={documents} currentId="doc950" onOpen={onOpen} />));
    expect($('[data-doc-id=doc950]')?.getAttribute('aria-current')).toBe('page');
    expect(box.scrollTop).toBeGreaterThan(900 * DOCUMENT_ROW);
  });
});
