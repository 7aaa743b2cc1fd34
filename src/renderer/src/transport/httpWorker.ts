// The dedicated worker of browser mode's calls (worker.ts): told the token once, it opens the
// server's API socket and makes each call it is sent over it, or with fetch until the socket is
// open (socket.ts, ADR 0022), and posts back its Result. Calls never throw (httpCaller and
// socketCaller turn every failure into a Result), so each request gets its answer.

import { httpCaller } from './http';
import type { HttpCall } from './http';
import { socketCaller, socketUrl } from './socket';
import type { SocketLike } from './socket';
import type { WorkerAnswer, WorkerRequest } from './worker';

/** The worker's global scope, as far as this file uses it. */
interface WorkerScope {
  postMessage(message: WorkerAnswer): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerRequest }) => void): void;
}

/** What serveHttpCalls opens sockets and makes requests with (the worker's own, or a test's). */
export interface WorkerNetwork {
  fetch?: typeof fetch;
  /** Opens a WebSocket; absent (or throwing) means every call goes over HTTP. */
  openSocket?: (url: string) => SocketLike;
  /** The page's address, for the socket's when the base URL is relative (the worker's location). */
  href?: string;
}

/** The worker's own WebSocket, where there is one. */
function workerSocket(url: string): SocketLike {
  return new WebSocket(url);
}

/** Serve the page's calls on `scope` (the worker's global scope; a MessagePort in tests). */
export function serveHttpCalls(scope: WorkerScope, network: WorkerNetwork = {}): void {
  let call: HttpCall | null = null;
  scope.addEventListener('message', (event) => {
    const request = event.data;
    if (request.kind === 'init') {
      const http = httpCaller({ token: request.token, baseUrl: request.baseUrl, ...(network.fetch ? { fetch: network.fetch } : {}) });
      call = http;
      if (request.token !== null && network.openSocket && network.href !== undefined) {
        try {
          call = socketCaller(network.openSocket(socketUrl(new URL(request.baseUrl || '/', network.href).href)), request.token, http);
        } catch {
          // No socket (refused by the page's policy, no WebSocket): HTTP it is.
        }
      }
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
  serveHttpCalls(globalThis as unknown as WorkerScope, {
    ...(typeof WebSocket === 'function' ? { openSocket: workerSocket } : {}),
    href: (globalThis as unknown as { location: { href: string } }).location.href,
  });
}
