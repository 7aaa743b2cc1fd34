// What each `gloss` command does, given parsed arguments. Exit codes: 0 ok, 1 failed (the message
// on stderr names the file, and the line for line-based input); usage errors (2) are program.ts's.

import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { UnrepresentedSpan } from '../core/formats/conll';
import { CURATION_ANNOTATOR } from '../core/model';
import { plural } from '../core/plural';
import type { Problem } from '../core/model';
import { closeGlossApi, createGlossApi } from '../main/api';
import { Downloads } from '../main/downloads';
import { SettingsStore } from '../main/settings';
import { DurableFileWriter, fsyncDirectory, isErrnoException, mkdirDurable, writeFileDurable } from '../main/workspace/durable';
import type { WorkerThreads } from '../main/workspace/worker-threads';
import { exportWorkspace, MULTI_LAYER_FORMATS, streamWorkspaceExport, streamWorkspaceFolderExport } from '../main/workspace/exporter';
import type { ExportedFile, ExportFormat, FolderExportFormat, FolderExportOptions, StreamedExport } from '../main/workspace/exporter';
import { importFiles, isDocumentFormat } from '../main/workspace/importer';
import type { ImportFormat, ProgressStep } from '../main/workspace/importer';
import { Workspace } from '../main/workspace/workspace';
import { ProgressLine } from './progress';
import type { ProgressOptions } from './progress';

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
  /** Whether stderr is a terminal (its width, progress timing): progress lines only go to one. */
  progress?: { isTTY: boolean; columns?: number } & ProgressOptions;
  /** Worker threads big exports and agreement may start (the built CLI runs them); without, they take one thread. */
  workerThreads?: WorkerThreads;
}

/** How many unrepresented CoNLL spans are listed one by one before "and N more". */
const LISTED_SPANS = 20;
/** `gloss list`: documents whose files are read ahead of the one being listed. */
const LIST_READ_AHEAD = 32;
/** Files of a folder export (brat) written at a time. */
const WRITE_CONCURRENCY = 16;

/** `gloss init <dir> [--name N]` */
export async function initCommand(ctx: CliContext, dir: string, opts: { name?: string }): Promise<number> {
  const path = resolve(ctx.cwd, dir);
  const created = await Workspace.init(path, { ...(opts.name !== undefined ? { name: opts.name } : {}), now: ctx.now });
  if (!created.ok) return failWith(ctx, created.error.message);
  ctx.stdout(`Created Gloss workspace "${created.value.name}" in ${created.value.dir}\n`);
  return EXIT_OK;
}

/** `gloss import <dir> <file...> [--format F] [--annotator NAME] [--replace] [--strict]` */
export async function importCommand(
  ctx: CliContext,
  dir: string,
  files: string[],
  opts: { format: ImportFormat | 'auto'; annotator?: string; replace?: boolean; strict?: boolean },
): Promise<number> {
  const ws = await openWorkspace(ctx, dir, false);
  if (!ws) return EXIT_FAILED;
  await sweepTempFiles(ctx, ws);
  const settings = await openSettings(ctx, opts.annotator);
  if (!settings) return EXIT_FAILED;
  const progress = progressLine(ctx);
  let result;
  try {
    result = await importFiles(
      ws,
      files.map((f) => resolve(ctx.cwd, f)),
      {
        format: opts.format,
        annotator: settings.annotator,
        replace: opts.replace ?? false,
        strict: opts.strict ?? false,
        now: ctx.now,
        onProgress: progress.report,
      },
    );
  } finally {
    progress.line.clear();
  }
  if (!result.ok) {
    const { file, line, message } = result.error;
    return failWith(ctx, `${displayPath(ctx, file)}${line !== undefined ? `:${line}` : ''}: ${message}\nnothing was imported`);
  }
  for (const notice of result.report.notices) ctx.stderr(`note: ${relativeMessage(ctx, notice)}\n`);
  for (const f of result.report.files) {
    const annotated = !isDocumentFormat(f.format);
    const spans = annotated ? `; ${f.spansAdded} span(s) added, ${f.spansSkipped} already there` : '';
    ctx.stdout(
      `${displayPath(ctx, f.file)} (${f.format}): ${f.created} document(s) created, ${f.attached} already in the workspace${spans}\n`,
    );
  }
  return EXIT_OK;
}

/**
 * `gloss export <dir> --format F [--annotator NAME | --curated] [--out PATH] [--prefer inner|outer]`:
 * one file to stdout (or `--out`, `-` = stdout); brat is a folder, so it needs `--out DIR`.
 */
