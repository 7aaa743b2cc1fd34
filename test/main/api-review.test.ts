// createGlossApi's review side over a real workspace: comments on colleagues' spans, refusing
// to overwrite a layer changed on disk, adjudication into the curation layer (surviving a
// restart), agreement of the workspace, and external changes reported by pollChanges.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangesSince, GlossApi, LayerChange, Result } from '../../src/core/api';
import { emptyLayer, serializeLayer } from '../../src/core/layer';
import type { Layer } from '../../src/core/model';
import { compareLayers } from '../../src/core/review';
import { closeGlossApi, createGlossApi } from '../../src/main/api';
import { SettingsStore } from '../../src/main/settings';
import type { Workspace } from '../../src/main/workspace/workspace';
import { NOW, TEXTS, counterIds, fixedNow, makeWorkspace, openWorkspace, removeDir, snapshot, tempDir } from './workspace/helpers';

let dir: string;
let configDir: string;
let ws: Workspace;
const apis: GlossApi[] = [];

async function makeApi(workspace: Workspace, annotator: string): Promise<GlossApi> {
  const settings = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: configDir }, annotatorOverride: annotator, now: fixedNow });
  if (!settings.ok) throw new Error(settings.error.message);
  const api = createGlossApi({ workspace, settings: settings.value, now: fixedNow, newId: counterIds(annotator), watcher: { debounceMs: 30 } });
  apis.push(api);
  return api;
}

beforeEach(async () => {
  dir = await tempDir();
  configDir = await tempDir('gloss-config-');
  await makeWorkspace(dir);
  ws = await openWorkspace(dir);
});

afterEach(async () => {
  for (const api of apis.splice(0)) closeGlossApi(api);
  await removeDir(dir);
  await removeDir(configDir);
});

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function code(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.error.code;
}

// TEXTS.alpha = 'Emomali Rahmon met Vladimir Putin in Dushanbe.\n\nThey signed 12 agreements.'
const person = (id: string, start: number, end: number, label = 'Person'): LayerChange => ({ op: 'add', span: { id, label, start, end } });

/** alice and bob annotate alpha: Rahmon agreed, Putin with different boundaries, Dushanbe only bob's. */
async function twoAnnotators(): Promise<{ alice: GlossApi; bob: GlossApi }> {
  const alice = await makeApi(ws, 'alice');
  const bob = await makeApi(ws, 'bob');
  value(await alice.applyChanges('alpha', [person('a1', 0, 14), person('a2', 28, 33)]));
  value(await bob.applyChanges('alpha', [person('b1', 0, 14), person('b2', 19, 33), person('b3', 37, 45, 'Location')]));
  return { alice, bob };
}

