// Shared set-up of workspace tests: temp folders, a fixed clock, counters for ids, a small
// workspace with two documents, and a byte-for-byte snapshot of a folder.

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDocument, plainTextToBlocks } from '../../../src/core/document';
import type { GlossDocument } from '../../../src/core/model';
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
