#!/usr/bin/env node
// `npm start`: build, make the sample workspace if it is not there yet, then open Gloss in
// Electron. Where the Electron binary is missing, say so in one line and run browser mode
// (`gloss serve`) on the same workspace instead, which prints the URL to open.
//
//   npm start                        the sample workspace
//   npm start -- --workspace DIR     another workspace (must exist: `gloss init DIR`)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const GLOSS = join(ROOT, 'bin', 'gloss.mjs');
const SAMPLES = join(ROOT, 'resources', 'sample');
const require = createRequire(import.meta.url);

/** Same rule as sampleWorkspaceDir() in src/main/controller.ts (which Electron uses). */
function sampleWorkspaceDir(env = process.env, home = homedir()) {
  const dataDir = env.GLOSS_DATA_DIR || join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'gloss');
  return join(dataDir, 'sample-workspace');
}

/** `--workspace DIR` / `--workspace=DIR` from our own arguments, if given. */
function workspaceArg(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workspace' && i + 1 < argv.length) return resolve(argv[i + 1]);
    if (argv[i].startsWith('--workspace=')) return resolve(argv[i].slice('--workspace='.length));
  }
  return null;
}

/** Runs a step quietly; on failure shows its output and stops with its exit code. */
function step(what, command, args) {
  const run = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status === 0) return;
  process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}`);
  process.stderr.write(`gloss: ${what} failed${run.error ? `: ${run.error.message}` : ''}\n`);
  process.exit(run.status || 1);
}

/**
 * The Electron executable, or null when it was never downloaded. Never `require('electron')`
 * for this: without its binary that module starts a download, and these machines have no network.
 */
function electronBinary() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(dir, 'dist');
  const executable = join(dist, relative);
  return relative && existsSync(executable) ? executable : null;
}

function documentCount(workspace) {
  try {
    const manifest = JSON.parse(readFileSync(join(workspace, 'gloss.json'), 'utf8'));
    return Array.isArray(manifest.documents) ? manifest.documents.length : 0;
  } catch {
    // Unreadable: leave it to Gloss, which opens it and reports the problem clearly.
    return -1;
  }
}

/** Makes the sample workspace from resources/sample (idempotent: an interrupted run is finished). */
function ensureSampleWorkspace(workspace) {
  if (!existsSync(join(workspace, 'gloss.json'))) {
    step('creating the sample workspace', process.execPath, [GLOSS, 'init', workspace, '--name', 'Sample reports']);
  }
  if (documentCount(workspace) === 0) {
    const samples = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => join(SAMPLES, f));
    step('importing the sample reports', process.execPath, [GLOSS, 'import', workspace, ...samples]);
  }
}

/** Runs a long-lived child in the foreground: signals go to it, its exit code becomes ours. */
function foreground(command, args) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    process.stderr.write(`gloss: cannot start ${command}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electronVite = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
step('the build (electron-vite build)', process.execPath, [electronVite, 'build']);

const workspace = workspaceArg(process.argv.slice(2)) ?? sampleWorkspaceDir();
if (!workspaceArg(process.argv.slice(2))) ensureSampleWorkspace(workspace);

const electron = electronBinary();
if (electron) {
  foreground(electron, [ROOT, '--workspace', workspace]);
} else {
  console.log('Electron binary not found (node_modules/electron has no dist/): starting browser mode instead.');
  foreground(process.execPath, [GLOSS, 'serve', workspace]);
}
