// Undo and redo for my layer: a stack of LayerChange batches with their inverses. The history
// lives in the renderer; undoing sends the inverse batch like any other edit, so undo reaches
// the disk too.

import type { LayerChange } from '../../../core/api';

/** One undoable step: the batch that was applied and the batch that reverts it. */
export interface HistoryEntry {
  readonly changes: readonly LayerChange[];
  readonly inverse: readonly LayerChange[];
  /**
   * Consecutive entries with the same key become one step (e.g. the edits of a note while its
   * field keeps focus), so undo reverts what the analyst sees as one edit.
   */
  readonly coalesceKey?: string;
}

export class ChangeHistory {
  private readonly undoStack: HistoryEntry[] = [];
  private readonly redoStack: HistoryEntry[] = [];
  /** Whether the top of the undo stack may still absorb an entry with its key. */
  private open = false;

  constructor(private readonly limit = 500) {}

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Record a new step; it clears what could be redone. */
  record(entry: HistoryEntry): void {
    this.redoStack.length = 0;
    const top = this.undoStack[this.undoStack.length - 1];
    if (this.open && top && entry.coalesceKey !== undefined && top.coalesceKey === entry.coalesceKey) {
      this.undoStack[this.undoStack.length - 1] = {
        changes: [...top.changes, ...entry.changes],
        inverse: [...entry.inverse, ...top.inverse],
        coalesceKey: top.coalesceKey,
      };
      return;
    }
    this.undoStack.push(entry);
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.open = true;
  }

  /** The step to revert (its inverse is to be applied); it moves to the redo stack. */
  takeUndo(): HistoryEntry | undefined {
    const entry = this.undoStack.pop();
    if (entry) this.redoStack.push(entry);
    this.open = false;
    return entry;
  }

  /** The step to apply again; it moves back to the undo stack. */
  takeRedo(): HistoryEntry | undefined {
    const entry = this.redoStack.pop();
    if (entry) this.undoStack.push(entry);
    this.open = false;
    return entry;
  }

  /** Put back a step whose undo or redo could not be applied. */
  restore(entry: HistoryEntry, from: 'undo' | 'redo'): void {
    const [source, target] = from === 'undo' ? [this.redoStack, this.undoStack] : [this.undoStack, this.redoStack];
    if (source[source.length - 1] === entry) source.pop();
    target.push(entry);
  }

  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.open = false;
  }
}
