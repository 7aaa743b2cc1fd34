// Agreement made by worker threads (docs/adr/0018): real workers running the built CLI each sum
// their share of the documents; merged, the report, the annotators found and the problems (in
// manifest order) are exactly those of one thread. A worker that fails fails the pass.

import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpanInput } from '../../../src/core/api';
import { applyLayerChanges, emptyLayer } from '../../../src/core/layer';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import { workspaceAgreement } from '../../../src/main/workspace/agreement';
import type { WorkerThreads } from '../../../src/main/workspace/worker-threads';
import { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, fixedNow, manyDocuments } from './helpers';
import { workerThreadTests } from './worker-helpers';

const t = workerThreadTests();

/**
 * 60 documents with layers of alice, bob and carol that agree in part (labels met in different
 * orders along the way), a curation layer (left out), documents with one layer or none, an edit
 * still in its journal, a corrupt layer file and a missing document file.
 */
async function bigWorkspace(): Promise<void> {
  const { ws, ids } = await manyDocuments(t.dir, 'Agreement', 60);
  const labels = ['Person', 'Location', 'Organisation', 'Money', 'Date'];
  for (const [i, id] of ids.entries()) {
    if (i % 7 === 0) continue;
    const doc = (await ws.readDocument(id))!;
    const index = new CodePointIndex(doc.text);
    const annotators = i % 5 === 0 ? ['alice'] : i % 3 === 0 ? ['alice', 'bob', 'carol', 'curation'] : ['alice', 'bob', 'carol'];
    for (const [a, annotator] of annotators.entries()) {
      const spans: SpanInput[] = [
        { id: `${annotator}-1`, label: labels[(i + (a === 2 ? 1 : 0)) % labels.length]!, start: 0, end: 7 },
        { id: `${annotator}-2`, label: labels[(i * 3 + a) % labels.length]!, start: 8, end: 14 },
      ];
      if ((i + a) % 4 === 0) spans.push({ id: `${annotator}-3`, label: labels[(i + 2) % labels.length]!, start: index.length - 6, end: index.length - 1 });
      const r = applyLayerChanges(emptyLayer(doc, annotator, NOW.toISOString()), index, DEFAULT_SCHEMA, spans.map((span) => ({ op: 'add' as const, span })), NOW.toISOString());
      if (!r.ok) throw new Error(r.error.message);
      await ws.writeLayer(r.value);
    }
  }
  // An edit answered but not yet folded into the layer file: every reader replays it.
  const journaled = await Workspace.open(t.dir, { now: fixedNow, journal: { idleMs: 60_000 } });
  if (!journaled.ok) throw new Error(journaled.error.message);
  const doc = (await journaled.value.readDocument('doc-41'))!;
  const edit = await journaled.value.updateLayer('doc-41', 'bob', (current) =>
    applyLayerChanges(current!, new CodePointIndex(doc.text), DEFAULT_SCHEMA, [{ op: 'add', span: { id: 'bob-late', label: 'Date', start: 15, end: 21 } }], NOW.toISOString()),
  );
  if (!edit.ok) throw new Error(edit.error.message);
  await writeFile(join(t.dir, 'annotations', 'doc-22', 'carol.json'), '{"annotator": "carol", "spans": [');
  await rm(join(t.dir, 'documents', 'doc-34.json'));
}

/** The agreement as the CLI makes it (the workspace opened read-only and lazily), with what it found and the problems met. */
async function agreement(threads: WorkerThreads | undefined, chosen?: string[]): Promise<{ found: string[]; result: unknown; problems: string[] }> {
  const opened = await Workspace.open(t.dir, { readOnly: true, lazy: true });
  if (!opened.ok) throw new Error(opened.error.message);
  const ws = opened.value;
  const made = await workspaceAgreement(ws, chosen, threads);
  return { found: made.found, result: made.result(chosen ?? made.found), problems: ws.problems.map((p) => p.message) };
}

describe('agreement made by worker threads', () => {
  it('is the report of one thread, with the same annotators found and the same problems in the same order', async () => {
    await bigWorkspace();
    for (const chosen of [undefined, ['carol', 'alice'], ['alice', 'bob', 'carol', 'curation']]) {
      const one = await agreement(undefined, chosen);
      for (const count of [2, 3]) {
        const threaded = await agreement({ script: t.bundle, count, minDocuments: 0 }, chosen);
        expect(threaded).toEqual(one);
      }
    }
    const { found, result, problems } = await agreement({ script: t.bundle, count: 2, minDocuments: 0 });
    expect(found).toEqual(['alice', 'bob', 'carol']);
    // 60 documents: 9 without layers (i % 7 = 0), 10 more with alice alone, doc-34 unreadable.
    expect(result).toMatchObject({ documents: 40 });
    expect(problems).toEqual([expect.stringContaining('doc-22/carol.json'), expect.stringContaining('doc-34')]);
  });

  it('fails, naming why, when a worker stops', async () => {
    await bigWorkspace();
    const notAWorker = new URL('data:text/javascript,process.exit(3)');
    await expect(agreement({ script: notAWorker, count: 2, minDocuments: 0 })).rejects.toThrow('an agreement worker stopped (exit code 3)');
  });

  it('fails with the worker’s own error when it cannot open the workspace', async () => {
    await bigWorkspace();
    const opened = await Workspace.open(t.dir, { readOnly: true, lazy: true });
    if (!opened.ok) throw new Error(opened.error.message);
    await rm(join(t.dir, 'gloss.json'));
    await expect(workspaceAgreement(opened.value, undefined, { script: t.bundle, count: 2, minDocuments: 0 })).rejects.toThrow(/gloss\.json/u);
  });
});
