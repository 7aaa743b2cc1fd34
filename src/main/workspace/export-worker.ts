// The worker side of an export made by threads (export-threads.ts, docs/adr/0018): opens the
// workspace read-only, and for each batch it is given reads the documents and their layers, makes
// their items and answers with them encoded, the buffer transferred rather than copied.

import type { MessagePort } from 'node:worker_threads';
import type { ItemList } from '../../core/formats/item-list';
import type { Problem } from '../../core/model';
import { MAX_UTF8_PER_UNIT } from './durable';
import { itemList, readExportDocuments } from './exporter';
import type { ExportWorkerData, MadeBatch } from './export-threads';
import { openForWorker, serveBatches } from './worker-threads';
import type { Workspace } from './workspace';

/** Serve an export's batches on `port` (the worker's parentPort) until told there is no more. */
export function runExportWorker(port: MessagePort, data: ExportWorkerData): void {
  // One list for the worker's batches: its caches carry over.
  const ready = openForWorker(data.dir).then((ws) => ({ ws, list: itemList(data.format, ws.schema, data.exportedAt, data.prefer) }));
  // Read later, or never if the first batch fails with it.
  ready.catch(() => undefined);
  serveBatches<MadeBatch, Problem[]>(
    port,
    async (batch, ids) => {
      const { ws, list } = await ready;
      const made = await makeBatch(ws, list, data.annotator, batch, ids);
      return { made, transfer: [made.bytes.buffer as ArrayBuffer] };
    },
    async () => [...(await ready).ws.problems],
  );
}

/** Where a worker encodes a batch's items as they are made; grown when a batch needs more. */
let scratch = Buffer.allocUnsafeSlow(8 * 1024 * 1024);

/**
 * The batch's documents read and their items made, encoded one document at a time (its strings
 * die young) into the scratch buffer, then copied into a buffer of their own to be transferred.
 */
async function makeBatch(ws: Workspace, list: ItemList, annotator: string | undefined, batch: number, ids: string[]): Promise<MadeBatch> {
  let items = 0;
  let used = 0;
  const read = await readExportDocuments(ws, ids, annotator, (document) => {
    const made = list.items(document);
    items += made.count;
    // Each piece encoded on its own. Joining a document's pieces first (done until 2026-11-29)
    // took 3-4 times as long as the encoding: most pieces are two-byte strings (the quotes hold
    // Cyrillic and emoji), and the joined string of a document (~160 KB) was allocated apart.
    for (const piece of made.pieces) {
      if (used + piece.length * MAX_UTF8_PER_UNIT > scratch.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(2 * scratch.length, used + piece.length * MAX_UTF8_PER_UNIT));
        scratch.copy(grown, 0, 0, used);
        scratch = grown;
      }
      used += scratch.write(piece, used, 'utf8');
    }
  });
  const bytes = new Uint8Array(used);
  bytes.set(scratch.subarray(0, used));
  const notes = list.notes?.() ?? { notices: [], unrepresented: [] };
  return { batch, bytes, items, ...read, ...notes };
}
