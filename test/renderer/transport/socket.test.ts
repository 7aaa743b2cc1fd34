// The HTTP worker's calls over the API socket (socket.ts): over HTTP until the token is taken, for
// startImport and after the socket closes; answers by id; calls in flight when it closes fail as a
// lost connection does. With a fake socket, then through the worker against the real server.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { fail, ok } from '../../../src/core/api';
import type { GlossApiMethod, LayerChange, Result } from '../../../src/core/api';
import { createHttpApi, httpCaller } from '../../../src/renderer/src/transport/http';
import type { HttpCall } from '../../../src/renderer/src/transport/http';
import { serveHttpCalls } from '../../../src/renderer/src/transport/httpWorker';
import { socketCaller, socketUrl } from '../../../src/renderer/src/transport/socket';
import type { SocketLike } from '../../../src/renderer/src/transport/socket';
import { workerCaller } from '../../../src/renderer/src/transport/worker';
import type { WorkerLike } from '../../../src/renderer/src/transport/worker';
import { asScope, asWorker, closePorts, savingServer } from './helpers';

/** A socket the test drives: what was sent, and events fired by hand. */
class FakeSocket implements SocketLike {
  readonly sent: unknown[] = [];
  closedByCaller = false;
  private readonly listeners = new Map<string, ((event: never) => void)[]>();

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closedByCaller = true;
  }
  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: 'open' | 'error'): void;
  fire(type: 'message', event: { data: unknown }): void;
  fire(type: 'close', event: { code?: number; reason?: string }): void;
  fire(type: string, event: unknown = {}): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }
  answer(value: unknown): void {
    this.fire('message', { data: JSON.stringify(value) });
  }
}

/** An HttpCall that records its calls and answers each with `ok(method)`. */
function recordingHttp(): { call: HttpCall; calls: [GlossApiMethod, unknown[]][] } {
  const calls: [GlossApiMethod, unknown[]][] = [];
  const call = (async (method: GlossApiMethod, args: unknown[]) => (calls.push([method, args]), ok(method))) as HttpCall;
  return { call, calls };
}

/** A socket whose token the server took. */
function readySocket(http: HttpCall): { socket: FakeSocket; call: HttpCall } {
  const socket = new FakeSocket();
  const call = socketCaller(socket, 'tok', http);
  socket.fire('open');
  socket.answer({ ready: true });
  return { socket, call };
}

const CHANGES: LayerChange[] = [{ op: 'add', span: { id: 's1', label: 'Money', start: 0, end: 3, attributes: { currency: '€' }, note: '𝟑' } }];
const SAVED = { changed: [], removed: [], spanCount: 1, status: 'in-progress', updatedAt: '2024-05-01T10:00:00.000Z', comments: [] };
const LOST = (why: string): Result<unknown> => fail('io', `The connection to the Gloss server was lost (${why}); this call may or may not have been made`);

