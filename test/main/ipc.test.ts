// IPC with a fake `electron`: every GlossApi method and saving a file is registered, only our
// window's main frame showing our page is answered, and arguments are checked before use.
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GLOSS_API_METHODS, fail, ok } from '../../src/core/api';
import type { GlossApi, Result } from '../../src/core/api';
import { fakeApi } from './fake-api';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>;

const fake = vi.hoisted(() => {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    ipcMain: {
      handle: vi.fn((channel: string, handler: Handler) => {
        // Electron refuses a second handler on one channel; so does the fake.
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => {
        handlers.delete(channel);
      }),
    },
  };
});

vi.mock('electron', () => ({ ipcMain: fake.ipcMain }));

const { isTrustedSender, setupIpc } = await import('../../src/main/ipc');
const { RENDERER_URL } = await import('../../src/main/window');

interface FakeFrame {
  processId: number;
  routingId: number;
  url: string;
}

interface FakeContents {
  id: number;
  mainFrame: FakeFrame;
  destroyed: boolean;
  isDestroyed(): boolean;
}

function contents(id: number, url = RENDERER_URL): FakeContents {
  const c: FakeContents = {
    id,
    mainFrame: { processId: 7, routingId: 1, url },
    destroyed: false,
    isDestroyed: () => c.destroyed,
  };
  return c;
}

const asContents = (c: FakeContents | null): WebContents | null => c as unknown as WebContents | null;

