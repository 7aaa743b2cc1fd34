// @vitest-environment happy-dom
// Import… and Export… in the app over the in-memory API: files from the picker or a drop open the
// import dialog; the job's progress and outcome show; a finished import refreshes the document
// list; the export dialog sends the options chosen and saves the files the job made.

import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../../src/core/api';
import type { GlossShell, JobFile, JobStatus, Result } from '../../../src/core/api';
import type { SaveFile, SavedFile } from '../../../src/renderer/src/app/transfer';
import { App } from '../../../src/renderer/src/app/App';
import { ExportDialog } from '../../../src/renderer/src/app/ExportDialog';
import { FAKE_FORMATS, createFakeApi, plainDocument } from '../session/fakeApi';
import type { FakeApi } from '../session/fakeApi';
import { rootPerTest } from './reactRoot';

const dom = rootPerTest();

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let api: FakeApi;

beforeEach(async () => {
  api = createFakeApi([await plainDocument('alpha', 'Emomali Rahmon met Vladimir Putin.')]);
  window.history.replaceState(null, '', '/');
});


async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

const $ = (selector: string): HTMLElement | null => dom.container.querySelector(selector);

async function click(selector: string): Promise<void> {
  const element = $(selector);
  if (!element) throw new Error(`no ${selector}`);
  await act(async () => element.click());
  await settle();
}

