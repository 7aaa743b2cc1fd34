// GlossApi over HTTP for browser mode (`gloss serve`): each method is a POST of its arguments to
// /api/<method> with the run's token in a header. Answers are Results; failures become Results too.
// Uses only fetch, so it runs in the page, in a worker (httpWorker.ts) and in Node tests alike.

import { fail } from '../../../core/api';
import type { GlossApi, GlossApiMethod, OpenedDocument, Result } from '../../../core/api';
import { CodePointIndex } from '../../../core/offsets';
import { spanTableOf, withLazySpanObjects } from '../../../core/span-table';

/** The header carrying the token (the server compares it in constant time). */
export const TOKEN_HEADER = 'X-Gloss-Token';

export interface HttpApiOptions {
  /** The run's token; null when the page was opened without one (every call then fails clearly). */
  token: string | null;
  /** Origin + path prefix of the server; "" means the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /**
   * Where every call but openDocument is made, when not here: in the page, the HTTP worker
   * (worker.ts, ADR 0021), so that a save costs the page's main thread a message instead of a
   * fetch. openDocument stays in this thread: its answer is the whole document.
   */
  offload?: HttpCall;
  /** Where openDocument is made, when not with fetch here: in the page, xhrCaller. */
  opener?: HttpCall;
}

/** One call of a GlossApi method over HTTP: never throws, every failure is a Result. */
export type HttpCall = <T>(method: GlossApiMethod, args: unknown[]) => Promise<Result<T>>;

/** Whether a value has the shape of a Result (what the server's answers and the worker's must be). */
export function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** An opened document as the server sends it (layers' spans as columns, ADR 0013), with its spans as objects again (made when first read). */
function spanObjects(result: Result<OpenedDocument>): Result<OpenedDocument> {
  if (!result.ok) return result;
  const opened = result.value;
  // Quotes that are the text come without it (ADR 0025): decoding spans as objects needs the text.
  let index: CodePointIndex | null = null;
  const text = (): CodePointIndex => (index ??= new CodePointIndex(opened.document.text));
  const mine = withLazySpanObjects(opened.mine, text);
  const others = opened.others.map((layer) => withLazySpanObjects(layer, text));
  // Spans neither as a table this page knows (kept by the layer, its spans not read here) nor as
  // objects: a server of another version (a page left open across an update). Said so, rather
  // than showing the layer without its spans.
  const unreadable = [mine, ...others].find((layer) => spanTableOf(layer) === undefined && !Array.isArray(layer.spans));
  if (unreadable) return fail('internal', `The Gloss server sent ${unreadable.annotator}'s spans in a form this page cannot read: reload the page`);
  return { ok: true, value: { ...opened, mine, others } };
}

/** Calls of the `gloss serve` HTTP server made with fetch in this thread. */
export function httpCaller(opts: Pick<HttpApiOptions, 'token' | 'baseUrl' | 'fetch'>): HttpCall {
  const baseUrl = opts.baseUrl ?? '';
  // Looked up at call time, and called unbound: `someObject.fetch()` is an illegal invocation.
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  return async function call<T>(method: GlossApiMethod, args: unknown[]): Promise<Result<T>> {
    if (opts.token === null) return fail('forbidden', NO_TOKEN);
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: opts.token },
        body: JSON.stringify({ args }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (error) {
      return unreachable(error instanceof Error ? error.message : String(error));
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return noResult(method, response.status);
    }
    return resultOf<T>(body, method, response.status);
  };
}

const NO_TOKEN = 'No access token: open the URL that `gloss serve` printed (it ends with ?token=...).';

function unreachable(reason: string): Result<never> {
  return fail('io', `Cannot reach the Gloss server (is \`gloss serve\` still running?): ${reason}`);
}

function noResult(method: GlossApiMethod, status: number): Result<never> {
  return fail('internal', `The Gloss server answered ${method} with HTTP ${status} and no Result`);
}

/** An answer's body as the method's Result. */
function resultOf<T>(body: unknown, method: GlossApiMethod, status: number): Result<T> {
  // The server is ours, so a well-formed Result is trusted to carry the method's value type.
  return isResult(body) ? (body as Result<T>) : noResult(method, status);
}

/** What xhrCaller uses of an XMLHttpRequest (typed here: Node's tests have no DOM library). */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  responseType: string;
  readonly status: number;
  readonly response: unknown;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  ontimeout: (() => void) | null;
  send(body: string): void;
}

/**
 * Calls of the `gloss serve` HTTP server made with XMLHttpRequest in this thread, the answer taken
 * as bytes and decoded here; null where there is no XMLHttpRequest (Node). For the page's
 * openDocument: Chromium reads a 1.7 MB answer through fetch's body stream in ~70 ms more than
 * XMLHttpRequest takes for the same bytes, and turns it into text (`json()`, `text()`) ~50 ms
 * slower than a TextDecoder does (measured with the benchmark's report, ADR 0025).
 */
export function xhrCaller(opts: Pick<HttpApiOptions, 'token' | 'baseUrl'>, Xhr = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest): HttpCall | null {
  if (typeof Xhr !== 'function') return null;
  const baseUrl = opts.baseUrl ?? '';
  return function call<T>(method: GlossApiMethod, args: unknown[]): Promise<Result<T>> {
    const token = opts.token;
    if (token === null) return Promise.resolve(fail('forbidden', NO_TOKEN));
    return new Promise((resolve) => {
      const request = new Xhr();
      request.onload = () => {
        let body: unknown;
        try {
          const text = new TextDecoder().decode(request.response as ArrayBuffer);
          body = JSON.parse(text);
        } catch {
          return resolve(noResult(method, request.status));
        }
        resolve(resultOf<T>(body, method, request.status));
      };
      request.onerror = () => resolve(unreachable('the request failed'));
      request.onabort = () => resolve(unreachable('the request was aborted'));
      request.ontimeout = () => resolve(unreachable('the request timed out'));
      try {
        request.open('POST', `${baseUrl}/api/${method}`);
        request.setRequestHeader('Content-Type', 'application/json');
        request.setRequestHeader(TOKEN_HEADER, token);
        request.responseType = 'arraybuffer';
        request.send(JSON.stringify({ args }));
      } catch (error) {
        resolve(unreachable(error instanceof Error ? error.message : String(error)));
      }
    });
  };
}

/** A GlossApi whose every call goes to the `gloss serve` HTTP server; it never throws. */
export function createHttpApi(opts: HttpApiOptions): GlossApi {
  const here = httpCaller(opts);
  const call = opts.offload ?? here;
  const open = opts.opener ?? here;
  return {
    getWorkspace: () => call('getWorkspace', []),
    listDocuments: () => call('listDocuments', []),
    openDocument: async (docId) => spanObjects(await open<OpenedDocument>('openDocument', [docId])),
    // An optional argument left out is not sent (JSON would make it null).
    applyChanges: (docId, changes, baseUpdatedAt) => call('applyChanges', baseUpdatedAt === undefined ? [docId, changes] : [docId, changes, baseUpdatedAt]),
    getSettings: () => call('getSettings', []),
    setAnnotator: (name) => call('setAnnotator', [name]),
    listFormats: () => call('listFormats', []),
    startImport: (files, options) => call('startImport', [files, options]),
    startExport: (options) => call('startExport', [options]),
    getJob: (jobId) => call('getJob', [jobId]),
    applyCuration: (docId, annotators, changes) => call('applyCuration', [docId, annotators, changes]),
    getAgreement: (annotators) => call('getAgreement', annotators === undefined ? [] : [annotators]),
    pollChanges: (cursor) => call('pollChanges', [cursor]),
  } satisfies GlossApi;
}