function eventFrom(sender: FakeContents, frame: FakeFrame | null = sender.mainFrame): IpcMainInvokeEvent {
  return { sender, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

function call(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Result<unknown>> {
  const handler = fake.handlers.get(channel);
  if (!handler) throw new Error(`no handler on ${channel}`);
  return handler(event, ...args);
}

let ours: FakeContents;
let api: GlossApi;
let apiResult: Result<GlossApi>;
let warnings: string[];
let dispose: () => void;
const saveFile = vi.fn(async (href: string): Promise<Result<string | null>> => ok(`/home/tester/Documents/${href.slice(-4)}.csv`));

beforeEach(() => {
  ours = contents(1);
  api = fakeApi();
  apiResult = ok(api);
  warnings = [];
  dispose = setupIpc({
    getApi: () => apiResult,
    trustedContents: () => asContents(ours),
    warn: (m) => warnings.push(m),
    saveFile,
  });
});

afterEach(() => {
  dispose();
  vi.clearAllMocks();
});

describe('setupIpc registration', () => {
  it('registers one handler per GlossApi method on gloss:<method> and gloss:save-file, and nothing else', () => {
    expect([...fake.handlers.keys()].sort()).toEqual([...GLOSS_API_METHODS.map((m) => `gloss:${m}`), 'gloss:save-file'].sort());
    expect(fake.ipcMain.handle).toHaveBeenCalledTimes(GLOSS_API_METHODS.length + 1);
  });

  it('removes every handler on dispose, so it can be set up again', () => {
    dispose();
    expect(fake.handlers.size).toBe(0);
    dispose = setupIpc({ getApi: () => apiResult, trustedContents: () => asContents(ours), saveFile });
    expect(fake.handlers.size).toBe(GLOSS_API_METHODS.length + 1);
  });
});

describe('calls from our window', () => {
  it('reach the API with their arguments and answer its Result', async () => {
    expect(await call('gloss:getSettings', eventFrom(ours))).toEqual(ok({ annotator: 'alice' }));
    expect(await call('gloss:openDocument', eventFrom(ours), 'doc-1')).toEqual(fail('not-found', 'no document doc-1'));
    expect(api.openDocument).toHaveBeenCalledWith('doc-1');
    const changes = [{ op: 'add', span: { id: 's1', label: 'Person', start: 75, end: 89 } }];
    await call('gloss:applyChanges', eventFrom(ours), 'doc-1', changes);
    expect(api.applyChanges).toHaveBeenCalledWith('doc-1', changes);
    expect(warnings).toEqual([]);
  });

  it('are answered with the reason when no workspace is open', async () => {
    apiResult = fail('not-found', 'Cannot open workspace /x: no gloss.json');
    expect(await call('gloss:listDocuments', eventFrom(ours))).toEqual(apiResult);
  });

  it('get an internal error Result when the API throws', async () => {
    vi.mocked(api.listDocuments).mockRejectedValueOnce(new Error('boom'));
    expect(await call('gloss:listDocuments', eventFrom(ours))).toEqual(fail('internal', 'listDocuments failed: boom'));
  });

  it('are accepted from another wrapper object of the same main frame', async () => {
    const sameFrame: FakeFrame = { ...ours.mainFrame };
    expect(await call('gloss:getSettings', eventFrom(ours, sameFrame))).toEqual(ok({ annotator: 'alice' }));
  });
});

describe('the sender check', () => {
  const refused = async (event: IpcMainInvokeEvent): Promise<void> => {
    for (const method of GLOSS_API_METHODS) {
      const result = await call(`gloss:${method}`, event);
      expect(result, method).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const save = await call('gloss:save-file', event, '/download/0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(save).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'saveFile: this frame may not use the Gloss API' } });
    for (const fn of Object.values(api)) expect(fn).not.toHaveBeenCalled();
    expect(saveFile).not.toHaveBeenCalled();
    expect(warnings.length).toBe(GLOSS_API_METHODS.length + 1);
  };

  it('refuses another WebContents, even one showing our page', async () => {
    await refused(eventFrom(contents(2)));
  });

  it('refuses a subframe of our window', async () => {
    await refused(eventFrom(ours, { processId: 7, routingId: 2, url: RENDERER_URL }));
  });

  it('refuses a frame of another process with the same routing id', async () => {
    await refused(eventFrom(ours, { processId: 8, routingId: 1, url: RENDERER_URL }));
  });

  it('refuses our main frame once it shows anything but our page', async () => {
    for (const url of [
      'https://evil.example/index.html',
      'file:///work/main/out/renderer/index.html',
      'gloss://app/other.html',
      'gloss://evil/index.html',
      'gloss://user@app/index.html',
      'about:blank',
      '',
    ]) {
      ours.mainFrame.url = url;
      expect(isTrustedSender(eventFrom(ours), asContents(ours)), url).toBe(false);
    }
    await refused(eventFrom(ours));
  });

  it('refuses a message whose frame is gone', async () => {
    await refused(eventFrom(ours, null));
  });

  it('refuses everything while there is no window, or once it is destroyed', async () => {
    expect(isTrustedSender(eventFrom(ours), null)).toBe(false);
    ours.destroyed = true;
    await refused(eventFrom(ours));
  });

  it('accepts our page with a query or hash', () => {
    ours.mainFrame.url = `${RENDERER_URL}#doc-1`;
    expect(isTrustedSender(eventFrom(ours), asContents(ours))).toBe(true);
  });
});

describe('argument validation', () => {
  const invalid: [string, unknown[]][] = [
    ['openDocument', []],
    ['openDocument', [42]],
    ['openDocument', ['']],
    ['openDocument', ['doc-1', 'extra']],
    ['getSettings', ['unexpected']],
    ['listDocuments', [{}]],
    ['setAnnotator', [{ name: 'alice' }]],
    ['setAnnotator', ['']],
    ['applyChanges', ['doc-1']],
    ['applyChanges', ['doc-1', 'not a list']],
    ['applyChanges', ['doc-1', [{ op: 'add', span: { id: 's', label: 'Person', start: '1', end: 4 } }]]],
    ['applyChanges', ['doc-1', [{ op: 'add', span: { id: 's', label: 'Person', start: 1.5, end: 4 } }]]],
    ['applyChanges', ['doc-1', [{ op: 'add', span: { id: 's', label: 'Person', start: 1, end: 4, quote: 'x' } }]]],
    ['applyChanges', ['doc-1', [{ op: 'add', span: { id: 's', label: 'Money', start: 1, end: 4, attributes: { value: {} } } }]]],
    ['applyChanges', ['doc-1', [{ op: 'update', spanId: 's', patch: { start: 3 } }]]],
    ['applyChanges', ['doc-1', [{ op: 'status', status: 'finished' }]]],
    ['applyChanges', ['doc-1', [{ op: 'drop-table' }]]],
    ['applyChanges', ['doc-1', [null]]],
    ['applyChanges', ['doc-1', Array.from({ length: 10_001 }, () => ({ op: 'remove', spanId: 's' }))]],
    ['listFormats', ['extra']],
    ['startImport', []],
    ['startImport', [[], { format: 'auto' }]],
    ['startImport', [[{ name: 'a.txt', dataBase64: 'YQ==' }]]],
    ['startImport', [[{ name: 'a.txt', dataBase64: 42 }], { format: 'auto' }]],
    ['startImport', [[{ name: 'a.txt', dataBase64: 'YQ==', path: '/etc/passwd' }], { format: 'auto' }]],
    ['startImport', [[{ name: '', dataBase64: 'YQ==' }], { format: 'auto' }]],
    ['startImport', [[{ name: 'a.txt', dataBase64: 'YQ==' }], { format: 'auto', replace: 'yes' }]],
    ['startImport', [[{ name: 'a.txt', dataBase64: 'YQ==' }], { format: 'auto', overwrite: true }]],
    ['startExport', [{ format: 'xml' }]],
    ['startExport', [{ format: 'conll', prefer: 'middle' }]],
    ['startExport', [{ format: 'csv', annotator: '' }]],
    ['startExport', [{ format: 'csv' }, 'extra']],
    ['getJob', []],
    ['getJob', ['']],
    ['getJob', [7]],
    ['applyChanges', ['doc-1', [], 42]],
    ['applyChanges', ['doc-1', [], '2024-01-01T00:00:00.000Z', 'extra']],
    ['applyChanges', ['doc-1', [{ op: 'comment-add', comment: { id: 'k', target: null, text: '' } }]]],
    ['applyChanges', ['doc-1', [{ op: 'comment-add', comment: { id: 'k', target: null, text: 'x', author: 'mallory' } }]]],
    ['applyChanges', ['doc-1', [{ op: 'comment-add', comment: { id: 'k', target: { annotator: 'bob' }, text: 'x' } }]]],
    ['applyChanges', ['doc-1', [{ op: 'comment-update', id: 'k', resolved: 'yes' }]]],
    ['applyChanges', ['doc-1', [{ op: 'comment-remove' }]]],
    ['applyCuration', ['doc-1', [], []]],
    ['applyCuration', ['doc-1', ['alice', 'bob']]],
    ['applyCuration', ['doc-1', ['alice', 'bob'], [{ op: 'accept', itemKey: 'k' }]]],
    ['applyCuration', ['doc-1', ['alice', 'bob'], [{ op: 'reject', itemKey: 'k', because: 'no' }]]],
    ['applyCuration', ['doc-1', ['alice', 'bob'], [{ op: 'edit', itemKey: 'k', annotator: 'alice', spanId: 's', span: { label: 'Person', start: 0, end: 4, quote: 'x' } }]]],
    ['applyCuration', ['doc-1', ['alice', 'bob'], [{ op: 'add', span: { label: 'Person', start: 0, end: 4 } }]]],
    ['applyCuration', ['doc-1', ['alice', 'bob'], [{ op: 'overrule' }]]],
    ['getAgreement', ['alice,bob']],
    ['getAgreement', [['alice', 'bob'], 'extra']],
    ['pollChanges', []],
    ['pollChanges', [-1]],
    ['pollChanges', [1.5]],
    ['pollChanges', ['0']],
  ];

  it.each(invalid)('refuses %s(%j) with invalid-input before the API sees it', async (method, args) => {
    const result = await call(`gloss:${method}`, eventFrom(ours), ...args);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!result.ok) expect(result.error.message.startsWith(`${method}: `)).toBe(true);
    for (const fn of Object.values(api)) expect(fn).not.toHaveBeenCalled();
  });

  it('names the argument and field that is wrong', async () => {
    const result = await call('gloss:applyChanges', eventFrom(ours), 'doc-1', [
      { op: 'add', span: { id: 's', label: 'Person', start: -3, end: 4 } },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('argument 2[0].span.start');
  });

  it('passes every well-formed kind of change through unchanged', async () => {
    const changes = [
      {
        op: 'add',
        span: {
          id: 's1',
          label: 'Money',
          start: 0,
          end: 10,
          attributes: { value: 1.4e9, currency: 'USD', approximate: true },
          note: 'from the summary',
          fragments: [
            { start: 0, end: 3 },
            { start: 5, end: 10 },
          ],
        },
      },
      { op: 'update', spanId: 's1', patch: { label: 'Quantity', attributes: { unit: 't' }, note: '' } },
      { op: 'status', status: 'done' },
      { op: 'remove', spanId: 's1' },
    ];
    const result = await call('gloss:applyChanges', eventFrom(ours), 'doc-1', changes);
    expect(result.ok).toBe(true);
    expect(api.applyChanges).toHaveBeenCalledWith('doc-1', changes);
  });

  it('passes comments, a base time, curation changes, agreement and polling through unchanged', async () => {
    const comments = [
      { op: 'comment-add', comment: { id: 'k1', target: { annotator: 'bob', spanId: 's1' }, text: 'Is this 🌍 right?' } },
      { op: 'comment-add', comment: { id: 'k2', target: null, text: 'on the document' } },
      { op: 'comment-update', id: 'k1', resolved: true },
      { op: 'comment-update', id: 'k2', text: 'changed' },
      { op: 'comment-remove', id: 'k2' },
    ];
    expect((await call('gloss:applyChanges', eventFrom(ours), 'doc-1', comments, '2024-01-01T00:00:00.000Z')).ok).toBe(true);
    expect(api.applyChanges).toHaveBeenCalledWith('doc-1', comments, '2024-01-01T00:00:00.000Z');
    const curation = [
      { op: 'accept', itemKey: '0-5-00000000000abc', annotator: 'alice', spanId: 's1' },
      { op: 'edit', itemKey: '0-5-00000000000abc', annotator: 'bob', spanId: 's2', span: { label: 'Money', start: 0, end: 5, attributes: { value: 5 }, note: 'n' } },
      { op: 'add', itemKey: null, span: { label: 'Person', start: 7, end: 9 } },
      { op: 'reject', itemKey: '9-12-00000000000def~2' },
      { op: 'accept-all-agreed' },
      { op: 'undo', decisionId: 'd1' },
      { op: 'status', status: 'done' },
    ];
    await call('gloss:applyCuration', eventFrom(ours), 'doc-1', ['alice', 'bob'], curation);
    expect(api.applyCuration).toHaveBeenCalledWith('doc-1', ['alice', 'bob'], curation);
    await call('gloss:getAgreement', eventFrom(ours));
    await call('gloss:getAgreement', eventFrom(ours), ['alice', 'bob']);
    expect(vi.mocked(api.getAgreement).mock.calls).toEqual([[], [['alice', 'bob']]]);
    expect(await call('gloss:pollChanges', eventFrom(ours), 0)).toEqual({ ok: true, value: { cursor: 1, changes: [] } });
  });

  it('passes well-formed import and export jobs through unchanged', async () => {
    const files = [
      { name: 'digest 🌍.jsonl', dataBase64: 'e30K' },
      { name: 'empty.txt', dataBase64: '' },
    ];
    const importOptions = { format: 'jsonl', annotator: 'bob', replace: true, strict: false };
    expect(await call('gloss:startImport', eventFrom(ours), files, importOptions)).toEqual({ ok: true, value: 'job-1' });
    expect(api.startImport).toHaveBeenCalledWith(files, importOptions);
    const exportOptions = { format: 'conll', annotator: 'alice', prefer: 'inner' };
    expect(await call('gloss:startExport', eventFrom(ours), exportOptions)).toEqual({ ok: true, value: 'job-2' });
    expect(api.startExport).toHaveBeenCalledWith(exportOptions);
    expect(await call('gloss:startExport', eventFrom(ours), { format: 'csv', curated: true })).toEqual({ ok: true, value: 'job-2' });
    await call('gloss:getJob', eventFrom(ours), 'job-1');
    expect(api.getJob).toHaveBeenCalledWith('job-1');
    await call('gloss:listFormats', eventFrom(ours));
    expect(api.listFormats).toHaveBeenCalledOnce();
  });
});

describe('saving a kept file', () => {
  const href = '/download/0f8fad5b-d9cb-469f-a165-70867728950e';

  it('hands one href from our window to main and answers the path written, or null when cancelled', async () => {
    expect(await call('gloss:save-file', eventFrom(ours), href)).toEqual(ok('/home/tester/Documents/950e.csv'));
    expect(saveFile).toHaveBeenCalledWith(href);
    saveFile.mockResolvedValueOnce(ok(null));
    expect(await call('gloss:save-file', eventFrom(ours), href)).toEqual(ok(null));
    expect(warnings).toEqual([]);
  });

  it.each([[[]], [[42]], [['']], [[href, 'extra']], [[{ href }]], [['/download/' + 'a'.repeat(200)]]])(
    'refuses the arguments %j with invalid-input before main sees them',
    async (args) => {
      expect(await call('gloss:save-file', eventFrom(ours), ...args)).toEqual(fail('invalid-input', "saveFile: takes one argument, a kept file's href"));
      expect(saveFile).not.toHaveBeenCalled();
    },
  );

  it('answers an internal error when saving throws', async () => {
    saveFile.mockRejectedValueOnce(new Error('dialog gone'));
    expect(await call('gloss:save-file', eventFrom(ours), href)).toEqual(fail('internal', 'saveFile failed: dialog gone'));
  });
});
