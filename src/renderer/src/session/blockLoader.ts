// A long document opens with its first chunks of blocks and appends the rest one step per frame
// (ADR 0011, 0015): shared by the annotating session and the review, whichever holds the editor state.

import type { Node as PMNode } from 'prosemirror-model';
import type { Plugin, Transaction } from 'prosemirror-state';
import type { EditorState } from 'prosemirror-state';
import { MIN_WINDOW } from '../editor/annotations';
import type { EditorRange } from '../editor/annotations';
import type { EditorDocument } from '../editor/document';
import { appendChunks, loadingPlugin } from '../editor/readOnly';

/** Documents larger than this many editor positions open with their first chunks and load the rest while shown. */
export const LAZY_FROM = 3 * MIN_WINDOW;
/**
 * The first chunks shown cover at least this many positions: with whole chunks of 16 blocks, two
 * chunks, three to four screens of a wide window (building and laying them out is most of the
 * view's cost at open; the next step follows a frame later).
 */
const FIRST_PART = 4_000;
/** Whether a document is long enough to open with its first blocks (and the rest frame by frame). */
export function opensInSteps(editor: EditorDocument): boolean {
  return editor.positions.docSize > LAZY_FROM;
}

/**
 * Chunks appended per step while a long document loads, one step after each paint: about 400
 * blocks, ~2 ms a step on the benchmark report (the chunks out of sight are not laid out), so the
 * 100,000-word report is whole ~0.3 s after its first paint.
 */
const LOAD_STEP = 24;
/**
 * The first step after the first paint appends this many chunks, each next one twice as many up
 * to LOAD_STEP: the first appends run the view's code cold (a first step of 24 chunks took ~50 ms,
 * a long task right when the analyst may start to select).
 */
const FIRST_STEP = 3;

/** Where the loader appends: the current state, and how to apply a transaction to it. */
export interface LoadTarget {
  readonly state: EditorState;
  dispatch(tr: Transaction): void;
}

export class BlockLoader {
  private loadedChunks: number;
  private readonly lazy: boolean;
  private stepSize = FIRST_STEP;

  constructor(
    private readonly editor: EditorDocument,
    /** Who holds the editor state now (the view once mounted). */
    private readonly target: () => LoadTarget,
    private readonly afterPaint: (run: () => void) => void,
    /** False once the owner is disposed: loading stops. */
    private readonly alive: () => boolean,
  ) {
    this.lazy = opensInSteps(editor);
    this.loadedChunks = this.lazy ? editor.chunksUpTo(FIRST_PART) : editor.chunkCount;
  }

  /** The document to create the editor state with: the first blocks, or all of a short one. */
  get initialDoc(): PMNode {
    return this.editor.prefix(this.loadedChunks);
  }

  /** The first window of spans to draw (undefined: the whole of a short document). */
  get initialWindow(): EditorRange | undefined {
    return this.lazy ? { from: 0, to: Math.min(this.editor.positions.docSize, MIN_WINDOW) } : undefined;
  }

  /** The plugin saying on the view whether blocks are still to come (aria-busy). */
  plugin(): Plugin {
    return loadingPlugin(this.editor.chunkCount);
  }

  /** Start appending the rest after the first paint. */
  start(): void {
    if (!this.loaded) this.afterPaint(() => this.step());
  }

  /** Whether the whole document is in the editor. */
  get loaded(): boolean {
    return this.loadedChunks >= this.editor.chunkCount;
  }

  /** Make sure editor position `pos` exists: append the chunks up to it now. */
  upTo(pos: number): void {
    if (!this.loaded && pos > this.target().state.doc.content.size) this.append(this.editor.chunksUpTo(pos));
  }

  private step(): void {
    if (!this.alive() || this.loaded) return;
    this.append(this.loadedChunks + this.stepSize);
    this.stepSize = Math.min(LOAD_STEP, this.stepSize * 2);
    if (!this.loaded) this.afterPaint(() => this.step());
  }

  private append(count: number): void {
    const to = Math.min(count, this.editor.chunkCount);
    if (to <= this.loadedChunks) return;
    const nodes = this.editor.chunks(this.loadedChunks, to);
    this.loadedChunks = to;
    const target = this.target();
    target.dispatch(appendChunks(target.state.tr, nodes));
  }
}
