// The worker side of an export made by threads (export-threads.ts, docs/adr/0018): opens the
// workspace read-only, and for each batch it is given reads the documents and their layers, makes
// their items and answers with them encoded, the buffer transferred rather than copied. The main
// thread gives each buffer back once written, and the next batches are encoded into those: memory
// touched for the first time costs a page fault per 4 KiB (~4 ms a megabyte on the 2-core machine,
// ~0.3 s of each worker's CPU for a W3C export of the corpus when every batch had a new buffer).

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
    (buffer) => {
      if (spares.length < MAX_SPARES) spares.push(buffer);
    },
  );
}

/** A batch's buffer to begin with; grown (to twice, or what a piece needs) when it is too small. */
const BATCH_BUFFER_BYTES = 4 * 1024 * 1024;
/** Buffers given back and not used yet, at most: the main thread holds a dozen batches at most. */
const MAX_SPARES = 16;
const spares: ArrayBuffer[] = [];

/** A buffer to encode a batch into: one given back (the largest), or a new one. */
function batchBuffer(): Buffer {
  if (spares.length === 0) return Buffer.allocUnsafeSlow(BATCH_BUFFER_BYTES);
  let largest = 0;
  for (let i = 1; i < spares.length; i++) if (spares[i]!.byteLength > spares[largest]!.byteLength) largest = i;
  return Buffer.from(spares.splice(largest, 1)[0]!);
}

/**
 * The batch's documents read and their items made, encoded one document at a time (its strings
 * die young) into the batch's buffer, which is then transferred.
 */
async function makeBatch(ws: Workspace, list: ItemList, annotator: string | undefined, batch: number, ids: string[]): Promise<MadeBatch> {
  let items = 0;
  let out = batchBuffer();
  let used = 0;
  const read = await readExportDocuments(ws, ids, annotator, (document) => {
    const made = list.items(document);
    items += made.count;
    // Each piece encoded on its own. Joining a document's pieces first (done until 2026-11-29)
    // took 3-4 times as long as the encoding: most pieces are two-byte strings (the quotes hold
    // Cyrillic and emoji), and the joined string of a document (~160 KB) was allocated apart.
    for (const piece of made.pieces) {
      if (used + piece.length * MAX_UTF8_PER_UNIT > out.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(2 * out.length, used + piece.length * MAX_UTF8_PER_UNIT));
        out.copy(grown, 0, 0, used);
        out = grown;
      }
      used += out.write(piece, used, 'utf8');
    }
  });
  const bytes = new Uint8Array(out.buffer, out.byteOffset, used);
  const notes = list.notes?.() ?? { notices: [], unrepresented: [] };
  return { batch, bytes, items, ...read, ...notes };
}
