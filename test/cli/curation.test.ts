// Adjudication end to end: two colleagues' doccano exports imported with `gloss import --annotator`,
// every disagreement decided through the API (accept, edit, reject, add, accept all agreed), and
// `gloss export --curated --format jsonl`, run as a real process, holding exactly the curated spans.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlossApi, Result } from '../../src/core/api';
import { compareLayers } from '../../src/core/review';
import type { ReviewItem } from '../../src/core/review';
import { closeGlossApi, createGlossApi } from '../../src/main/api';
import { SettingsStore } from '../../src/main/settings';
import { fixedNow, openWorkspace, removeDir, tempDir } from '../main/workspace/helpers';
import { gloss, glossInProcess } from './run-gloss';
import type { Run } from './run-gloss';

const TEXT = 'Emomali Rahmon met Vladimir Putin in Dushanbe 🌍 on 3 May and pledged $25 million.';

/** Code-point range of `quote` in TEXT. */
function at(quote: string): [number, number] {
  const start = [...TEXT.slice(0, TEXT.indexOf(quote))].length;
  return [start, start + [...quote].length];
}

const ALICE: [string, string][] = [
  ['Person', 'Emomali Rahmon'],
  ['Person', 'Putin'],
  ['Location', 'Dushanbe'],
  ['Money', '$25 million'],
];
const BOB: [string, string][] = [
  ['Person', 'Emomali Rahmon'],
  ['Person', 'Vladimir Putin'],
  ['Organisation', 'Dushanbe'],
  ['Date', '3 May'],
];

function doccanoLine(spans: [string, string][]): string {
  return `${JSON.stringify({ text: TEXT, label: spans.map(([label, quote]) => [...at(quote), label]) })}\n`;
}

let root: string;
let configDir: string;
let api: GlossApi;

async function ok(args: string[]): Promise<Run> {
  const result = await glossInProcess(args, { cwd: root, configDir });
  if (result.code !== 0) throw new Error(`gloss ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  root = await tempDir('gloss-curation-');
  configDir = await tempDir('gloss-config-');
  await writeFile(join(root, 'alice.jsonl'), doccanoLine(ALICE));
  await writeFile(join(root, 'bob.jsonl'), doccanoLine(BOB));
  await ok(['init', 'ws']);
  await ok(['import', 'ws', 'alice.jsonl', '--format', 'doccano', '--annotator', 'alice']);
  await ok(['import', 'ws', 'bob.jsonl', '--format', 'doccano', '--annotator', 'bob']);
  const settings = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: configDir }, annotatorOverride: 'carol', now: fixedNow });
  if (!settings.ok) throw new Error(settings.error.message);
  api = createGlossApi({ workspace: await openWorkspace(join(root, 'ws')), settings: settings.value, now: fixedNow });
});

afterAll(async () => {
  closeGlossApi(api);
  await removeDir(root);
  await removeDir(configDir);
});

describe('gloss export --curated after adjudication', () => {
  it('holds exactly the accepted, edited and added spans, not the rejected one', async () => {
    const [doc] = value(await api.listDocuments());
    expect(doc?.layers.map((l) => l.annotator)).toEqual(['alice', 'bob']);
    const opened = value(await api.openDocument(doc!.id));
    const items = compareLayers(opened.others);
    const find = (quote: string): ReviewItem => {
      const [start] = at(quote);
      const item = items.find((i) => i.versions.some((v) => v.span.start === start));
      if (!item) throw new Error(`no item at "${quote}"`);
      return item;
    };
    expect(items.map((i) => i.kind)).toEqual(['agreed', 'boundary-mismatch', 'label-conflict', 'missing', 'missing']);
    const versionOf = (item: ReviewItem, annotator: string): string => item.versions.find((v) => v.annotator === annotator)!.span.id;

    const putin = find('Vladimir Putin');
    const dushanbe = find('Dushanbe');
    const curation = value(
      await api.applyCuration(doc!.id, ['alice', 'bob'], [
        { op: 'accept-all-agreed' },
        { op: 'edit', itemKey: putin.key, annotator: 'bob', spanId: versionOf(putin, 'bob'), span: { label: 'Person', start: at('Vladimir Putin')[0], end: at('Vladimir Putin')[1], attributes: { normalized: 'Vladimir Putin' } } },
        { op: 'accept', itemKey: dushanbe.key, annotator: 'alice', spanId: versionOf(dushanbe, 'alice') },
        { op: 'reject', itemKey: find('$25 million').key },
        { op: 'accept', itemKey: find('3 May').key, annotator: 'bob', spanId: versionOf(find('3 May'), 'bob') },
        { op: 'add', itemKey: null, span: { label: 'Commitment', start: at('pledged $25 million')[0], end: at('pledged $25 million')[1], attributes: { status: 'planned' } } },
      ]),
    );
    expect(curation.decisions?.map((d) => d.action)).toEqual(['accept', 'edit', 'accept', 'reject', 'accept', 'add']);
    // Every item has a decision now.
    expect(items.every((i) => curation.decisions?.some((d) => d.itemKey === i.key))).toBe(true);

    const exported = await gloss(['export', 'ws', '--curated', '--format', 'jsonl'], { cwd: root, configDir });
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as { text: string; spans: { start: number; end: number; label: string; text: string }[] };
    expect(record.text).toBe(TEXT);
    const expected: [string, string][] = [
      ['Person', 'Emomali Rahmon'],
      ['Person', 'Vladimir Putin'],
      ['Location', 'Dushanbe'],
      ['Date', '3 May'],
      ['Commitment', 'pledged $25 million'],
    ];
    expect(record.spans.map(({ start, end, label, text }) => ({ start, end, label, text }))).toEqual(
      expected.map(([label, quote]) => ({ start: at(quote)[0], end: at(quote)[1], label, text: quote })),
    );
  });

  it('carries the curation decisions through a gloss dataset into another workspace', async () => {
    await ok(['export', 'ws', '--format', 'gloss', '--out', 'all.json']);
    await ok(['init', 'copy']);
    await ok(['import', 'copy', 'all.json']);
    const source = await openWorkspace(join(root, 'ws'), true);
    const copy = await openWorkspace(join(root, 'copy'), true);
    const [docId] = source.documents().map((d) => d.id);
    const before = await source.readLayer(docId!, 'curation');
    const after = await copy.readLayer(copy.documents()[0]!.id, 'curation');
    expect(before?.decisions).toHaveLength(6);
    expect(after?.decisions).toEqual(before?.decisions);
    expect(after?.spans.map((s) => [s.id, s.label, s.start, s.end])).toEqual(before?.spans.map((s) => [s.id, s.label, s.start, s.end]));
    // The copy validates: every decision's span is there.
    expect(await copy.validate()).toEqual([]);
  });
});
