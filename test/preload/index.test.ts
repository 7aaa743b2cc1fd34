// The preload with a fake `electron`: it exposes exactly `gloss` (every GlossApi method, over
// ipcRenderer.invoke on its channel) and `glossShell` (menu commands, saving a file), and never throws.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GLOSS_API_METHODS, fail, ok } from '../../src/core/api';
import type { ShellCommand } from '../../src/core/api';
import type { GlossPreloadGlobals } from '../../src/preload/types';

type OnListener = (event: unknown, ...args: unknown[]) => void;

const fake = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  onListeners: new Map<string, OnListener[]>(),
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => undefined),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => fake.exposed.set(key, value),
  },
  ipcRenderer: {
    invoke: fake.invoke,
    on: (channel: string, listener: OnListener) => {
      fake.onListeners.set(channel, [...(fake.onListeners.get(channel) ?? []), listener]);
    },
  },
}));

let gloss: GlossPreloadGlobals['gloss'];
let glossShell: GlossPreloadGlobals['glossShell'];

beforeAll(async () => {
  await import('../../src/preload/index');
  gloss = fake.exposed.get('gloss') as GlossPreloadGlobals['gloss'];
  glossShell = fake.exposed.get('glossShell') as GlossPreloadGlobals['glossShell'];
});

beforeEach(() => fake.invoke.mockReset());

function emitCommand(command: unknown): void {
  for (const listener of fake.onListeners.get('gloss:shell-command') ?? []) listener({}, command);
}

describe('preload', () => {
  it('exposes exactly window.gloss and window.glossShell', () => {
    expect([...fake.exposed.keys()].sort()).toEqual(['gloss', 'glossShell']);
  });

  it('gives window.gloss exactly the GlossApi methods, as functions', () => {
    expect(Object.keys(gloss).sort()).toEqual([...GLOSS_API_METHODS].sort());
    for (const method of GLOSS_API_METHODS) expect(typeof gloss[method], method).toBe('function');
  });

  it('forwards each call on its own channel with its arguments, answering main’s Result', async () => {
    fake.invoke.mockResolvedValue(ok({ annotator: 'bob' }));
    expect(await gloss.setAnnotator('bob')).toEqual(ok({ annotator: 'bob' }));
    await gloss.getWorkspace();
    await gloss.listDocuments();
    await gloss.openDocument('doc-1');
    await gloss.applyChanges('doc-1', [{ op: 'remove', spanId: 's1' }]);
    await gloss.getSettings();
    await gloss.listFormats();
    await gloss.startImport([{ name: 'a.jsonl', dataBase64: 'e30K' }], { format: 'auto', strict: true });
    await gloss.startExport({ format: 'csv', curated: true });
    await gloss.getJob('job-1');
    await gloss.applyChanges('doc-1', [], '2024-01-01T00:00:00.000Z');
    await gloss.applyCuration('doc-1', ['alice', 'bob'], [{ op: 'accept-all-agreed' }]);
    await gloss.getAgreement();
    await gloss.getAgreement(['alice', 'bob']);
    await gloss.pollChanges(0);
    expect(fake.invoke.mock.calls).toEqual([
      ['gloss:setAnnotator', 'bob'],
      ['gloss:getWorkspace'],
      ['gloss:listDocuments'],
      ['gloss:openDocument', 'doc-1'],
      ['gloss:applyChanges', 'doc-1', [{ op: 'remove', spanId: 's1' }]],
      ['gloss:getSettings'],
      ['gloss:listFormats'],
      ['gloss:startImport', [{ name: 'a.jsonl', dataBase64: 'e30K' }], { format: 'auto', strict: true }],
      ['gloss:startExport', { format: 'csv', curated: true }],
      ['gloss:getJob', 'job-1'],
      // Optional arguments left out are not sent at all.
      ['gloss:applyChanges', 'doc-1', [], '2024-01-01T00:00:00.000Z'],
      ['gloss:applyCuration', 'doc-1', ['alice', 'bob'], [{ op: 'accept-all-agreed' }]],
      ['gloss:getAgreement'],
      ['gloss:getAgreement', ['alice', 'bob']],
      ['gloss:pollChanges', 0],
    ]);
  });

  it('answers an internal error Result when the IPC call itself fails', async () => {
    fake.invoke.mockRejectedValueOnce(new Error('An object could not be cloned.'));
    expect(await gloss.openDocument('doc-1')).toEqual(fail('internal', 'openDocument: An object could not be cloned.'));
  });

  it('saves a kept file over gloss:save-file, and answers a failed call as an internal error', async () => {
    fake.invoke.mockResolvedValueOnce(ok('/home/me/Documents/w.csv'));
    expect(await glossShell.saveFile('/download/6d3b1e0c-1f9a-4d55-9a43-0d1b2c3d4e5f')).toEqual(ok('/home/me/Documents/w.csv'));
    expect(fake.invoke.mock.calls).toEqual([['gloss:save-file', '/download/6d3b1e0c-1f9a-4d55-9a43-0d1b2c3d4e5f']]);
    fake.invoke.mockRejectedValueOnce(new Error('main went away'));
    expect(await glossShell.saveFile('/download/x')).toEqual(fail('internal', 'saveFile: main went away'));
  });

  it('delivers menu commands to subscribers until they unsubscribe, and drops unknown ones', () => {
    const got: ShellCommand[] = [];
    const other: ShellCommand[] = [];
    const unsubscribe = glossShell.onCommand((c) => got.push(c));
    glossShell.onCommand((c) => other.push(c));
    emitCommand('undo');
    emitCommand('rm -rf');
    emitCommand({ command: 'redo' });
    emitCommand('redo');
    unsubscribe();
    emitCommand('reload-workspace');
    expect(got).toEqual(['undo', 'redo']);
    expect(other).toEqual(['undo', 'redo', 'reload-workspace']);
    expect(fake.onListeners.get('gloss:shell-command')).toHaveLength(1);
  });
});
