// The dedicated worker of browser mode's HTTP calls (worker.ts): told the token once, it makes
// each call it is sent with fetch and posts back its Result. Calls never throw (httpCaller turns
// every failure into a Result), so each request gets its answer.

import { httpCaller } from './http';
import type { HttpCall } from './http';
import type { WorkerAnswer, WorkerRequest } from './worker';

/** The worker's global scope, as far as this file uses it. */
interface WorkerScope {
  postMessage(message: WorkerAnswer): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerRequest }) => void): void;
}

/** Serve the page's calls on `scope` (the worker's global scope; a MessagePort in tests). */
export function serveHttpCalls(scope: WorkerScope, fetchImpl?: typeof fetch): void {
  let call: HttpCall | null = null;
  scope.addEventListener('message', (event) => {
    const request = event.data;
    if (request.kind === 'init') {
      call = httpCaller({ token: request.token, baseUrl: request.baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
      return;
    }
    if (!call) return;
    void call(request.method, request.args).then((result) => scope.postMessage({ kind: 'result', id: request.id, result }));
  });
  scope.postMessage({ kind: 'ready' });
}

// In a worker (not when a test imports this file): serve the page.
declare const WorkerGlobalScope: (abstract new () => unknown) | undefined;
if (typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope) {
  serveHttpCalls(globalThis as unknown as WorkerScope);
}
