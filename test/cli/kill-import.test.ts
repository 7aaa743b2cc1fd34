// kill -9 at random moments of a large `gloss import` (the real CLI process): afterwards
// `gloss validate` passes every time, and re-running the import ends with exactly the file's
// documents and spans. Bounded in time: as many rounds as fit in ~12 s (at least two).

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/main/workspace/workspace';
import { removeDir, tempDir } from '../main/workspace/helpers';
import { GLOSS_BIN, glossInProcess } from './run-gloss';

const DOCUMENTS = 300;
const BUDGET_MS = 12_000;

/** Deterministic randomness, so that a failing round can be reproduced from the seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CorpusLine {
  text: string;
  spans: { start: number; end: number; label: string }[];
}

/** A report text built from pieces, with code-point offsets of the labelled ones. */
function report(i: number): CorpusLine {
  let text = '';
  const spans: CorpusLine['spans'] = [];
  const add = (piece: string, label?: string): void => {
    const start = [...text].length;
    text += piece;
    if (label) spans.push({ start, end: start + [...piece].length, label });
  };
  add(`Report ${i} 🌍: `);
  add(`Minister ${['Ivan Petrov', 'Maria Lopez', 'Emomali Rahmon'][i % 3]} ${i}`, 'Person');
  add(' of ');
  add(`Northwind Ltd ${i}`, 'Organisation');
  add(' said in ');
  add(['Dushanbe', 'Oslo', 'Москва'][i % 3]!, 'Location');
  add(' that ');
  add(`€${i + 1} million`, 'Money');
  add(` will go to ${i % 7} new laboratories by 𝟐𝟎𝟐${i % 10}. `);
  add('The briefing covered trade, energy and water.\n\nFollow-up questions were taken.');
  return { text, spans };
}

/** The corpus: one document a line, and one text twice with different spans (they merge). */
function corpus(): CorpusLine[] {
  const lines = Array.from({ length: DOCUMENTS }, (_, i) => report(i));
  const repeated = report(7);
  lines.push({ text: repeated.text, spans: [repeated.spans[0]!, { ...repeated.spans[3]!, label: 'Organisation' }] });
  return lines;
}

/** What a complete import must end with: text -> sorted "Label start-end" (identical spans once). */
function expected(lines: CorpusLine[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const line of lines) {
    const set = out.get(line.text) ?? new Set<string>();
    for (const s of line.spans) set.add(`${s.label} ${s.start}-${s.end}`);
    out.set(line.text, set);
  }
  return new Map([...out].map(([text, set]) => [text, [...set].sort()]));
}

let root: string;
let configDir: string;
let input: string;
let lines: CorpusLine[];

beforeAll(async () => {
  root = await tempDir('gloss-kill-');
  configDir = join(root, 'config');
  lines = corpus();
  input = join(root, 'large.jsonl');
  await writeFile(input, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
});

afterAll(async () => {
  await removeDir(root);
});

/** Files the import has made so far: document files and layer folders. */
function filesWritten(ws: string): number {
  const count = (dir: string): number => {
    try {
      return readdirSync(dir).filter((n) => !n.startsWith('.')).length;
    } catch {
      return 0;
    }
  };
  return count(join(ws, 'documents')) + count(join(ws, 'annotations'));
}

/**
 * Start `gloss import` and SIGKILL it once `after` more files exist (plus a few random
 * milliseconds, to land inside a write or the manifest write), or let it finish if it is faster.
 */
async function importAndKill(ws: string, after: number, jitterMs: number): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, [GLOSS_BIN, 'import', ws, input, '--annotator', 'alice'], {
    env: { ...process.env, GLOSS_CONFIG_DIR: configDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      done();
    }),
  );
  const start = filesWritten(ws);
  while (exited === null && filesWritten(ws) - start < after) await new Promise((r) => setTimeout(r, 1));
  if (exited === null && jitterMs > 0) await new Promise((r) => setTimeout(r, jitterMs));
  child.kill('SIGKILL');
  await exit;
  const result = exited as { code: number | null; signal: NodeJS.Signals | null } | null;
  if (result?.signal === 'SIGKILL') return 'killed';
  expect(result?.code, `an import that was not killed must succeed: ${stderr}`).toBe(0);
  return 'finished';
}

