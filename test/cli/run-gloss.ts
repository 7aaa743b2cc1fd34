// Running the real `gloss` command (bin/gloss.mjs) as a process, and the same CLI in-process
// for checks that need no process of their own.

import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { CliContext } from '../../src/cli/commands';
import { runCli } from '../../src/cli/program';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const GLOSS_BIN = resolve(ROOT, 'bin', 'gloss.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * What the built CLI's worker threads run (out/cli/worker.mjs, docs/adr/0018 and 0024), made or
 * refreshed from the sources with the CLI (out/cli/main.mjs) by running bin/gloss.mjs once.
 */
export async function builtCli(): Promise<URL> {
  await promisify(execFile)(process.execPath, [GLOSS_BIN, '--help']);
  return pathToFileURL(resolve(ROOT, 'out', 'cli', 'worker.mjs'));
}

/** `node bin/gloss.mjs ...args` with its own settings folder; never rejects. */
export function gloss(args: string[], options: { cwd: string; configDir: string }): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [GLOSS_BIN, ...args],
      { cwd: options.cwd, env: { ...process.env, GLOSS_CONFIG_DIR: options.configDir }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The CLI in this process, output captured. */
export async function glossInProcess(args: string[], context: Partial<CliContext> & { cwd: string; configDir: string }): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const { configDir, ...rest } = context;
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { GLOSS_CONFIG_DIR: configDir },
    now: () => new Date('2024-03-14T10:00:00.000Z'),
    rendererDir: resolve(ROOT, 'out', 'renderer'),
    untilStopped: () => Promise.resolve(),
    ...rest,
  });
  return { code, stdout, stderr };
}