describe('calls over the API socket', () => {
  it('says the token first and makes calls over HTTP until the server has taken it', async () => {
    const http = recordingHttp();
    const socket = new FakeSocket();
    const call = socketCaller(socket, 'tok', http.call);
    expect(await call('getSettings', [])).toEqual(ok('getSettings'));
    socket.fire('open');
    expect(socket.sent).toEqual([{ token: 'tok' }]);
    expect(await call('listDocuments', [])).toEqual(ok('listDocuments'));
    socket.answer({ ready: true });
    const saved = call('applyChanges', ['d', CHANGES]);
    expect(socket.sent).toEqual([{ token: 'tok' }, { id: 1, method: 'applyChanges', args: ['d', CHANGES] }]);
    socket.answer({ id: 1, result: ok(SAVED) });
    expect(await saved).toEqual(ok(SAVED));
    expect(http.calls).toEqual([
      ['getSettings', []],
      ['listDocuments', []],
    ]);
  });

  it('matches answers to calls by id, whatever their order', async () => {
    const { socket, call } = readySocket(recordingHttp().call);
    const first = call('getSettings', []);
    const second = call('getJob', ['job-1']);
    socket.answer({ id: 2, result: ok('second') });
    socket.answer({ id: 1, result: ok('first') });
    expect(await Promise.all([first, second])).toEqual([ok('first'), ok('second')]);
  });

  it('ignores what is not an answer to a call in flight', async () => {
    const { socket, call } = readySocket(recordingHttp().call);
    const pending = call('getSettings', []);
    socket.fire('message', { data: 'not json' });
    socket.fire('message', { data: new Uint8Array([1]) });
    socket.answer({ id: 1, result: { maybe: true } });
    socket.answer({ id: 9, result: ok('nobody asked') });
    socket.answer(null);
    socket.answer({ id: 1, result: ok('the answer') });
    expect(await pending).toEqual(ok('the answer'));
  });

  it('makes startImport over HTTP even with the socket open', async () => {
    const http = recordingHttp();
    const { socket, call } = readySocket(http.call);
    expect(await call('startImport', [[], {}])).toEqual(ok('startImport'));
    expect(http.calls).toEqual([['startImport', [[], {}]]]);
    expect(socket.sent).toEqual([{ token: 'tok' }]);
  });

  it('fails the calls in flight when the socket closes (they may have been made), then goes over HTTP', async () => {
    const http = recordingHttp();
    const { socket, call } = readySocket(http.call);
    const inFlight = call('applyChanges', ['d', CHANGES]);
    socket.fire('close', { code: 1006, reason: '' });
    expect(await inFlight).toEqual(LOST('the socket closed'));
    expect(await call('applyChanges', ['d', CHANGES])).toEqual(ok('applyChanges'));
    expect(http.calls).toEqual([['applyChanges', ['d', CHANGES]]]);
    // A late "ready" (from before the close) changes nothing.
    socket.answer({ ready: true });
    expect(await call('getSettings', [])).toEqual(ok('getSettings'));
    expect(socket.sent).toHaveLength(2);
  });

  it('says why the server closed it, and closes a socket that failed', async () => {
    const closedByServer = readySocket(recordingHttp().call);
    const refused = closedByServer.call('getSettings', []);
    closedByServer.socket.fire('close', { code: 1008, reason: 'missing or wrong access token' });
    expect(await refused).toEqual(LOST('the socket closed: missing or wrong access token'));

    const failed = readySocket(recordingHttp().call);
    const pending = failed.call('getSettings', []);
    failed.socket.fire('error');
    expect(await pending).toEqual(LOST('the socket failed'));
    expect(failed.socket.closedByCaller).toBe(true);
  });

  it('is opened at /api/socket of the page, ws for http', () => {
    expect(socketUrl('http://127.0.0.1:4321/assets/httpWorker-x.js')).toBe('ws://127.0.0.1:4321/api/socket');
    expect(socketUrl('https://gloss.example/')).toBe('wss://gloss.example/api/socket');
  });
});

describe('the HTTP worker with the socket', () => {
  afterEach(closePorts);

  /** The page's and the worker's ends of a MessageChannel. */
  function channel(): { worker: WorkerLike; scope: Parameters<typeof serveHttpCalls>[0] } {
    const { port1, port2 } = new MessageChannel();
    return { worker: asWorker(port1), scope: asScope(port2) };
  }

  it('makes the calls over HTTP when the socket cannot be opened', async () => {
    const { worker, scope } = channel();
    const calls: string[] = [];
    serveHttpCalls(scope, {
      fetch: (async (url: string) => (calls.push(url), new Response(JSON.stringify(ok(SAVED))))) as typeof fetch,
      openSocket: () => {
        throw new Error('refused by the content security policy');
      },
      href: 'http://127.0.0.1:1/assets/w.js',
    });
    try {
      const call = workerCaller(worker, { token: 't' }, recordingHttp().call);
      expect(await call('applyChanges', ['d', CHANGES])).toEqual(ok(SAVED));
      expect(calls).toEqual(['/api/applyChanges']);
    } finally {
      closePorts();
    }
  });

  it('saves over the real server\'s socket once it is open, and over HTTP before', async () => {
    const { server, seen, stop } = await savingServer(SAVED);
    const origin = `http://127.0.0.1:${server.port}`;
    const { worker, scope } = channel();
    const requests: string[] = [];
    let answered!: Promise<void>;
    try {
      serveHttpCalls(scope, {
        fetch: ((url: string, init: RequestInit) => (requests.push(url), fetch(url, init))) as typeof fetch,
        // As a page of ours opens it: ws's socket with the page's origin (a browser sends it itself).
        openSocket: (url) => {
          const socket = new WebSocket(url, { origin });
          // The server's first message is its "ready".
          answered = new Promise<void>((resolve) => socket.once('message', () => resolve()));
          return socket as unknown as SocketLike;
        },
        href: `${origin}/assets/httpWorker.js`,
      });
      const client = createHttpApi({ token: server.token, baseUrl: origin, offload: workerCaller(worker, { token: server.token, baseUrl: origin }, httpCaller({ token: server.token, baseUrl: origin })) });
      // Sent at once: the socket is still opening, so this one goes over HTTP.
      expect(await client.applyChanges('doc-1', CHANGES)).toEqual(ok(SAVED));
      expect(requests).toEqual([`${origin}/api/applyChanges`]);
      await answered;
      expect(await client.applyChanges('doc-2', CHANGES)).toEqual(ok(SAVED));
      expect(requests).toHaveLength(1);
      expect(seen).toEqual([
        ['doc-1', CHANGES],
        ['doc-2', CHANGES],
      ]);
    } finally {
      closePorts();
      await stop();
    }
  });
});
