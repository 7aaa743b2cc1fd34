// Key → painted of two (or more) builds of Gloss side by side, in one browser (issue 5): for a change
// whose effect on the latency is smaller than the spread between two full benchmark runs.
//
//   npx tsx bench/ab.ts [--rounds 3] [--actions 15] [--floor] [--phases] [--json FILE] DIR_A DIR_B [...]
//
// Each DIR is a copy of the project with its renderer built: bin/, src/, package.json,
// out/renderer/ and node_modules (a symlink to this one's will do). For instance, for the last
// commit against the working tree:
//
//   git worktree add /tmp/gloss-head HEAD && ln -s "$PWD/node_modules" /tmp/gloss-head/node_modules
//   (cd /tmp/gloss-head && npx electron-vite build) && npm run build
//   npx tsx bench/ab.ts /tmp/gloss-head .
//
// Every build gets its own workspace with the benchmark's report (bench/.data/full: run
// `npx tsx bench/generate.ts` once) and its own `gloss serve`. Each round runs the same seeded
// create / relabel / delete actions as `npm run bench` (bench/lib/browser-bench.ts) in every
// build, in turn, alternating which goes first, so that the shared machine's load falls on all
// of them alike; a round has its own seed. With --floor each round also times the least edit in
// the `<p>` in chunks floor. Prints p50 / p90 / p95 per build and kind, and of the time until the
// change is durable; writes nothing but temporary files. With --phases the key presses are traced
// with the main thread's timeline (which slows them: compare builds with each other only) and it
// also prints where the time from key to painted went, per kind of trace event (mean ms per key).
// --json FILE writes every action's record (per build, and the floor's), for a closer look.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/chromium';
import type { GlossDocument, Layer } from '../src/core/model';
import { appSpec, pageSpec, runActions, runFloorEdits, VIEWPORT } from './lib/browser-bench';
import type { ActionRecord } from './lib/browser-bench';
import { buildPages, serveStatic } from './lib/pages';
import type { StaticServer } from './lib/pages';
import { glossOk, ROOT, serve } from './lib/proc';
import type { Served } from './lib/proc';
import { quantile } from './lib/stats';
import type { GeneratedData } from './generate';

