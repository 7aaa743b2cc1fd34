// `npm run bench`: the scale benchmark of issue 5. Generates (once) the seeded data, times the CLI
// on it, then the app in browser mode in headless Chromium beside the floors and the peer, and
// writes bench/results/latest.json and the tables in bench/README.md. Not part of `npm test`.
//
//   npm run bench                  full run (~13-14 minutes on 2 shared cores)
//   npm run bench -- --quick       small data, few runs: a smoke test while developing
//   options: --runs N  --actions N  --skip-cli  --no-profile
//   npm run bench -- --open-only   only open the report (app and the two floors), print the
//                                  medians; writes bench/.data/open-results.json, not the README

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { FULL_SIZE, generate, GENERATOR_VERSION, QUICK_SIZE } from './generate';
import type { GeneratedData } from './generate';
import { benchBrowser } from './lib/browser-bench';
import { benchCli } from './lib/cli-bench';
import { gloss, glossOk, ROOT } from './lib/proc';
import { judge, markdown, updateReadme } from './lib/report';
import type { BenchResults, Machine } from './lib/report';

interface Options {
  quick: boolean;
  runs: number;
  actions: number;
  cliRuns: number;
  importRuns: number;
  skipCli: boolean;
  profile: boolean;
  openOnly: boolean;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const number = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive whole number`);
    return n;
  };
  const known = new Set(['--quick', '--runs', '--actions', '--skip-cli', '--no-profile', '--open-only']);
  for (const [i, a] of argv.entries()) {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a} (known: ${[...known].join(' ')})`);
    if (!a.startsWith('--') && !['--runs', '--actions'].includes(argv[i - 1] ?? '')) throw new Error(`unexpected argument ${a}`);
  }
  return {
    quick,
    // At least 5 runs of everything (issue 5); 7 opens: on 2 shared cores a target's opens vary
    // by ±50% within a run, and the ratio of two medians of 5 moved by 0.3 from run to run.
    runs: number('--runs', quick ? 2 : 7),
    actions: number('--actions', quick ? 8 : 50),
    cliRuns: quick ? 2 : 5,
    importRuns: quick ? 1 : 5,
    skipCli: argv.includes('--skip-cli') || argv.includes('--open-only'),
    profile: !argv.includes('--no-profile'),
    openOnly: argv.includes('--open-only'),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** The seeded data, generated again only when missing or made by another generator version. */
function data(quick: boolean): GeneratedData {
  const dir = join(ROOT, 'bench', '.data', quick ? 'quick' : 'full');
  const stampFile = join(dir, 'generated.json');
  if (existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as GeneratedData & { version?: number };
    if (stamp.version === GENERATOR_VERSION && existsSync(stamp.reportFile)) return stamp;
  }
  log(`generating the data into ${dir}`);
  const generated = generate(dir, quick ? QUICK_SIZE : FULL_SIZE);
  writeFileSync(stampFile, JSON.stringify({ version: GENERATOR_VERSION, quick, ...generated }, null, 2) + '\n');
  return generated;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function machine(loadBefore: number[]): Machine {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    loadBefore,
    loadAfter: loadavg(),
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const loadBefore = loadavg();
  const rendererIndex = join(ROOT, 'out', 'renderer', 'index.html');
  if (!existsSync(rendererIndex)) throw new Error('the renderer is not built (out/renderer/index.html): run `npm run build` first');
  const builtAt = statSync(rendererIndex).mtimeMs;
  const olderThanSources = newestMtime(join(ROOT, 'src', 'renderer')) > builtAt || newestMtime(join(ROOT, 'src', 'core')) > builtAt;
  if (olderThanSources) log('warning: out/renderer is older than src/renderer or src/core: the app measured is the last build (npm run build)');

  const d = data(o.quick);
  const workDir = join(ROOT, 'bench', '.data', o.quick ? 'run-quick' : 'run');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const configDir = join(workDir, 'config');
  mkdirSync(configDir, { recursive: true });
  // The benchmark's own settings folder: never the user's annotator setting.
  const env: NodeJS.ProcessEnv = { ...process.env, GLOSS_CONFIG_DIR: configDir };
  const annotator = 'bench';

  let cli: BenchResults['cli'] = null;
  let reportWorkspace = join(workDir, 'report-ws');
  if (o.skipCli) {
    await glossOk(['init', reportWorkspace], env);
    await glossOk(['import', reportWorkspace, d.coverFile], env);
    await glossOk(['import', reportWorkspace, d.reportFile, '--annotator', annotator], env);
  } else {
    const out = await benchCli({ data: d, workDir, runs: o.cliRuns, importRuns: o.importRuns, commandBudgetMs: 20_000, annotator, env, log });
    cli = out.results;
    reportWorkspace = out.reportWorkspace;
  }

  const manifest = JSON.parse(readFileSync(join(reportWorkspace, 'gloss.json'), 'utf8')) as { documents: { id: string; length: number }[] };
  const reportDocId = manifest.documents.find((x) => x.id === d.report.id)?.id ?? [...manifest.documents].sort((a, b) => b.length - a.length)[0]?.id;
  if (!reportDocId) throw new Error('the report workspace has no document');

  const browser = await benchBrowser({
    workDir,
    reportWorkspace,
    reportDocId,
    annotator,
    runs: o.runs,
    actions: o.actions,
    scrollStep: 2,
    scrollRuns: 3,
    scrollMaxMs: 15_000,
    targetBudgetMs: 60_000,
    profile: o.profile,
    openOnly: o.openOnly,
    env,
    log,
    validate: async () => (await gloss(['validate', reportWorkspace], env)).code,
  });

  if (o.openOnly) {
    const p = browser.targets.p?.open.median ?? Number.NaN;
    const lines = Object.entries(browser.targets).map(
      ([name, t]) => `${name.padEnd(8)} open ${t.open.median} ms median of ${t.runs.length} (${(t.open.median / p).toFixed(2)}x the <p> floor), heap ${t.heapMB.median} MB`,
    );
    process.stdout.write(`\n${lines.join('\n')}\n`);
    const file = join(ROOT, 'bench', '.data', 'open-results.json');
    writeFileSync(file, JSON.stringify({ generatedAt: new Date().toISOString(), targets: browser.targets }, null, 2) + '\n');
    log(`wrote ${file}`);
    return;
  }

  const partial: Omit<BenchResults, 'verdicts'> = {
    generatedAt: new Date().toISOString(),
    quick: o.quick,
    durationS: Math.round((performance.now() - started) / 1000),
    machine: machine(loadBefore),
    git: { commit: git(['rev-parse', 'HEAD']), dirtySrcFiles: git(['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean).length },
    rendererBuild: { builtAt: new Date(builtAt).toISOString(), olderThanSources },
    data: { ...d.report, corpus: d.corpus },
    runs: { browser: o.runs, actions: o.actions, cli: o.cliRuns, cliImports: o.importRuns },
    cli,
    browser,
  };
  const results: BenchResults = { ...partial, verdicts: judge(partial) };
  const table = markdown(results);
  process.stdout.write(`\n${table}\n`);
  // A quick run is a smoke test: its results stay in the ignored data folder.
  const resultsDir = o.quick ? join(ROOT, 'bench', '.data') : join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonFile = join(resultsDir, o.quick ? 'quick-results.json' : 'latest.json');
  writeFileSync(jsonFile, JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${jsonFile}`);
  if (!o.quick) {
    updateReadme(join(ROOT, 'bench', 'README.md'), table);
    log('updated bench/README.md');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
