// Browser mode's calls over the server's API socket (src/main/serve-socket.ts, docs/adr/0022),
// made from the HTTP worker. The socket is opened once; the calls made before it is open and the
// token accepted go over HTTP, as do startImport's (its files can be larger than a message may
// be). Once the socket closes, its calls in flight fail as a lost connection does (they may have
// reached the server) and every later call goes over HTTP.

import { API_SOCKET_PATH, HTTP_ONLY_METHODS, fail } from '../../../core/api';
import type { GlossApiMethod, Result } from '../../../core/api';
import { isResult } from './http';
import type { HttpCall } from './http';

/** The part of a WebSocket this module uses (a fake in tests). */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code?: number; reason?: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}

/** The socket's address for a page served from `href` (http → ws). */
export function socketUrl(href: string): string {
  const url = new URL(API_SOCKET_PATH, href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * An HttpCall that makes its calls over `socket` once the server has taken `token`, and over
 * `http` until then, for startImport, and after the socket closes.
 */
export function socketCaller(socket: SocketLike, token: string, http: HttpCall): HttpCall {
  const inFlight = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let ready = false;
  let closed = false;

  socket.addEventListener('open', () => socket.send(JSON.stringify({ token })));
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let answer: unknown;
    try {
      answer = JSON.parse(event.data);
    } catch {
      return;
    }
    if (typeof answer !== 'object' || answer === null) return;
    if ('ready' in answer && answer.ready === true) {
      if (!closed) ready = true;
      return;
    }
    if (!('id' in answer) || typeof answer.id !== 'number' || !('result' in answer) || !isResult(answer.result)) return;
    const resolve = inFlight.get(answer.id);
    if (!resolve) return;
    inFlight.delete(answer.id);
    resolve(answer.result);
  });
  const lost = (why: string): void => {
    if (closed) return;
    closed = true;
    ready = false;
    const calls = [...inFlight.values()];
    inFlight.clear();
    for (const resolve of calls) resolve(fail('io', `The connection to the Gloss server was lost (${why}); this call may or may not have been made`));
  };
  socket.addEventListener('close', (event) => lost(event.reason ? `the socket closed: ${event.reason}` : 'the socket closed'));
  socket.addEventListener('error', () => {
    lost('the socket failed');
    socket.close();
  });

  return <T>(method: GlossApiMethod, args: unknown[]): Promise<Result<T>> => {
    if (!ready || HTTP_ONLY_METHODS.includes(method)) return http<T>(method, args);
    const id = nextId++;
    return new Promise<Result<T>>((resolve) => {
      inFlight.set(id, resolve as (result: Result<unknown>) => void);
      try {
        socket.send(JSON.stringify({ id, method, args }));
      } catch (error) {
        // Not sent (a value JSON cannot hold, a socket closing): nothing reached the server.
        inFlight.delete(id);
        resolve(fail('internal', `${method} could not be sent: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  };
}
