// Browser mode over real HTTP: token, cookie, Host check, traversal, API dispatch and validation.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../src/core/api';
import type { GlossApi, LayerChange, OpenedDocument } from '../../src/core/api';
import { CodePointIndex } from '../../src/core/offsets';
import { isSpanTable, withLazySpanObjects } from '../../src/core/span-table';
import { DOWNLOAD_PATH, Downloads } from '../../src/main/downloads';
import { MAX_BODY_BYTES, MAX_IMPORT_BODY_BYTES, attachmentDisposition, bodyLimit, cookieName, resultJson, startServer } from '../../src/main/serve';
import type { RunningServer } from '../../src/main/serve';
import { fakeApi } from './fake-api';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function http(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { Host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

let root: string;
let rendererDir: string;
const INDEX = '<!doctype html><title>Gloss</title><script type="module" src="./assets/app.js"></script>';
const SECRET = 'top secret outside the renderer';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gloss-serve-test-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), INDEX);
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(rendererDir, '.hidden'), SECRET);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

let server: RunningServer | null = null;
let api: GlossApi;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(downloads?: Downloads): Promise<RunningServer> {
  api = fakeApi();
  server = await startServer({ api, rendererDir, port: 0, ...(downloads ? { downloads } : {}) });
  return server;
}

async function login(s: RunningServer): Promise<string> {
  const reply = await http(s.port, `/?token=${s.token}`);
  const setCookie = reply.headers['set-cookie']?.[0] ?? '';
  return setCookie.split(';')[0] ?? '';
}