async function validate(ws: string): Promise<void> {
  const result = await glossInProcess(['validate', ws], { cwd: root, configDir });
  expect(result.stderr.split('\n').filter((l) => l && !l.startsWith('note:'))).toEqual([]);
  expect(result.code).toBe(0);
}

/** The workspace holds exactly the file's documents and, in alice's layers, exactly its spans. */
async function expectExactly(ws: string): Promise<void> {
  const opened = await Workspace.open(ws, { readOnly: true });
  if (!opened.ok) throw new Error(opened.error.message);
  const workspace = opened.value;
  const want = expected(lines);
  const got = new Map<string, string[]>();
  for (const entry of workspace.documents()) {
    const doc = await workspace.readDocument(entry.id);
    expect(doc).not.toBeNull();
    expect(await workspace.layerAnnotators(entry.id)).toEqual(['alice']);
    const layer = await workspace.readLayer(entry.id, 'alice');
    expect(got.has(doc!.text), `document ${entry.id} is a duplicate`).toBe(false);
    got.set(doc!.text, (layer?.spans ?? []).map((s) => `${s.label} ${s.start}-${s.end}`).sort());
  }
  expect(workspace.documents()).toHaveLength(want.size);
  expect(got).toEqual(want);
  expect(await workspace.strayDocuments()).toEqual([]);
}

/** Whether an import left work half done: documents on disk not yet in the manifest, or fewer in it. */
async function isPartial(ws: string): Promise<boolean> {
  const opened = await Workspace.open(ws, { readOnly: true });
  if (!opened.ok) throw new Error(opened.error.message);
  return (await opened.value.strayDocuments()).length > 0 || opened.value.documents().length < expected(lines).size;
}

describe('kill -9 during a large gloss import', () => {
  it('validate passes after every kill, and a re-run ends exact', { timeout: 60_000 }, async () => {
    const random = rng(31337);
    const started = Date.now();
    let rounds = 0;
    let interrupted = 0;
    const outcomes: string[] = [];
    while (rounds < 2 || (Date.now() - started < BUDGET_MS && rounds < 8)) {
      const ws = join(root, `ws-${rounds}`);
      const created = await Workspace.init(ws);
      expect(created.ok).toBe(true);
      // Two kills in a row, validating after each: the first while document files are being
      // written, the second at any point of the re-run (documents, layers or the manifest).
      const documents = expected(lines).size;
      for (let kill = 0; kill < 2; kill++) {
        const remaining = kill === 0 ? documents - 1 : Math.max(1, 2 * documents - filesWritten(ws) + 1);
        const after = 1 + Math.floor(random() * remaining);
        const outcome = await importAndKill(ws, after, Math.floor(random() * 4));
        outcomes.push(`${rounds}.${kill}: ${outcome} after ${after}`);
        await validate(ws);
        if (outcome === 'killed' && (await isPartial(ws))) interrupted++;
      }
      const rerun = await glossInProcess(['import', ws, input, '--annotator', 'alice'], { cwd: root, configDir });
      expect(rerun.code, rerun.stderr).toBe(0);
      await validate(ws);
      await expectExactly(ws);
      rounds++;
    }
    // The kills did land in the middle of imports, not all before or after them.
    expect(interrupted, outcomes.join('\n')).toBeGreaterThanOrEqual(2);
  });

  it('a completed import of the same file changes nothing', async () => {
    const ws = join(root, 'ws-complete');
    await Workspace.init(ws);
    const first = await glossInProcess(['import', ws, input, '--annotator', 'alice'], { cwd: root, configDir });
    expect(first.code).toBe(0);
    const manifest = await readFile(join(ws, 'gloss.json'), 'utf8');
    const second = await glossInProcess(['import', ws, input, '--annotator', 'alice'], { cwd: root, configDir });
    expect(second.stdout).toContain(`0 document(s) created, ${lines.length} already in the workspace; 0 span(s) added`);
    expect(await readFile(join(ws, 'gloss.json'), 'utf8')).toBe(manifest);
    await expectExactly(ws);
  });
});
