// Layout floor: the document's text in plain block elements (no editor, no highlights). What the
// browser needs at least to fetch, lay out and paint this text in the app's layout.

import { CodePointIndex } from '../../src/core/offsets';
import { blockElement, built, fetchDocument, mark, onOpen, place } from './shell';

onOpen(async () => {
  const doc = await fetchDocument();
  mark('fetched');
  const text = new CodePointIndex(doc.text);
  const container = document.createElement('div');
  container.className = 'gl-document';
  for (const block of doc.blocks) container.append(blockElement(block, text.slice(block.start, block.end)));
  place().append(container);
  mark('built');
  built();
});
