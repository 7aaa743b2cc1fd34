// Save micro-benchmark (issue 5, docs/adr/0009): one applyChanges on a 10,000-span layer, from the
// call to the durable answer, and the bytes the process wrote for it; through the real GlossApi
// and Workspace on a real folder. Not part of `npm test`.
//
//   npx tsx bench/save-bench.ts [--changes 50] [--spans 10000] [--src DIR]
//
// --src loads src/ from another tree (e.g. `git archive HEAD src | tar -x -C /tmp/before`, with
// /tmp/before/node_modules linked to this one) to measure the code before a change side by side.

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as ApiModule from '../src/main/api';
import type * as SettingsModule from '../src/main/settings';
import type * as WorkspaceModule from '../src/main/workspace/workspace';
import type * as DocumentModule from '../src/core/document';
import type * as LayerModule from '../src/core/layer';
import type * as OffsetsModule from '../src/core/offsets';
import type { LayerChange } from '../src/core/api';

const { values } = parseArgs({
  options: { changes: { type: 'string', default: '50' }, spans: { type: 'string', default: '10000' }, src: { type: 'string', default: join(import.meta.dirname, '..', 'src') } },
});
const CHANGES = Number(values.changes);
const SPANS = Number(values.spans);
const SRC = resolve(values.src);

async function load<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(SRC, path)).href)) as T;
}

/** Bytes written by this process so far (/proc/self/io wchar: every write call). */
function written(): number {
  const io = readFileSync('/proc/self/io', 'utf8');
  return Number(/^wchar: (\d+)$/m.exec(io)?.[1] ?? NaN);
}

/** Deterministic words (a small LCG), ~6 code points each, with some Cyrillic and emoji. */
function makeText(words: number): string {
  const vocab = ['ministry', 'pledged', 'million', 'Dushanbe', 'agreement', 'Рахмон', 'report', 'percent', '🌍', 'the', 'of', 'signed'];
  let seed = 42;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out.push(vocab[seed % vocab.length]!);
    if (i % 30 === 29) out.push('\n\n');
  }
  return out.join(' ');
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const { createGlossApi } = await load<typeof ApiModule>('main/api.ts');
  const { SettingsStore } = await load<typeof SettingsModule>('main/settings.ts');
  const { Workspace } = await load<typeof WorkspaceModule>('main/workspace/workspace.ts');
  const { buildDocument, plainTextToBlocks } = await load<typeof DocumentModule>('core/document.ts');
  const { emptyLayer, makeSpan } = await load<typeof LayerModule>('core/layer.ts');
  const { CodePointIndex } = await load<typeof OffsetsModule>('core/offsets.ts');

  const dir = await mkdtemp(join(tmpdir(), 'gloss-save-bench-'));
  const configDir = await mkdtemp(join(tmpdir(), 'gloss-save-bench-config-'));
  try {
    const created = await Workspace.init(dir, { name: 'bench' });
    if (!created.ok) throw new Error(created.error.message);
    const text = makeText(100_000);
    const doc = await buildDocument({ id: 'report', title: 'report', text, blocks: plainTextToBlocks(text), meta: { source: 'report.txt', format: 'txt' }, importedAt: '2025-01-01T00:00:00.000Z' });
    const index = new CodePointIndex(text);
    const length = index.length;
    const layer = emptyLayer(doc, 'bench', '2025-01-01T00:00:00.000Z');
    const labels = ['Person', 'Organisation', 'Location', 'Money', 'Percent', 'Quantity', 'Date', 'Commitment'];
    for (let i = 0; i < SPANS; i++) {
      const start = Math.floor((i * (length - 20)) / SPANS);
      const made = makeSpan({ id: `s${i}`, label: labels[i % labels.length]!, start, end: start + 5 }, index, created.value.schema, '2025-01-01T00:00:00.000Z', 'imported:gloss');
      if (!made.ok) throw new Error(made.error.message);
      layer.spans.push(made.value);
    }
    await created.value.addDocuments([doc], [layer]);
    const layerPath = join(dir, 'annotations', 'report', 'bench.json');
    const layerBytes = (await stat(layerPath)).size;

    const opened = await Workspace.open(dir);
    if (!opened.ok) throw new Error(opened.error.message);
    const ws = opened.value;
    const settings = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: configDir }, annotatorOverride: 'bench' });
    if (!settings.ok) throw new Error(settings.error.message);
    const api = createGlossApi({ workspace: ws, settings: settings.value });
    const first = await api.openDocument('report');
    if (!first.ok) throw new Error(first.error.message);
    let updatedAt = first.value.mine.updatedAt;

    const times: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      // Alternate create / relabel / delete at positions spread over the document, a quarter near its end.
      const at = i % 4 === 3 ? length - 40 - i : Math.floor(((i * 7919) % 997) / 997 * (length - 40));
      const kind = i % 3;
      const target = `s${(i * 131) % SPANS}`;
      const change: LayerChange =
        kind === 0
          ? { op: 'add', span: { id: `new-${i}`, label: 'Person', start: at, end: at + 7 } }
          : kind === 1
            ? { op: 'update', spanId: target, patch: { label: 'Location' } }
            : { op: 'remove', spanId: `s${(i * 257 + 1) % SPANS}` };
      const before = written();
      const t0 = performance.now();
      const result = await api.applyChanges('report', [change], updatedAt);
      const t1 = performance.now();
      const after = written();
      if (!result.ok) throw new Error(`change ${i}: ${result.error.message}`);
      updatedAt = result.value.updatedAt;
      times.push(t1 - t0);
      bytes.push(after - before);
    }
    // The tree measured before the journal has no flush.
    const flush = (ws as { flush?: () => Promise<void> }).flush;
    if (flush) await flush.call(ws);
    const sortedTimes = [...times].sort((a, b) => a - b);
    const sortedBytes = [...bytes].sort((a, b) => a - b);
    const files = await readdir(join(dir, 'annotations', 'report'));
    const result = {
      src: SRC,
      spans: SPANS,
      layerFileBytes: layerBytes,
      changes: CHANGES,
      durableMs: { p50: round(quantile(sortedTimes, 0.5)), p95: round(quantile(sortedTimes, 0.95)), max: round(sortedTimes[sortedTimes.length - 1]!) },
      bytesWrittenPerChange: { p50: quantile(sortedBytes, 0.5), p95: quantile(sortedBytes, 0.95) },
      filesAfterFlush: files,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(configDir, { recursive: true, force: true });
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

await main();
