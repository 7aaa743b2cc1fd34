// Shared set-up of workspace tests: temp folders, a fixed clock, counters for ids, a small
// workspace with two documents, and a byte-for-byte snapshot of a folder.

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LayerChange } from '../../../src/core/api';
import { buildDocument, plainTextToBlocks } from '../../../src/core/document';
import { applyLayerChanges, emptyLayer } from '../../../src/core/layer';
import type { GlossDocument, Layer } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { Workspace } from '../../../src/main/workspace/workspace';

export const NOW = new Date('2024-03-14T10:00:00.000Z');
export const fixedNow = (): Date => NOW;

/** Ids id-1, id-2, ... in call order. */
export function counterIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

export async function tempDir(prefix = 'gloss-ws-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export const TEXTS = {
  alpha: 'Emomali Rahmon met Vladimir Putin in Dushanbe.\n\nThey signed 12 agreements.',
  beta: 'Digest 🌍: €25 million pledged by 𝟐𝟎𝟐𝟕.',
};

export async function makeDocument(id: string, text: string): Promise<GlossDocument> {
  return buildDocument({
    id,
    title: id,
    text,
    blocks: plainTextToBlocks(text),
    meta: { source: `${id}.txt`, format: 'txt' },
    importedAt: NOW.toISOString(),
  });
}

/** A new workspace in `dir` holding documents "alpha" and "beta". */
export async function makeWorkspace(dir: string): Promise<Workspace> {
  const created = await Workspace.init(dir, { name: 'Test', now: fixedNow });
  if (!created.ok) throw new Error(created.error.message);
  const ws = created.value;
  await ws.addDocuments([await makeDocument('alpha', TEXTS.alpha), await makeDocument('beta', TEXTS.beta)]);
  return ws;
}

/** Open a workspace or fail the test. */
export async function openWorkspace(dir: string, readOnly = false): Promise<Workspace> {
  const opened = await Workspace.open(dir, { now: fixedNow, readOnly });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

/** Every file under `dir` (relative path -> content), to compare a folder before and after. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        out.set(`${path}/`, '');
        await walk(path);
      } else out.set(path, (await readFile(join(dir, path))).toString('base64'));
    }
  };
  await walk('');
  return out;
}

let tick = 0;
/** One batch of changes to alice's layer of "alpha" through updateLayer, as applyChanges makes it; a distinct time per call. */
export async function changeAlpha(ws: Workspace, changes: LayerChange[]): Promise<Layer> {
  const doc = await ws.readDocument('alpha');
  if (!doc) throw new Error('no alpha');
  const stamp = new Date(NOW.getTime() + ++tick).toISOString();
  const result = await ws.updateLayer('alpha', 'alice', (current) =>
    applyLayerChanges(current ?? emptyLayer(doc, 'alice', stamp), new CodePointIndex(doc.text), ws.schema, changes, stamp),
  );
  if (!result.ok || !result.value) throw new Error(result.ok ? 'nothing written' : result.error.message);
  return result.value;
}

/** Short texts (Latin; Cyrillic with emoji and astral digits; money) that documents of a big workspace are made of. */
export const MIXED_TEXTS = ['Emomali Rahmon met Vladimir Putin in Dushanbe.', 'Дайджест 🌍: €25 млн обещано к 𝟐𝟎𝟐𝟕 году.', 'The bank pledged $4 million.'];

/** A new workspace in `dir` of `count` documents doc-00, doc-01, ..., each two of MIXED_TEXTS; their ids. */
export async function manyDocuments(dir: string, name: string, count: number): Promise<{ ws: Workspace; ids: string[] }> {
  const created = await Workspace.init(dir, { name, now: fixedNow });
  if (!created.ok) throw new Error(created.error.message);
  const ws = created.value;
  const ids = Array.from({ length: count }, (_, i) => `doc-${String(i).padStart(2, '0')}`);
  await ws.addDocuments(await Promise.all(ids.map((id, i) => makeDocument(id, `${MIXED_TEXTS[i % 3]}\n\n${MIXED_TEXTS[(i + 1) % 3]}`))));
  return { ws, ids };
}

