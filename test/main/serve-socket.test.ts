// Browser mode's API socket over a real server: who may connect (Host, origin, token first), the
// calls answered as HTTP answers them, what closes the socket, and the server closing it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { API_SOCKET_PATH, fail, ok } from '../../src/core/api';
import type { GlossApi, LayerChange } from '../../src/core/api';
import { MAX_BODY_BYTES, TOKEN_HEADER, startServer } from '../../src/main/serve';
import type { RunningServer } from '../../src/main/serve';
import { fakeApi } from './fake-api';

let root: string;
let server: RunningServer | null = null;
let api: GlossApi;
const sockets: WebSocket[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gloss-socket-test-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Gloss</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  server = null;
});

async function start(): Promise<RunningServer> {
  api = fakeApi();
  server = await startServer({ api, rendererDir: root, port: 0 });
  return server;
}

/** A socket as a page of ours opens it (or with the origin, Host and path given). */
function open(s: RunningServer, opts: { origin?: string | null; host?: string; path?: string } = {}): WebSocket {
  const origin = opts.origin === undefined ? `http://127.0.0.1:${s.port}` : opts.origin;
  const socket = new WebSocket(`ws://127.0.0.1:${s.port}${opts.path ?? API_SOCKET_PATH}`, {
    ...(origin !== null ? { origin } : {}),
    headers: { Host: opts.host ?? `127.0.0.1:${s.port}` },
  });
  sockets.push(socket);
  return socket;
}

/** The HTTP status a refused handshake got. */
function refusal(socket: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('open', () => reject(new Error('the handshake was accepted')));
    socket.on('error', () => undefined);
  });
}

/** The socket's messages, parsed, in order; and how it closed. */
function listen(socket: WebSocket): { next(): Promise<unknown>; closed: Promise<{ code: number; reason: string }> } {
  const queue: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  socket.on('message', (data) => {
    const message: unknown = JSON.parse(String(data));
    const taker = waiting.shift();
    if (taker) taker(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return {
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))),
    closed,
  };
}

/** A socket past the hello: `send` a value as JSON, `next` message, `closed`. */
async function welcomed(s: RunningServer): Promise<{ socket: WebSocket; send(value: unknown): void } & ReturnType<typeof listen>> {
  const socket = open(s);
  const messages = listen(socket);
  await new Promise<void>((resolve) => socket.on('open', () => resolve()));
  socket.send(JSON.stringify({ token: s.token }));
  expect(await messages.next()).toEqual({ ready: true });
  return { socket, send: (value) => socket.send(JSON.stringify(value)), ...messages };
}