function callApi(s: RunningServer, method: string, body: unknown, token = s.token): Promise<Reply> {
  return http(s.port, `/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gloss-Token': token },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('startServer', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying a long random token', async () => {
    const s = await start();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=${s.token}`);
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.port).toBeGreaterThan(0);
    const other = await startServer({ api: fakeApi(), rendererDir, port: 0 });
    try {
      expect(other.token).not.toBe(s.token);
      expect(other.port).not.toBe(s.port);
    } finally {
      await other.close();
    }
  });

  it('serves the app for the right token, with a strict session cookie and security headers', async () => {
    const s = await start();
    const reply = await http(s.port, `/?token=${s.token}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(INDEX);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    const cookie = reply.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain(`${cookieName(s.port)}=${s.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect(reply.headers['content-security-policy']).not.toContain('unsafe');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a wrong or missing token', async () => {
    const s = await start();
    const wrong = await http(s.port, `/?token=${s.token.slice(1)}x`);
    expect(wrong.status).toBe(403);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.body).not.toContain('<title>');
    const none = await http(s.port, '/');
    expect(none.status).toBe(403);
    expect(none.headers['content-security-policy']).toContain("default-src 'none'");
    expect(none.headers['x-content-type-options']).toBe('nosniff');
  });

  it('accepts Host 127.0.0.1:PORT and localhost:PORT, and nothing else (DNS rebinding)', async () => {
    const s = await start();
    const path = `/?token=${s.token}`;
    expect((await http(s.port, path, { headers: { Host: `localhost:${s.port}` } })).status).toBe(200);
    for (const host of ['evil.example', `evil.example:${s.port}`, '127.0.0.1', `127.0.0.1:${s.port + 1}`, `localhost.evil:${s.port}`]) {
      const reply = await http(s.port, path, { headers: { Host: host } });
      expect(reply.status, host).toBe(403);
      expect(reply.body, host).not.toContain('<title>');
    }
    const apiReply = await http(s.port, '/api/getSettings', {
      method: 'POST',
      headers: { Host: 'evil.example', 'Content-Type': 'application/json', 'X-Gloss-Token': s.token },
      body: '{"args":[]}',
    });
    expect(apiReply.status).toBe(403);
    expect(api.getSettings).not.toHaveBeenCalled();
  });

  it('serves static files only with the session cookie', async () => {
    const s = await start();
    expect((await http(s.port, '/assets/app.js')).status).toBe(403);
    expect((await http(s.port, '/assets/app.js', { headers: { Cookie: `${cookieName(s.port)}=nope` } })).status).toBe(403);
    const cookie = await login(s);
    const js = await http(s.port, '/assets/app.js', { headers: { Cookie: `other=1; ${cookie}` } });
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log("app");');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await http(s.port, '/assets/app.css', { headers: { Cookie: cookie } });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    // A reload of the app without the token in the URL works on the cookie alone.
    const again = await http(s.port, '/', { headers: { Cookie: cookie } });
    expect(again.status).toBe(200);
    expect(again.body).toBe(INDEX);
    expect((await http(s.port, '/nope.js', { headers: { Cookie: cookie } })).status).toBe(404);
    expect((await http(s.port, '/favicon.ico', { headers: { Cookie: cookie } })).status).toBe(204);
  });

  it('never serves a file outside the renderer folder', async () => {
    const s = await start();
    const cookie = await login(s);
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/link.txt',
      '/.hidden',
      '/assets/app.js%00.html',
      '/%E0%A4%A',
      '//etc/passwd',
      '/assets/',
      '/assets',
    ];
    for (const path of attempts) {
      const reply = await http(s.port, path, { headers: { Cookie: cookie } });
      expect(reply.body, path).not.toContain(SECRET);
      expect(reply.body, path).not.toContain('root:');
      expect([400, 403, 404], path).toContain(reply.status);
    }
  });

  it('answers API calls with the token header, as Result JSON, calling the API with the arguments', async () => {
    const s = await start();
    const reply = await callApi(s, 'setAnnotator', { args: ['bob'] });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: { annotator: 'bob' } });
    expect(api.setAnnotator).toHaveBeenCalledWith('bob');

    const changes: LayerChange[] = [
      { op: 'add', span: { id: 's1', label: 'Person', start: 75, end: 89 } },
      { op: 'update', spanId: 's1', patch: { note: 'checked' } },
      { op: 'status', status: 'done' },
      { op: 'remove', spanId: 's1' },
    ];
    const applied = await callApi(s, 'applyChanges', { args: ['doc-1', changes] });
    expect(JSON.parse(applied.body)).toMatchObject({ ok: true, value: { status: 'in-progress' } });
    expect(api.applyChanges).toHaveBeenCalledWith('doc-1', changes);

    const failed = await callApi(s, 'openDocument', { args: ['missing'] });
    expect(failed.status).toBe(200);
    expect(JSON.parse(failed.body)).toEqual({ ok: false, error: { code: 'not-found', message: 'no document missing' } });
  });

  it('refuses API calls without the right token header, even with the cookie', async () => {
    const s = await start();
    const cookie = await login(s);
    const noHeader = await http(s.port, '/api/getSettings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: '{"args":[]}',
    });
    expect(noHeader.status).toBe(403);
    expect(JSON.parse(noHeader.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const wrong = await callApi(s, 'getSettings', { args: [] }, 'x'.repeat(43));
    expect(wrong.status).toBe(403);
    expect(api.getSettings).not.toHaveBeenCalled();
  });

  it('rejects malformed API requests before they reach the API', async () => {
    const s = await start();
    const cases: { path: string; method?: string; type?: string; body: string; status: number; code: string }[] = [
      { path: '/api/getSettings', method: 'GET', body: '', status: 405, code: 'invalid-input' },
      { path: '/api/getSettings', type: 'text/plain', body: '{"args":[]}', status: 415, code: 'invalid-input' },
      { path: '/api/getSettings', body: '{"args":', status: 400, code: 'invalid-input' },
      { path: '/api/getSettings', body: '{"arguments":[]}', status: 400, code: 'invalid-input' },
      { path: '/api/getSettings', body: '[]', status: 400, code: 'invalid-input' },
      { path: '/api/deleteEverything', body: '{"args":[]}', status: 404, code: 'not-found' },
      { path: '/api/constructor', body: '{"args":[]}', status: 404, code: 'not-found' },
      { path: '/api/__proto__', body: '{"args":[]}', status: 404, code: 'not-found' },
      { path: '/api/openDocument', body: '{"args":[42]}', status: 200, code: 'invalid-input' },
      { path: '/api/openDocument', body: '{"args":[]}', status: 200, code: 'invalid-input' },
      { path: '/api/getSettings', body: '{"args":["extra"]}', status: 200, code: 'invalid-input' },
      {
        path: '/api/applyChanges',
        body: JSON.stringify({ args: ['d', [{ op: 'add', span: { id: 's', label: 'P', start: -1, end: 2 } }]] }),
        status: 200,
        code: 'invalid-input',
      },
      {
        path: '/api/applyChanges',
        body: JSON.stringify({ args: ['d', [{ op: 'explode' }]] }),
        status: 200,
        code: 'invalid-input',
      },
    ];
    for (const c of cases) {
      const reply = await http(s.port, c.path, {
        method: c.method ?? 'POST',
        headers: { 'Content-Type': c.type ?? 'application/json', 'X-Gloss-Token': s.token },
        body: c.method === 'GET' ? undefined : c.body,
      });
      const label = `${c.path} ${c.body}`;
      expect(reply.status, label).toBe(c.status);
      expect(JSON.parse(reply.body), label).toMatchObject({ ok: false, error: { code: c.code } });
    }
    for (const fn of Object.values(api)) expect(fn).not.toHaveBeenCalled();
  });

  it('refuses a request body over the limit', async () => {
    const s = await start();
    const big = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20);
    const reply = await http(s.port, '/api/getSettings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Gloss-Token': s.token },
      body: big,
    });
    expect(reply.status).toBe(413);
    expect(api.getSettings).not.toHaveBeenCalled();
  });

  it('takes a larger body for startImport only, and still a bounded one', () => {
    expect(bodyLimit('startImport')).toBe(MAX_IMPORT_BODY_BYTES);
    expect(bodyLimit('applyChanges')).toBe(MAX_BODY_BYTES);
    expect(bodyLimit('getJob')).toBe(MAX_BODY_BYTES);
    // The 256 MB of files in base64 fit; half a gigabyte does not.
    expect(MAX_IMPORT_BODY_BYTES).toBeGreaterThan(((256 * 1024 * 1024) / 3) * 4);
    expect(MAX_IMPORT_BODY_BYTES).toBeLessThan(400 * 1024 * 1024);
  });

  it('passes a startImport body over the ordinary limit through to the API', async () => {
    const s = await start();
    const dataBase64 = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x61).toString('base64');
    const reply = await callApi(s, 'startImport', { args: [[{ name: 'big.txt', dataBase64 }], { format: 'txt' }] });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: 'job-1' });
    expect(api.startImport).toHaveBeenCalledWith([{ name: 'big.txt', dataBase64 }], { format: 'txt' });
  });

  it('refuses at once a body declared larger than its method allows, without reading it', async () => {
    const s = await start();
    const declared = async (method: string, length: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: s.port,
            path: `/api/${method}`,
            method: 'POST',
            headers: {
              Host: `127.0.0.1:${s.port}`,
              'Content-Type': 'application/json',
              'X-Gloss-Token': s.token,
              'Content-Length': String(length),
            },
          },
          (res) => {
            resolve(res.statusCode ?? 0);
            res.resume();
            req.destroy();
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => {
          // The server may close the connection while the client still writes.
          if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
        });
        req.write('{"args":[');
      });
    expect(await declared('startImport', MAX_IMPORT_BODY_BYTES + 1)).toBe(413);
    expect(await declared('getSettings', MAX_BODY_BYTES + 1)).toBe(413);
    expect(api.startImport).not.toHaveBeenCalled();
    expect(api.getSettings).not.toHaveBeenCalled();
  });

  it('turns an API that throws into an internal error instead of a dropped connection', async () => {
    const s = await start();
    vi.mocked(api.listDocuments).mockRejectedValueOnce(new Error('disk on fire'));
    const reply = await callApi(s, 'listDocuments', { args: [] });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'listDocuments failed: disk on fire' },
    });
  });

  it('stops listening on close', async () => {
    const s = await start();
    await s.close();
    server = null;
    await expect(http(s.port, '/')).rejects.toThrow();
  });
});

