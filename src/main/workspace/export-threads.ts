// An item-list export (W3C, the Gloss dataset, CoNLL) made by worker threads (docs/adr/0018). The
// documents go out in batches, in manifest order; each worker reads its batch's files itself, makes
// the items and encodes them to UTF-8, and hands the bytes back without a copy (transferred). This
// thread only writes the batches in order, cutting the very first item's leading comma, and adds
// the head and the tail. The bytes are exactly the one-thread export's.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { UnrepresentedSpan } from '../../core/formats/conll';
import { withNotes } from '../../core/formats/item-list';
import type { ItemList } from '../../core/formats/item-list';
import type { Problem } from '../../core/model';
import type { ExportSink, ItemListFormat, StreamedExport } from './exporter';
import type { ProgressStep } from './importer';
import type { Workspace } from './workspace';

/** Worker threads for exports, where a caller can start them (the CLI's bundle, which runs runExportWorker in a worker). */
export interface ExportThreads {
  /** The module a worker runs: it must call runExportWorker when its workerData isExportWorkerData. */
  script: URL;
  /** How many workers (at most); fewer than 2 means none. Default: the cores there are, up to MAX_EXPORT_THREADS. */
  count?: number;
  /** Workspaces with fewer documents are exported on this thread (starting a worker costs ~0.1 s). Default MIN_THREADED_DOCUMENTS. */
  minDocuments?: number;
}

/** Workers an export starts at most: past a few, this thread's writing is what takes the time. */
export const MAX_EXPORT_THREADS = 4;
/** Documents under which an export stays on one thread. */
export const MIN_THREADED_DOCUMENTS = 200;
/** Documents a worker makes at a time. */
const BATCH_DOCUMENTS = 16;
/** Batches a worker is given before it has answered the first (so that it never waits for the next). */
const BATCHES_IN_FLIGHT = 2;
/** Batches made but not yet written at most: bounds the memory when one worker is slower. */
const BATCHES_AHEAD = 12;

const WORKER_KIND = 'gloss-export-worker';

/** What a worker is started with. */
export interface ExportWorkerData {
  kind: typeof WORKER_KIND;
  /** The workspace folder (opened read-only by the worker). */
  dir: string;
  format: ItemListFormat;
  annotator?: string;
  exportedAt: string;
  /** CoNLL: of overlapping spans, the outermost or the innermost is written. */
  prefer: 'inner' | 'outer';
}

export function isExportWorkerData(data: unknown): data is ExportWorkerData {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === WORKER_KIND;
}

/** To a worker: a batch of documents to make, or that there is no more (it answers with its problems and ends). */
export type ToExportWorker = { batch: number; ids: string[] } | { done: true };

/** A worker's batch: the items' bytes (each led by the list's `leading`) and what readExportDocument told. */
export interface MadeBatch {
  batch: number;
  bytes: Uint8Array;
  documents: number;
  spans: number;
  items: number;
  warnings: string[];
  /** What the format could not hold as it is in these documents (CoNLL; empty for the others). */
  notices: string[];
  unrepresented: UnrepresentedSpan[];
}

/** From a worker: a batch made; at the end the problems its workspace met reading; or why it failed. */
export type FromExportWorker = MadeBatch | { problems: Problem[] } | { error: string };

/** How many workers an export of `documents` documents starts with `threads`: 0 for none. */
export function exportWorkerCount(threads: ExportThreads | undefined, documents: number): number {
  if (!threads || documents < (threads.minDocuments ?? MIN_THREADED_DOCUMENTS)) return 0;
  const count = Math.min(threads.count ?? availableParallelism(), MAX_EXPORT_THREADS);
  return count >= 2 ? count : 0;
}

