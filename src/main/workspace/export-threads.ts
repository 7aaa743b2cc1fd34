// An item-list export (W3C, the Gloss dataset, CoNLL) made by worker threads (docs/adr/0018). The
// documents go out in batches, in manifest order; each worker reads its batch's files itself, makes
// the items and encodes them to UTF-8, and hands the bytes back without a copy (transferred). This
// thread only writes the batches in order, cutting the very first item's leading comma, and adds
// the head and the tail. The bytes are exactly the one-thread export's.

import type { UnrepresentedSpan } from '../../core/formats/conll';
import { withNotes } from '../../core/formats/item-list';
import type { ItemList } from '../../core/formats/item-list';
import type { Problem } from '../../core/model';
import type { ExportSink, ItemListFormat, StreamedExport } from './exporter';
import type { ProgressStep } from './importer';
import { BatchWorker, batchesOf, isWorkerOfKind } from './worker-threads';
import type { Workspace } from './workspace';

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
  return isWorkerOfKind(data, WORKER_KIND);
}

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

/** An export worker: its batches, then the problems its workspace met reading. */
export type ExportWorker = BatchWorker<MadeBatch, Problem[]>;

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
  const batches = batchesOf(ids, BATCH_DOCUMENTS);
  const data: ExportWorkerData = {
    kind: WORKER_KIND,
    dir: ws.dir,
    format: options.format,
    exportedAt: options.exportedAt,
    prefer: options.prefer,
    ...(options.annotator !== undefined ? { annotator: options.annotator } : {}),
  };
  const workers: ExportWorker[] = Array.from({ length: count }, () => new BatchWorker<MadeBatch, Problem[]>(script, data, 'an export worker'));
  const leading = Buffer.byteLength(list.leading);
  try {
    const made = new Map<number, { worker: ExportWorker; batch: Promise<MadeBatch> }>();
    let sent = 0;
    /** Give the workers batches until each has BATCHES_IN_FLIGHT, within BATCHES_AHEAD of the one written next. */
    const dispatch = (writing: number): void => {
      for (const worker of workers) {
        while (worker.inFlight < BATCHES_IN_FLIGHT && sent < batches.length && sent < writing + BATCHES_AHEAD) {
          const batch = worker.make(sent, batches[sent]!);
          // Awaited in order, or never once an earlier batch failed (which then is the error).
          batch.catch(() => undefined);
          made.set(sent, { worker, batch });
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
      const { worker, batch: making } = made.get(b)!;
      const batch = await making;
      made.delete(b);
      dispatch(b + 1);
      let bytes = batch.bytes;
      if (items === 0 && batch.items > 0) bytes = bytes.subarray(leading);
      // Its buffer goes back to the worker once written, to be filled again.
      const giveBack = (): void => worker.giveBack(batch.bytes.buffer as ArrayBuffer);
      if (bytes.length > 0) await write(bytes, giveBack);
      else giveBack();
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