describe('resultJson', () => {
  const document = { id: 'd', text: 'Text with “quotes” and 😀', blocks: [{ type: 'paragraph', start: 0, end: 25 }] };
  const layer = (annotator: string, spans: unknown[]) => ({ annotator, spans, status: 'todo' });
  const opened = (mine: object, others: object[]) => ok({ document, mine, others, problems: [{ severity: 'warning', message: 'm' }] } as unknown as OpenedDocument);

  it('writes an opened document as JSON.stringify would, but for the layers\' spans sent as columns', () => {
    const result = opened(layer('me', [{ id: 's1', label: 'Person' }]), [layer('bo', []), layer('cy', [{ id: 'x', note: 'n' }, { id: 'y' }])]);
    const sent = JSON.parse(resultJson(result, 'openDocument').toString('utf8'));
    expect(sent.value.mine.spans).toEqual({ count: 1, columns: [{ key: 'id', same: 's1' }, { key: 'label', same: 'Person' }] });
    expect(isSpanTable(sent.value.others[1].spans)).toBe(true);
    const decoded = { ...sent, value: { ...sent.value, mine: withLazySpanObjects(sent.value.mine), others: sent.value.others.map((l: object) => withLazySpanObjects(l)) } };
    expect(decoded).toEqual(JSON.parse(JSON.stringify(result)));
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(result));
    expect(resultJson(fail('not-found', 'no'), 'openDocument').toString('utf8')).toBe(JSON.stringify(fail('not-found', 'no')));
    expect(resultJson(ok([1, 2]), 'listDocuments').toString('utf8')).toBe('{"ok":true,"value":[1,2]}');
  });

  it('leaves out the quotes that are the text at their offsets, and the page puts them back', () => {
    const spans = [
      { id: 'a', label: 'Quote', start: 10, end: 18, quote: '“quotes”' },
      { id: 'b', label: 'Emoji', start: 23, end: 24, quote: '😀' },
      // An orphan, and one past the text: their quotes travel.
      { id: 'c', label: 'Quote', start: 0, end: 4, quote: 'Gone' },
      { id: 'd', label: 'Quote', start: 30, end: 34, quote: 'Away' },
    ];
    const result = opened(layer('me', spans), []);
    const sent = JSON.parse(resultJson(result, 'openDocument').toString('utf8'));
    expect(sent.value.mine.spans.columns.find((c: { key: string }) => c.key === 'quote')).toEqual({ key: 'quote', values: [null, null, 'Gone', 'Away'], fromText: true });
    const text = new CodePointIndex(document.text);
    expect(withLazySpanObjects(sent.value.mine, () => text)).toEqual(JSON.parse(JSON.stringify(result)).value.mine);
    expect(() => withLazySpanObjects(sent.value.mine).spans).toThrow(/no text was given/);
  });

  it('serialises a document or layer object once, and a changed layer (a new object) again', () => {
    const mine = layer('me', [{ id: 's1' }]);
    const first = resultJson(opened(mine, []), 'openDocument').toString('utf8');
    // The workspace never edits these objects in place; were it to, the JSON kept would show it.
    (mine.spans as unknown[]).push({ id: 'late' });
    expect(resultJson(opened(mine, []), 'openDocument').toString('utf8')).toBe(first);
    const changed = layer('me', [{ id: 's1' }, { id: 's2' }]);
    expect(JSON.parse(resultJson(opened(changed, []), 'openDocument').toString('utf8')).value.mine.spans.count).toBe(2);
  });
});

