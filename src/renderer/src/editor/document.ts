// Builds the ProseMirror document shown for a Gloss document: one text block per Gloss block,
// display marks applied, and the PositionIndex that maps its positions to code points.

import { Mark } from 'prosemirror-model';
import type { Node as PMNode, NodeType } from 'prosemirror-model';
import type { BlockType, DocumentMark, GlossDocument } from '../../../core/model';
import { CodePointIndex } from '../../../core/offsets';
import { PositionIndex } from './positions';
import type { BlockSlot } from './positions';
import { documentSchema } from './schema';

/** What the editor needs of one opened document. */
export interface EditorDocument {
  doc: PMNode;
  positions: PositionIndex;
}

const NODE_FOR_BLOCK: Record<BlockType, string> = {
  heading: 'heading',
  paragraph: 'paragraph',
  'list-item': 'list_item',
  'table-cell': 'table_cell',
  code: 'code_block',
  quote: 'quote',
};

/** The editor document and position index of a Gloss document (text indexed once here). */
export function buildEditorDocument(document: Pick<GlossDocument, 'text' | 'blocks' | 'marks'>): EditorDocument {
  const text = new CodePointIndex(document.text);
  const positions = new PositionIndex(text, document.blocks);
  const marks = [...(document.marks ?? [])].sort((a, b) => a.start - b.start);
  const blocks = positions.slots.map((slot) => blockNode(slot, text, marks));
  const doc = documentSchema.node('doc', null, blocks);
  return { doc, positions };
}

function blockNode(slot: BlockSlot, text: CodePointIndex, marks: readonly DocumentMark[]): PMNode {
  const type: NodeType = documentSchema.nodes[NODE_FOR_BLOCK[slot.type] ?? 'paragraph'] ?? documentSchema.nodes.paragraph!;
  const attrs = type.name === 'heading' || type.name === 'list_item' ? { level: slot.level ?? (type.name === 'heading' ? 2 : 1) } : null;
  return type.create(attrs, textNodes(slot, text, type.spec.code === true ? [] : marks));
}

/** The block's text split where display marks begin and end (none for an empty block). */
function textNodes(slot: BlockSlot, text: CodePointIndex, marks: readonly DocumentMark[]): PMNode[] {
  if (slot.start === slot.end) return [];
  const inside = marks.filter((m) => m.start < slot.end && m.end > slot.start && m.start < m.end);
  if (inside.length === 0) return [documentSchema.text(text.slice(slot.start, slot.end))];
  const cuts = new Set<number>([slot.start, slot.end]);
  for (const m of inside) {
    cuts.add(Math.max(m.start, slot.start));
    cuts.add(Math.min(m.end, slot.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes: PMNode[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k]!;
    const b = points[k + 1]!;
    // addToSet keeps one mark per type, however many ranges of it overlap here.
    const active = inside
      .filter((m) => m.start <= a && m.end >= b)
      .reduce<readonly Mark[]>((set, m) => toMark(m).addToSet(set), Mark.none);
    nodes.push(documentSchema.text(text.slice(a, b), active));
  }
  return nodes;
}

function toMark(mark: DocumentMark): Mark {
  const type = documentSchema.marks[mark.type] ?? documentSchema.marks.bold!;
  return type === documentSchema.marks.link ? type.create({ href: mark.href ?? '' }) : type.create();
}
