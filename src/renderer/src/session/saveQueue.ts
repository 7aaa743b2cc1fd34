// One queue of edits to my layer: each batch goes to the workspace as soon as the one before it
// has been written, in order. The queue's state is what the save indicator shows.

import type { ChangeResult, GlossError, LayerChange, Result } from '../../../core/api';
import { beginWrite } from './writes';

export type SaveStatus = { state: 'saved' } | { state: 'saving' } | { state: 'error'; message: string };

export interface SaveQueueEvents {
  /** A batch was written; `pending` batches are still waiting behind it. */
  onSaved?(result: ChangeResult, pending: number): void;
  /** A batch was refused or could not be written; the batches behind it were dropped. */
  onFailed?(error: GlossError, dropped: number): void;
  /** The status changed. */
  onStatus?(status: SaveStatus): void;
}

export interface SaveQueueOptions {
  /**
   * When the first batch of a run is sent (default: at once, in enqueue). The session sends it in
   * a task of its own, so that the request is not made inside the key's event, before the frame
   * that shows the edit.
   */
  start?: (run: () => void) => void;
}

export class SaveQueue {
  private readonly pending: LayerChange[][] = [];
  private running = false;
  /**
   * Ends the count of this queue's writes on their way (writes.ts): set from the first enqueue
   * until the run that enqueue started (at once, or when `start` says) is done.
   */
  private endWrite: (() => void) | null = null;
  private lastError: GlossError | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly send: (changes: LayerChange[]) => Promise<Result<ChangeResult>>,
    private readonly events: SaveQueueEvents = {},
    private readonly options: SaveQueueOptions = {},
  ) {}

  get status(): SaveStatus {
    if (this.running || this.pending.length > 0) return { state: 'saving' };
    if (this.lastError) return { state: 'error', message: this.lastError.message };
    return { state: 'saved' };
  }

  /** Queue a batch; it is sent after every batch queued before it. */
  enqueue(changes: LayerChange[]): void {
    if (changes.length === 0) return;
    this.pending.push(changes);
    // A run started or asked for takes this batch too.
    if (this.endWrite) return;
    this.endWrite = beginWrite();
    const start = this.options.start;
    if (start) start(() => void this.run());
    else void this.run();
  }

  /** Resolves when nothing is waiting or being written. */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    this.events.onStatus?.(this.status);
    while (this.pending.length > 0) {
      const batch = this.pending.shift()!;
      const result = await this.sendSafely(batch);
      if (result.ok) {
        this.lastError = null;
        this.events.onSaved?.(result.value, this.pending.length);
      } else {
        // Later batches were made on top of this one: sending them alone could only do harm.
        const dropped = this.pending.length;
        this.pending.length = 0;
        this.lastError = result.error;
        this.events.onFailed?.(result.error, dropped);
      }
    }
    this.running = false;
    this.endWrite?.();
    this.endWrite = null;
    this.events.onStatus?.(this.status);
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async sendSafely(batch: LayerChange[]): Promise<Result<ChangeResult>> {
    try {
      return await this.send(batch);
    } catch (error) {
      // A transport that throws (network gone, server stopped) is reported like a refusal.
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'io', message } };
    }
  }
}
