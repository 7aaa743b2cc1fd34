// Layout floor: the document's text in plain block elements (no editor, no highlights). What the
// browser needs at least to fetch, lay out and paint this text in the app's layout; with
// `?layout=chunks` the blocks are grouped in chunks as Gloss groups them (ADR 0015).

import { CodePointIndex } from '../../src/core/offsets';
import { built, fetchDocument, floorBlocks, mark, onOpen, place } from './shell';

onOpen(async () => {
  const doc = await fetchDocument();
  mark('fetched');
  const text = new CodePointIndex(doc.text);
  const container = document.createElement('div');
  container.className = 'gl-document';
  floorBlocks(container, doc.blocks, doc.blocks.map((block) => text.slice(block.start, block.end)));
  place().append(container);
  mark('built');
  built();
  floorEdits(container);
});

/**
 * The floor of an edit: on a key press, the first word of the block the harness names
 * (`html[data-edit-block]`) is wrapped in a highlight element, as an annotation tool's key does at
 * the least. Timed by the harness like the app's key presses.
 */
function floorEdits(container: HTMLElement): void {
  let n = 0;
  window.addEventListener('keydown', (event) => {
    const index = Number(document.documentElement.dataset.editBlock);
    const block = container.querySelectorAll(':scope > .gl-chunk > *, :scope > :not(.gl-chunk)')[index];
    const text = block?.firstChild;
    if (!block || !(text instanceof Text) || text.data.length < 6) return;
    event.preventDefault();
    const word = text.splitText(0);
    const rest = word.splitText(Math.min(5, word.data.length));
    const span = document.createElement('span');
    span.className = 'gl-span gl-lv-0 gl-c-0 gl-selected';
    span.dataset.floorEdit = String(n++);
    span.append(word);
    block.insertBefore(span, rest);
  });
}
