// The `gloss` command line (commander): init, import, export, list, validate, serve. Parses the
// arguments, maps usage errors to exit code 2, and hands over to commands.ts.

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { annotatorNameProblem } from '../main/settings';
import { ALL_EXPORT_FORMATS } from '../main/workspace/exporter';
import type { ExportFormat, FolderExportFormat } from '../main/workspace/exporter';
import { IMPORT_FORMATS } from '../main/workspace/importer';
import type { ImportFormat } from '../main/workspace/importer';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  exportCommand,
  importCommand,
  initCommand,
  listCommand,
  serveCommand,
  validateCommand,
} from './commands';
import { parseAnnotatorList, runAgreement } from './agreement';
import type { CliContext } from './commands';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port is a number from 0 to 65535 (0 = any free port)');
  return port;
}

function parseAnnotator(value: string): string {
  const problem = annotatorNameProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
}

function annotatorOption(
  description = 'who the annotations are by (default: the "annotator" setting, else the OS user name)',
): Option {
  return new Option('--annotator <name>', description).argParser(parseAnnotator);
}

/** Build the program; each action hands its command's exit code to `done` (and waits for it). */
function buildProgram(ctx: CliContext, done: (code: Promise<number>) => Promise<void>): Command {
  const program = new Command('gloss')
    .description('Gloss: annotate reports offline. Workspaces, import and export from the command line.')
    .showHelpAfterError('(run "gloss --help" for usage)')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });

  program
    .command('init')
    .description('create a new workspace with the default schema')
    .argument('<dir>', 'workspace folder (created if missing)')
    .option('--name <name>', 'workspace name (default: the folder name)')
    .action((dir: string, opts: { name?: string }) => done(initCommand(ctx, dir, opts)));

  program
    .command('import')
    .description('import documents and annotations; all or nothing')
    .argument('<dir>', 'workspace folder')
    .argument('<file...>', 'files to import (documents, annotation files, brat .ann files or folders of brat pairs)')
    .addOption(
      new Option('--format <format>', 'format of every file (auto: by extension, then content)').choices(['auto', ...IMPORT_FORMATS]).default('auto'),
    )
    .addOption(annotatorOption())
    .option('--replace', "replace the annotator's layer instead of merging into it")
    .option('--strict', 'refuse labels, relation types and attributes the schema lacks (default: add them, with a note)')
    .action(
      (dir: string, files: string[], opts: { format: ImportFormat | 'auto'; annotator?: string; replace?: boolean; strict?: boolean }) =>
        done(importCommand(ctx, dir, files, opts)),
    );

  program
    .command('export')
    .description('export the workspace as a dataset (to stdout unless --out; brat needs --out DIR)')
    .argument('<dir>', 'workspace folder')
    .addOption(new Option('--format <format>', 'dataset format').choices(ALL_EXPORT_FORMATS).makeOptionMandatory())
    .addOption(annotatorOption('whose layer to export (default: every layer for gloss, w3c, csv; yours for the others)'))
    .addOption(new Option('--curated', 'export the curation layer (the adjudicated annotations)').conflicts('annotator'))
    .option('--out <path>', 'write to this file (atomically), "-" for stdout; for brat, a folder of <doc>.txt + <doc>.ann')
    .addOption(new Option('--prefer <which>', 'conll: of overlapping spans, write the outer (default) or the inner').choices(['inner', 'outer']))
    .action(
      (
        dir: string,
        opts: { format: ExportFormat | FolderExportFormat; annotator?: string; curated?: boolean; out?: string; prefer?: 'inner' | 'outer' },
      ) => done(exportCommand(ctx, dir, opts)),
    );

  program
    .command('list')
    .description('list the documents with their layers')
    .argument('<dir>', 'workspace folder')
    .option('--json', 'print JSON')
    .action((dir: string, opts: { json?: boolean }) => done(listCommand(ctx, dir, opts)));

  program
    .command('validate')
    .description('check every file: corrupt files, orphan spans, dangling relations, unknown labels (exit 1 on any)')
    .argument('<dir>', 'workspace folder')
    .action((dir: string) => done(validateCommand(ctx, dir)));

  program
    .command('agreement')
    .description("inter-annotator agreement: span F1 per pair and label, Cohen's kappa, Fleiss' kappa, Krippendorff's alpha")
    .argument('<dir>', 'workspace folder')
    .addOption(
      new Option('--annotators <names>', 'comma-separated annotators to compare (default: all with a layer, except curation)').argParser(
        parseAnnotatorList,
      ),
    )
    .option('--json', 'print JSON')
    .action((dir: string, opts: { annotators?: string[]; json?: boolean }) =>
      done(runAgreement(ctx, dir, { annotators: opts.annotators, json: opts.json ?? false })),
    );

  program
    .command('serve')
    .description('browser mode on 127.0.0.1: prints the URL to open (with its access token) as the first line')
    .argument('<dir>', 'workspace folder')
    .addOption(new Option('--port <port>', 'port (0 = any free port)').argParser(parsePort).default(0))
    .addOption(annotatorOption())
    .action((dir: string, opts: { port: number; annotator?: string }) => done(serveCommand(ctx, dir, opts)));

  return program;
}

/**
 * The clock that GLOSS_NOW (an ISO 8601 time) fixes, so that imports and exports made by
 * scripts and tests are reproducible byte for byte; none when it is unset or empty.
 */
export function clockFromEnv(value: string | undefined): { ok: true; now?: () => Date } | { ok: false; message: string } {
  if (value === undefined || value === '') return { ok: true };
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/u.test(value) || Number.isNaN(time)) {
    return { ok: false, message: `GLOSS_NOW=${JSON.stringify(value)} is not an ISO 8601 time (e.g. 2024-03-14T10:00:00Z)` };
  }
  return { ok: true, now: () => new Date(time) };
}

/** Run `gloss` with these arguments (without "node" and the script); resolves to the exit code. */
export async function runCli(args: string[], ctx: CliContext): Promise<number> {
  const clock = clockFromEnv(ctx.env.GLOSS_NOW);
  if (!clock.ok) {
    ctx.stderr(`gloss: error: ${clock.message}\n`);
    return EXIT_USAGE;
  }
  const context: CliContext = clock.now ? { ...ctx, now: clock.now } : ctx;
  let exitCode: number | null = null;
  const program = buildProgram(context, async (code) => {
    exitCode = await code;
  });
  if (args.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors; everything else commander rejects is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    // Commands report expected failures themselves; anything thrown is an I/O problem or a bug.
    ctx.stderr(`gloss: error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  return exitCode ?? EXIT_USAGE;
}
