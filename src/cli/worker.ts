// The worker threads of exports and agreement (docs/adr/0018) run this file, built into
// out/cli/worker.mjs beside the CLI: only what a worker needs, so that each starts without
// compiling and running the rest of the CLI (its commands, the server, the importers; ADR 0024).

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isAgreementWorkerData, runAgreementWorker } from '../main/workspace/agreement';
import { isExportWorkerData } from '../main/workspace/export-threads';
import { runExportWorker } from '../main/workspace/export-worker';

if (!isMainThread && parentPort && isExportWorkerData(workerData)) runExportWorker(parentPort, workerData);
if (!isMainThread && parentPort && isAgreementWorkerData(workerData)) runAgreementWorker(parentPort, workerData);
