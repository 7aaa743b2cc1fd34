// GlossApi over HTTP for browser mode (`gloss serve`): each method is a POST of its arguments to
// /api/<method> with the run's token in a header. Answers are Results; failures become Results too.
// Uses only fetch, so it runs in the page, in a worker (httpWorker.ts) and in Node tests alike.

import { fail } from '../../../core/api';
import type { GlossApi, GlossApiMethod, OpenedDocument, Result } from '../../../core/api';
import { withSpanObjects } from '../../../core/span-table';

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

/** An opened document as the server sends it (layers' spans as columns, ADR 0013), with its spans as objects again. */
function spanObjects(result: Result<OpenedDocument>): Result<OpenedDocument> {
  if (!result.ok) return result;
  const opened = result.value;
  return { ok: true, value: { ...opened, mine: withSpanObjects(opened.mine), others: opened.others.map(withSpanObjects) } };
}

/** Calls of the `gloss serve` HTTP server made with fetch in this thread. */
export function httpCaller(opts: Pick<HttpApiOptions, 'token' | 'baseUrl' | 'fetch'>): HttpCall {
  const baseUrl = opts.baseUrl ?? '';
  // Looked up at call time, and called unbound: `someObject.fetch()` is an illegal invocation.
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  return async function call<T>(method: GlossApiMethod, args: unknown[]): Promise<Result<T>> {
    if (opts.token === null) {
      return fail('forbidden', 'No access token: open the URL that `gloss serve` printed (it ends with ?token=...).');
    }
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
      const reason = error instanceof Error ? error.message : String(error);
      return fail('io', `Cannot reach the Gloss server (is \`gloss serve\` still running?): ${reason}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return fail('internal', `The Gloss server answered ${method} with HTTP ${response.status} and no Result`);
    }
    // The server is ours, so a well-formed Result is trusted to carry the method's value type.
    if (!isResult(body)) {
      return fail('internal', `The Gloss server answered ${method} with HTTP ${response.status} and no Result`);
    }
    return body as Result<T>;
  };
}

/** A GlossApi whose every call goes to the `gloss serve` HTTP server; it never throws. */
export function createHttpApi(opts: HttpApiOptions): GlossApi {
  const here = httpCaller(opts);
  const call = opts.offload ?? here;
  return {
    getWorkspace: () => call('getWorkspace', []),
    listDocuments: () => call('listDocuments', []),
    openDocument: async (docId) => spanObjects(await here<OpenedDocument>('openDocument', [docId])),
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
