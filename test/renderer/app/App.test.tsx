// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GlossShell, ShellCommand } from '../../../src/core/api';
import { App } from '../../../src/renderer/src/app/App';
import tajikistan from '../../../resources/sample/tajikistan-russia-industrial-cooperation.txt?raw';
import digest from '../../../resources/sample/social-monitoring-digest.txt?raw';
import { createFakeApi, plainDocument, storedLayer } from '../session/fakeApi';
import type { FakeApi } from '../session/fakeApi';
import { rootPerTest } from './reactRoot';

const dom = rootPerTest();

// React's act() needs to know it runs in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let api: FakeApi;

beforeEach(async () => {
  api = createFakeApi([await plainDocument('tajikistan', tajikistan), await plainDocument('digest', digest)]);
  window.history.replaceState(null, '', '/');
});


async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

async function render(shell: GlossShell | null = null): Promise<void> {
  await act(async () => dom.root.render(<App api={api} shell={shell} />));
  await settle();
}

const $ = (selector: string) => dom.container.querySelector(selector);
const $$ = (selector: string) => [...dom.container.querySelectorAll(selector)];

async function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = window): Promise<void> {
  await act(async () => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  });
  await settle();
}

/** Type into a field as a person would (focus, input, leave), so that it is saved. */
async function edit(field: HTMLInputElement | HTMLTextAreaElement, value: string): Promise<void> {
  await act(async () => {
    field.focus();
    // React tracks the value it set; go through the native setter so it sees a change.
    const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(field, value);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await act(async () => {
    field.blur();
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

/**
 * Select text in the document as the browser would, then let ProseMirror read it (unless
 * `announce` is false: the browser's selectionchange event has not arrived yet).
 */
async function selectInDocument(text: string, announce = true): Promise<void> {
  const editor = $('[data-testid=editor] .ProseMirror')!;
  const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = (node as Text).data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    await act(async () => {
      (editor as HTMLElement).focus();
      const selection = document.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      if (announce) document.dispatchEvent(new Event('selectionchange'));
    });
    await settle();
    return;
  }
  throw new Error(`"${text}" is not in the document`);
}

describe('App (DOM contract)', () => {
  it('lists documents with status and span count and opens the first', async () => {
    await render();
    const items = $$('[data-testid=doc-list] [data-testid=doc-item]');
    expect(items.map((i) => i.getAttribute('data-doc-id'))).toEqual(['tajikistan', 'digest']);
    expect(items[0]!.querySelector('[data-testid=doc-title]')!.textContent).toBe('tajikistan');
    expect(items[0]!.querySelector('[data-testid=doc-status]')!.getAttribute('data-status')).toBe('todo');
    expect(items[0]!.querySelector('[data-testid=doc-span-count]')!.textContent).toBe('0');
    expect($('[data-testid=editor] .ProseMirror')!.textContent).toContain('Emomali Rahmon');
    expect($$('[data-testid=palette] [data-testid=label-button]').map((b) => b.getAttribute('data-label'))).toEqual(
      ['Person', 'Organisation', 'Location', 'Money', 'Percent', 'Quantity', 'Date', 'Commitment'],
    );
    expect($('[data-testid=save-status]')!.getAttribute('data-state')).toBe('saved');
    expect(($('[data-testid=annotator-name]') as HTMLInputElement).value).toBe('me');
    expect($('[data-testid=annotation-filter]')).not.toBeNull();
    expect($('[data-testid=inspector]')).not.toBeNull();
    expect($('[data-testid=problems]')).toBeNull();
  });

  it('annotates a selection with a label key, shows it everywhere, and undoes it', async () => {
    await render();
    await selectInDocument('Emomali Rahmon');
    await press('1');
    const highlight = $('.gl-span[data-label=Person]');
    expect(highlight).not.toBeNull();
    expect(highlight!.classList.contains('gl-selected')).toBe(true);
    const id = highlight!.getAttribute('data-span-id')!;
    expect($(`[data-testid=annotation-item][data-span-id="${id}"]`)).not.toBeNull();
    expect($('[data-testid=inspector-quote]')!.textContent).toBe('Emomali Rahmon');
    expect(($('[data-testid=inspector-label]') as HTMLSelectElement).value).toBe('Person');
    expect($('[data-testid=attr-normalized]')).not.toBeNull();
    expect(storedLayer(api, 'tajikistan')!.spans).toMatchObject([{ label: 'Person', start: 75, end: 89 }]);
    expect($('[data-doc-id=tajikistan] [data-testid=doc-span-count]')!.textContent).toBe('1');
    expect($('[data-testid=save-status]')!.getAttribute('data-state')).toBe('saved');

    await press('z', { ctrlKey: true });
    expect($('.gl-span')).toBeNull();
    expect(storedLayer(api, 'tajikistan')!.spans).toEqual([]);
    await press('Z', { ctrlKey: true, shiftKey: true });
    expect($(`.gl-span[data-span-id="${id}"]`)).not.toBeNull();
    await press('y', { ctrlKey: true });
    expect(storedLayer(api, 'tajikistan')!.spans).toHaveLength(1);
  });

  it('acts on a selection the browser has not reported yet (a key right after Shift+arrows)', async () => {
    await render();
    await selectInDocument('Emomali Rahmon');
    await press('1');
    // Hold back the selectionchange event (happy-dom sends it at once; browsers a moment later).
    const holdBack = (event: Event) => event.stopImmediatePropagation();
    document.addEventListener('selectionchange', holdBack, true);
    await selectInDocument('Gemotest', false);
    await press('2');
    document.removeEventListener('selectionchange', holdBack, true);
    expect(storedLayer(api, 'tajikistan')!.spans.map((s) => [s.label, s.quote])).toEqual([
      ['Person', 'Emomali Rahmon'],
      ['Organisation', 'Gemotest'],
    ]);
  });

  it('relabels with the palette and deletes with the Delete key', async () => {
    await render();
    await selectInDocument('Gemotest');
    await click($('[data-testid=label-button][data-label=Organisation]'));
    expect($('.gl-span[data-label=Organisation]')).not.toBeNull();
    await click($('[data-testid=label-button][data-label=Location]'));
    expect($('.gl-span[data-label=Location]')).not.toBeNull();
    expect(storedLayer(api, 'tajikistan')!.spans).toMatchObject([{ label: 'Location', start: 1459, end: 1467 }]);
    await press('Delete');
    expect($('.gl-span')).toBeNull();
    expect(storedLayer(api, 'tajikistan')!.spans).toEqual([]);
  });

  it('leaves keys typed in fields alone', async () => {
    await render();
    await selectInDocument('Gemotest');
    await press('2');
    const note = $('[data-testid=inspector-note]') as HTMLTextAreaElement;
    await press('3', {}, note);
    await press('Delete', {}, note);
    expect($('.gl-span[data-label=Organisation]')).not.toBeNull();
  });

  it('saves typed attributes and the note from the inspector, and undoes them as one step each', async () => {
    await render();
    await selectInDocument('$1.4 billion');
    await press('4');
    const value = $('[data-testid=attr-value]') as HTMLInputElement;
    const currency = $('[data-testid=attr-currency]') as HTMLInputElement;
    const note = $('[data-testid=inspector-note]') as HTMLTextAreaElement;
    expect(value.type).toBe('number');
    await edit(value, '1400000000');
    await edit(currency, 'USD');
    await edit(note, 'bilateral trade, 2022');
    expect(storedLayer(api, 'tajikistan')!.spans).toMatchObject([
      { label: 'Money', quote: '$1.4 billion', attributes: { value: 1400000000, currency: 'USD' }, note: 'bilateral trade, 2022' },
    ]);
    await press('z', { ctrlKey: true });
    await press('z', { ctrlKey: true });
    expect(storedLayer(api, 'tajikistan')!.spans[0]!.attributes).toEqual({ value: 1400000000 });
    expect(storedLayer(api, 'tajikistan')!.spans[0]!.note).toBeUndefined();
  });

  it('jumps to a span from the list and filters the list by label', async () => {
    await render();
    await selectInDocument('Emomali Rahmon');
    await press('1');
    await selectInDocument('Gemotest');
    await press('2');
    await press('Escape');
    expect($('.gl-selected')).toBeNull();
    const person = $('.gl-span[data-label=Person]')!.getAttribute('data-span-id');
    await click($(`[data-testid=annotation-item][data-span-id="${person}"]`));
    expect($(`.gl-span[data-span-id="${person}"]`)!.classList.contains('gl-selected')).toBe(true);
    expect($(`.gl-span[data-span-id="${person}"]`)!.classList.contains('gl-flash')).toBe(true);
    const filter = $('[data-testid=annotation-filter]') as HTMLSelectElement;
    await act(async () => {
      filter.value = 'Organisation';
      filter.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect($$('[data-testid=annotation-item]')).toHaveLength(1);
    expect($('[data-testid=annotation-item] .gl-ann-quote')!.textContent).toBe('Gemotest');
  });

  it('shows problems in a banner naming the file', async () => {
    api.problems = [
      {
        kind: 'corrupt-file',
        file: 'annotations/tajikistan/me.json',
        message: 'annotations/tajikistan/me.json was corrupt; kept aside',
        movedTo: 'annotations/tajikistan/me.json.corrupt-2024',
      },
    ];
    await render();
    const banner = $('[data-testid=problems]')!;
    expect(banner.textContent).toContain('annotations/tajikistan/me.json');
    expect(banner.textContent).toContain('me.json.corrupt-2024');
  });

  it('follows the shell menu for undo', async () => {
    let listener: ((c: ShellCommand) => void) | null = null;
    const shell: GlossShell = {
      onCommand(l) {
        listener = l;
        return () => (listener = null);
      },
      saveFile: async () => ({ ok: true, value: null }),
    };
    await render(shell);
    await selectInDocument('Gemotest');
    await press('2');
    await act(async () => listener!('undo'));
    await settle();
    expect(storedLayer(api, 'tajikistan')!.spans).toEqual([]);
  });
});

describe('App opening a long document', () => {
  /** What the page shows after each change: whose text is in the editor, and whether the side panels are there. */
  function watch(): { events: string[]; stop: () => void } {
    const events: string[] = [];
    const observer = new MutationObserver(() => {
      const text = $('[data-testid=editor] .ProseMirror')?.textContent ?? '';
      events.push(`${text.includes('Paragraph 1:') ? 'long' : 'short'}/${$('[data-testid=inspector]') ? 'panels' : 'none'}`);
    });
    observer.observe(dom.container, { subtree: true, childList: true, characterData: true, attributes: true });
    return { events, stop: () => observer.disconnect() };
  }

  it('paints the text first and the panels beside it a frame later; a short document comes with its panels', async () => {
    const paragraphs = Array.from({ length: 1_200 }, (_, i) => `Paragraph ${i}: the Ministry pledged $${i} million to the Khujand plant.`);
    api = createFakeApi([await plainDocument('digest', digest), await plainDocument('long', paragraphs.join('\n\n'))]);
    await render();
    expect($('[data-testid=inspector]')).not.toBeNull();

    const opening = watch();
    await click($('[data-testid=doc-item][data-doc-id=long]'));
    await vi.waitFor(() => expect($('[data-testid=inspector]')).not.toBeNull());
    opening.stop();
    // The long text was on the page while the side was empty, then the panels came.
    expect(opening.events).toContain('long/none');
    expect(opening.events.indexOf('long/none')).toBeLessThan(opening.events.lastIndexOf('long/panels'));
    expect($('[data-testid=doc-item][data-doc-id=long]')!.getAttribute('aria-current')).toBe('page');

    const back = watch();
    await click($('[data-testid=doc-item][data-doc-id=digest]'));
    back.stop();
    expect(back.events.filter((e) => e.endsWith('/none'))).toEqual([]);
    expect($('[data-testid=editor] .ProseMirror')!.textContent).toContain(digest.slice(0, 30));
  });
});