describe('comments', () => {
  it("are stored in the commenter's own layer, on a colleague's span, and answered with the change", async () => {
    const { bob } = await twoAnnotators();
    const carol = await makeApi(ws, 'carol');
    const result = value(
      await carol.applyChanges('alpha', [{ op: 'comment-add', comment: { id: 'k1', target: { annotator: 'bob', spanId: 'b2' }, text: 'Vladimir is part of the name?' } }]),
    );
    expect(result.comments).toEqual([
      { id: 'k1', target: { annotator: 'bob', spanId: 'b2' }, author: 'carol', text: 'Vladimir is part of the name?', createdAt: NOW.toISOString(), resolved: false },
    ]);
    expect(result.status).toBe('todo');
    const onDisk = JSON.parse(await readFile(join(dir, 'annotations', 'alpha', 'carol.json'), 'utf8')) as Layer;
    expect(onDisk.comments.map((c) => c.id)).toEqual(['k1']);
    // Bob's file is not touched; he sees the comment among the others' layers.
    expect((JSON.parse(await readFile(join(dir, 'annotations', 'alpha', 'bob.json'), 'utf8')) as Layer).comments).toEqual([]);
    const opened = value(await bob.openDocument('alpha'));
    expect(opened.others.find((l) => l.annotator === 'carol')?.comments[0]?.target).toEqual({ annotator: 'bob', spanId: 'b2' });
    // Resolving is the author's: carol can, on her layer.
    expect(value(await carol.applyChanges('alpha', [{ op: 'comment-update', id: 'k1', resolved: true }])).comments[0]?.resolved).toBe(true);
  });

  it("refuse a span the colleague's layer does not have, or a colleague without a layer", async () => {
    await twoAnnotators();
    const carol = await makeApi(ws, 'carol');
    const before = await snapshot(dir);
    const missingSpan = await carol.applyChanges('alpha', [{ op: 'comment-add', comment: { id: 'k1', target: { annotator: 'bob', spanId: 'nope' }, text: 'x' } }]);
    expect(code(missingSpan)).toBe('not-found');
    if (!missingSpan.ok) expect(missingSpan.error.message).toContain(`bob's layer has no span "nope"`);
    expect(code(await carol.applyChanges('alpha', [{ op: 'comment-add', comment: { id: 'k1', target: { annotator: 'dave', spanId: 's' }, text: 'x' } }]))).toBe('not-found');
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('applyChanges with baseUpdatedAt', () => {
  it('writes when my layer on disk is the one I last saw, and refuses when someone else wrote it since', async () => {
    const alice = await makeApi(ws, 'alice');
    const opened = value(await alice.openDocument('alpha'));
    // No file yet: the fresh layer's time is fine.
    const first = value(await alice.applyChanges('alpha', [person('a1', 0, 14)], opened.mine.updatedAt));
    const second = value(await alice.applyChanges('alpha', [person('a2', 19, 33)], first.updatedAt));
    expect(second.changed.map((s) => s.id)).toEqual(['a2']);
    expect(second.spanCount).toBe(2);

    // A `git pull` brings another version of alice's layer.
    const file = join(dir, 'annotations', 'alpha', 'alice.json');
    const pulled = { ...emptyLayer({ id: 'alpha', textSha256: (await ws.readDocument('alpha'))!.textSha256 }, 'alice', '2024-06-01T00:00:00.000Z'), status: 'done' as const };
    await writeFile(file, serializeLayer(pulled));
    const refused = await alice.applyChanges('alpha', [person('a3', 37, 45, 'Location')], second.updatedAt);
    expect(code(refused)).toBe('conflict');
    if (!refused.ok) expect(refused.error.message).toMatch(/annotations\/alpha\/alice\.json changed on disk since it was opened.*reload/);
    expect(await readFile(file, 'utf8')).toBe(serializeLayer(pulled));
    // After reloading, with the new time, it goes through.
    expect(value(await alice.applyChanges('alpha', [person('a3', 37, 45, 'Location')], pulled.updatedAt)).changed.map((s) => s.id)).toEqual(['a3']);
  });
});

describe('applyCuration', () => {
  it('adjudicates: accept, edit, reject, add, accept-all-agreed, undo; the decisions survive a restart', async () => {
    const { alice } = await twoAnnotators();
    const opened = value(await alice.openDocument('alpha'));
    const items = compareLayers([opened.mine, ...opened.others.filter((l) => l.annotator === 'bob')]);
    expect(items.map((i) => i.kind)).toEqual(['agreed', 'boundary-mismatch', 'missing']);
    const [rahmon, putin, dushanbe] = items;

    const reviewer = await makeApi(ws, 'carol');
    value(await reviewer.applyCuration('alpha', ['alice', 'bob'], [{ op: 'accept-all-agreed' }]));
    value(await reviewer.applyCuration('alpha', ['alice', 'bob'], [{ op: 'reject', itemKey: dushanbe!.key }]));
    const edited = value(
      await reviewer.applyCuration('alpha', ['alice', 'bob'], [
        { op: 'edit', itemKey: putin!.key, annotator: 'bob', spanId: 'b2', span: { label: 'Person', start: 19, end: 33, attributes: { normalized: 'Vladimir Putin' } } },
      ]),
    );
    expect(edited.annotator).toBe('curation');
    expect(edited.spans.map((s) => [s.quote, s.attributes])).toEqual([
      ['Emomali Rahmon', {}],
      ['Vladimir Putin', { normalized: 'Vladimir Putin' }],
    ]);
    expect(edited.decisions?.map((d) => [d.action, d.itemKey, d.by])).toEqual([
      ['accept', rahmon!.key, 'carol'],
      ['reject', dushanbe!.key, 'carol'],
      ['edit', putin!.key, 'carol'],
    ]);

    // Restart: a new workspace object and API read the same decisions back.
    const again = await makeApi(await openWorkspace(dir), 'carol');
    const reopened = value(await again.openDocument('alpha'));
    const curation = reopened.others.find((l) => l.annotator === 'curation');
    expect(curation?.decisions).toEqual(edited.decisions);
    expect(value(await again.listDocuments())[0]?.layers.map((l) => [l.annotator, l.spanCount])).toEqual([
      ['alice', 2],
      ['bob', 3],
      ['curation', 2],
    ]);

    // Undo the reject, then accept bob's Dushanbe instead.
    const rejectId = curation!.decisions!.find((d) => d.action === 'reject')!.id;
    const after = value(
      await again.applyCuration('alpha', ['alice', 'bob'], [
        { op: 'undo', decisionId: rejectId },
        { op: 'accept', itemKey: dushanbe!.key, annotator: 'bob', spanId: 'b3' },
      ]),
    );
    expect(after.spans.map((s) => s.quote)).toEqual(['Emomali Rahmon', 'Vladimir Putin', 'Dushanbe']);
  });

  it('answers an unknown item, annotators that are not a review, and bad changes as data, writing nothing', async () => {
    await twoAnnotators();
    const reviewer = await makeApi(ws, 'carol');
    const before = await snapshot(dir);
    expect(code(await reviewer.applyCuration('alpha', ['alice', 'bob'], [{ op: 'reject', itemKey: '0-1-00000000000000' }]))).toBe('not-found');
    expect(code(await reviewer.applyCuration('alpha', ['alice', 'curation'], [{ op: 'accept-all-agreed' }]))).toBe('invalid-input');
    expect(code(await reviewer.applyCuration('alpha', ['alice', 'alice'], [{ op: 'accept-all-agreed' }]))).toBe('invalid-input');
    expect(code(await reviewer.applyCuration('alpha', ['alice', 'bob'], [{ op: 'veto' } as never]))).toBe('invalid-input');
    expect(code(await reviewer.applyCuration('nope', ['alice', 'bob'], []))).toBe('not-found');
    expect(await snapshot(dir)).toEqual(before);
    // An empty batch answers the (empty) curation layer without creating its file.
    expect(value(await reviewer.applyCuration('alpha', ['alice', 'bob'], []))).toMatchObject({ annotator: 'curation', spans: [], decisions: [] });
    expect(await snapshot(dir)).toEqual(before);
  });

  it('is refused on a workspace open read-only', async () => {
    await twoAnnotators();
    const reviewer = await makeApi(await openWorkspace(dir, true), 'carol');
    expect(code(await reviewer.applyCuration('alpha', ['alice', 'bob'], [{ op: 'accept-all-agreed' }]))).toBe('read-only');
  });
});

describe('getAgreement', () => {
  it('compares every annotator with a layer but curation, or the ones asked for', async () => {
    const { alice } = await twoAnnotators();
    const reviewer = await makeApi(ws, 'carol');
    value(await reviewer.applyCuration('alpha', ['alice', 'bob'], [{ op: 'accept-all-agreed' }]));
    const result = value(await alice.getAgreement());
    expect(result.annotators).toEqual(['alice', 'bob']);
    expect(result.documents).toBe(1);
    expect(result.pairs).toMatchObject([{ a: 'alice', b: 'bob', tp: 1, onlyA: 1, onlyB: 2 }]);
    expect(result.byDocument.map((d) => d.document)).toEqual(['alpha']);
    expect(value(await alice.getAgreement(['bob', 'curation'])).pairs).toMatchObject([{ a: 'bob', b: 'curation', tp: 1, onlyA: 2, onlyB: 0 }]);
    // An edit just answered (in the layer's journal, not yet folded into its file) counts at once.
    value(await alice.applyChanges('alpha', [{ op: 'add', span: { id: 'a3', label: 'Location', start: 37, end: 45 } }]));
    expect(value(await alice.getAgreement(['alice', 'bob'])).pairs).toMatchObject([{ a: 'alice', b: 'bob', tp: 2, onlyA: 1, onlyB: 1 }]);
  });

  it('says why when there are fewer than two annotators, and refuses bad lists', async () => {
    const alice = await makeApi(ws, 'alice');
    const none = await alice.getAgreement();
    expect(code(none)).toBe('not-found');
    if (!none.ok) expect(none.error.message).toContain('at least two annotators');
    value(await alice.applyChanges('alpha', [person('a1', 0, 14)]));
    expect(code(await alice.getAgreement())).toBe('not-found');
    expect(code(await alice.getAgreement(['alice']))).toBe('invalid-input');
    expect(code(await alice.getAgreement(['alice', 'alice']))).toBe('invalid-input');
    expect(code(await alice.getAgreement(['alice', '../x']))).toBe('invalid-input');
  });
});

describe('pollChanges', () => {
  async function waitFor(api: GlossApi, cursor: number, done: (c: ChangesSince) => boolean): Promise<ChangesSince> {
    for (let i = 0; i < 100; i++) {
      const c = value(await api.pollChanges(cursor));
      if (done(c)) return c;
      await new Promise((r) => setTimeout(r, 30));
    }
    throw new Error('no change seen');
  }

  it("reports a colleague's layer arriving on disk, not my own saves", async () => {
    const alice = await makeApi(ws, 'alice');
    const start = value(await alice.pollChanges(0));
    expect(start.changes).toEqual([]);
    value(await alice.applyChanges('alpha', [person('a1', 0, 14)]));
    const doc = (await ws.readDocument('alpha'))!;
    await writeFile(join(dir, 'annotations', 'alpha', 'bob.json'), serializeLayer(emptyLayer(doc, 'bob', NOW.toISOString())));
    const seen = await waitFor(alice, start.cursor, (c) => c.changes.length > 0);
    expect(seen.changes).toEqual([{ document: 'alpha', annotator: 'bob', file: 'annotations/alpha/bob.json' }]);
    expect(value(await alice.pollChanges(seen.cursor)).changes).toEqual([]);
  });

  it('refuses a cursor that is not a whole number', async () => {
    const alice = await makeApi(ws, 'alice');
    expect(code(await alice.pollChanges(-1))).toBe('invalid-input');
    expect(code(await alice.pollChanges(Number.NaN))).toBe('invalid-input');
  });
});

describe('what opening shows', () => {
  it('lists the curation layer among the others, and every layer in the summary', async () => {
    await twoAnnotators();
    const reviewer = await makeApi(ws, 'carol');
    value(await reviewer.applyCuration('alpha', ['alice', 'bob'], [{ op: 'accept-all-agreed' }]));
    const opened = value(await reviewer.openDocument('alpha'));
    expect(opened.mine.annotator).toBe('carol');
    expect(opened.others.map((l) => l.annotator)).toEqual(['alice', 'bob', 'curation']);
    expect(opened.problems).toEqual([]);
    const [alpha, beta] = value(await reviewer.listDocuments());
    expect(alpha?.layers.map((l) => l.annotator)).toEqual(['alice', 'bob', 'curation']);
    expect(beta?.layers).toEqual([]);
    expect(TEXTS.alpha.slice(0, 14)).toBe('Emomali Rahmon');
  });
});
