// What the floor pages share: the app's layout around the document (same classes, same widths,
// same fonts, so that layout costs compare), the "document in the list" to click, and data fetching.
// The data are the very files the workspace holds (served as static files by bench/run.ts).

import 'prosemirror-view/style/prosemirror.css';
import '../../src/renderer/src/styles/app.css';
import './floor.css';
import type { Block, GlossDocument, Layer } from '../../src/core/model';
import { blockHeightEstimate } from '../../src/renderer/src/editor/document';
import { chunkStarts } from '../../src/renderer/src/editor/positions';

/** The element the document goes into (the app's `[data-testid=editor]`). */
export function place(): HTMLElement {
  const el = document.getElementById('place');
  if (!el) throw new Error('the page has no #place');
  return el;
}

/** Run `open` when the document in the list is clicked (as in the app). */
export function onOpen(open: () => Promise<void>): void {
  const button = document.getElementById('open');
  if (!button) throw new Error('the page has no #open');
  button.addEventListener('click', () => {
    open().catch((error: unknown) => {
      document.documentElement.dataset.error = error instanceof Error ? error.message : String(error);
      throw error;
    });
  });
}

/**
 * A data file, loaded the quickest way known in Chromium, as the app loads its document
 * (src/renderer/src/transport/http.ts, ADR 0025): an XMLHttpRequest for the bytes, a TextDecoder,
 * JSON.parse. `fetch(...).json()` takes ~40 ms more for the report's ~1 MB document file: a floor
 * must not be slower at fetching than the app.
 */
function fetchJson<T>(url: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('GET', url);
    request.responseType = 'arraybuffer';
    request.onload = () => {
      if (request.status !== 200) return reject(new Error(`${url}: HTTP ${request.status}`));
      try {
        resolve(JSON.parse(new TextDecoder().decode(request.response as ArrayBuffer)) as T);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    request.onerror = () => reject(new Error(`${url}: the request failed`));
    request.send();
  });
}

/** The document file of the workspace. */
export function fetchDocument(): Promise<GlossDocument> {
  return fetchJson<GlossDocument>('/data/document.json');
}

/** The annotator's layer file of the workspace. */
export function fetchLayer(): Promise<Layer> {
  return fetchJson<Layer>('/data/layer.json');
}

/** A phase of the page's own work, read back by the probe. */
export function mark(name: string): void {
  performance.mark(name);
}

/** The page's DOM is complete: the probe waits for the frame after this. */
export function built(): void {
  document.documentElement.dataset.built = 'true';
}

/** The plain element of a block, with the classes the app's view gives it. */
export function blockElement(block: Block, text: string): HTMLElement {
  let el: HTMLElement;
  if (block.type === 'heading') {
    el = document.createElement(`h${Math.min(Math.max(block.level ?? 2, 1), 6)}`);
    el.className = 'gl-h';
  } else {
    el = document.createElement('p');
    el.className = block.type === 'list-item' ? `gl-li gl-li-${Math.min(block.level ?? 1, 6)}` : 'gl-p';
  }
  el.textContent = text;
  return el;
}

/**
 * The blocks as the layout floor lays them out: plain block elements straight in the document
 * (`gl-floor-blocks`: each skips layout while out of sight, floor.css), or with `?layout=chunks`
 * grouped as Gloss groups them (ADR 0015).
 */
export function floorBlocks(container: HTMLElement, blocks: readonly Block[], texts: readonly string[]): void {
  if (new URLSearchParams(location.search).get('layout') === 'chunks') container.append(...chunkedBlocks(blocks, texts));
  else {
    container.classList.add('gl-floor-blocks');
    blocks.forEach((block, i) => container.append(blockElement(block, texts[i]!)));
  }
}

/**
 * The blocks' elements grouped as the app groups them (doc > chunk > block, ADR 0015): the same
 * chunk elements, the same height estimates, so that layout costs compare.
 */
export function chunkedBlocks(blocks: readonly Block[], texts: readonly string[]): HTMLElement[] {
  const starts = chunkStarts(blocks);
  const chunks: HTMLElement[] = [];
  for (let c = 0; c < starts.length; c++) {
    const chunk = document.createElement('div');
    chunk.className = 'gl-chunk';
    let estimate = 0;
    for (let i = starts[c]!; i < (starts[c + 1] ?? blocks.length); i++) {
      chunk.append(blockElement(blocks[i]!, texts[i]!));
      estimate += blockHeightEstimate(texts[i]!.length);
    }
    chunk.style.containIntrinsicBlockSize = `auto ${estimate}px`;
    chunks.push(chunk);
  }
  return chunks;
}
