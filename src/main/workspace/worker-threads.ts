// Worker threads for whole-workspace passes of the CLI and browser mode: exports (export-threads.ts,
// docs/adr/0018) and agreement (agreement.ts). Each worker is the built CLI itself (one JavaScript
// file) started with workerData naming the pass; the documents go to the workers in batches, and
// each worker answers every batch, then, told there is no more, says what it has to say and ends.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Workspace } from './workspace';

/** Worker threads a pass may start, where a caller can start them (the CLI's bundle runs the workers). */
export interface WorkerThreads {
  /** The module a worker runs: it must run the pass its workerData names (src/cli/main.ts). */
  script: URL;
  /** How many workers (at most); fewer than 2 means none. Default: the cores there are, up to MAX_WORKER_THREADS. */
  count?: number;
  /** Workspaces with fewer documents are done on this thread (starting a worker costs ~0.1 s). Default MIN_THREADED_DOCUMENTS. */
  minDocuments?: number;
}

/** Workers a pass starts at most: past a few, this thread's share (writing, merging) is what takes the time. */
export const MAX_WORKER_THREADS = 4;
/** Documents under which a pass stays on one thread. */
export const MIN_THREADED_DOCUMENTS = 200;

/** How many workers a pass over `documents` documents starts with `threads`: 0 for none. */
export function workerCount(threads: WorkerThreads | undefined, documents: number): number {
  if (!threads || documents < (threads.minDocuments ?? MIN_THREADED_DOCUMENTS)) return 0;
  const count = Math.min(threads.count ?? availableParallelism(), MAX_WORKER_THREADS);
  return count >= 2 ? count : 0;
}

/** Whether a worker's workerData names the pass of this kind (each pass has its own `kind`). */
export function isWorkerOfKind(data: unknown, kind: string): boolean {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === kind;
}

/** `ids` in batches of `size`, in order: what the workers are given. */
export function batchesOf(ids: readonly string[], size: number): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  return batches;
}

/**
 * The workspace at `dir` as a worker reads it: read-only and lazily, opened while the first
 * batches are on their way (they wait for it). A failure to open rejects, for the first batch
 * to report: the promise is marked handled, since no batch may come.
 */
export function openForWorker(dir: string): Promise<Workspace> {
  // A worker does nothing but its batches: it reads each file when it needs it (blockingReads).
  const ready = Workspace.open(dir, { readOnly: true, lazy: true, blockingReads: true }).then((opened) => {
    if (!opened.ok) throw new Error(opened.error.message);
    return opened.value;
  });
  ready.catch(() => undefined);
  return ready;
}

/**
 * To a worker: a batch of documents; a buffer it sent before, given back once used (to be filled
 * again: fresh memory costs a page fault per 4 KiB); or that there is no more (it answers with its
 * last word and ends).
 */
export type ToBatchWorker = { batch: number; ids: string[] } | { spare: ArrayBuffer } | { done: true };

/** From a worker: a batch done; at the end its last word; or why it failed. */
export type FromBatchWorker<Made, Last> = { made: Made } | { last: Last } | { error: string };

/** One worker: its batches answered in turn, then its last word. */
export class BatchWorker<Made extends { batch: number }, Last> {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (made: Made) => void>();
  private lastWord: ((last: Last) => void) | null = null;
  /** Told there is no more: buffers are no longer given back. */
  private finished = false;
  /** Rejects on the worker's first failure (an error it sent, an exception, an early exit). */
  readonly failed: Promise<never>;
  inFlight = 0;

  /** `name` says what it is in errors ("an export worker"). */
  constructor(script: URL, workerData: unknown, name: string) {
    this.worker = new Worker(script, { workerData });
    this.failed = new Promise<never>((_, reject) => {
      this.worker.on('message', (message: FromBatchWorker<Made, Last>) => {
        if ('error' in message) reject(new Error(message.error));
        else if ('last' in message) this.lastWord?.(message.last);
        else {
          this.inFlight--;
          this.waiting.get(message.made.batch)?.(message.made);
          this.waiting.delete(message.made.batch);
        }
      });
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => reject(new Error(`${name} stopped (exit code ${code})`)));
    });
    // Nobody may be waiting when it fails: the rejection is read where it matters.
    this.failed.catch(() => undefined);
  }

  make(batch: number, ids: string[]): Promise<Made> {
    this.inFlight++;
    const made = new Promise<Made>((resolve) => this.waiting.set(batch, resolve));
    this.post({ batch, ids });
    return Promise.race([made, this.failed]);
  }

  /** Give a buffer it sent back to it (moved, not copied), for its next batches; dropped once it was told there is no more. */
  giveBack(buffer: ArrayBuffer): void {
    if (this.finished || buffer.byteLength === 0) return;
    this.worker.postMessage({ spare: buffer } satisfies ToBatchWorker, [buffer]);
  }

  /** No more batches: its last word. */
  finish(): Promise<Last> {
    const last = new Promise<Last>((resolve) => (this.lastWord = resolve));
    this.finished = true;
    this.post({ done: true });
    return Promise.race([last, this.failed]);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private post(message: ToBatchWorker): void {
    this.worker.postMessage(message);
  }
}

/**
 * The worker's side: answers each batch with `make` (in order, one at a time), then the last word
 * with `last`, on `port` (the worker's parentPort); messages that come while one is being made wait
 * their turn. A failure is sent once; nothing more is done after it.
 */
export function serveBatches<Made extends { batch: number }, Last>(
  port: MessagePort,
  make: (batch: number, ids: string[]) => Promise<{ made: Made; transfer?: ArrayBuffer[] }>,
  last: () => Last | Promise<Last>,
  spare?: (buffer: ArrayBuffer) => void,
): void {
  const send = (message: FromBatchWorker<Made, Last>, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  let queue: Promise<void> = Promise.resolve();
  let failed = false;
  port.on('message', (message: ToBatchWorker) => {
    // A buffer given back is there for the next batch at once, not after the batches queued.
    if ('spare' in message) {
      spare?.(message.spare);
      return;
    }
    queue = queue.then(async () => {
      if (failed) return;
      try {
        if ('done' in message) {
          send({ last: await last() });
          port.close();
          return;
        }
        const { made, transfer } = await make(message.batch, message.ids);
        send({ made }, transfer);
      } catch (error) {
        failed = true;
        send({ error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}
