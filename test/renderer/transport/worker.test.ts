// Browser mode's HTTP worker: the page side (worker.ts) and the worker side (httpWorker.ts) joined
// by a MessageChannel, as a Worker joins them in the page; with fake fetches (which side made
// which request) and against the real `gloss serve` server.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../../src/core/api';
import type { LayerChange } from '../../../src/core/api';
import { createHttpApi, httpCaller } from '../../../src/renderer/src/transport/http';
import { serveHttpCalls } from '../../../src/renderer/src/transport/httpWorker';
import { workerCaller } from '../../../src/renderer/src/transport/worker';
import type { WorkerAnswer, WorkerRequest } from '../../../src/renderer/src/transport/worker';
import { asScope, asWorker, closeLater, closePorts, savingServer } from './helpers';

afterEach(closePorts);

/** A fetch that answers every call with `answer` and records what it was asked. */
function recordingFetch(answer: unknown): { fetch: typeof fetch; calls: { url: string; token: string | null; body: unknown }[] } {
  const calls: { url: string; token: string | null; body: unknown }[] = [];
  return {
    calls,
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, token: new Headers(init.headers).get('X-Gloss-Token'), body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify(answer), { status: 200 });
    }) as typeof fetch,
  };
}

const SAVED = { changed: [], removed: [], spanCount: 1, status: 'in-progress', updatedAt: '2024-05-01T10:00:00.000Z', comments: [] };
const CHANGES: LayerChange[] = [{ op: 'add', span: { id: 's1', label: 'Money', start: 0, end: 3, attributes: { currency: '€' }, note: '𝟑' } }];

describe('HTTP calls made in a worker', () => {
  it('makes every call but openDocument in the worker, with the token it was told once', async () => {
    const { port1, port2 } = new MessageChannel();
    const inWorker = recordingFetch(ok(SAVED));
    const inPage = recordingFetch(fail('not-found', 'no document d'));
    serveHttpCalls(asScope(port2), { fetch: inWorker.fetch });
    const here = httpCaller({ token: 'tok', fetch: inPage.fetch });
    const api = createHttpApi({ token: 'tok', fetch: inPage.fetch, offload: workerCaller(asWorker(port1), { token: 'tok' }, here) });

    expect(await api.applyChanges('d', CHANGES, '2024-05-01T09:00:00.000Z')).toEqual(ok(SAVED));
    expect(await api.openDocument('d')).toEqual(fail('not-found', 'no document d'));
    expect(inWorker.calls).toEqual([{ url: '/api/applyChanges', token: 'tok', body: { args: ['d', CHANGES, '2024-05-01T09:00:00.000Z'] } }]);
    expect(inPage.calls).toEqual([{ url: '/api/openDocument', token: 'tok', body: { args: ['d'] } }]);
  });

  it('answers each call with its own Result when several are in flight', async () => {
    const { port1, port2 } = new MessageChannel();
    // The worker's fetch answers the second call first.
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    serveHttpCalls(asScope(port2), { fetch: (async (url: string) => {
      if (url.endsWith('/getSettings')) await firstHeld;
      return new Response(JSON.stringify(ok(url.endsWith('/getSettings') ? { annotator: 'ann' } : [])), { status: 200 });
    }) as typeof fetch });
    const call = workerCaller(asWorker(port1), { token: 't' }, httpCaller({ token: 't', fetch: recordingFetch(null).fetch }));
    const first = call('getSettings', []);
    const second = await call('listDocuments', []);
    expect(second).toEqual(ok([]));
    releaseFirst();
    expect(await first).toEqual(ok({ annotator: 'ann' }));
  });

  it('makes the calls in the page when the worker cannot start (nothing was sent)', async () => {
    const { port1 } = new MessageChannel();
    const worker = asWorker(port1);
    const inPage = recordingFetch(ok(SAVED));
    const call = workerCaller(worker, { token: 't' }, httpCaller({ token: 't', fetch: inPage.fetch }));
    const pending = call('applyChanges', ['d', CHANGES]);
    worker.fire('error', { message: 'Failed to load worker script' });
    expect(await pending).toEqual(ok(SAVED));
    expect(await call('getSettings', [])).toEqual(ok(SAVED));
    expect(inPage.calls.map((c) => c.url)).toEqual(['/api/applyChanges', '/api/getSettings']);
  });

  it('fails the calls in flight as a lost connection when a running worker stops, and goes on in the page', async () => {
    const { port1, port2 } = new MessageChannel();
    const worker = asWorker(port1);
    // A worker that says it runs and never answers.
    closeLater(port2);
    port2.postMessage({ kind: 'ready' } satisfies WorkerAnswer);
    const inPage = recordingFetch(ok({ annotator: 'a' }));
    const call = workerCaller(worker, { token: 't' }, httpCaller({ token: 't', fetch: inPage.fetch }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const pending = call('applyChanges', ['d', CHANGES]);
    worker.fire('error', { message: 'out of memory' });
    const result = await pending;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('io');
      expect(result.error.message).toContain('out of memory');
      expect(result.error.message).toContain('may or may not have been made');
    }
    // Not re-sent in the page: it may have reached the server.
    expect(inPage.calls).toEqual([]);
    expect(await call('getSettings', [])).toEqual(ok({ annotator: 'a' }));
  });

  it('ignores messages that are not answers, and answers to no call', async () => {
    const { port1, port2 } = new MessageChannel();
    closeLater(port2);
    const call = workerCaller(asWorker(port1), { token: 't' }, httpCaller({ token: 't', fetch: recordingFetch(null).fetch }));
    const requests: WorkerRequest[] = [];
    port2.on('message', (request: WorkerRequest) => {
      requests.push(request);
      if (request.kind !== 'call') return;
      port2.postMessage('hello');
      port2.postMessage({ kind: 'result', id: 'x', result: ok(1) });
      port2.postMessage({ kind: 'result', id: request.id + 100, result: ok(2) });
      port2.postMessage({ kind: 'result', id: request.id, result: ok(3) });
    });
    expect(await call('getSettings', [])).toEqual(ok(3));
    expect(requests).toEqual([
      { kind: 'init', token: 't', baseUrl: '' },
      { kind: 'call', id: 1, method: 'getSettings', args: [] },
    ]);
  });

  it('saves through the real server', async () => {
    const { server, seen, stop } = await savingServer(SAVED);
    try {
      const { port1, port2 } = new MessageChannel();
      serveHttpCalls(asScope(port2));
      const baseUrl = `http://127.0.0.1:${server.port}`;
      const client = createHttpApi({ token: server.token, baseUrl, offload: workerCaller(asWorker(port1), { token: server.token, baseUrl }, httpCaller({ token: server.token, baseUrl })) });
      expect(await client.applyChanges('doc-1', CHANGES)).toEqual(ok(SAVED));
      expect(seen).toEqual([['doc-1', CHANGES]]);
    } finally {
      await stop();
    }
  });
});
