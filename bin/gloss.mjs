#!/usr/bin/env node
// The `gloss` command. Runs src/cli/main.ts compiled into one file, out/cli/main.mjs (and its
// worker threads' src/cli/worker.ts into out/cli/worker.mjs), which it builds itself with esbuild
// when missing or older than a source file, so that `npx gloss` works
// right after `npm install` without a build step and starts without compiling TypeScript each
// time (ADR 0010). Where that cannot be built or written, or GLOSS_CLI_FROM_SOURCE=1, it runs
// the sources through tsx.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'src', 'cli', 'main.ts');
const WORKER_ENTRY = join(ROOT, 'src', 'cli', 'worker.ts');
/**
 * The built files: the CLI, and what its worker threads run (main.ts finds it beside itself). Same
 * depth below the package as src/cli: main.ts finds out/renderer two folders up in both.
 */
const BUNDLES = { main: join(ROOT, 'out', 'cli', 'main.mjs'), worker: join(ROOT, 'out', 'cli', 'worker.mjs') };
/** What the CLI is built from: a change to any file there rebuilds it. */
const SOURCE_DIRS = ['src/cli', 'src/core', 'src/main'].map((d) => join(ROOT, d));

/** Newest modification time (ms) of the files under `dir`, recursively; 0 when there is none. */
function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** zod's `locales` (its messages in other languages, `z.locales`, unused here) as an empty module. */
const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'gloss-empty' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'gloss-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** Modification time of the oldest of the built files, -1 when one is missing. */
function bundleMtime() {
  try {
    return Math.min(...Object.values(BUNDLES).map((path) => statSync(path).mtimeMs));
  } catch {
    return -1;
  }
}

/** The built CLI, (re)built when stale; null when it cannot be (then tsx runs the sources). */
async function builtCli() {
  if (process.env.GLOSS_CLI_FROM_SOURCE === '1') return null;
  // This file too: it says how the bundle is built.
  const sources = Math.max(...SOURCE_DIRS.map(newestMtime), statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (bundleMtime() >= sources) return BUNDLES.main;
  // Built into a folder beside and renamed into place, the worker's file first: a concurrent gloss
  // never loads a half-written file.
  const tempDir = join(dirname(BUNDLES.main), `.build.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    const { build } = await import('esbuild');
    mkdirSync(tempDir, { recursive: true });
    await build({
      // The CLI, and what its worker threads run: only what a worker needs (worker.ts), so that
      // each starts without compiling and running the commands, the server and the importers, nor
      // loading Node's network modules (ADR 0024).
      entryPoints: { main: ENTRY, worker: WORKER_ENTRY },
      outdir: tempDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Small pure-JS dependencies (zod, commander, marked, lowdb, htmlparser2, ...) are bundled:
      // resolving and loading their hundreds of files cost more than running them. The big ones,
      // loaded only by the commands that need them, stay in node_modules.
      external: ['mammoth', 'jszip', 'pdfjs-dist', 'pdfjs-dist/*', 'electron', 'esbuild', 'tsx', 'tsx/*'],
      // Every command, and each worker thread of an export or of agreement, compiles its file
      // first: without comments and whitespace, in ASCII only (V8 then holds the source as
      // one-byte text) and without zod's translations of its messages into 40 languages (Gloss
      // words its own), it is half the size and ~30 ms less CPU to load. Names are kept: stack
      // traces stay readable.
      minifyWhitespace: true,
      minifySyntax: true,
      charset: 'ascii',
      plugins: [withoutZodLocales],
      // CommonJS dependencies inside an ES module bundle still call require() for Node's modules.
      banner: { js: "import { createRequire as __glossRequire } from 'node:module'; const require = __glossRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    // Dated as the sources they were built from: a file saved during the build is newer, and rebuilds.
    // Rounded up to the millisecond a Date holds: the sources' times have a fraction of one, and
    // rounded down the bundle was older than its newest source, so every run built it again.
    for (const name of ['worker', 'main']) {
      const built = join(tempDir, `${name}.mjs`);
      utimesSync(built, new Date(), new Date(Math.ceil(sources)));
      renameSync(built, BUNDLES[name]);
    }
    return BUNDLES.main;
  } catch {
    return null;
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

const bundle = await builtCli();
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { tsImport } = await import('tsx/esm/api');
  ({ main } = await tsImport('../src/cli/main.ts', import.meta.url));
}
process.exitCode = await main(process.argv.slice(2));