export async function exportCommand(
  ctx: CliContext,
  dir: string,
  opts: { format: ExportFormat | FolderExportFormat; annotator?: string; curated?: boolean; out?: string; prefer?: 'inner' | 'outer' },
): Promise<number> {
  if (opts.prefer !== undefined && opts.format !== 'conll') return usageError(ctx, '--prefer applies to --format conll only');
  if (opts.format === 'brat' && (opts.out === undefined || opts.out === '-')) {
    return usageError(ctx, 'brat is a folder of .txt and .ann files: pass --out DIR (it cannot go to stdout)');
  }
  const ws = await openWorkspace(ctx, dir, true, false, true);
  if (!ws) return EXIT_FAILED;
  let annotator = opts.curated ? CURATION_ANNOTATOR : opts.annotator;
  if (annotator === undefined && !MULTI_LAYER_FORMATS.includes(opts.format)) {
    // One layer per document: mine unless told otherwise.
    const settings = await openSettings(ctx, undefined);
    if (!settings) return EXIT_FAILED;
    annotator = settings.annotator;
  }
  const whose = opts.curated ? ' of the curation layer' : annotator !== undefined ? ` of ${annotator}` : '';
  const progress = progressLine(ctx);
  const common = { ...(annotator !== undefined ? { annotator } : {}), exportedAt: ctx.now().toISOString(), onProgress: progress.report };

  if (opts.format === 'brat') return exportBratFolder(ctx, ws, resolve(ctx.cwd, opts.out!), { ...common, format: opts.format }, whose, progress.line);

  const exportOptions = { ...common, format: opts.format, ...(opts.prefer !== undefined ? { prefer: opts.prefer } : {}) };
  const summary = (output: { documents: number; spans: number }): string => `${output.documents} document(s), ${output.spans} span(s)${whose}`;
  if (opts.out === undefined || opts.out === '-') {
    let output;
    try {
      output = await exportWorkspace(ws, exportOptions);
    } finally {
      progress.line.clear();
    }
    reportExport(ctx, ws, output, opts.prefer);
    ctx.stdout(output.text);
    ctx.stderr(`exported ${summary(output)}\n`);
    return EXIT_OK;
  }
  const out = resolve(ctx.cwd, opts.out);
  // Written as it is made, into a temp file renamed into place at the end (nothing is held whole).
  // A file that cannot be written still gets the export's warnings first, as a finished export would.
  let file: DurableFileWriter | null = null;
  let failure: unknown = null;
  try {
    file = await DurableFileWriter.open(out);
  } catch (error) {
    failure = error;
  }
  let output;
  try {
    output = await streamWorkspaceExport(ws, exportOptions, (piece, written) => file?.write(piece, written), ctx.workerThreads);
  } catch (error) {
    await file?.abort();
    throw error;
  } finally {
    progress.line.clear();
  }
  reportExport(ctx, ws, output, opts.prefer);
  try {
    if (failure !== null) throw failure;
    await file!.commit();
  } catch (error) {
    return failWith(ctx, `${out}: cannot write: ${messageOf(error)}`);
  }
  ctx.stdout(`exported ${summary(output)} to ${out}\n`);
  return EXIT_OK;
}

/**
 * `gloss export --format brat --out DIR`: each document's pair is written as soon as it is made, a
 * few files at a time, each atomically and durably; the folder is fsynced once at the end. A
 * folder that cannot be written still gets the export's warnings first, as a finished export would.
 */
async function exportBratFolder(
  ctx: CliContext,
  ws: Workspace,
  out: string,
  options: FolderExportOptions,
  whose: string,
  line: ProgressLine,
): Promise<number> {
  let failure: unknown = null;
  try {
    await mkdirDurable(out);
  } catch (error) {
    failure = error;
  }
  let written = 0;
  let files = 0;
  const writing = new Set<Promise<void>>();
  const writeOne = async (file: ExportedFile): Promise<void> => {
    try {
      // Several at a time: each durable write waits for its fsync, the disk takes them together.
      if (failure === null) await writeFileDurable(join(out, file.name), file.text, { syncFolder: false });
      if (failure === null) written++;
    } catch (error) {
      failure ??= error;
    }
  };
  let output;
  try {
    output = await streamWorkspaceFolderExport(ws, options, async (file) => {
      files++;
      if (failure !== null) return;
      const write: Promise<void> = writeOne(file).finally(() => writing.delete(write));
      writing.add(write);
      if (writing.size >= WRITE_CONCURRENCY) await Promise.race(writing);
    });
  } finally {
    line.clear();
    await Promise.all(writing);
  }
  // Opened lazily: what reading found (corrupt, missing files) is known now, said as before.
  reportProblems(ctx, ws.problems);
  for (const warning of output.warnings) ctx.stderr(`warning: ${warning}\n`);
  try {
    if (failure !== null) throw failure;
    await fsyncDirectory(out);
  } catch (error) {
    const reason = isErrnoException(error) && (error.code === 'EEXIST' || error.code === 'ENOTDIR') ? 'not a folder' : messageOf(error);
    const partly = written > 0 ? ` (${written} of ${files} files written)` : '';
    return failWith(ctx, `${out}: cannot write the brat folder: ${reason}${partly}`);
  }
  for (const notice of output.notices) ctx.stderr(`note: ${notice}\n`);
  ctx.stdout(`exported ${output.documents} document(s), ${output.spans} span(s)${whose} to ${out} (${files} files: <document>.txt + <document>.ann)\n`);
  return EXIT_OK;
}

