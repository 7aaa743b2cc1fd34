// Browser mode (`gloss serve`): the built renderer and GlossApi over HTTP, for machines without
// an Electron binary and for the e2e tests. Loopback only, a random token per run, a Host check
// against DNS rebinding, the same CSP as Electron. node:http, no framework. Exported files are
// downloaded from /download/<id> (downloads.ts, ADR 0017).

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { IMPORT_UPLOAD_LIMITS, base64Length, fail } from '../core/api';
import type { GlossApi, GlossApiMethod, OpenedDocument, Result } from '../core/api';
import type { Layer } from '../core/model';
import { CodePointIndex } from '../core/offsets';
import { withSpanTable } from '../core/span-table';
import { dispatchApiCall, isApiMethod } from './dispatch';
import { DOWNLOAD_PATH } from './downloads';
import type { Downloads } from './downloads';
import { SECURITY_HEADERS, readRendererFile } from './renderer-files';
import { apiSocket, refuse } from './serve-socket';

export interface ServeOptions {
  api: GlossApi;
  /** The built renderer (`out/renderer`), holding index.html. */
  rendererDir: string;
  /** 0 or absent: a free port chosen by the system. */
  port?: number;
  /** The exported files the page downloads (the API's Transfers keep them there). */
  downloads?: Downloads;
}

export interface RunningServer {
  /** The one URL to open: `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  port: number;
  token: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** The header every API request must carry, holding the run's token. */
export const TOKEN_HEADER = 'x-gloss-token';
/** An API request body larger than this is refused (a batch of changes is far smaller). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** startImport carries the files in base64: up to the import limit, plus room for names and JSON. */
export const MAX_IMPORT_BODY_BYTES = base64Length(IMPORT_UPLOAD_LIMITS.totalBytes) + 4 * IMPORT_UPLOAD_LIMITS.files + 1024 * 1024;

/** The largest body a method's request may have. */
export function bodyLimit(method: GlossApiMethod): number {
  return method === 'startImport' ? MAX_IMPORT_BODY_BYTES : MAX_BODY_BYTES;
}

const HOST = '127.0.0.1';

/** The session cookie's name: per port, since browsers share cookies between ports of one host. */
export function cookieName(port: number): string {
  return `gloss_session_${port}`;
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, text + '\n', { 'Content-Type': 'text/plain; charset=utf-8' });
}

/** The answer to a request for the app's files or a download without the session cookie. */
const NO_SESSION = 'No access: open the URL that `gloss serve` printed (it carries the token).';

/** Whether the request only reads (GET or HEAD); anything else is answered 405 here. */
function isGetOrHead(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  sendText(res, 405, 'Method not allowed');
  return false;
}

/**
 * `Content-Disposition` of a download: the name as plain ASCII (anything else as "_") and exactly,
 * percent-encoded (RFC 6266 / RFC 8187), so that a browser saves it under its own name.
 */
export function attachmentDisposition(name: string): string {
  const plain = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${plain}"; filename*=UTF-8''${exact}`;
}

function sendResult(res: ServerResponse, status: number, result: Result<unknown>, method?: GlossApiMethod): void {
  send(res, status, resultJson(result, method), { 'Content-Type': 'application/json; charset=utf-8' });
}

/**
 * The UTF-8 JSON of documents and layers, kept while the workspace keeps the object: documents
 * never change and a changed layer is a new object (the workspace never edits one in place), so
 * opening a document again sends its text and layers without serialising megabytes again.
 */
const jsonOf = new WeakMap<object, Buffer>();

function cachedJson<T extends object>(value: T, encode: (value: T) => unknown = (v) => v): Buffer {
  let json = jsonOf.get(value);
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(encode(value)));
    jsonOf.set(value, json);
  }
  return json;
}

/**
 * A layer's JSON on the wire: its spans as columns, the quotes that are its document's text left
 * out (ADR 0013, 0025; the HTTP transport turns them back into objects). `text` is asked for only
 * when the layer is not cached.
 */
function layerJson(layer: Layer, text: () => CodePointIndex): Buffer {
  return cachedJson(layer, (l) => withSpanTable(l, text()));
}

/**
 * A result as UTF-8 JSON. An opened document's parts come from the cache, and its layers' spans
 * travel as columns (ADR 0013): once the transport has decoded them, the value is the one
 * JSON.stringify would have sent.
 */
export function resultJson(result: Result<unknown>, method?: GlossApiMethod): Buffer {
  if (method !== 'openDocument' || !result.ok) return Buffer.from(JSON.stringify(result));
  const opened = result.value as OpenedDocument;
  const document = opened.document;
  // The document's text as code points, made once for its layers and only if one is encoded.
  let index: CodePointIndex | null = null;
  const text = (): CodePointIndex => (index ??= new CodePointIndex(document.text));
  const parts: Buffer[] = [Buffer.from('{"ok":true,"value":{"document":'), cachedJson(document), Buffer.from(',"mine":'), layerJson(opened.mine, text), Buffer.from(',"others":[')];
  opened.others.forEach((layer, i) => parts.push(...(i > 0 ? [Buffer.from(','), layerJson(layer, text)] : [layerJson(layer, text)])));
  parts.push(Buffer.from(`],"problems":${JSON.stringify(opened.problems)}}}`));
  return Buffer.concat(parts);
}

type Body = { ok: true; text: string } | { ok: false; status: number; message: string };

