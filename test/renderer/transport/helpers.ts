// The transport tests' set-up: a node MessageChannel's ports as browser mode's page sees its HTTP
// worker (a Worker) and as the worker sees its global scope (how the tests join worker.ts and
// httpWorker.ts), and a real `gloss serve` server whose API records the saves it is sent.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { ok } from '../../../src/core/api';
import type { GlossApi } from '../../../src/core/api';
import { startServer } from '../../../src/main/serve';
import type { RunningServer } from '../../../src/main/serve';
import type { serveHttpCalls } from '../../../src/renderer/src/transport/httpWorker';
import type { WorkerAnswer, WorkerLike, WorkerRequest } from '../../../src/renderer/src/transport/worker';

const open: MessagePort[] = [];

/** Close this port with the others (a test's own end of a channel). */
export function closeLater(port: MessagePort): void {
  open.push(port);
}

/** Close the ports handed out so far (afterEach). */
export function closePorts(): void {
  for (const port of open.splice(0)) port.close();
}

/** A port as the page sees a Worker; `fire` plays its error events. */
export function asWorker(port: MessagePort): WorkerLike & { fire(type: 'error', event: unknown): void } {
  open.push(port);
  const errors: ((event: unknown) => void)[] = [];
  return {
    postMessage: (message: WorkerRequest) => port.postMessage(message),
    addEventListener: (type: string, listener: (event: never) => void) => {
      if (type === 'message') port.on('message', (data) => (listener as (event: { data: unknown }) => void)({ data }));
      else if (type === 'error') errors.push(listener as (event: unknown) => void);
    },
    fire: (_type, event) => {
      for (const listener of errors) listener(event);
    },
  };
}

/** A port as the worker sees its global scope. */
export function asScope(port: MessagePort): Parameters<typeof serveHttpCalls>[0] {
  open.push(port);
  return {
    postMessage: (message: WorkerAnswer) => port.postMessage(message),
    addEventListener: (_type, listener) => port.on('message', (data: WorkerRequest) => listener({ data })),
  };
}

/** A real server whose applyChanges records its arguments in `seen` and answers `saved`; `stop` removes it all. */
export async function savingServer(saved: unknown): Promise<{ server: RunningServer; seen: unknown[][]; stop(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'gloss-transport-'));
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html>');
  const seen: unknown[][] = [];
  const api = { applyChanges: async (...args: unknown[]) => (seen.push(args), ok(saved)) } as unknown as GlossApi;
  const server = await startServer({ api, rendererDir: join(root, 'renderer'), port: 0 });
  return {
    server,
    seen,
    stop: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