/** One worker: its batches answered in turn, then its problems. */
class ExportWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (made: MadeBatch) => void>();
  private problems: ((problems: Problem[]) => void) | null = null;
  /** Rejects on the worker's first failure (an error it sent, an exception, an early exit). */
  readonly failed: Promise<never>;
  inFlight = 0;

  constructor(script: URL, data: ExportWorkerData) {
    this.worker = new Worker(script, { workerData: data });
    this.failed = new Promise<never>((_, reject) => {
      this.worker.on('message', (message: FromExportWorker) => {
        if ('error' in message) reject(new Error(message.error));
        else if ('problems' in message) this.problems?.(message.problems);
        else {
          this.inFlight--;
          this.waiting.get(message.batch)?.(message);
          this.waiting.delete(message.batch);
        }
      });
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => reject(new Error(`an export worker stopped (exit code ${code})`)));
    });
    // Nobody may be waiting when it fails: the rejection is read where it matters.
    this.failed.catch(() => undefined);
  }

  make(batch: number, ids: string[]): Promise<MadeBatch> {
    this.inFlight++;
    const made = new Promise<MadeBatch>((resolve) => this.waiting.set(batch, resolve));
    this.post({ batch, ids });
    return Promise.race([made, this.failed]);
  }

  /** No more batches: the problems its workspace met. */
  finish(): Promise<Problem[]> {
    const problems = new Promise<Problem[]>((resolve) => (this.problems = resolve));
    this.post({ done: true });
    return Promise.race([problems, this.failed]);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private post(message: ToExportWorker): void {
    this.worker.postMessage(message);
  }
}

/**
 * streamWorkspaceExport for an item-list format, made by `count` worker threads. `list` gives the
 * head and the tail (made here, from this workspace's schema); the workers make the items.
 */
export async function streamInThreads(
  ws: Workspace,
  options: { format: ItemListFormat; annotator?: string; exportedAt: string; prefer: 'inner' | 'outer'; onProgress?: (step: ProgressStep) => void },
  list: ItemList,
  write: ExportSink,
  script: URL,
  count: number,
): Promise<StreamedExport> {
  const ids = ws.documentIds();
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_DOCUMENTS) batches.push(ids.slice(i, i + BATCH_DOCUMENTS));
  const data: ExportWorkerData = {
    kind: WORKER_KIND,
    dir: ws.dir,
    format: options.format,
    exportedAt: options.exportedAt,
    prefer: options.prefer,
    ...(options.annotator !== undefined ? { annotator: options.annotator } : {}),
  };
  const workers = Array.from({ length: count }, () => new ExportWorker(script, data));
  const leading = Buffer.byteLength(list.leading);
  try {
    const made = new Map<number, Promise<MadeBatch>>();
    let sent = 0;
    /** Give the workers batches until each has BATCHES_IN_FLIGHT, within BATCHES_AHEAD of the one written next. */
    const dispatch = (writing: number): void => {
      for (const worker of workers) {
        while (worker.inFlight < BATCHES_IN_FLIGHT && sent < batches.length && sent < writing + BATCHES_AHEAD) {
          const batch = worker.make(sent, batches[sent]!);
          // Awaited in order, or never once an earlier batch failed (which then is the error).
          batch.catch(() => undefined);
          made.set(sent, batch);
          sent++;
        }
      }
    };
    const warnings: string[] = [];
    const notices: string[] = [];
    const unrepresented: UnrepresentedSpan[] = [];
    let documents = 0;
    let spans = 0;
    let items = 0;
    await write(list.head);
    for (let b = 0; b < batches.length; b++) {
      options.onProgress?.({ label: 'exporting documents', done: b * BATCH_DOCUMENTS, total: ids.length });
      dispatch(b);
      const batch = await made.get(b)!;
      made.delete(b);
      dispatch(b + 1);
      let bytes = batch.bytes;
      if (items === 0 && batch.items > 0) bytes = bytes.subarray(leading);
      if (bytes.length > 0) await write(bytes);
      items += batch.items;
      documents += batch.documents;
      spans += batch.spans;
      warnings.push(...batch.warnings);
      notices.push(...batch.notices);
      unrepresented.push(...batch.unrepresented);
    }
    await write(list.tail(items));
    options.onProgress?.({ label: 'exporting documents', done: ids.length, total: ids.length });
    for (const problems of await Promise.all(workers.map((w) => w.finish()))) ws.noteProblems(problems);
    // As the one-thread export tells it: what the format could not hold, where it tells.
    return withNotes({ documents, spans, warnings }, list.notes ? { notices, unrepresented } : undefined);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}
