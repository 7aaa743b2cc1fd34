// @vitest-environment happy-dom
// The renderer's side of Import… and Export…: following a job to its end, reading files to
// base64, refusing uploads over the limits before sending, and turning job files into Blobs.

import { describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../../src/core/api';
import type { JobStatus, Result } from '../../../src/core/api';
import { carriesFiles, downloadFile, fileSaver, formatSize, jobFileBlob, readFileBase64, runJob, toImportFiles, uploadProblem } from '../../../src/renderer/src/app/transfer';
import { createFakeApi } from '../session/fakeApi';

const running = (done: number, total: number, phase = 'reading files'): JobStatus => ({ id: 'job-1', kind: 'import', state: 'running', done, total, phase });

describe('runJob', () => {
  it('polls until the job has finished, reporting every state on the way', async () => {
    const api = createFakeApi([]);
    const final: JobStatus = { ...running(3, 3), state: 'done', phase: 'done', result: { summary: ['Imported 3 files.'], notices: [] } };
    api.jobAnswers = [ok(running(0, 3)), ok(running(2, 3)), ok(final)];
    const seen: string[] = [];
    const sleeps: number[] = [];
    const status = await runJob('import', api, () => api.startImport([{ name: 'a.txt', dataBase64: 'YQ==' }], { format: 'auto' }), {
      onUpdate: (s) => seen.push(`${s.state} ${s.done}/${s.total}`),
      sleep: async (ms) => void sleeps.push(ms),
      pollMs: 40,
    });
    expect(status).toEqual(final);
    expect(seen).toEqual(['running 0/3', 'running 2/3', 'done 3/3']);
    expect(sleeps).toEqual([40, 40]);
  });

  it('ends as a failed job when the job cannot start, or cannot be followed', async () => {
    const api = createFakeApi([]);
    api.startAnswer = fail('read-only', 'workspace /ws is open read-only');
    const refused = await runJob('export', api, () => api.startExport({ format: 'csv' }));
    expect(refused).toMatchObject({ kind: 'export', state: 'failed', error: { message: 'workspace /ws is open read-only' } });

    api.startAnswer = null;
    api.jobAnswers = [fail('io', 'Cannot reach the Gloss server')];
    const lost = await runJob('export', api, () => api.startExport({ format: 'csv' }), { sleep: async () => undefined });
    expect(lost).toMatchObject({ id: 'job-1', state: 'failed', error: { message: 'Cannot reach the Gloss server' } });
  });
});

describe('files', () => {
  it('reads a file as base64 of its bytes, emoji and all', async () => {
    const text = 'Digest 🌍 𝟐𝟎𝟐𝟕\n';
    const b64 = await readFileBase64(new File([text], 'digest.jsonl'));
    expect(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))).toBe(text);
    expect(await readFileBase64(new File([], 'empty.txt'))).toBe('');
    expect(await toImportFiles([new File(['ab'], 'x.txt')])).toEqual([{ name: 'x.txt', dataBase64: 'YWI=' }]);
  });

  it('refuses uploads over the limits before sending them, naming the file', () => {
    expect(uploadProblem([{ name: 'a.txt', size: 10 }])).toBeNull();
    expect(uploadProblem([])).toBe('No files to import.');
    expect(uploadProblem([{ name: 'huge.pdf', size: 300 * 1024 * 1024 }])).toBe('huge.pdf is 300 MB, over the import limit of 200 MB per file.');
    const many = Array.from({ length: 2 }, (_, i) => ({ name: `part-${i}.txt`, size: 150 * 1024 * 1024 }));
    expect(uploadProblem(many)).toContain('over the limit of 256 MB per import');
  });

  it('turns text and base64 job files into Blobs of their media type', async () => {
    const text = jobFileBlob({ name: 'w.csv', mediaType: 'text/csv; charset=utf-8', text: 'a,🌍\r\n' });
    expect(text.type).toBe('text/csv; charset=utf-8');
    expect(await text.text()).toBe('a,🌍\r\n');
    const zip = jobFileBlob({ name: 'w.zip', mediaType: 'application/zip', contentBase64: btoa('PK\u0003\u0004\u00ff') });
    expect([...new Uint8Array(await zip.arrayBuffer())]).toEqual([0x50, 0x4b, 3, 4, 0xff]);
  });

  it('downloads a file the server keeps from its address, and an inline one from a Blob', () => {
    const clicked: { href: string; download: string; inPage: boolean }[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download, inPage: document.body.contains(this) });
    };
    try {
      downloadFile({ name: 'corpus.w3c.jsonld', mediaType: 'application/ld+json', size: 181_000_000, href: '/download/3f2a' });
      downloadFile({ name: 'w.csv', mediaType: 'text/csv', text: 'a,b' });
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    expect(clicked[0]).toEqual({ href: '/download/3f2a', download: 'corpus.w3c.jsonld', inPage: true });
    expect(clicked[1]!.href.startsWith('blob:')).toBe(true);
    expect(clicked[1]!.download).toBe('w.csv');
    // The links are gone from the page once clicked.
    expect(document.querySelectorAll('a[download]')).toHaveLength(0);
  });

  it('saves a kept file through the Electron shell, and downloads in the browser or when the file is inline', async () => {
    const clicked: string[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    };
    const kept = { name: 'corpus.w3c.jsonld', mediaType: 'application/ld+json', size: 181_000_000, href: '/download/3f2a' };
    const inline = { name: 'w.csv', mediaType: 'text/csv', text: 'a,b' };
    const saveFile = vi.fn(async (_href: string): Promise<Result<string | null>> => ok('/home/me/Documents/corpus.w3c.jsonld'));
    try {
      const electron = fileSaver({ saveFile });
      expect(await electron(kept)).toEqual({ kind: 'saved', path: '/home/me/Documents/corpus.w3c.jsonld' });
      expect(saveFile).toHaveBeenCalledWith('/download/3f2a');
      saveFile.mockResolvedValueOnce(ok(null));
      expect(await electron(kept)).toEqual({ kind: 'cancelled' });
      saveFile.mockResolvedValueOnce(fail('io', 'Cannot write /media/usb/x.jsonld: EROFS'));
      expect(await electron(kept)).toEqual({ kind: 'failed', message: 'Cannot write /media/usb/x.jsonld: EROFS' });
      expect(clicked).toEqual([]);
      // An inline file has nothing for main to copy: the page's own download takes it.
      expect(await electron(inline)).toEqual({ kind: 'downloaded' });
      expect(await fileSaver(null)(kept)).toEqual({ kind: 'downloaded' });
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    expect(saveFile).toHaveBeenCalledTimes(3);
    expect(clicked).toEqual(['w.csv', 'corpus.w3c.jsonld']);
  });

  it('writes sizes for people', () => {
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(900)).toBe('900 bytes');
    expect(formatSize(2048)).toBe('2 KB');
    expect(formatSize(5 * 1024 * 1024)).toBe('5.0 MB');
  });

  it('tells a drag of files from a drag of text', () => {
    // As Chromium lists them (happy-dom's DataTransfer does not list "Files").
    const drag = (types: string[]): DataTransfer => ({ types }) as unknown as DataTransfer;
    expect(carriesFiles(drag(['Files']))).toBe(true);
    expect(carriesFiles(drag(['text/plain', 'text/html']))).toBe(false);
    expect(carriesFiles(null)).toBe(false);
  });
});