async function choose(selector: string, value: string): Promise<void> {
  const select = $(selector) as HTMLSelectElement;
  await act(async () => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** The file picker answering with `files`, as after a click on Import…. */
async function pick(files: File[]): Promise<void> {
  const input = $('[data-testid=import-input]') as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

const done = (extra: Partial<JobStatus> = {}): JobStatus => ({
  id: 'job-1',
  kind: 'import',
  state: 'done',
  done: 1,
  total: 1,
  phase: 'done',
  result: { summary: ['Imported 1 file: 1 new document, 2 spans added.', 'digest.jsonl (jsonl): 1 document created'], notices: ['digest.jsonl: added to the workspace schema: label "Company"'] },
  ...extra,
});

describe('Import…', () => {
  it('opens the picker from the top bar button', async () => {
    await act(async () => dom.root.render(<App api={api} shell={null} />));
    await settle();
    const input = $('[data-testid=import-input]') as HTMLInputElement;
    const opened = vi.fn();
    input.addEventListener('click', opened);
    await click('[data-testid=import-button]');
    expect(opened).toHaveBeenCalledOnce();
    expect(input.type).toBe('file');
    expect(input.multiple).toBe(true);
  });

  it('imports the files picked with the options chosen, shows the outcome and refreshes the list', async () => {
    await act(async () => dom.root.render(<App api={api} shell={null} />));
    await settle();
    await pick([new File(['{"text":"🌍"}\n'], 'digest.jsonl')]);
    const dialog = $('[data-testid=import-dialog]');
    expect(dialog?.textContent).toContain('digest.jsonl');
    expect(($('[data-testid=import-format]') as HTMLSelectElement).value).toBe('auto');
    expect([...($('[data-testid=import-format]') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['auto', 'txt', 'md', 'jsonl', 'brat']);
    expect(($('[data-testid=import-annotator]') as HTMLInputElement).value).toBe('me');
    // The app behind the dialog takes no clicks or focus.
    expect($('.gl-app')?.hasAttribute('inert')).toBe(true);

    await choose('[data-testid=import-format]', 'jsonl');
    await act(async () => ($('[data-testid=import-strict]') as HTMLInputElement).click());
    const imported = await plainDocument('digest', '🌍');
    api.jobAnswers = [ok({ ...done(), state: 'running', done: 1, total: 4, phase: 'reading files' }), ok(done())];
    const getJob = api.getJob.bind(api);
    api.getJob = async (id) => {
      const answer = await getJob(id);
      // The workspace has the new document once the job says it is done.
      if (answer.ok && answer.value.state === 'done' && !api.documents.includes(imported)) api.documents.push(imported);
      return answer;
    };
    await click('[data-testid=import-start]');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await settle();

    expect(api.jobCalls).toEqual([
      { method: 'startImport', files: [{ name: 'digest.jsonl', dataBase64: btoa('{"text":"\u00f0\u009f\u008c\u008d"}\n') }], options: { format: 'jsonl', strict: true } },
    ]);
    const result = $('[data-testid=job-result]');
    expect(result?.getAttribute('data-state')).toBe('done');
    expect(result?.textContent).toContain('Imported 1 file: 1 new document, 2 spans added.');
    expect(result?.textContent).toContain('added to the workspace schema');
    expect($('[data-testid=progress]')).toBeNull();
    expect($('[data-doc-id=digest]')).not.toBeNull();

    await click('[data-testid=import-close]');
    expect($('[data-testid=import-dialog]')).toBeNull();
    expect($('.gl-app')?.hasAttribute('inert')).toBe(false);
  });

  it('shows the progress bar while the job runs', async () => {
    await act(async () => dom.root.render(<App api={api} shell={null} />));
    await settle();
    await pick([new File(['x'], 'a.txt')]);
    api.jobAnswers = [ok({ ...done(), state: 'running', done: 3, total: 4, phase: 'checking documents' })];
    await click('[data-testid=import-start]');
    const bar = $('[data-testid=progress]');
    expect(bar?.getAttribute('role')).toBe('progressbar');
    expect(bar?.getAttribute('aria-valuenow')).toBe('75');
    expect($('[data-testid=import-dialog]')?.textContent).toContain('Checking documents…3 of 4');
    expect(($('[data-testid=import-start]') as HTMLButtonElement).disabled).toBe(true);
    // Escape does not close a dialog whose job is running.
    await act(async () => {
      $('[data-testid=import-dialog]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect($('[data-testid=import-dialog]')).not.toBeNull();
    // Let the poll loop end before the test does.
    api.jobAnswers = [ok(done())];
    await new Promise((resolve) => setTimeout(resolve, 200));
    await settle();
  });

  it('says clearly which file and line failed, and that nothing was imported', async () => {
    await act(async () => dom.root.render(<App api={api} shell={null} />));
    await settle();
    await pick([new File(['{"text": broken'], 'broken.jsonl')]);
    api.jobAnswers = [ok({ ...done(), state: 'failed', phase: 'failed', result: undefined, error: { file: 'broken.jsonl', line: 2, message: 'not valid JSON' } })];
    await click('[data-testid=import-start]');
    const result = $('[data-testid=job-result]');
    expect(result?.getAttribute('data-state')).toBe('failed');
    expect(result?.textContent).toBe('Nothing was imported; the workspace is unchanged.broken.jsonl, line 2: not valid JSON');
    expect(api.documents.map((d) => d.id)).toEqual(['alpha']);
  });

  it('opens the import dialog for files dropped anywhere on the window', async () => {
    await act(async () => dom.root.render(<App api={api} shell={null} />));
    await settle();
    const files = [new File(['a'], 'one.txt'), new File(['b'], 'two.md')];
    // happy-dom's DataTransfer does not list "Files" among its types; Chromium's does.
    const dataTransfer = { types: ['Files'], files, dropEffect: 'none' } as unknown as DataTransfer;
    const target = $('[data-testid=doc-list]')!;
    // happy-dom's DragEvent drops the dataTransfer it is given: set it as Chromium would.
    const dragEvent = (type: string): DragEvent => {
      const event = new DragEvent(type, { bubbles: true, cancelable: true });
      Object.defineProperty(event, 'dataTransfer', { value: dataTransfer });
      return event;
    };
    await act(async () => {
      target.dispatchEvent(dragEvent('dragenter'));
    });
    expect($('[data-testid=drop-overlay]')?.textContent).toContain('Drop files to import');
    let drop: DragEvent | null = null;
    await act(async () => {
      drop = dragEvent('drop');
      target.dispatchEvent(drop);
    });
    await settle();
    expect(drop!.defaultPrevented).toBe(true);
    expect($('[data-testid=drop-overlay]')).toBeNull();
    expect($('[data-testid=import-dialog]')?.textContent).toContain('Import 2 files');
    expect([...dom.container.querySelectorAll('[data-testid=import-files] li')].map((li) => li.textContent)).toEqual(['one.txt1 byte', 'two.md1 byte']);
  });

  it('offers no import in a read-only workspace', async () => {
    api.readOnly = true;
    await act(async () => dom.root.render(<App api={api} shell={null} />));
    await settle();
    const button = $('[data-testid=import-button]') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe('This workspace is open read-only');
    expect(($('[data-testid=export-button]') as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('Export…', () => {
  const downloaded = async (): Promise<SavedFile> => ({ kind: 'downloaded' });

  async function renderDialog(save: SaveFile, colleagues: string[] = []): Promise<void> {
    await act(async () =>
      dom.root.render(<ExportDialog api={api} me="me" colleagues={colleagues} formats={FAKE_FORMATS.export} onBusyChange={() => undefined} onClose={() => undefined} save={save} />),
    );
    await settle();
  }

  const exported = (files: JobFile[]): JobStatus => ({
    id: 'job-1',
    kind: 'export',
    state: 'done',
    done: 1,
    total: 1,
    phase: 'done',
    result: { summary: ['Exported 1 document, 2 spans of me as JSONL'], notices: [], files },
  });

  it('exports every layer by default where the format holds them, and saves the file made', async () => {
    const save = vi.fn(downloaded);
    await renderDialog(save, ['bob']);
    expect(($('[data-testid=export-format]') as HTMLSelectElement).value).toBe('gloss');
    expect(($('[data-testid=export-annotator]') as HTMLSelectElement).value).toBe('all');
    const file: JobFile = { name: 'test.gloss.json', mediaType: 'application/json', text: '{}' };
    api.jobAnswers = [ok(exported([file]))];
    await click('[data-testid=export-start]');
    expect(api.jobCalls).toEqual([{ method: 'startExport', options: { format: 'gloss' } }]);
    expect(save).toHaveBeenCalledWith(file);
    expect($('[data-testid=job-result]')?.textContent).toContain('Downloaded test.gloss.json');
    expect($('.gl-job-file-row button')?.textContent).toBe('Download again');
    await click('.gl-job-file-row button');
    expect(save).toHaveBeenCalledTimes(2);
  });

  it('takes my layer for a format of one layer per document', async () => {
    await renderDialog(downloaded, ['bob']);
    await choose('[data-testid=export-format]', 'jsonl');
    const whose = $('[data-testid=export-annotator]') as HTMLSelectElement;
    expect(whose.value).toBe('mine');
    expect([...whose.options].find((o) => o.value === 'all')?.disabled).toBe(true);
    expect([...whose.options].map((o) => o.value)).toEqual(['all', 'mine', 'curated', 'layer:bob']);
    api.jobAnswers = [ok(exported([]))];
    await click('[data-testid=export-start]');
    expect(api.jobCalls).toEqual([{ method: 'startExport', options: { format: 'jsonl', annotator: 'me' } }]);
    expect($('[data-testid=export-prefer]')).toBeNull();
  });

  it('sends a colleague’s name, the curation layer and the CoNLL preference', async () => {
    await renderDialog(downloaded, ['bob']);
    await choose('[data-testid=export-format]', 'conll');
    await choose('[data-testid=export-annotator]', 'layer:bob');
    await choose('[data-testid=export-prefer]', 'inner');
    api.jobAnswers = [ok(exported([]))];
    await click('[data-testid=export-start]');
    expect(api.jobCalls.at(-1)).toEqual({ method: 'startExport', options: { format: 'conll', annotator: 'bob', prefer: 'inner' } });
  });

  it('in Electron saves the kept file through the shell’s save dialog and says where, or that it was not saved', async () => {
    const saveFile = vi.fn(async (_href: string): Promise<Result<string | null>> => ok('/home/me/Documents/test.csv'));
    const shell: GlossShell = { onCommand: () => () => undefined, saveFile };
    await act(async () => dom.root.render(<App api={api} shell={shell} />));
    await settle();
    await click('[data-testid=export-button]');
    await choose('[data-testid=export-format]', 'csv');
    const file: JobFile = { name: 'test.csv', mediaType: 'text/csv; charset=utf-8', size: 120, href: '/download/6d3b1e0c-1f9a-4d55-9a43-0d1b2c3d4e5f' };
    api.jobAnswers = [ok(exported([file]))];
    await click('[data-testid=export-start]');
    expect(saveFile.mock.calls).toEqual([[file.href]]);
    const row = (): string => $('[data-testid=export-file]')?.textContent ?? '';
    expect(row()).toBe('Saved /home/me/Documents/test.csvSave again…');
    // Cancelled in the dialog, then refused by the disk: said so, and the file can be saved again.
    saveFile.mockResolvedValueOnce(ok(null));
    await click('[data-testid=export-file] button');
    expect(row()).toBe('test.csv was not savedSave…');
    saveFile.mockResolvedValueOnce(fail('io', 'Cannot write /media/usb/test.csv: EROFS'));
    await click('[data-testid=export-file] button');
    expect($('[data-testid=export-file] [role=alert]')?.textContent).toBe('test.csv was not saved: Cannot write /media/usb/test.csv: EROFS');
    expect(saveFile).toHaveBeenCalledTimes(3);
  });

  it('says why an export failed', async () => {
    await renderDialog(downloaded);
    await choose('[data-testid=export-annotator]', 'curated');
    api.startAnswer = { ok: false, error: { code: 'io', message: 'disk full' } };
    await click('[data-testid=export-start]');
    expect(api.jobCalls.at(-1)).toEqual({ method: 'startExport', options: { format: 'gloss', curated: true } });
    expect($('[data-testid=job-result]')?.textContent).toBe('The export failed; nothing was saved.disk full');
  });
});
