// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AgreementResult } from '../../../src/core/api';
import { CURATION_ANNOTATOR } from '../../../src/core/model';
import { App, rememberedView, viewHash } from '../../../src/renderer/src/app/App';
import { createFakeApi, makeLayer, plainDocument } from '../session/fakeApi';
import type { FakeApi } from '../session/fakeApi';
import { rootPerTest } from './reactRoot';

const dom = rootPerTest();

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// 0-14 Emomali Rahmon · 19-33 Denis Manturov · 37-45 Dushanbe · 49-55 Monday
const TEXT = 'Emomali Rahmon met Denis Manturov in Dushanbe on Monday.';

let api: FakeApi;

beforeEach(async () => {
  const report = await plainDocument('report', TEXT);
  api = createFakeApi([report, await plainDocument('other', 'Nothing here.')]);
  api.putLayer(
    'report',
    makeLayer(report, 'bob', [
      ['Person', 0, 14],
      ['Person', 19, 33],
      ['Location', 37, 45],
    ]),
  );
  api.putLayer(
    'report',
    makeLayer(report, 'carol', [
      ['Person', 0, 14],
      ['Organisation', 19, 33],
      ['Date', 49, 55],
    ]),
  );
  window.history.replaceState(null, '', '/');
});


async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

async function render(): Promise<void> {
  await act(async () => dom.root.render(<App api={api} shell={null} />));
  await settle();
}

const $ = (selector: string) => dom.container.querySelector(selector);
const $$ = (selector: string) => [...dom.container.querySelectorAll(selector)];

async function press(key: string, init: KeyboardEventInit = {}): Promise<void> {
  await act(async () => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  });
  await settle();
}

async function click(element: Element | null): Promise<void> {
  if (!element) throw new Error('nothing to click');
  await act(async () => {
    (element as HTMLElement).click();
  });
  await settle();
}

