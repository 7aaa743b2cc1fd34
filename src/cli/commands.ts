// What each `gloss` command does, given parsed arguments. Exit codes: 0 ok, 1 failed (the message
// on stderr names the file, and the line for line-based input); usage errors (2) are program.ts's.

import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Problem } from '../core/model';
import { createGlossApi } from '../main/api';
import { startServer } from '../main/serve';
import { SettingsStore } from '../main/settings';
import { writeFileDurable } from '../main/workspace/durable';
import { exportWorkspace } from '../main/workspace/exporter';
import type { ExportFormat } from '../main/workspace/exporter';
import { importFiles } from '../main/workspace/importer';
import type { ImportFormat } from '../main/workspace/importer';
import { Workspace } from '../main/workspace/workspace';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where a command's output goes and what it may read from its surroundings (injected in tests). */
export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Relative paths are resolved against this folder. */
  cwd: string;
  now: () => Date;
  /** The built renderer that `gloss serve` serves. */
  rendererDir: string;
  /** Resolves when a long-running command (serve) should stop, e.g. on SIGINT/SIGTERM. */
  untilStopped: () => Promise<void>;
}

/** `gloss init <dir> [--name N]` */
export async function initCommand(ctx: CliContext, dir: string, opts: { name?: string }): Promise<number> {
  const path = resolve(ctx.cwd, dir);
  const created = await Workspace.init(path, { ...(opts.name !== undefined ? { name: opts.name } : {}), now: ctx.now });
  if (!created.ok) return failWith(ctx, created.error.message);
  ctx.stdout(`Created Gloss workspace "${created.value.name}" in ${created.value.dir}\n`);
  return EXIT_OK;
}

/** `gloss import <dir> <file...> [--format F] [--annotator NAME] [--replace]` */
export async function importCommand(
  ctx: CliContext,
  dir: string,
  files: string[],
  opts: { format: ImportFormat | 'auto'; annotator?: string; replace?: boolean },
): Promise<number> {
  const ws = await openWorkspace(ctx, dir, false);
  if (!ws) return EXIT_FAILED;
  const settings = await openSettings(ctx, opts.annotator);
  if (!settings) return EXIT_FAILED;
  const result = await importFiles(
    ws,
    files.map((f) => resolve(ctx.cwd, f)),
    { format: opts.format, annotator: settings.annotator, replace: opts.replace ?? false, now: ctx.now },
  );
  if (!result.ok) {
    const { file, line, message } = result.error;
    return failWith(ctx, `${displayPath(ctx, file)}${line !== undefined ? `:${line}` : ''}: ${message}\nnothing was imported`);
  }
  for (const notice of result.report.notices) ctx.stderr(`note: ${relativeMessage(ctx, notice)}\n`);
  for (const f of result.report.files) {
    const annotated = f.format !== 'txt' && f.format !== 'md';
    const spans = annotated ? `; ${f.spansAdded} span(s) added, ${f.spansSkipped} already there` : '';
    ctx.stdout(
      `${displayPath(ctx, f.file)} (${f.format}): ${f.created} document(s) created, ${f.attached} already in the workspace${spans}\n`,
    );
  }
  return EXIT_OK;
}

/** `gloss export <dir> --format F [--annotator NAME] [--out PATH]` */
export async function exportCommand(
  ctx: CliContext,
  dir: string,
  opts: { format: ExportFormat; annotator?: string; out?: string },
): Promise<number> {
  const ws = await openWorkspace(ctx, dir, true);
  if (!ws) return EXIT_FAILED;
  let annotator = opts.annotator;
  if (opts.format !== 'gloss') {
    // jsonl and doccano carry one layer per document: mine unless told otherwise.
    const settings = await openSettings(ctx, opts.annotator);
    if (!settings) return EXIT_FAILED;
    annotator = settings.annotator;
  }
  const output = await exportWorkspace(ws, {
    format: opts.format,
    ...(annotator !== undefined ? { annotator } : {}),
    exportedAt: ctx.now().toISOString(),
  });
  for (const warning of output.warnings) ctx.stderr(`warning: ${warning}\n`);
  const summary = `${output.documents} document(s), ${output.spans} span(s)${annotator !== undefined ? ` of ${annotator}` : ''}`;
  if (opts.out === undefined) {
    ctx.stdout(output.text);
    ctx.stderr(`exported ${summary}\n`);
    return EXIT_OK;
  }
  const out = resolve(ctx.cwd, opts.out);
  try {
    await writeFileDurable(out, output.text);
  } catch (error) {
    return failWith(ctx, `${out}: cannot write: ${messageOf(error)}`);
  }
  ctx.stdout(`exported ${summary} to ${out}\n`);
  return EXIT_OK;
}