describe('downloads of exported files', () => {
  it('streams a kept file to the session only, as an attachment under its own name', async () => {
    const downloads = new Downloads({ tempDir: root });
    const content = 'document,label\r\nDigest 🌍,Person\r\n';
    const file = await downloads.add('Отчёт "Q1" 100%.csv', 'text/csv; charset=utf-8', async (write) => write(content));
    if (!('href' in file)) throw new Error('expected a kept file');
    const s = await start(downloads);
    expect((await http(s.port, file.href)).status).toBe(403);
    expect((await http(s.port, file.href, { headers: { Cookie: `${cookieName(s.port)}=nope` } })).status).toBe(403);
    const cookie = await login(s);
    const reply = await http(s.port, file.href, { headers: { Cookie: cookie } });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(content);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(content)));
    expect(reply.headers['content-disposition']).toBe(attachmentDisposition('Отчёт "Q1" 100%.csv'));
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['content-security-policy']).toBeDefined();
    const head = await http(s.port, file.href, { method: 'HEAD', headers: { Cookie: cookie } });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await http(s.port, file.href, { method: 'POST', headers: { Cookie: cookie } })).status).toBe(405);
    expect((await http(s.port, `${DOWNLOAD_PATH}0000`, { headers: { Cookie: cookie } })).status).toBe(404);
    expect((await http(s.port, `${DOWNLOAD_PATH}..%2Frenderer%2Findex.html`, { headers: { Cookie: cookie } })).status).toBe(404);
    // Gone once the downloads are closed (the server stops, or newer exports pushed it out).
    await downloads.close();
    expect((await http(s.port, file.href, { headers: { Cookie: cookie } })).status).toBe(404);
  });

  it('names the file plainly for old browsers and exactly for the others', () => {
    expect(attachmentDisposition('report.csv')).toBe(`attachment; filename="report.csv"; filename*=UTF-8''report.csv`);
    expect(attachmentDisposition('Отчёт "Q1" 100%;.csv')).toBe(
      `attachment; filename="_____ _Q1_ 100__.csv"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%22Q1%22%20100%25%3B.csv`,
    );
    expect(attachmentDisposition("it's (1).csv")).toBe(`attachment; filename="it's (1).csv"; filename*=UTF-8''it%27s%20%281%29.csv`);
  });
});

