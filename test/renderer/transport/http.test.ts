// The browser-mode HTTP client: against a fake fetch for failures, and against the real
// `gloss serve` server (src/main/serve.ts) for the contract both sides must agree on.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../../src/core/api';
import type { GlossApi, LayerChange, OpenedDocument } from '../../../src/core/api';
import { startServer } from '../../../src/main/serve';
import type { RunningServer } from '../../../src/main/serve';
import { spanTableOf } from '../../../src/core/span-table';
import { createHttpApi, xhrCaller } from '../../../src/renderer/src/transport/http';
import type { XhrLike } from '../../../src/renderer/src/transport/http';

describe('createHttpApi with a fake fetch', () => {
  it('turns a network failure into an io Result instead of throwing', async () => {
    const api = createHttpApi({
      token: 't',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const result = await api.getWorkspace();
    expect(result).toEqual(fail('io', 'Cannot reach the Gloss server (is `gloss serve` still running?): Failed to fetch'));
  });

  it('turns a body that is not a Result into an internal Result', async () => {
    for (const body of ['<html>proxy error</html>', '{"hello":1}', '{"ok":false,"error":"x"}', 'null']) {
      const api = createHttpApi({ token: 't', fetch: async () => new Response(body, { status: 502 }) });
      const result = await api.listDocuments();
      expect(result.ok, body).toBe(false);
      if (!result.ok) {
        expect(result.error.code, body).toBe('internal');
        expect(result.error.message, body).toContain('HTTP 502');
      }
    }
  });

  it('passes an error Result of the server through, whatever the HTTP status', async () => {
    const answer = fail('forbidden', 'Missing or wrong access token');
    const api = createHttpApi({ token: 't', fetch: async () => new Response(JSON.stringify(answer), { status: 403 }) });
    expect(await api.getSettings()).toEqual(answer);
  });
});

/**
 * An XMLHttpRequest for Node, made with fetch: what xhrCaller uses of one (open, headers, an
 * ArrayBuffer response, load and error events). `fail` makes every request fail as a network error.
 */
function fakeXhr(options: { fail?: boolean; body?: string; status?: number } = {}): new () => XhrLike {
  return class implements XhrLike {
    static sent: { method: string; url: string; headers: Record<string, string>; body: string }[] = [];
    responseType = '';
    status = 0;
    response: unknown = null;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    private method = '';
    private url = '';
    private readonly headers: Record<string, string> = {};
    open(method: string, url: string): void {
      this.method = method;
      this.url = url;
    }
    setRequestHeader(name: string, value: string): void {
      this.headers[name] = value;
    }
    send(body: string): void {
      if (this.responseType !== 'arraybuffer') throw new Error('expected an arraybuffer response');
      if (options.fail) {
        setTimeout(() => this.onerror?.(), 0);
        return;
      }
      if (options.body !== undefined) {
        setTimeout(() => {
          this.status = options.status ?? 200;
          this.response = new TextEncoder().encode(options.body).buffer;
          this.onload?.();
        }, 0);
        return;
      }
      void fetch(this.url, { method: this.method, headers: this.headers, body }).then(async (response) => {
        this.status = response.status;
        this.response = await response.arrayBuffer();
        this.onload?.();
      }, () => this.onerror?.());
    }
  };
}

describe('openDocument with spans in a form the page does not know', () => {
  it('is an error Result naming the layer, not a layer shown without its spans', async () => {
    const body = JSON.stringify(ok({ document: { id: 'd', text: 'x' }, mine: { annotator: 'me', spans: { count: 1, columns: [{ key: 'id', packed: 'AQ' }] } }, others: [], problems: [] }));
    const api = createHttpApi({ token: 't', fetch: async () => new Response(body, { status: 200 }) });
    expect(await api.openDocument('d')).toEqual(fail('internal', "The Gloss server sent me's spans in a form this page cannot read: reload the page"));
  });
});

describe('xhrCaller (openDocument in the page)', () => {
  it('is not made where there is no XMLHttpRequest (Node)', () => {
    expect(xhrCaller({ token: 't' })).toBeNull();
  });

  it('turns a network failure and a body that is not a Result into Results, and needs a token', async () => {
    const failing = xhrCaller({ token: 't' }, fakeXhr({ fail: true }))!;
    expect(await failing('openDocument', ['d'])).toEqual(fail('io', 'Cannot reach the Gloss server (is `gloss serve` still running?): the request failed'));
    for (const body of ['<html>proxy error</html>', '{"hello":1}', 'null', '\u00ff\u00fe']) {
      const result = await xhrCaller({ token: 't' }, fakeXhr({ body, status: 502 }))!('openDocument', ['d']);
      expect(result, body).toEqual(fail('internal', 'The Gloss server answered openDocument with HTTP 502 and no Result'));
    }
    const noToken = await xhrCaller({ token: null }, fakeXhr())!('openDocument', ['d']);
    expect(noToken.ok).toBe(false);
    if (!noToken.ok) expect(noToken.error.code).toBe('forbidden');
  });
});

const SPAN_TIMES = { createdAt: '2024-05-01T10:00:00.000Z', updatedAt: '2024-05-01T10:00:00.000Z' };
/** An opened document whose layers travel with their spans as columns (ADR 0013). */
const OPENED = {
  document: { id: 'doc-1', title: 'Report 🌍', text: 'Ivan 😀 pledged $5m' },
  mine: {
    annotator: 'alice',
    status: 'in-progress',
    spans: [
      { id: 's1', label: 'Person', start: 0, end: 4, quote: 'Ivan', attributes: {}, origin: 'manual', ...SPAN_TIMES },
      { id: 's2', label: 'Money', start: 15, end: 18, quote: '$5m', attributes: { value: 5_000_000, currency: 'USD' }, note: ' 📈 ', origin: 'manual', ...SPAN_TIMES },
      { id: 's3', label: 'Commitment', start: 0, end: 18, quote: 'Ivan 😀 pledged $5m', attributes: {}, fragments: [{ start: 0, end: 4 }, { start: 7, end: 14 }], origin: 'imported:brat', ...SPAN_TIMES },
    ],
    relations: [{ id: 'r1', type: 'pledges', from: 's1', to: 's2' }],
    comments: [],
  },
  others: [
    { annotator: 'bob', status: 'done', spans: [], relations: [], comments: [] },
    { annotator: 'cy', status: 'todo', spans: [{ id: 'c1', label: 'Person', start: 0, end: 4, quote: 'Ivan', attributes: { sure: true }, origin: 'manual', ...SPAN_TIMES }], relations: [], comments: [] },
  ],
  problems: [],
} as unknown as OpenedDocument;

describe('createHttpApi against the real server', () => {
  let root: string;
  let server: RunningServer;
  const seen: unknown[][] = [];
  const api: GlossApi = {
    getWorkspace: async () => fail('not-found', 'none'),
    listDocuments: async () => ok([]),
    openDocument: async (docId) => (docId === OPENED.document.id ? ok(OPENED) : fail('not-found', `no document ${docId}`)),
    applyChanges: async (...args) => {
      seen.push(args);
      return ok({ changed: [], removed: [], spanCount: 0, status: 'in-progress', updatedAt: '2024-05-01T10:00:00.000Z', comments: [] });
    },
    getSettings: async () => ok({ annotator: 'alice' }),
    setAnnotator: vi.fn(async (name: string) => ok({ annotator: name })),
    listFormats: async () => ok({ import: [{ name: 'jsonl', kind: 'annotations' }], export: [{ name: 'csv', layers: 'all' }] }),
    startImport: async (files, options) => {
      seen.push(['startImport', files, options]);
      return ok('job-1');
    },
    startExport: async (options) => {
      seen.push(['startExport', options]);
      return ok('job-2');
    },
    applyCuration: async (...args) => {
      seen.push(['applyCuration', ...args]);
      return fail('not-found', 'no item');
    },
    getAgreement: async (...args) => {
      seen.push(['getAgreement', ...args]);
      return fail('not-found', 'no annotators');
    },
    pollChanges: async (cursor) => ok({ cursor: cursor + 2, changes: [{ document: 'doc-1', annotator: 'bob', file: 'annotations/doc-1/bob.json' }] }),
    getJob: async (jobId) =>
      ok({ id: jobId, kind: 'export', state: 'done', done: 1, total: 1, phase: 'done', result: { summary: ['Exported'], notices: [], files: [{ name: 'w.csv', mediaType: 'text/csv', text: 'a,b\n🌍' }] } }),
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gloss-http-client-'));
    mkdirSync(join(root, 'renderer'));
    writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html>');
    server = await startServer({ api, rendererDir: join(root, 'renderer'), port: 0 });
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('round-trips every kind of call, astral text included', async () => {
    const client = createHttpApi({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}` });
    expect(await client.getSettings()).toEqual(ok({ annotator: 'alice' }));
    expect(await client.setAnnotator('zoë')).toEqual(ok({ annotator: 'zoë' }));
    expect(await client.openDocument('missing')).toEqual(fail('not-found', 'no document missing'));
    // Layers' spans travel as columns and come back as the very objects, keys in the same order.
    const opened = await client.openDocument('doc-1');
    expect(opened).toEqual(ok(OPENED));
    expect(JSON.stringify(opened)).toBe(JSON.stringify(ok(OPENED)));
    const changes: LayerChange[] = [
      { op: 'add', span: { id: 's1', label: 'Quantity', start: 3, end: 5, attributes: { value: 2, unit: '📈' }, note: '𝟐 units' } },
    ];
    expect(await client.applyChanges('doc-1', changes)).toEqual(
      ok({ changed: [], removed: [], spanCount: 0, status: 'in-progress', updatedAt: '2024-05-01T10:00:00.000Z', comments: [] }),
    );
    expect(seen).toEqual([['doc-1', changes]]);
  });

  it('carries review calls, and leaves optional arguments out rather than sending null', async () => {
    const client = createHttpApi({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}` });
    seen.length = 0;
    await client.applyChanges('doc-1', [{ op: 'comment-add', comment: { id: 'k1', target: { annotator: 'bob', spanId: 's1' }, text: '🌍?' } }], '2024-05-01T10:00:00.000Z');
    expect(await client.applyCuration('doc-1', ['alice', 'bob'], [{ op: 'reject', itemKey: '0-5-0123456789abcd' }])).toEqual(fail('not-found', 'no item'));
    await client.getAgreement();
    await client.getAgreement(['alice', 'bob']);
    expect(seen).toEqual([
      ['doc-1', [{ op: 'comment-add', comment: { id: 'k1', target: { annotator: 'bob', spanId: 's1' }, text: '🌍?' } }], '2024-05-01T10:00:00.000Z'],
      ['applyCuration', 'doc-1', ['alice', 'bob'], [{ op: 'reject', itemKey: '0-5-0123456789abcd' }]],
      ['getAgreement'],
      ['getAgreement', ['alice', 'bob']],
    ]);
    expect(await client.pollChanges(5)).toEqual(ok({ cursor: 7, changes: [{ document: 'doc-1', annotator: 'bob', file: 'annotations/doc-1/bob.json' }] }));
  });

  it('carries import and export jobs: files in base64, options, and the finished job with its file', async () => {
    const client = createHttpApi({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}` });
    seen.length = 0;
    const files = [{ name: 'données 🌍.jsonl', dataBase64: Buffer.from('{"text":"🌍"}\n').toString('base64') }];
    expect(await client.startImport(files, { format: 'auto', replace: true })).toEqual(ok('job-1'));
    expect(await client.startExport({ format: 'conll', prefer: 'inner' })).toEqual(ok('job-2'));
    expect(seen).toEqual([
      ['startImport', files, { format: 'auto', replace: true }],
      ['startExport', { format: 'conll', prefer: 'inner' }],
    ]);
    const job = await client.getJob('job-2');
    expect(job.ok && job.value.result?.files).toEqual([{ name: 'w.csv', mediaType: 'text/csv', text: 'a,b\n🌍' }]);
    expect(await client.listFormats()).toEqual(ok({ import: [{ name: 'jsonl', kind: 'annotations' }], export: [{ name: 'csv', layers: 'all' }] }));
  });

  it('opens a document with XMLHttpRequest as with fetch: the same value, spans made when read', async () => {
    const opener = xhrCaller({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}` }, fakeXhr())!;
    const client = createHttpApi({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}`, opener });
    const opened = await client.openDocument('doc-1');
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    // My layer arrived as columns: the table is there for the session, objects only when read.
    expect(spanTableOf(opened.value.mine)?.count).toBe(3);
    expect(opened).toEqual(ok(OPENED));
    expect(JSON.stringify(opened)).toBe(JSON.stringify(ok(OPENED)));
    expect(await client.openDocument('missing')).toEqual(fail('not-found', 'no document missing'));
    const wrong = xhrCaller({ token: 'wrong', baseUrl: `http://127.0.0.1:${server.port}` }, fakeXhr())!;
    expect(await wrong('openDocument', ['doc-1'])).toEqual(fail('forbidden', 'Missing or wrong access token'));
  });

  it('gets a forbidden Result with a wrong token, and the API is not called', async () => {
    const client = createHttpApi({ token: 'wrong', baseUrl: `http://127.0.0.1:${server.port}` });
    const result = await client.setAnnotator('mallory');
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(api.setAnnotator).not.toHaveBeenCalledWith('mallory');
  });

  it('gets invalid-input for arguments of the wrong shape', async () => {
    const client = createHttpApi({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}` });
    // A renderer bug (or hostile page) sending a number where a string belongs is refused in main.
    const result = await client.openDocument(42 as unknown as string);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!result.ok) expect(result.error.message).toContain('openDocument: argument 1');
  });
});
