// One-file formats that are a list of items between a head and a tail (W3C's Annotations, the
// Gloss dataset's documents; CoNLL's documents, with no separator). Each item is made as if it
// were not the file's first, led by its separator; only the very first item of the file goes
// without it. So a document's items can be made apart, in another thread that knows nothing of
// the documents before it, and the file is those pieces joined in order with one cut
// (docs/adr/0018).

import type { UnrepresentedSpan } from './conll';
import type { ExportDocument } from './types';

/** What a format could not hold as it is (CoNLL's spans not written exactly, and its notices). */
export interface ListNotes {
  notices: string[];
  unrepresented: UnrepresentedSpan[];
}

export interface ItemList {
  /** Everything before the first item. */
  readonly head: string;
  /** What every item starts with but the file's first (a comma). */
  readonly leading: string;
  /** A document's items, each led by `leading`, as pieces (several may make one item), and how many items. */
  items(document: ExportDocument): { pieces: string[]; count: number };
  /** The end of the file, after `count` items in all. */
  tail(count: number): string;
  /** What it could not hold as it is in the documents made since the last call (formats that tell: CoNLL). */
  notes?(): ListNotes;
}

/**
 * An export's summary with what its format could not hold, where the format tells (`notes`: CoNLL's
 * spans not written exactly, with its notices); other formats have no notices of this kind.
 */
export function withNotes<T extends object>(summary: T, notes: ListNotes | undefined): T & { notices: string[]; unrepresented?: UnrepresentedSpan[] } {
  return notes ? { ...summary, notices: notes.notices, unrepresented: notes.unrepresented } : { ...summary, notices: [] };
}

/** An ItemList written document by document in one place: cuts the first item's `leading` and counts. */
export class ItemListWriter {
  private count = 0;

  constructor(private readonly list: ItemList) {}

  head(): string {
    return this.list.head;
  }

  /** A document's pieces, in the file's order. */
  pieces(document: ExportDocument): string[] {
    const { pieces, count } = this.list.items(document);
    if (this.count === 0 && count > 0) pieces[0] = cutLeading(pieces[0]!, this.list.leading);
    this.count += count;
    return pieces;
  }

  tail(): string {
    return this.list.tail(this.count);
  }
}

/** `piece` without `leading`, which it must start with. */
export function cutLeading(piece: string, leading: string): string {
  if (!piece.startsWith(leading)) throw new Error(`an item does not start with ${JSON.stringify(leading)}`);
  return piece.slice(leading.length);
}