async function type(field: HTMLTextAreaElement, value: string): Promise<void> {
  await act(async () => {
    field.focus();
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(field, value);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await settle();
}

const remaining = () => $('[data-testid=review-remaining]')?.textContent;

describe('App: layers, review, comments, agreement', () => {
  it('shows whose layers exist, with status and span counts, and shows a colleague’s read-only', async () => {
    await render();
    const chips = $$('[data-testid=layer-chip]');
    expect(chips.map((c) => c.getAttribute('data-annotator'))).toEqual(['me', 'bob', 'carol']);
    expect($('[data-testid=layer-chip][data-annotator=bob] [data-testid=layer-span-count]')!.textContent).toBe('3');
    expect($('[data-testid=layer-chip][data-annotator=me]')!.getAttribute('aria-pressed')).toBe('true');
    await click($('[data-testid=layer-chip][data-annotator=carol]'));
    expect($$('.gl-span').map((s) => s.getAttribute('data-label'))).toEqual(['Person', 'Organisation', 'Date']);
    expect($('[data-testid=palette]')).toBeNull();
    await click($('[data-testid=annotation-item][data-span-id=carol-3]'));
    expect($('[data-testid=inspector-quote]')!.textContent).toBe('Monday');
    expect($('[data-testid=inspector-delete]')).toBeNull();
    // A comment on carol's span, stored in my layer.
    await click($('[data-testid=inspector] [data-testid=comment-button]'));
    await type($('[data-testid=comment-text]') as HTMLTextAreaElement, 'Monday is a weekday, not a date.');
    await click($('[data-testid=comment-submit]'));
    expect(api.layers.get('report/me')?.comments).toMatchObject([{ target: { annotator: 'carol', spanId: 'carol-3' }, author: 'me', text: 'Monday is a weekday, not a date.' }]);
    const panel = $('[data-testid=comments-panel]')!;
    expect(panel.querySelectorAll('[data-testid=comment-item]')).toHaveLength(1);
    expect(panel.textContent).toContain('You → carol');
    await click(panel.querySelector('[data-testid=comment-resolve]'));
    expect(panel.querySelectorAll('[data-testid=comment-item]')).toHaveLength(0);
    expect(api.layers.get('report/me')?.comments[0]?.resolved).toBe(true);
  });

  it('reviews bob and carol: items with kinds, keys shown, adjudication by keyboard, the count of what is left', async () => {
    await render();
    await click($('[data-testid=review-toggle]'));
    expect($('[data-testid=review-toggle]')!.getAttribute('aria-pressed')).toBe('true');
    expect(($('[data-testid=review-annotator][data-annotator=bob]') as HTMLInputElement).checked).toBe(true);
    expect(($('[data-testid=review-annotator][data-annotator=carol]') as HTMLInputElement).checked).toBe(true);
    expect($$('[data-testid=review-item]').map((i) => `${i.getAttribute('data-kind')}:${i.getAttribute('data-decided')}`)).toEqual([
      'agreed:false',
      'label-conflict:false',
      'missing:false',
      'missing:false',
    ]);
    const highlight = $('.gl-review[data-kind=label-conflict]')!;
    expect(highlight.textContent).toBe('Denis Manturov');
    expect(highlight.getAttribute('title')).toContain('carol: Organisation “Denis Manturov”');
    expect(remaining()).toBe('4');
    // The key of each annotator is shown next to the name.
    expect($('[data-testid=review-annotator][data-annotator=carol]')!.parentElement!.textContent).toContain('2');
    expect($('[data-testid=review-keys]')!.textContent).toContain('reject');

    await press('a');
    expect($('[data-testid=accept-all-dialog]')!.textContent).toContain('The one item');
    await click($('[data-testid=accept-all-confirm]'));
    expect(remaining()).toBe('3');
    // On to the first item left.
    expect($('[data-testid=review-current]')!.getAttribute('data-item-key')).toBe($$('[data-testid=review-item]')[1]!.getAttribute('data-item-key'));
    await press('1');
    await press('r');
    await press('2');
    expect(remaining()).toBe('0');
    expect($$('[data-testid=review-item][data-decided=true]')).toHaveLength(4);
    expect($$('.gl-review[data-decided=true]')).toHaveLength(4);
    expect(api.layers.get(`report/${CURATION_ANNOTATOR}`)?.spans.map((s) => `${s.label} ${s.start}-${s.end}`)).toEqual(['Person 0-14', 'Person 19-33', 'Date 49-55']);
    expect($('[data-testid=review-item][data-kind=missing]')!.textContent).toContain('Rejected · me');
    // The curated layer now shows among the layers.
    expect($('[data-testid=layer-chip][data-annotator=curation] [data-testid=layer-span-count]')!.textContent).toBe('3');
    await press('u');
    expect(remaining()).toBe('1');
  });

  it('brings review mode back from the address after a reload', async () => {
    expect(viewHash('report', { kind: 'review', annotators: ['bob', 'carol'] })).toBe('#doc=report&review=bob%2Ccarol');
    expect(rememberedView('#doc=report&review=bob%2Ccarol')).toEqual({ docId: 'report', mode: { kind: 'review', annotators: ['bob', 'carol'] } });
    expect(rememberedView('#doc=report&layer=bob')).toEqual({ docId: 'report', mode: { kind: 'layer', annotator: 'bob' } });
    expect(rememberedView('#doc=report')).toEqual({ docId: 'report', mode: { kind: 'mine' } });
    expect(rememberedView('')).toBeNull();
    window.history.replaceState(null, '', '/#doc=report&review=bob%2Ccarol');
    await render();
    expect($('[data-testid=review-toggle]')!.getAttribute('aria-pressed')).toBe('true');
    expect($$('[data-testid=review-item]')).toHaveLength(4);
  });

  it('opens the agreement dashboard: matrix, documents worst first, a click opens the review', async () => {
    const result: AgreementResult = {
      annotators: ['bob', 'carol'],
      // As many as a big workspace has (the table below lists one): counts carry thousands separators.
      documents: 1_200,
      pairs: [{ a: 'bob', b: 'carol', tp: 1, onlyA: 2, onlyB: 2, precision: 1 / 3, recall: 1 / 3, f1: 1 / 3, cohenKappa: 0.25, tokens: 10, byLabel: {} }],
      fleissKappa: 0.25,
      krippendorffAlpha: 0.3,
      fleissTokens: 10,
      krippendorffTokens: 10,
      byLabel: { Person: { tp: 1, onlyA: 1, onlyB: 0, f1: 2 / 3 } },
      byDocument: [{ document: 'report', title: 'report', annotators: ['bob', 'carol'], disagreements: 4, f1: 1 / 3, krippendorffAlpha: 0.3, tokens: 10 }],
    };
    api.agreement = { ok: true, value: result };
    await render();
    await click($('[data-testid=agreement-button]'));
    expect($('[data-testid=agreement-view]')).not.toBeNull();
    expect($('[data-testid=doc-list]')).toBeNull();
    expect($('[data-testid=agreement-matrix] [data-a=bob][data-b=carol][data-measure=f1]')!.textContent).toContain('0.333');
    expect($('[data-testid=agreement-matrix] [data-a=carol][data-b=bob][data-measure=kappa]')!.textContent).toContain('0.250');
    expect($('[data-testid=agreement-fleiss]')!.textContent).toContain('0.250');
    expect($('[data-testid=agreement-alpha]')!.textContent).toContain('0.300');
    expect($('[data-testid=agreement-documents]')!.textContent).toContain('1,200');
    expect($('[data-testid=agreement-view]')!.textContent).toContain('1,200 documents compared');
    expect($$('[data-testid=agreement-doc]').map((d) => d.getAttribute('data-doc-id'))).toEqual(['report']);
    await click($('[data-testid=agreement-doc][data-doc-id=report]'));
    expect($('[data-testid=agreement-view]')).toBeNull();
    expect($('[data-testid=review-toggle]')!.getAttribute('aria-pressed')).toBe('true');
    expect($$('[data-testid=review-item]')).toHaveLength(4);
  });

  it('shows a notice when my open layer was changed on disk by someone else', async () => {
    await render();
    api.putLayer('report', { ...makeLayer(api.documents[0]!, 'me', [['Location', 37, 45]]), updatedAt: '2024-07-01T00:00:00.000Z' });
    api.pollAnswers.push({ ok: true, value: { cursor: 5, changes: [{ document: 'report', annotator: 'me', file: 'annotations/report/me.json' }] } });
    // The app polls every 1.5 s; wait for the next poll.
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1700));
    });
    await settle();
    expect($('[data-testid=notice]')!.textContent).toContain('changed on disk by someone else');
    expect($$('.gl-span').map((s) => s.getAttribute('data-label'))).toEqual(['Location']);
    await click($('[data-testid=notice] button'));
    expect($('[data-testid=notice]')).toBeNull();
  });
});
