// `gloss agreement <dir> [--annotators a,b,...] [--json]`: inter-annotator agreement of a workspace
// (DESIGN.md §5, computed by core/agreement.ts), as JSON or readable tables. Never writes.

import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { AgreementResult, LabelCounts } from '../core/agreement';
import { isValidAnnotator } from '../core/document';
import { workspaceAgreement } from '../main/workspace/agreement';
import { Workspace } from '../main/workspace/workspace';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './commands';
import type { CliContext } from './commands';

export interface AgreementOptions {
  /** Annotators to compare, in this order; default: every annotator with a layer except curation. */
  annotators?: string[] | undefined;
  json: boolean;
}

/** How many documents the readable output lists (the JSON lists them all). */
const LISTED_DOCUMENTS = 10;

/** Why a list of annotators cannot be compared, or null: valid names, distinct, at least two. */
export function annotatorListProblem(names: readonly string[]): string | null {
  const bad = names.find((n) => !isValidAnnotator(n));
  if (bad !== undefined) return `invalid annotator name "${bad}": use 1 to 64 letters, digits, ".", "_" or "-", not starting with "."`;
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return `annotator "${n}" is listed twice`;
    seen.add(n);
  }
  if (names.length < 2) return 'agreement needs at least two annotators';
  return null;
}

/** commander's parser of `--annotators a,b,...` (spaces around names are ignored). */
export function parseAnnotatorList(value: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  const problem = annotatorListProblem(names);
  if (problem) throw new InvalidArgumentError(problem);
  return names;
}

/** `gloss agreement`: opens the workspace read-only, compares the layers, prints the report. */
export async function runAgreement(ctx: CliContext, dir: string, opts: AgreementOptions): Promise<number> {
  if (opts.annotators !== undefined) {
    const problem = annotatorListProblem(opts.annotators);
    if (problem) {
      ctx.stderr(`gloss: error: ${problem}\n`);
      return EXIT_USAGE;
    }
  }
  const opened = await Workspace.open(resolve(ctx.cwd, dir), { readOnly: true, lazy: true, blockingReads: true, now: ctx.now });
  if (!opened.ok) {
    ctx.stderr(`gloss: error: ${opened.error.message}\n`);
    return EXIT_FAILED;
  }
  const ws = opened.value;
  // The same documents and layers the app's dashboard compares; a corrupt layer counts as missing.
  const agreement = await workspaceAgreement(ws, opts.annotators, ctx.workerThreads);
  const foundList = agreement.found;
  const found = new Set(foundList);
  for (const problem of ws.problems) ctx.stderr(`warning: ${problem.message}\n`);

  const annotators = opts.annotators ?? foundList;
  if (annotators.length < 2) {
    const which = annotators.length === 0 ? 'no annotator has' : `only ${annotators[0]} has`;
    ctx.stderr(`gloss: error: ${ws.dir}: ${which} a layer (curation aside): agreement needs at least two annotators\n`);
    return EXIT_FAILED;
  }
  for (const name of annotators) {
    if (!found.has(name)) ctx.stderr(`note: ${name} has no layer in any document of ${ws.dir}\n`);
  }

  const result = agreement.result(annotators);
  ctx.stdout(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatAgreement(result));
  return EXIT_OK;
}

/** The report as plain-text tables: pairs, the pair matrix, the overall coefficients, labels, documents. */
export function formatAgreement(result: AgreementResult): string {
  const out: string[] = [];
  const { annotators, pairs } = result;
  out.push(`Agreement of ${annotators.length} annotators (${annotators.join(', ')}) over ${result.documents} document(s)`);
  if (result.documents === 0) {
    out.push('', 'No document has layers of two of them: nothing to compare.');
    return out.join('\n') + '\n';
  }

  out.push(
    '',
    table(
      ['Pair', 'Span F1', 'Precision', 'Recall', "Cohen's kappa", 'Tokens', 'Matched', 'Only A', 'Only B'],
      pairs.map((p) => [
        `${p.a} / ${p.b}`,
        fixed(p.f1),
        fixed(p.precision),
        fixed(p.recall),
        fixed(p.cohenKappa),
        String(p.tokens),
        String(p.tp),
        String(p.onlyA),
        String(p.onlyB),
      ]),
      'lrrrrrrrr',
    ),
  );

  const pairOf = (a: string, b: string): (typeof pairs)[number] | undefined =>
    pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  out.push(
    '',
    "Span F1 above the diagonal, Cohen's kappa below:",
    table(
      ['', ...annotators],
      annotators.map((row, i) => [
        row,
        ...annotators.map((column, j) => (i === j ? '-' : fixed(i < j ? pairOf(row, column)!.f1 : pairOf(row, column)!.cohenKappa))),
      ]),
      'l' + 'r'.repeat(annotators.length),
    ),
  );

  out.push(
    '',
    table(
      ['Coefficient', 'Value', 'Over'],
      [
        ["Fleiss' kappa", fixed(result.fleissKappa), `${result.fleissTokens} tokens valued by all ${annotators.length}`],
        ["Krippendorff's alpha (nominal)", fixed(result.krippendorffAlpha), `${result.krippendorffTokens} tokens valued by two or more`],
      ],
      'lrl',
    ),
  );

  const labels = Object.entries(result.byLabel);
  if (labels.length > 0) {
    out.push(
      '',
      'Per label, summed over all pairs:',
      table(
        ['Label', 'Span F1', 'Matched', 'Only A', 'Only B'],
        labels.map(([label, c]: [string, LabelCounts]) => [label, fixed(c.f1), String(c.tp), String(c.onlyA), String(c.onlyB)]),
        'lrrrr',
      ),
    );
  }

  const listed = result.byDocument.slice(0, LISTED_DOCUMENTS);
  out.push(
    '',
    'Documents, worst agreement first:',
    table(
      ['Document', 'Span F1', 'Alpha', 'Disagreements', 'Annotators'],
      listed.map((d) => [d.document, fixed(d.f1), fixed(d.krippendorffAlpha), String(d.disagreements), d.annotators.join(', ')]),
      'lrrrl',
    ),
  );
  if (result.byDocument.length > listed.length) {
    out.push(`... and ${result.byDocument.length - listed.length} more (--json lists them all)`);
  }
  return out.join('\n') + '\n';
}

/** A value to three decimals; "-" where it is undefined. */
function fixed(value: number | null): string {
  return value === null ? '-' : value.toFixed(3);
}

/** Columns padded to their widest cell (in code points); `align` has an "l" or "r" per column. */
function table(header: string[], rows: string[][], align: string): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => [...(row[c] ?? '')].length)));
  return all
    .map((row) =>
      row
        .map((cell, c) => {
          const pad = ' '.repeat(widths[c]! - [...cell].length);
          return align[c] === 'r' ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
