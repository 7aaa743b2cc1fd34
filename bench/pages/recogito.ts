// The peer: @recogito/text-annotator on the same text (plain block elements, as in the layout
// floor) with the same spans, loaded through its W3C adapter from code-point offsets converted to
// the UTF-16 offsets it counts in. Its highlights are drawn by its default renderer.

import '@recogito/text-annotator/text-annotator.css';
import { createTextAnnotator, W3CTextFormat } from '@recogito/text-annotator';
import type { Color, TextAnnotation, W3CTextAnnotation } from '@recogito/text-annotator';
import { CodePointIndex } from '../../src/core/offsets';
import { findLabel } from '../../src/core/schema';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { blockElement, built, fetchDocument, fetchLayer, mark, onOpen, place } from './shell';

onOpen(async () => {
  const [doc, layer] = await Promise.all([fetchDocument(), fetchLayer()]);
  mark('fetched');
  const text = new CodePointIndex(doc.text);
  const container = document.createElement('div');
  // Plain blocks, as in the layout floor (floor.css).
  container.className = 'gl-document gl-floor-blocks';
  // The container's text is the blocks' texts back to back: where each block starts in it.
  const blockStarts: number[] = [];
  let offset = 0;
  for (const block of doc.blocks) {
    const blockText = text.slice(block.start, block.end);
    blockStarts.push(offset);
    offset += blockText.length;
    container.append(blockElement(block, blockText));
  }
  place().append(container);
  mark('built');

  const toContainer = (cp: number, side: 'start' | 'end'): number => {
    let lo = 0;
    let hi = doc.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const b = doc.blocks[mid]!;
      if (side === 'start' ? b.start <= cp : b.start < cp) lo = mid;
      else hi = mid - 1;
    }
    const b = doc.blocks[lo]!;
    return blockStarts[lo]! + (text.toUtf16(Math.min(Math.max(cp, b.start), b.end)) - text.toUtf16(b.start));
  };
  const annotations: W3CTextAnnotation[] = layer.spans.map((span) => ({
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'Annotation',
    id: span.id,
    body: [{ type: 'TextualBody', purpose: 'tagging', value: span.label }],
    target: {
      source: doc.id,
      selector: [
        { type: 'TextQuoteSelector', exact: span.quote },
        { type: 'TextPositionSelector', start: toContainer(span.start, 'start'), end: toContainer(span.end, 'end') },
      ],
    },
  }));
  const colour = (label: string | undefined): Color => {
    const hex = (label ? findLabel(DEFAULT_SCHEMA, label)?.color : undefined) ?? '#8d9199';
    return `#${hex.slice(1)}`;
  };
  const anno = createTextAnnotator<TextAnnotation, W3CTextAnnotation>(container, {
    adapter: W3CTextFormat<TextAnnotation, W3CTextAnnotation>(doc.id, container),
    style: (annotation) => ({ fill: colour(annotation.bodies[0]?.value), fillOpacity: 0.18 }),
  });
  anno.renderer.on('onRedraw', () => {
    if (container.querySelector('.r6o-annotation')) built();
  });
  anno.setAnnotations(annotations);
  mark('annotations-set');
});
