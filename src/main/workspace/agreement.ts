// What agreement is computed over (DESIGN.md §5, ADR 0005): each readable document of a workspace
// with the layers of the annotators compared. Shared by `gloss agreement` and the app's dashboard.
// A big workspace is read by worker threads where a caller can start them (the built CLI, browser
// mode), each summing its share of the documents; their sums are merged here (ADR 0018).

import type { MessagePort } from 'node:worker_threads';
import { AgreementAccumulator } from '../../core/agreement';
import type { AgreementDocument, AgreementLayer, AgreementResult, AgreementTallies } from '../../core/agreement';
import { CURATION_ANNOTATOR } from '../../core/model';
import type { Problem } from '../../core/model';
import { BatchWorker, batchesOf, isWorkerOfKind, openForWorker, serveBatches, workerCount } from './worker-threads';
import type { WorkerThreads } from './worker-threads';
import type { Workspace } from './workspace';

/** Documents whose files are read ahead of the one being looked at (a read-only workspace). */
const READ_AHEAD_WINDOW = 32;
/** Documents a worker reads at a time. */
const BATCH_DOCUMENTS = 16;
/** Batches a worker is given at a time (so that it never waits for the next). */
const BATCHES_IN_FLIGHT = 2;

/** What workspaceAgreement gives: the annotators found, and the report for a list of them. */
export interface WorkspaceAgreement {
  /** Annotators with at least one readable layer among those looked at, sorted. */
  found: string[];
  /** The report comparing `annotators`: `chosen` when given, else `found` (any other list is refused). */
  result(annotators: readonly string[]): AgreementResult;
}

/**
 * Agreement over each readable document with the layers of `chosen` (default: every annotator but
 * curation), computed as the documents are read: a pass holds one document at a time (per worker),
 * not the whole workspace. An annotator without a layer file on a document is missing there; a
 * corrupt layer reads as missing (and is reported in `ws.problems`, in manifest order). The report
 * equals computeAgreement's over the same documents, with worker threads or without.
 */
export async function workspaceAgreement(ws: Workspace, chosen?: readonly string[], threads?: WorkerThreads): Promise<WorkspaceAgreement> {
  const accumulator = new AgreementAccumulator(chosen);
  const ids = ws.documents().map((e) => e.id);
  const count = workerCount(threads, ids.length);
  const found =
    threads && count > 0
      ? await agreementInThreads(ws, ids, chosen, accumulator, threads.script, count)
      : await eachAgreementDocument(ws, ids, chosen, (doc) => accumulator.add(doc));
  return {
    found,
    result: (annotators) => {
      const expected = chosen ?? found;
      if (annotators.length !== expected.length || annotators.some((a, i) => a !== expected[i])) {
        throw new Error(`workspaceAgreement: the report compares ${expected.join(', ')}, not ${annotators.join(', ')}`);
      }
      return accumulator.result(annotators);
    },
  };
}

/** Each readable document of `ids` with the layers of `chosen`, handed to `take` in order; returns the annotators found, sorted. */
async function eachAgreementDocument(
  ws: Workspace,
  ids: readonly string[],
  chosen: readonly string[] | undefined,
  take: (doc: AgreementDocument) => void,
): Promise<string[]> {
  const wanted = chosen === undefined ? null : new Set(chosen);
  const found = new Set<string>();
  for (const [i, id] of ids.entries()) {
    if (i % READ_AHEAD_WINDOW === 0) ws.readAhead(ids.slice(i, i + 2 * READ_AHEAD_WINDOW));
    const doc = await ws.readDocument(id);
    if (!doc) continue;
    const layers: AgreementLayer[] = [];
    for (const annotator of await ws.layerAnnotators(id)) {
      if (wanted ? !wanted.has(annotator) : annotator === CURATION_ANNOTATOR) continue;
      const layer = await ws.readLayer(id, annotator);
      if (!layer) continue;
      layers.push(layer);
      found.add(annotator);
    }
    take({ id: doc.id, title: doc.title, text: doc.text, language: doc.meta.language, layers });
  }
  return [...found].sort();
}

// ---------------------------------------------------------------------------------------------
// In worker threads

const WORKER_KIND = 'gloss-agreement-worker';

/** What an agreement worker is started with. */
export interface AgreementWorkerData {
  kind: typeof WORKER_KIND;
  /** The workspace folder (opened read-only by the worker). */
  dir: string;
  chosen?: string[];
}

export function isAgreementWorkerData(data: unknown): data is AgreementWorkerData {
  return isWorkerOfKind(data, WORKER_KIND);
}

/** A worker's answer to a batch: the annotators it found there and the problems reading it met. Its sums come at the end. */
interface AgreementBatch {
  batch: number;
  found: string[];
  problems: Problem[];
}

/** `ids` read and summed by `count` workers into `accumulator`; returns the annotators found, sorted. */
async function agreementInThreads(
  ws: Workspace,
  ids: readonly string[],
  chosen: readonly string[] | undefined,
  accumulator: AgreementAccumulator,
  script: URL,
  count: number,
): Promise<string[]> {
  const data: AgreementWorkerData = { kind: WORKER_KIND, dir: ws.dir, ...(chosen ? { chosen: [...chosen] } : {}) };
  const batches = batchesOf(ids, BATCH_DOCUMENTS);
  const workers = Array.from({ length: count }, () => new BatchWorker<AgreementBatch, AgreementTallies>(script, data, 'an agreement worker'));
  try {
    const answers: AgreementBatch[] = [];
    let next = 0;
    // Each feeder keeps one batch in flight on its worker, as long as there are batches.
    const feed = async (worker: BatchWorker<AgreementBatch, AgreementTallies>): Promise<void> => {
      while (next < batches.length) {
        const batch = next++;
        answers[batch] = await worker.make(batch, batches[batch]!);
      }
    };
    await Promise.all(workers.flatMap((worker) => Array.from({ length: BATCHES_IN_FLIGHT }, () => feed(worker))));
    for (const tallies of await Promise.all(workers.map((w) => w.finish()))) accumulator.merge(tallies);
    // As one thread reports them: in manifest order.
    for (const answer of answers) ws.noteProblems(answer.problems);
    return [...new Set(answers.flatMap((a) => a.found))].sort();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** Serve an agreement's batches on `port` (the worker's parentPort): sums them, and hands the sums back at the end. */
export function runAgreementWorker(port: MessagePort, data: AgreementWorkerData): void {
  const ready = openForWorker(data.dir);
  const accumulator = new AgreementAccumulator(data.chosen);
  let reported = 0;
  serveBatches<AgreementBatch, AgreementTallies>(
    port,
    async (batch, ids) => {
      const ws = await ready;
      const found = await eachAgreementDocument(ws, ids, data.chosen, (doc) => accumulator.add(doc));
      const problems = ws.problems.slice(reported);
      reported = ws.problems.length;
      return { made: { batch, found, problems } };
    },
    () => accumulator.tallies(),
  );
}
