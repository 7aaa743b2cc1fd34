// Process glue of the `gloss` command: real stdout/stderr, environment, clock and signals around
// runCli (program.ts). bin/gloss.mjs runs this file, built into out/cli/main.mjs (or through tsx).

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerThreads } from '../main/workspace/worker-threads';
import type { CliContext } from './commands';
import { runCli } from './program';

/** The built renderer of this package: `out/renderer`, two folders up from src/cli. */
const RENDERER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer');

// The worker threads of exports and agreement (docs/adr/0018) run worker.ts, built beside this
// file into out/cli/worker.mjs (ADR 0024). Run through tsx (the sources), a worker could not load
// TypeScript: those passes then take one thread.
const WORKER_THREADS: WorkerThreads | undefined = import.meta.url.endsWith('.mjs') ? { script: new URL('./worker.mjs', import.meta.url) } : undefined;

/** Resolves on the first SIGINT or SIGTERM (a second one ends the process the default way). */
function untilSignal(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Run the CLI on process.argv-style arguments (without node and the script); resolves to the exit code. */
export function main(args: string[]): Promise<number> {
  // `gloss export ... | head` closes our stdout early: that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const ctx: CliContext = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    rendererDir: RENDERER_DIR,
    untilStopped: untilSignal,
    ...(WORKER_THREADS ? { workerThreads: WORKER_THREADS } : {}),
    progress: { isTTY: process.stderr.isTTY === true, ...(process.stderr.columns ? { columns: process.stderr.columns } : {}) },
  };
  return runCli(args, ctx);
}