/** The status line a handshake for `path` gets, sent as raw bytes (no client normalises the path). */
function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    socket.once('data', (data) => {
      resolve(String(data).split('\r\n')[0]!);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** The same call over HTTP, for comparison. */
async function overHttp(s: RunningServer, method: string, args: unknown): Promise<unknown> {
  const reply = await fetch(`http://127.0.0.1:${s.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: s.token },
    body: JSON.stringify({ args }),
  });
  return reply.json();
}

const CHANGES: LayerChange[] = [{ op: 'add', span: { id: 's1', label: 'Money', start: 0, end: 3, attributes: { currency: '€' }, note: '𝟑' } }];

describe('the API socket', () => {
  it('answers calls after the token, each under its own id, calling the API with their arguments', async () => {
    const s = await start();
    const socket = await welcomed(s);
    // The first answer is held until the second is sent: answers come as calls finish.
    let release!: () => void;
    vi.mocked(api.getSettings).mockImplementationOnce(() => new Promise((resolve) => (release = () => resolve(ok({ annotator: 'bob' })))));
    socket.send({ id: 1, method: 'getSettings', args: [] });
    socket.send({ id: 2, method: 'applyChanges', args: ['d', CHANGES, '2024-05-01T09:00:00.000Z'] });
    expect(await socket.next()).toEqual({ id: 2, result: await api.applyChanges('d', [], undefined) });
    release();
    expect(await socket.next()).toEqual({ id: 1, result: ok({ annotator: 'bob' }) });
    expect(vi.mocked(api.applyChanges).mock.calls[0]).toEqual(['d', CHANGES, '2024-05-01T09:00:00.000Z']);
  });

  it('checks a call as HTTP checks it: the same Result for the same bad arguments', async () => {
    const s = await start();
    const socket = await welcomed(s);
    const bad: [string, unknown[]][] = [
      ['applyChanges', [42, CHANGES]],
      ['applyChanges', ['d', [{ op: 'explode' }]]],
      ['getJob', []],
      ['setAnnotator', [42]],
    ];
    for (const [i, [method, args]] of bad.entries()) {
      socket.send({ id: i, method, args });
      const answer = (await socket.next()) as { id: number; result: { ok: boolean } };
      expect(answer.id).toBe(i);
      expect(answer.result.ok, `${method} ${JSON.stringify(args)}`).toBe(false);
      expect(answer.result).toEqual(await overHttp(s, method, args));
    }
    expect(api.applyChanges).not.toHaveBeenCalled();
    expect(api.getJob).not.toHaveBeenCalled();
  });

  it('answers an unknown method, startImport and arguments that are not a list with a Result, calling nothing', async () => {
    const s = await start();
    const socket = await welcomed(s);
    socket.send({ id: 1, method: 'deleteEverything', args: [] });
    expect(await socket.next()).toEqual({ id: 1, result: fail('not-found', 'No such API method') });
    socket.send({ id: 2, method: 'startImport', args: [[], {}] });
    expect(await socket.next()).toEqual({ id: 2, result: fail('invalid-input', 'startImport is called over HTTP, not the socket') });
    socket.send({ id: 3, method: 'getJob', args: 'job-1' });
    expect(await socket.next()).toMatchObject({ id: 3, result: { ok: false, error: { code: 'invalid-input' } } });
    expect(api.startImport).not.toHaveBeenCalled();
    expect(api.getJob).not.toHaveBeenCalled();
  });

  it('turns an API that throws into an internal error Result', async () => {
    const s = await start();
    const socket = await welcomed(s);
    vi.mocked(api.listDocuments).mockRejectedValueOnce(new Error('disk on fire'));
    socket.send({ id: 7, method: 'listDocuments', args: [] });
    expect(await socket.next()).toEqual({ id: 7, result: fail('internal', 'listDocuments failed: disk on fire') });
  });

  it('takes handshakes from our own origin on our Host only, at its path', async () => {
    const s = await start();
    expect(await refusal(open(s, { origin: 'https://evil.example' }))).toBe(403);
    expect(await refusal(open(s, { origin: `http://127.0.0.1:${s.port + 1}` }))).toBe(403);
    expect(await refusal(open(s, { origin: null }))).toBe(403);
    // DNS rebinding: a hostile name resolved to 127.0.0.1, its own Host and origin.
    expect(await refusal(open(s, { host: `evil.example:${s.port}`, origin: `http://evil.example:${s.port}` }))).toBe(403);
    expect(await refusal(open(s, { path: '/api/getSettings' }))).toBe(404);
    // A request line no URL parser takes is refused, not a crash of the server.
    expect(await rawUpgrade(s.port, '//')).toMatch(/^HTTP\/1\.1 404 /);
    expect(await rawUpgrade(s.port, API_SOCKET_PATH)).toMatch(/^HTTP\/1\.1 101 /);
    // localhost is ours too, as for HTTP.
    const local = open(s, { host: `localhost:${s.port}`, origin: `http://localhost:${s.port}` });
    await new Promise<void>((resolve) => local.on('open', () => resolve()));
  });

  it('closes the socket on a wrong or missing token, reading no call before it', async () => {
    const s = await start();
    for (const hello of [{ token: 'x'.repeat(s.token.length) }, { token: s.token.slice(1) }, {}, { id: 1, method: 'getSettings', args: [] }]) {
      const socket = open(s);
      const messages = listen(socket);
      await new Promise<void>((resolve) => socket.on('open', () => resolve()));
      socket.send(JSON.stringify(hello));
      expect(await messages.closed).toEqual({ code: 1008, reason: 'missing or wrong access token' });
    }
    expect(api.getSettings).not.toHaveBeenCalled();
  });

  it('closes the socket on a message that is not a call, binary data, or one over the limit', async () => {
    const s = await start();
    const notJson = await welcomed(s);
    notJson.socket.send('{"id": 1,');
    expect(await notJson.closed).toEqual({ code: 1008, reason: 'a message is not JSON' });
    const noId = await welcomed(s);
    noId.send({ method: 'getSettings', args: [] });
    expect(await noId.closed).toEqual({ code: 1008, reason: 'a call must be {"id", "method", "args"}' });
    const binary = await welcomed(s);
    binary.socket.send(Buffer.from('{}'));
    expect(await binary.closed).toEqual({ code: 1003, reason: 'text messages only' });
    const big = await welcomed(s);
    big.send({ id: 1, method: 'applyChanges', args: ['d', [], 'x'.repeat(MAX_BODY_BYTES)] });
    expect((await big.closed).code).toBe(1009);
    expect(api.applyChanges).not.toHaveBeenCalled();
  });

  it('is closed when the server closes', async () => {
    const s = await start();
    const socket = await welcomed(s);
    await s.close();
    server = null;
    expect((await socket.closed).code).toBe(1006);
  });
});