/** What an export found, on stderr: problems met reading, warnings, notices, CoNLL's unrepresented spans. */
function reportExport(ctx: CliContext, ws: Workspace, output: StreamedExport, prefer: 'inner' | 'outer' | undefined): void {
  reportProblems(ctx, ws.problems);
  for (const warning of output.warnings) ctx.stderr(`warning: ${warning}\n`);
  for (const notice of output.notices) ctx.stderr(`note: ${notice}\n`);
  if (output.unrepresented) reportUnrepresented(ctx, output.unrepresented, prefer ?? 'outer');
}

/** CoNLL: how many spans the file does not hold exactly, and which (the first few). */
function reportUnrepresented(ctx: CliContext, spans: readonly UnrepresentedSpan[], prefer: 'inner' | 'outer'): void {
  ctx.stderr(
    `conll: ${spans.length} span(s) could not be represented exactly` +
      (spans.length > 0 ? ` (overlaps: the ${prefer === 'inner' ? 'innermost' : 'outermost'} span wins; --prefer changes that)` : '') +
      '\n',
  );
  for (const s of spans.slice(0, LISTED_SPANS)) {
    ctx.stderr(`  ${s.document}: span ${s.spanId} (${s.label} [${s.start}, ${s.end}) of ${s.annotator}): ${s.reason}\n`);
  }
  if (spans.length > LISTED_SPANS) ctx.stderr(`  ... and ${spans.length - LISTED_SPANS} more\n`);
}

/** `gloss list <dir> [--json]` */
export async function listCommand(ctx: CliContext, dir: string, opts: { json?: boolean }): Promise<number> {
  const ws = await openWorkspace(ctx, dir, true, false, true);
  if (!ws) return EXIT_FAILED;
  const rows = [];
  const entries = ws.documents();
  for (const [i, entry] of entries.entries()) {
    if (i % LIST_READ_AHEAD === 0) ws.readAhead(entries.slice(i, i + 2 * LIST_READ_AHEAD).map((e) => e.id));
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
  const ws = await openWorkspace(ctx, dir, true, false, true);
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
  await sweepTempFiles(ctx, ws);
  const settings = await openSettings(ctx, opts.annotator);
  if (!settings) return EXIT_FAILED;
  // Exported files wait in a private temp folder for the page to download them (ADR 0017).
  const downloads = new Downloads();
  const api = createGlossApi({ workspace: ws, settings, now: ctx.now, downloads, ...(ctx.workerThreads ? { workerThreads: ctx.workerThreads } : {}) });
  let server;
  try {
    // Loaded here: the HTTP server, the API socket and `ws` cost every other command ~20 ms to load.
    const { startServer } = await import('../main/serve');
    server = await startServer({ api, rendererDir: ctx.rendererDir, port: opts.port, downloads });
  } catch (error) {
    await downloads.close();
    return failWith(ctx, `cannot serve on 127.0.0.1:${opts.port}: ${messageOf(error)}`);
  }
  ctx.stdout(`${server.url}\n`);
  ctx.stderr(`Gloss: workspace ${ws.dir} as ${settings.annotator}, browser mode on 127.0.0.1:${server.port}; Ctrl+C stops\n`);
  await ctx.untilStopped();
  await server.close();
  closeGlossApi(api);
  await downloads.close();
  // Layer journals into their layer files, so that the folder is plain layer files again (docs/adr/0009).
  await ws.flush();
  return EXIT_OK;
}

/** Remove the temp files of writes killed long ago (litter, not data: durable.ts), saying how many. */
async function sweepTempFiles(ctx: CliContext, ws: Workspace): Promise<void> {
  const swept = await ws.sweepTempFiles().catch(() => []);
  if (swept.length > 0) ctx.stderr(`Gloss: removed ${plural(swept.length, 'temp file')} left by interrupted writes\n`);
}

/** Open a workspace, reporting why not on stderr; problems found on opening are printed as warnings. */
async function openWorkspace(ctx: CliContext, dir: string, readOnly: boolean, report = true, lazy = false): Promise<Workspace | null> {
  // Lazy: the command reads every file itself in one pass (and reports what it finds then), each
  // when it needs it: the process does nothing else meanwhile (blockingReads, docs/adr/0024; a
  // writable workspace ignores it).
  const opened = await Workspace.open(resolve(ctx.cwd, dir), { readOnly, now: ctx.now, lazy, blockingReads: lazy });
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

/** A progress line on stderr (only when it is a terminal) and the callback that feeds it. */
function progressLine(ctx: CliContext): { line: ProgressLine; report: (step: ProgressStep) => void } {
  const { isTTY = false, columns, ...options } = ctx.progress ?? {};
  const line = new ProgressLine({ write: ctx.stderr, isTTY, ...(columns !== undefined ? { columns } : {}) }, options);
  return { line, report: (step) => line.update(step.label, step.done, step.total) };
}

function usageError(ctx: CliContext, message: string): number {
  ctx.stderr(`gloss: error: ${message}\n`);
  return EXIT_USAGE;
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
