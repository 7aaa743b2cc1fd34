// A GlossApi whose every method is a vi.fn with a fixed answer: what the transports' tests
// (ipc.test.ts, serve.test.ts, serve-socket.test.ts) call through IPC, HTTP or the socket.
import { vi } from 'vitest';
import { fail, ok } from '../../src/core/api';
import type { GlossApi } from '../../src/core/api';

export function fakeApi(): GlossApi {
  return {
    getWorkspace: vi.fn(async () => fail('not-found', 'no workspace in this test')),
    listDocuments: vi.fn(async () => ok([])),
    openDocument: vi.fn(async (docId: string) => fail('not-found', `no document ${docId}`)),
    applyChanges: vi.fn(async () => ok({ changed: [], removed: [], spanCount: 0, status: 'in-progress' as const, updatedAt: '2024-01-01T00:00:00.000Z', comments: [] })),
    getSettings: vi.fn(async () => ok({ annotator: 'alice' })),
    setAnnotator: vi.fn(async (name: string) => ok({ annotator: name })),
    listFormats: vi.fn(async () => ok({ import: [], export: [] })),
    startImport: vi.fn(async () => ok('job-1')),
    startExport: vi.fn(async () => ok('job-2')),
    getJob: vi.fn(async (jobId: string) => fail('not-found', `no job ${jobId}`)),
    applyCuration: vi.fn(async (docId: string) => fail('not-found', `no document ${docId}`)),
    getAgreement: vi.fn(async () => fail('not-found', 'no annotators in this test')),
    pollChanges: vi.fn(async (cursor: number) => ok({ cursor: cursor + 1, changes: [] })),
  };
}
