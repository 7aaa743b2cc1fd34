// Browser mode's API calls over one WebSocket (docs/adr/0022). A call over HTTP costs the browser
// a request of its own (~6 ms from fetch to answer on these machines, 10 ms at p90, for a body of
// 0.3 KB); over an open socket the same call takes ~1.5 ms. The page's HTTP worker opens the socket
// once and sends every call but startImport (whose files may be far larger than a message may be)
// over it; HTTP stays for openDocument, imports, the app's files and downloads.
//
// Who may connect: the handshake must come to our Host (DNS rebinding) from our own origin (a
// WebSocket is not bound by CORS: any page could open one to 127.0.0.1), and the first message
// must carry the run's token; nothing else is read before it. Then each message is one call,
// `{id, method, args}`, checked and dispatched as an HTTP call is, and answered `{id, result}`.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { API_SOCKET_PATH, HTTP_ONLY_METHODS, fail } from '../core/api';
import type { GlossApi, GlossApiMethod, Result } from '../core/api';
import { isObject } from '../core/formats/common';
import { dispatchApiCall, isApiMethod } from './dispatch';

/** The first message: the run's token. */
export interface SocketHello {
  token: string;
}

/** A call, after the hello. */
export interface SocketCall {
  id: number;
  method: GlossApiMethod;
  args: unknown[];
}

/** What the server sends: that the token was right, then each call's Result under its id. */
export type SocketAnswer = { ready: true } | { id: number; result: Result<unknown> };

/** Close codes (RFC 6455): the client broke the protocol, or did not say the token. */
const POLICY_VIOLATION = 1008;
const UNSUPPORTED_DATA = 1003;

export interface ApiSocket {
  /** Take an HTTP upgrade whose Host was checked: answered 403 unless it is ours to take. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Drop every connection. */
  close(): void;
}

export interface ApiSocketOptions {
  api: GlossApi;
  /** Whether a string is the run's token (serve.ts's constant-time comparison). */
  isToken(given: string): boolean;
  /** The origins the page may be served from (`http://127.0.0.1:PORT`, `http://localhost:PORT`), known once the server listens. */
  origins(): readonly string[];
  /** The largest message read: one call's arguments (an HTTP body's limit). */
  maxMessageBytes: number;
}

/** The API socket of a `gloss serve` run. */
export function apiSocket(opts: ApiSocketOptions): ApiSocket {
  const server = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes, perMessageDeflate: false });
  server.on('connection', (socket) => serveCalls(socket, opts.api, opts.isToken));

  return {
    upgrade(req, socket, head) {
      // Its path as sent (not parsed as a URL: a request line such as `GET //` would not parse).
      const path = (req.url ?? '').split('?', 1)[0];
      const origin = req.headers.origin;
      if (path !== API_SOCKET_PATH || origin === undefined || !opts.origins().includes(origin)) {
        refuse(socket, path !== API_SOCKET_PATH ? '404 Not Found' : '403 Forbidden');
        return;
      }
      server.handleUpgrade(req, socket, head, (ws) => server.emit('connection', ws, req));
    },
    close() {
      for (const client of server.clients) client.terminate();
      server.close();
    },
  };
}

/** Answer an upgrade with an HTTP status and no socket. */
export function refuse(socket: Duplex, status: string): void {
  socket.on('error', () => undefined);
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** One connection: the hello, then calls answered as they finish (in any order, matched by id). */
function serveCalls(socket: WebSocket, api: GlossApi, isToken: (given: string) => boolean): void {
  let welcomed = false;
  // A connection's errors (a reset, a message too large) close it; nothing to throw anywhere.
  socket.on('error', () => undefined);
  const send = (answer: SocketAnswer): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(answer));
  };
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      socket.close(UNSUPPORTED_DATA, 'text messages only');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch {
      socket.close(POLICY_VIOLATION, 'a message is not JSON');
      return;
    }
    if (!welcomed) {
      if (!isObject(message) || typeof message.token !== 'string' || !isToken(message.token)) {
        socket.close(POLICY_VIOLATION, 'missing or wrong access token');
        return;
      }
      welcomed = true;
      send({ ready: true });
      return;
    }
    if (!isObject(message) || !Number.isSafeInteger(message.id)) {
      socket.close(POLICY_VIOLATION, 'a call must be {"id", "method", "args"}');
      return;
    }
    const id = message.id as number;
    answer(api, message).then(
      (result) => send({ id, result }),
      (error: unknown) => send({ id, result: fail('internal', error instanceof Error ? error.message : String(error)) }),
    );
  });
}

/** A call's Result: refused as HTTP refuses it (unknown method, arguments not a list), else dispatched. */
async function answer(api: GlossApi, message: Record<string, unknown>): Promise<Result<unknown>> {
  const method = message.method;
  if (typeof method !== 'string' || !isApiMethod(method)) return fail('not-found', 'No such API method');
  if (HTTP_ONLY_METHODS.includes(method)) return fail('invalid-input', `${method} is called over HTTP, not the socket`);
  if (!Array.isArray(message.args)) return fail('invalid-input', 'A call must carry its arguments as a list ("args": [...])');
  return dispatchApiCall(api, method, message.args);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
