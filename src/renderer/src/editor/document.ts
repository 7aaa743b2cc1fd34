// Builds the ProseMirror document shown for a Gloss document: one text block per Gloss block,
// grouped in chunks (ADR 0015), display marks applied, and the PositionIndex that maps its
// positions to code points. Chunk nodes are made when first asked for: a long document opens with
// its first chunks and the rest is appended while the analyst reads (blockLoader.ts, ADR 0011).

import { Mark } from 'prosemirror-model';
import type { Node as PMNode, NodeType } from 'prosemirror-model';
import type { BlockType, DocumentMark, GlossDocument } from '../../../core/model';
import { CodePointIndex, firstIndex } from '../../../core/offsets';
import { PositionIndex } from './positions';
import type { BlockSlot } from './positions';
import { documentSchema } from './schema';

/** What the editor needs of one opened document. */
export interface EditorDocument {
  /** The whole document (its blocks made on first use). */
  readonly doc: PMNode;
  readonly positions: PositionIndex;
  /** How many chunks (the document's top-level nodes) the document has. */
  readonly chunkCount: number;
  /** Chunks [from, to) as nodes (made once, then kept). */
  chunks(from: number, to: number): PMNode[];
  /** The document cut after its first `count` chunks (all of it when count >= chunkCount). */
  prefix(count: number): PMNode;
  /** How many first chunks it takes to reach editor position `pos` (at least 1). */
  chunksUpTo(pos: number): number;
}

/**
 * A chunk's estimated height in CSS pixels until it is first drawn (then the browser remembers
 * the real one): lines of ~CHARS_PER_LINE characters at the document's line height, plus the
 * space between blocks. Only the scroll bar and a first jump far down depend on it.
 */
const CHARS_PER_LINE = 66;
const LINE_PX = 36;
const BLOCK_GAP_PX = 17;

/** A block's share of its chunk's estimated height (CSS pixels), from its length in UTF-16 units. */
export function blockHeightEstimate(utf16Length: number): number {
  return Math.max(1, Math.ceil(utf16Length / CHARS_PER_LINE)) * LINE_PX + BLOCK_GAP_PX;
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
export function buildEditorDocument(document: Pick<GlossDocument, 'text' | 'blocks' | 'marks'>, chunkSize?: number): EditorDocument {
  return new LazyEditorDocument(document, chunkSize);
}

class LazyEditorDocument implements EditorDocument {
  readonly positions: PositionIndex;
  private readonly text: CodePointIndex;
  private readonly marks: readonly DocumentMark[];
  private readonly nodes: (PMNode | undefined)[];
  private whole: PMNode | null = null;

  constructor(document: Pick<GlossDocument, 'text' | 'blocks' | 'marks'>, chunkSize?: number) {
    this.text = new CodePointIndex(document.text);
    this.positions = new PositionIndex(this.text, document.blocks, chunkSize);
    this.marks = [...(document.marks ?? [])].sort((a, b) => a.start - b.start);
    this.nodes = new Array<PMNode | undefined>(this.positions.chunks.length);
  }

  get chunkCount(): number {
    return this.nodes.length;
  }

  get doc(): PMNode {
    return (this.whole ??= documentSchema.node('doc', null, this.chunks(0, this.nodes.length)));
  }

  chunks(from: number, to: number): PMNode[] {
    const out: PMNode[] = [];
    const end = Math.min(to, this.nodes.length);
    for (let i = Math.max(0, from); i < end; i++) out.push((this.nodes[i] ??= this.chunkNode(i)));
    return out;
  }

  prefix(count: number): PMNode {
    return count >= this.nodes.length ? this.doc : documentSchema.node('doc', null, this.chunks(0, Math.max(1, count)));
  }

  chunksUpTo(pos: number): number {
    // The first block that ends (closes) at or after pos; its chunk is counted in.
    const block = this.positions.blockAt(pos);
    const chunk = firstIndex(this.nodes.length, (c) => this.positions.blocksIn(c + 1) > block);
    return Math.max(1, Math.min(this.nodes.length, chunk + 1));
  }

  private chunkNode(index: number): PMNode {
    const blocks: PMNode[] = [];
    let estimate = 0;
    for (let i = this.positions.blocksIn(index); i < this.positions.blocksIn(index + 1); i++) {
      const slot = this.positions.slot(i);
      blocks.push(blockNode(slot, this.text, this.marks));
      estimate += blockHeightEstimate(slot.utf16End - slot.utf16Start);
    }
    return documentSchema.node('chunk', { estimate }, blocks);
  }
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
