// The ProseMirror schema of a displayed document: a flat sequence of text blocks, one node type
// per kind of Gloss block, grouped in chunks (a run of blocks the browser may skip laying out
// while out of sight, ADR 0015), and display-only marks. The document is never edited, so the
// schema only has to describe what can be shown.

import { Schema } from 'prosemirror-model';
import type { DOMOutputSpec, MarkSpec, NodeSpec } from 'prosemirror-model';

const headingLevel = (level: unknown): number =>
  typeof level === 'number' && level >= 1 && level <= 6 ? Math.floor(level) : 2;

const depth = (level: unknown): number =>
  typeof level === 'number' && level >= 1 ? Math.min(Math.floor(level), 6) : 1;

const textBlock = (spec: NodeSpec): NodeSpec => ({ group: 'block', content: 'text*', marks: '_', ...spec });

/**
 * A chunk's element: its estimated height (until first drawn) is set through the CSSOM, which the
 * renderer's CSP allows where a style attribute would not be.
 */
function chunkElement(estimate: unknown): HTMLElement {
  const el = document.createElement('div');
  el.className = 'gl-chunk';
  if (typeof estimate === 'number' && estimate > 0) el.style.containIntrinsicBlockSize = `auto ${Math.round(estimate)}px`;
  return el;
}

const nodes: Record<string, NodeSpec> = {
  doc: { content: 'chunk+' },
  // Not selectable, not a drop target: the analyst never sees a chunk, only its blocks.
  chunk: {
    content: 'block+',
    attrs: { estimate: { default: 0 } },
    selectable: false,
    toDOM: (node) => {
      const dom = chunkElement(node.attrs.estimate);
      return { dom, contentDOM: dom };
    },
  },
  paragraph: textBlock({ toDOM: (): DOMOutputSpec => ['p', { class: 'gl-p' }, 0] }),
  heading: textBlock({
    attrs: { level: { default: 2 } },
    toDOM: (node): DOMOutputSpec => [`h${headingLevel(node.attrs.level)}`, { class: 'gl-h' }, 0],
  }),
  // List items stay flat blocks (the text is what matters); the nesting depth becomes an indent.
  list_item: textBlock({
    attrs: { level: { default: 1 } },
    toDOM: (node): DOMOutputSpec => ['p', { class: `gl-li gl-li-${depth(node.attrs.level)}` }, 0],
  }),
  table_cell: textBlock({ toDOM: (): DOMOutputSpec => ['p', { class: 'gl-cell' }, 0] }),
  code_block: textBlock({ code: true, marks: '', toDOM: (): DOMOutputSpec => ['pre', { class: 'gl-code' }, ['code', 0]] }),
  quote: textBlock({ toDOM: (): DOMOutputSpec => ['blockquote', { class: 'gl-quote' }, 0] }),
  text: { group: 'inline' },
};

const marks: Record<string, MarkSpec> = {
  bold: { toDOM: (): DOMOutputSpec => ['strong', 0] },
  italic: { toDOM: (): DOMOutputSpec => ['em', 0] },
  code: { toDOM: (): DOMOutputSpec => ['code', { class: 'gl-inline-code' }, 0] },
  // Links are shown, never followed: the workstation does not navigate anywhere.
  link: {
    attrs: { href: { default: '' } },
    inclusive: false,
    toDOM: (mark): DOMOutputSpec => ['span', { class: 'gl-link', title: String(mark.attrs.href ?? '') }, 0],
  },
};

/** The schema every displayed document uses. */
export const documentSchema = new Schema({ nodes, marks });