interface Options {
  rounds: number;
  actions: number;
  floor: boolean;
  phases: boolean;
  json: string | null;
  dirs: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 3, actions: 15, floor: false, phases: false, json: null, dirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds' || a === '--actions') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a whole number ≥ 1`);
      if (a === '--rounds') o.rounds = n;
      else o.actions = n;
    } else if (a === '--floor') o.floor = true;
    else if (a === '--phases') o.phases = true;
    else if (a === '--json') {
      const file = argv[++i];
      if (!file || file.startsWith('--')) throw new Error('--json needs a file name');
      o.json = resolve(file);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a} (known: --rounds --actions --floor --phases --json FILE)`);
    else o.dirs.push(resolve(a));
  }
  if (o.dirs.length < 2) throw new Error('give at least two project folders to compare');
  for (const dir of o.dirs) {
    for (const part of ['bin/gloss.mjs', 'out/renderer/index.html', 'node_modules/@playwright/test']) {
      if (!existsSync(join(dir, part))) throw new Error(`${dir} has no ${part}: see the top of bench/ab.ts`);
    }
  }
  return o;
}

const ANNOTATOR = 'bench';

interface Build extends Served {
  dir: string;
  workspace: string;
}

/** The build's own workspace with the benchmark's report (as `npm run bench` makes it), served. */
async function start(dir: string, workspace: string, data: GeneratedData, env: NodeJS.ProcessEnv): Promise<Build> {
  await glossOk(['init', workspace], env, dir);
  await glossOk(['import', workspace, data.coverFile], env, dir);
  await glossOk(['import', workspace, data.reportFile, '--annotator', ANNOTATOR], env, dir);
  return { dir, workspace, ...(await serve(workspace, ANNOTATOR, env, dir)) };
}

function line(kind: string, values: number[]): string {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return `${kind.padEnd(8)} none`;
  const q = (p: number) => quantile(v, p).toFixed(1).padStart(5);
  return `${kind.padEnd(8)} n=${String(v.length).padStart(3)}  p50 ${q(0.5)}  p90 ${q(0.9)}  p95 ${q(0.95)} ms`;
}

/** Mean main-thread self time per trace event name over the records with phases (the 14 largest). */
function phaseLine(title: string, recs: readonly ActionRecord[]): string {
  const withPhases = recs.flatMap((r) => (r.phases ? [r.phases] : []));
  if (withPhases.length === 0) return `${title}: no phases\n`;
  const sums = new Map<string, number>();
  for (const ph of withPhases) for (const [name, ms] of Object.entries(ph)) sums.set(name, (sums.get(name) ?? 0) + ms);
  const total = [...sums.values()].reduce((a, b) => a + b, 0) / withPhases.length;
  const top = [...sums]
    .map(([name, ms]): [string, number] => [name, ms / withPhases.length])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(', ');
  return `${title} (n=${withPhases.length}, main thread busy ${total.toFixed(2)} ms per key): ${top}\n`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const data = JSON.parse(readFileSync(join(ROOT, 'bench', '.data', 'full', 'generated.json'), 'utf8')) as GeneratedData;
  const work = mkdtempSync(join(tmpdir(), 'gloss-ab-'));
  const env: NodeJS.ProcessEnv = { ...process.env, GLOSS_CONFIG_DIR: join(work, 'config') };
  mkdirSync(join(work, 'config'));
  const builds: Build[] = [];
  let statics: StaticServer | null = null;
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
  try {
    const pages = await buildPages(work);
    for (const [i, dir] of o.dirs.entries()) builds.push(await start(dir, join(work, `ws${i}`), data, env));
    const docId = data.report.id;
    const docFile = (b: Build) => join(b.workspace, 'documents', `${docId}.json`);
    const layerFile = (b: Build) => join(b.workspace, 'annotations', docId, `${ANNOTATOR}.json`);
    const document = JSON.parse(readFileSync(docFile(builds[0]!), 'utf8')) as GlossDocument;
    if (o.floor) statics = await serveStatic(pages.dir, { 'document.json': docFile(builds[0]!), 'layer.json': layerFile(builds[0]!) });
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    await context.addInitScript({ content: pages.probeSource });
    const records = new Map<string, ActionRecord[]>(o.dirs.map((d) => [d, []]));
    const floorRecords: ActionRecord[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const b of order) {
        const spec = appSpec(b.url, docId);
        const pageErrors: string[] = [];
        const out = await runActions(browser, context, spec, {
          profile: false,
          phases: o.phases,
          seed: `gloss-ab-${round}`,
          document,
          // The layer as it is now: earlier rounds' edits are in it.
          layer: JSON.parse(readFileSync(layerFile(b), 'utf8')) as Layer,
          layerFile: layerFile(b),
          serverPid: b.pid,
          actions: o.actions,
          log: () => {},
          pageErrors,
        });
        if (pageErrors.length > 0) throw new Error(`${b.dir}: ${pageErrors.slice(0, 3).join('; ')}`);
        records.get(b.dir)!.push(...out.records);
        const creates = out.records.filter((r) => r.kind === 'create').map((r) => r.ms);
        process.stdout.write(`round ${round + 1}/${o.rounds} ${b.dir}: ${line('create', creates)}\n`);
      }
      if (statics) {
        const f = await runFloorEdits(browser, context, pageSpec('pChunks', `${statics.origin}/p.html?layout=chunks`), document.blocks.length, o.actions, { sink: floorRecords, phases: o.phases });
        process.stdout.write(`round ${round + 1}/${o.rounds} <p> in chunks floor: p50 ${f.p50} p95 ${f.p95} ms (n=${f.count})\n`);
      }
    }
    if (o.json) writeFileSync(o.json, `${JSON.stringify({ builds: Object.fromEntries(records), floor: floorRecords }, null, 1)}\n`);
    process.stdout.write('\nkey → painted\n');
    for (const b of builds) {
      const recs = records.get(b.dir)!;
      const durable = recs.flatMap((r) => (r.durableMs === null ? [] : [r.durableMs]));
      // One line per kind of action of one measure; records without it (null) are left out.
      const byKind = (indent: string, ms: (r: ActionRecord) => number | null): string =>
        ['create', 'relabel', 'delete']
          .map((k) => {
            const values = recs.flatMap((r) => {
              const v = r.kind === k ? ms(r) : null;
              return v === null ? [] : [v];
            });
            return `${indent}${line(k, values)}`;
          })
          .join('\n');
      process.stdout.write(`${b.dir}\n${byKind('  ', (r) => r.ms)}\n`);
      process.stdout.write(`  key → DOM changed:\n${byKind('    ', (r) => r.domMs)}\n`);
      process.stdout.write(`  key → presented (Chromium's EventLatency):\n${byKind('    ', (r) => r.presentedMs)}\n`);
      process.stdout.write(`  key → change durable (applyChanges answered): ${line('all', durable).slice(8)}\n`);
      const part = (ms: (r: ActionRecord) => number | null): string => line('all', recs.flatMap((r) => (ms(r) === null ? [] : [ms(r)!]))).slice(8);
      process.stdout.write(`    of which key → request started: ${part((r) => r.requestMs)}\n`);
      process.stdout.write(`    and request → answer's first byte (server, fsync): ${part((r) => r.serverMs)}\n`);
      if (o.phases) for (const k of ['create', 'relabel', 'delete']) process.stdout.write(phaseLine(`  ${k}`, recs.filter((r) => r.kind === k)));
    }
    if (o.phases && floorRecords.length > 0) process.stdout.write(phaseLine('<p> in chunks floor', floorRecords));
  } finally {
    await browser.close();
    await Promise.all(builds.map((b) => b.stop()));
    await statics?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench/ab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