function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const tooLarge: Body = { ok: false, status: 413, message: `request body larger than ${limit} bytes` };
  // Refused before reading when the client says how much it sends.
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolveBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (body: Body): void => {
      if (done) return;
      done = true;
      resolveBody(body);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(tooLarge);
        chunks.length = 0;
        req.resume();
        return;
      }
      if (!done) chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', (error) => finish({ ok: false, status: 400, message: error.message }));
  });
}

/**
 * Starts browser mode on 127.0.0.1: `GET /?token=T` hands out the session cookie and the app;
 * static files need the cookie; `POST /api/<method>` needs the token header and answers a Result.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = randomBytes(32).toString('base64url');
  let port = 0;
  /** Where our page may come from: the socket takes handshakes from these origins only. */
  const origins = (): string[] => [`http://${HOST}:${port}`, `http://localhost:${port}`];
  const socket = apiSocket({ api: opts.api, isToken: (given) => sameSecret(given, token), origins, maxMessageBytes: MAX_BODY_BYTES });
  /** DNS rebinding: a hostile page on evil.example resolved to 127.0.0.1 still sends its own Host. */
  const ourHost = (req: IncomingMessage): boolean => req.headers.host === `${HOST}:${port}` || req.headers.host === `localhost:${port}`;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: GlossApiMethod): Promise<void> => {
    if (req.method !== 'POST') {
      sendResult(res, 405, fail('invalid-input', 'API calls are POST requests'));
      return;
    }
    const given = req.headers[TOKEN_HEADER];
    if (!sameSecret(typeof given === 'string' ? given : undefined, token)) {
      sendResult(res, 403, fail('forbidden', 'Missing or wrong access token'));
      return;
    }
    // A JSON content type makes any cross-site attempt a CORS preflight, which we never answer.
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      sendResult(res, 415, fail('invalid-input', 'API calls send application/json'));
      return;
    }
    const body = await readBody(req, bodyLimit(method));
    if (!body.ok) {
      sendResult(res, body.status, fail('invalid-input', body.message));
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.text);
    } catch {
      sendResult(res, 400, fail('invalid-input', 'The request body is not JSON'));
      return;
    }
    if (typeof payload !== 'object' || payload === null || !('args' in payload) || !Array.isArray(payload.args)) {
      sendResult(res, 400, fail('invalid-input', 'The request body must be {"args": [...]}'));
      return;
    }
    sendResult(res, 200, await dispatchApiCall(opts.api, method, payload.args), method);
  };

  /** Whether the request carries this run's session cookie (the app's files and downloads need it). */
  const hasSession = (req: IncomingMessage): boolean => sameSecret(readCookie(req, cookieName(port)), token);

  /** An exported file, for the session cookie only, streamed from disk. */
  const handleDownload = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (!isGetOrHead(req, res)) return;
    if (!hasSession(req)) {
      sendText(res, 403, NO_SESSION);
      return;
    }
    const file = opts.downloads?.byHref(url.pathname);
    if (!file) {
      sendText(res, 404, 'No such file (exported files are kept for the last exports only): export again');
      return;
    }
    const stream = createReadStream(file.path);
    stream.once('error', () => {
      if (!res.headersSent) sendText(res, 404, 'No such file: export again');
      else res.destroy();
    });
    stream.once('open', () => {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Cache-Control': 'no-store',
        'Content-Type': file.mediaType,
        'Content-Length': String(file.size),
        'Content-Disposition': attachmentDisposition(file.name),
      });
      if (req.method === 'HEAD') {
        stream.destroy();
        res.end();
      } else stream.pipe(res);
    });
  };

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (!isGetOrHead(req, res)) return;
    const headers: OutgoingHttpHeaders = {};
    const queryToken = url.searchParams.get('token');
    if (url.pathname === '/' && queryToken !== null) {
      if (!sameSecret(queryToken, token)) {
        sendText(res, 403, 'Wrong access token: open the URL that `gloss serve` printed.');
        return;
      }
      headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    } else if (!hasSession(req)) {
      sendText(res, 403, NO_SESSION);
      return;
    }
    const file = await readRendererFile(opts.rendererDir, url.pathname);
    if (!file) {
      // Browsers ask for a favicon on their own; an empty answer keeps the console clean.
      if (url.pathname === '/favicon.ico') send(res, 204, '');
      else sendText(res, 404, 'Not found');
      return;
    }
    send(res, 200, file.body, { ...headers, 'Content-Type': file.contentType });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!ourHost(req)) {
      sendText(res, 403, 'Forbidden host');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    } catch {
      sendText(res, 400, 'Bad request');
      return;
    }
    const method = /^\/api\/([A-Za-z]+)$/.exec(url.pathname)?.[1] ?? '';
    if (isApiMethod(method)) await handleApi(req, res, method);
    else if (url.pathname.startsWith('/api/')) sendResult(res, 404, fail('not-found', 'No such API method'));
    else if (url.pathname.startsWith(DOWNLOAD_PATH)) handleDownload(req, res, url);
    else await handleStatic(req, res, url);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendResult(res, 500, fail('internal', message));
      else res.destroy();
    });
  });
  // The API socket (serve-socket.ts, ADR 0022): on our Host only, like every request.
  server.on('upgrade', (req: IncomingMessage, upgraded: Duplex, head: Buffer) => {
    if (ourHost(req)) socket.upgrade(req, upgraded, head);
    else refuse(upgraded, '403 Forbidden');
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
        // Upgraded connections are no longer the HTTP server's: closed apart.
        socket.close();
      }),
  };
}
