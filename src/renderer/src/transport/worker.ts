// Browser mode's HTTP calls made in a dedicated worker (httpWorker.ts), so that a save costs the
// page's main thread a postMessage (~0.05 ms) instead of a fetch (~1 ms to start the request, more
// to read the answer), work that otherwise runs right after the frame showing the edit (ADR 0021).
// The page and the worker speak the small protocol below. If the worker cannot start, the calls
// are made in the page as before; if it stops after starting, its calls in flight fail as a lost
// connection does (they may have reached the server), and later calls are made in the page.

import { fail } from '../../../core/api';
import type { GlossApiMethod, Result } from '../../../core/api';
import { isResult } from './http';
import type { HttpCall } from './http';

/** What the page sends the worker. */
export type WorkerRequest =
  | { kind: 'init'; token: string | null; baseUrl: string }
  | { kind: 'call'; id: number; method: GlossApiMethod; args: unknown[] };

/** What the worker sends the page: that it runs, and each call's Result. */
export type WorkerAnswer = { kind: 'ready' } | { kind: 'result'; id: number; result: Result<unknown> };

/** The part of a Worker this module uses (a MessagePort in tests). */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: unknown) => void): void;
}

interface InFlight {
  method: GlossApiMethod;
  args: unknown[];
  resolve(result: Result<unknown>): void;
}

function isAnswer(data: unknown): data is WorkerAnswer {
  if (typeof data !== 'object' || data === null || !('kind' in data)) return false;
  if (data.kind === 'ready') return true;
  return data.kind === 'result' && 'id' in data && typeof data.id === 'number' && 'result' in data && isResult(data.result);
}

/** The message of a worker's error event, when it has one. */
function errorMessage(event: unknown): string | null {
  if (typeof event !== 'object' || event === null || !('message' in event)) return null;
  return typeof event.message === 'string' && event.message !== '' ? event.message : null;
}

/**
 * An HttpCall that makes its calls in `worker`, which it first tells the token and base URL.
 * `here` makes them in this thread when the worker cannot.
 */
export function workerCaller(worker: WorkerLike, init: { token: string | null; baseUrl?: string }, here: HttpCall): HttpCall {
  const inFlight = new Map<number, InFlight>();
  let nextId = 1;
  let ready = false;
  let stopped = false;

  worker.addEventListener('message', (event) => {
    const answer = event.data;
    if (!isAnswer(answer)) return;
    if (answer.kind === 'ready') {
      ready = true;
      return;
    }
    const call = inFlight.get(answer.id);
    if (!call) return;
    inFlight.delete(answer.id);
    call.resolve(answer.result);
  });

  const stop = (why: string) => {
    if (stopped) return;
    stopped = true;
    const calls = [...inFlight.values()];
    inFlight.clear();
    for (const call of calls) {
      // Before it said it runs, the worker has sent nothing: the call is made here instead.
      if (!ready) void here(call.method, call.args).then(call.resolve);
      else call.resolve(fail('io', `The connection to the Gloss server was lost (${why}); this call may or may not have been made`));
    }
  };
  worker.addEventListener('error', (event) => stop(errorMessage(event) ?? 'the HTTP worker stopped'));
  worker.addEventListener('messageerror', () => stop('a message could not be read'));

  worker.postMessage({ kind: 'init', token: init.token, baseUrl: init.baseUrl ?? '' });

  return <T>(method: GlossApiMethod, args: unknown[]): Promise<Result<T>> => {
    if (stopped) return here<T>(method, args);
    const id = nextId++;
    return new Promise<Result<T>>((resolve) => {
      inFlight.set(id, { method, args, resolve: resolve as (result: Result<unknown>) => void });
      worker.postMessage({ kind: 'call', id, method, args });
    });
  };
}