/** `gloss list <dir> [--json]` */
export async function listCommand(ctx: CliContext, dir: string, opts: { json?: boolean }): Promise<number> {
  const ws = await openWorkspace(ctx, dir, true);
  if (!ws) return EXIT_FAILED;
  const rows = [];
  for (const entry of ws.documents()) {
    const layers = [];
    for (const annotator of await ws.layerAnnotators(entry.id)) {
      const layer = await ws.readLayer(entry.id, annotator);
      if (layer) layers.push({ annotator, status: layer.status, spanCount: layer.spans.length });
    }
    rows.push({ ...entry, layers });
  }
  reportProblems(ctx, ws.problems);
  if (opts.json) {
    ctx.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    ctx.stdout(`no documents in ${ws.dir} (add some with "gloss import")\n`);
    return EXIT_OK;
  }
  const table = [
    ['ID', 'TITLE', 'LENGTH', 'LAYERS'],
    ...rows.map((r) => [
      r.id,
      r.title,
      String(r.length),
      r.layers.map((l) => `${l.annotator} (${l.status}, ${l.spanCount} spans)`).join(', ') || '-',
    ]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...table.map((row) => [...row[c]!].length)));
  for (const row of table) {
    const cells = row.map((cell, c) => (c < 3 ? cell + ' '.repeat(widths[c]! - [...cell].length) : cell));
    ctx.stdout(`${cells.join('  ').trimEnd()}\n`);
  }
  return EXIT_OK;
}

/** `gloss validate <dir>`: exit 1 with a report on any corrupt file, orphan span, dangling relation, unknown label. */
export async function validateCommand(ctx: CliContext, dir: string): Promise<number> {
  const ws = await openWorkspace(ctx, dir, true, false);
  if (!ws) return EXIT_FAILED;
  const problems = await ws.validate();
  const strays = await ws.strayDocuments();
  if (strays.length > 0) {
    ctx.stderr(
      `note: ${strays.length} document folder(s) or file(s) on disk are not in gloss.json (${strays.map((s) => s.id).join(', ')}): ` +
        'an interrupted import left them; they are not part of the workspace, and re-running that import takes them up\n',
    );
  }
  const documents = ws.documents().length;
  if (problems.length === 0) {
    ctx.stdout(`ok: ${ws.dir}: ${documents} document(s), no problems\n`);
    return EXIT_OK;
  }
  for (const problem of problems) ctx.stderr(`${problem.kind}: ${problem.message}\n`);
  ctx.stderr(`${ws.dir}: ${problems.length} problem(s) in ${documents} readable document(s)\n`);
  return EXIT_FAILED;
}

/** `gloss serve <dir> [--port N] [--annotator NAME]`: the URL is the first line of stdout. */
export async function serveCommand(ctx: CliContext, dir: string, opts: { port: number; annotator?: string }): Promise<number> {
  if (!existsSync(join(ctx.rendererDir, 'index.html'))) {
    return failWith(ctx, `the app is not built (${ctx.rendererDir} has no index.html): run npm run build`);
  }
  const ws = await openWorkspace(ctx, dir, false);
  if (!ws) return EXIT_FAILED;
  const settings = await openSettings(ctx, opts.annotator);
  if (!settings) return EXIT_FAILED;
  const api = createGlossApi({ workspace: ws, settings, now: ctx.now });
  let server;
  try {
    server = await startServer({ api, rendererDir: ctx.rendererDir, port: opts.port });
  } catch (error) {
    return failWith(ctx, `cannot serve on 127.0.0.1:${opts.port}: ${messageOf(error)}`);
  }
  ctx.stdout(`${server.url}\n`);
  ctx.stderr(`Gloss: workspace ${ws.dir} as ${settings.annotator}, browser mode on 127.0.0.1:${server.port}; Ctrl+C stops\n`);
  await ctx.untilStopped();
  await server.close();
  return EXIT_OK;
}

/** Open a workspace, reporting why not on stderr; problems found on opening are printed as warnings. */
async function openWorkspace(ctx: CliContext, dir: string, readOnly: boolean, report = true): Promise<Workspace | null> {
  const opened = await Workspace.open(resolve(ctx.cwd, dir), { readOnly, now: ctx.now });
  if (!opened.ok) {
    failWith(ctx, opened.error.message);
    return null;
  }
  if (report) reportProblems(ctx, opened.value.problems);
  return opened.value;
}

async function openSettings(ctx: CliContext, annotator: string | undefined): Promise<SettingsStore | null> {
  const opened = await SettingsStore.open({ env: ctx.env, now: ctx.now, ...(annotator !== undefined ? { annotatorOverride: annotator } : {}) });
  if (!opened.ok) {
    failWith(ctx, opened.error.message);
    return null;
  }
  for (const problem of opened.value.problems) ctx.stderr(`warning: ${problem}\n`);
  return opened.value;
}

function reportProblems(ctx: CliContext, problems: readonly Problem[]): void {
  for (const problem of problems) ctx.stderr(`warning: ${problem.message}\n`);
}

function failWith(ctx: CliContext, message: string): number {
  ctx.stderr(`gloss: error: ${message}\n`);
  return EXIT_FAILED;
}

/** A path relative to the current folder when it is under it (as the user typed it), else absolute. */
function displayPath(ctx: CliContext, path: string): string {
  const rel = relative(ctx.cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** A parser's message with absolute paths under the current folder made relative. */
function relativeMessage(ctx: CliContext, message: string): string {
  return message.split(`${ctx.cwd}${sep}`).join('');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
