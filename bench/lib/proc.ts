// Running the real `gloss` CLI as a child process (as a person runs it), timing it, and starting
// browser mode (`gloss serve`) to measure against.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const GLOSS_BIN = join(ROOT, 'bin', 'gloss.mjs');

export interface RunResult {
  code: number;
  ms: number;
  stdout: string;
  stderr: string;
}

/** The `gloss` command of the project in `root` (default: this one). */
function binOf(root: string): string {
  return root === ROOT ? GLOSS_BIN : join(root, 'bin', 'gloss.mjs');
}

/**
 * Run `gloss <args>` to its end; wall time from spawn to exit (Node startup and tsx included).
 * `root`: whose `gloss` (another copy of the project, bench/ab.ts); default this one.
 */
export function gloss(args: string[], env: NodeJS.ProcessEnv, root = ROOT): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [binOf(root), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code: code ?? -1, ms: performance.now() - started, stdout, stderr }));
  });
}

/** Like gloss(), but a non-zero exit is an error naming the command. */
export async function glossOk(args: string[], env: NodeJS.ProcessEnv, root = ROOT): Promise<RunResult> {
  const r = await gloss(args, env, root);
  if (r.code !== 0) throw new Error(`gloss ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

export interface Served {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `gloss serve <dir> --port 0 --annotator NAME`: the URL is the first line of its stdout. `root` as for gloss(). */
export async function serve(dir: string, annotator: string, env: NodeJS.ProcessEnv, root = ROOT): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [binOf(root), 'serve', dir, '--port', '0', '--annotator', annotator], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolveUrl(line.trim()));
    child.once('exit', (code) => reject(new Error(`gloss serve exited (${code}): ${stderr}`)));
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(url)) throw new Error(`gloss serve printed no URL but: ${url}`);
  return {
    url,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Bytes a process has written so far (/proc/PID/io): wchar = all write calls incl. sockets. */
export function processWrites(pid: number): { wchar: number; writeBytes: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string): number => Number(/^(\w+): (\d+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name}:`)) ?? '')?.[2] ?? NaN);
    return { wchar: field('wchar'), writeBytes: field('write_bytes') };
  } catch {
    return null;
  }
}
