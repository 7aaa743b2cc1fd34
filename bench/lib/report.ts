// The benchmark's verdicts and tables: each of the issue's targets met or missed (and by how
// much), ratios to the floors and the peer, where the time of an open goes. Markdown, for the
// terminal and for bench/README.md (between markers, regenerated on every full run).

import { readFileSync, writeFileSync } from 'node:fs';
import type { GeneratedData } from '../generate';
import type { ActionSummary, BrowserResults, ProfileResult, TargetName } from './browser-bench';
import type { CliResults, CommandStat } from './cli-bench';
import { ratio, round } from './stats';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  loadBefore: number[];
  loadAfter: number[];
  os: string;
  node: string;
}

export interface Verdict {
  measure: string;
  value: string;
  target: string;
  /** null: not measured (skipped or failed). */
  met: boolean | null;
  detail: string;
}

export interface BenchResults {
  generatedAt: string;
  quick: boolean;
  durationS: number;
  machine: Machine;
  git: { commit: string; dirtySrcFiles: number };
  rendererBuild: { builtAt: string; olderThanSources: boolean };
  data: GeneratedData['report'] & { corpus: GeneratedData['corpus'] };
  runs: { browser: number; actions: number; cli: number; cliImports: number };
  cli: CliResults | null;
  browser: BrowserResults | null;
  verdicts: Verdict[];
}

const ms = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x >= 1000 ? `${round(x / 1000)} s` : `${Math.round(x * 10) / 10} ms`);
const times = (x: number | null): string => (x === null ? '—' : `${x}×`);
const kb = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined || !Number.isFinite(bytes) ? '—' : bytes >= 1024 * 1024 ? `${round(bytes / 1024 / 1024)} MB` : `${round(bytes / 1024)} KB`;

function verdict(measure: string, value: number | null, limit: number, show: (x: number | null) => string, target: string, unit = ''): Verdict {
  if (value === null || !Number.isFinite(value)) return { measure, value: '—', target, met: null, detail: 'not measured' };
  const met = value <= limit;
  const by = round(value / limit);
  return {
    measure,
    value: show(value),
    target,
    met,
    detail: met ? `met (${by}× the limit)` : `missed by ${show(value - limit)}${unit} (${by}× the limit)`,
  };
}

/** The issue's targets, judged on this run. */
export function judge(r: Omit<BenchResults, 'verdicts'>): Verdict[] {
  const out: Verdict[] = [];
  const b = r.browser;
  const app = b?.targets.app;
  const floor = b?.targets.p;
  const openRatio = ratio(app?.open.median, floor?.open.median);
  const v = verdict('Open with all spans ÷ plain <p> floor (median)', openRatio, 1.2, times, '≤ 1.2×');
  if (openRatio !== null) v.detail = openRatio <= 1.2 ? `met (${ms(app?.open.median)} vs ${ms(floor?.open.median)})` : `missed: ${openRatio}× instead of 1.2× (${ms(app?.open.median)} vs ${ms(floor?.open.median)})`;
  // The stricter floor: the same <p> elements grouped in chunks as Gloss's blocks are (ADR 0015).
  const chunked = b?.targets.pChunks;
  const chunkedRatio = ratio(app?.open.median, chunked?.open.median);
  if (openRatio !== null && chunkedRatio !== null) v.detail += `; against the floor in chunks as Gloss (${ms(chunked?.open.median)}) ${chunkedRatio}×${chunkedRatio <= 1.2 ? '' : ', which would miss 1.2×'}`;
  out.push(v);
  for (const kind of ['create', 'relabel', 'delete'] as const) {
    const a = b?.actions[kind];
    const edit = verdict(`${kind[0]!.toUpperCase()}${kind.slice(1)} one span, key to painted (p95 of ${a?.count ?? 0})`, a ? a.p95 : null, 16, ms, '≤ 16 ms');
    // What the browser itself needs here for a key that adds one highlight element to plain text.
    const f = b?.floorEdit;
    const fc = b?.floorEditChunks;
    if (f && edit.met === false) {
      edit.detail += `; the layout floor's key press (one highlight added to plain <p> text) takes ${ms(f.p95)} p95 here`;
      if (fc) edit.detail += ` (${ms(fc.p95)} with the <p> in chunks as Gloss's)`;
    }
    if (a?.presented) edit.detail += `; presented on screen (Chromium's EventLatency) ${ms(a.presented.p95)} p95`;
    out.push(edit);
  }
  out.push(verdict('A change durable on disk (median, answer after fsync)', b ? b.save.durableP50 : null, 30, ms, '≤ 30 ms'));
  out.push(verdict('Bytes written per change (journal line appended, or layer file rewritten)', b ? b.save.layerBytes : null, 4096, kb, '≤ 4 KB (no unrelated data; one span is ~0.3 KB)'));
  const heapLimitMB = (10 * r.data.utf8Bytes) / 1024 / 1024;
  const heap = verdict(`JS heap after open (text is ${kb(r.data.utf8Bytes)})`, app ? app.heapMB.median : null, heapLimitMB, (x) => (x === null ? '—' : `${round(x)} MB`), `≤ 10× text = ${round(heapLimitMB)} MB`);
  const bare = b?.heapWithoutSpansMB?.median;
  if (app && bare !== undefined) {
    const spansMB = app.heapMB.median - bare;
    heap.detail += `; the same report with no spans takes ${round(bare)} MB, so the ${r.data.spans.toLocaleString('en')} spans take ${round(spansMB)} MB (${Math.round((spansMB * 1024 * 1024) / r.data.spans)} bytes each)`;
  }
  out.push(heap);
  const c = r.cli;
  for (const [format, e] of Object.entries(c?.exports ?? {})) {
    const v2 = verdict(`Export ${format}, ${r.data.corpus.documents} documents × ${Object.keys(c?.importCorpus.perAnnotator ?? {}).length} layers (median)`, e.code === 0 ? e.ms.median : null, 2000, ms, '≤ 2 s');
    if (e.code !== 0) v2.detail = `failed (exit ${e.code}): ${e.note ?? ''}`;
    out.push(v2);
  }
  if (c) {
    const agreement = c.agreement;
    if ('skipped' in agreement) out.push({ measure: 'Agreement over the corpus', value: '—', target: '≤ 2 s', met: null, detail: agreement.skipped });
    else {
      const v3 = verdict('Agreement over the corpus (median)', agreement.code === 0 ? agreement.ms.median : null, 2000, ms, '≤ 2 s');
      if (agreement.code !== 0) v3.detail = `exit ${agreement.code}: ${agreement.note ?? ''}`;
      out.push(v3);
    }
  }
  return out;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

const COLUMNS: TargetName[] = ['app', 'p', 'pChunks', 'pm', 'pmNaive', 'recogito'];

/** The whole report as Markdown. */
export function markdown(r: BenchResults): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `Run of ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' (**--quick**: small data, few runs; not for comparison)' : ''}, ${Math.round(r.durationS)} s. ` +
      `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GB, shared with other work (load ${m.loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${m.loadAfter.map((x) => x.toFixed(2)).join(' ')} after): ` +
      `**noisy; the ratios to the floors measured in the same run are what count**. ${m.os}, Node ${m.node}, Chromium ${r.browser?.chromium ?? '—'} headless, ` +
      `viewport ${r.browser?.viewport.width ?? '—'}×${r.browser?.viewport.height ?? '—'}. Commit ${r.git.commit.slice(0, 10)}${r.git.dirtySrcFiles > 0 ? ` + ${r.git.dirtySrcFiles} uncommitted files in src/` : ''}; ` +
      `renderer build of ${r.rendererBuild.builtAt.slice(0, 16).replace('T', ' ')}${r.rendererBuild.olderThanSources ? ' (**older than src/renderer: run `npm run build` first**)' : ''}.`,
  );
  lines.push('');
  const d = r.data;
  lines.push(
    `Data (seeded): a report of ${d.words.toLocaleString('en')} words, ${kb(d.utf8Bytes)} of text, ${d.blocks.toLocaleString('en')} blocks (${d.paragraphs} paragraphs, ${d.headings} headings), ` +
      `${d.astral} astral characters (emoji), ${d.cyrillicWords.toLocaleString('en')} Cyrillic words; ${d.spans.toLocaleString('en')} spans (${d.overlappingOrNested} = ${round((100 * d.overlappingOrNested) / d.spans)}% overlapping or nested, ${d.crossing} crossing pairs), ${d.relations} relations. ` +
      `Corpus: ${d.corpus.documents.toLocaleString('en')} documents (${d.corpus.words.toLocaleString('en')} words) × ${Object.keys(r.cli?.importCorpus.perAnnotator ?? { a: 1, b: 1, c: 1 }).length} annotators × 100 spans. ` +
      `Runs: ${r.runs.browser} per open/heap/scroll measure, ${r.runs.actions} actions of each kind, ${r.runs.cli} per CLI command (${r.runs.cliImports} per import).`,
  );
  lines.push('');
  lines.push('### Targets (issue 5)');
  lines.push('');
  lines.push(row(['Measure', 'This run', 'Target', 'Verdict']));
  lines.push(row(['---', '---', '---', '---']));
  for (const v of r.verdicts) lines.push(row([v.measure, v.value, v.target, v.met === null ? `— ${v.detail}` : v.met ? `✅ ${v.detail}` : `❌ ${v.detail}`]));
  lines.push('');

  const b = r.browser;
  if (b) {
    lines.push('### Side by side on the same text and spans (medians)');
    lines.push('');
    lines.push(row(['Measure', ...COLUMNS.map((t) => b.targets[t]?.title ?? t), 'Gloss ÷ <p>', 'Gloss ÷ <p> in chunks', 'Gloss ÷ PM', 'Gloss ÷ peer']));
    lines.push(row(['---', ...COLUMNS.map(() => '---:'), '---:', '---:', '---:', '---:']));
    const line = (name: string, pick: (t: NonNullable<BrowserResults['targets'][TargetName]>) => number | null, show: (x: number | null) => string): void => {
      const values = COLUMNS.map((t) => {
        const target = b.targets[t];
        return target && target.runs.length > 0 ? pick(target) : null;
      });
      const [app, p, pChunks, pm, , peer] = values;
      lines.push(row([name, ...values.map(show), times(ratio(app, p)), times(ratio(app, pChunks)), times(ratio(app, pm)), times(ratio(app, peer))]));
    };
    line('Open: click → highlights painted, interactive', (t) => t.open.median, ms);
    line('Open: click → painted (next frame)', (t) => t.painted.median, ms);
    line('JS heap after open (V8, after GC)', (t) => t.heapMB.median, (x) => (x === null ? '—' : `${x} MB`));
    line('Scroll top → bottom: dropped frames, % of frames', (t) => t.scrollDroppedPct.median, (x) => (x === null ? '—' : `${round(x)}%`));
    line('Scroll: long tasks per second of scrolling', (t) => t.scrollLongTaskMsPerS.median, ms);
    line('Scroll: longest frame', (t) => t.scrollMaxFrameMs.median, ms);
    line('Elements in the page after open', (t) => t.runs[0]?.elements ?? null, (x) => (x === null ? '—' : x.toLocaleString('en')));
    const notes = COLUMNS.map((t) => b.targets[t]).filter((t) => t?.note || t?.error);
    for (const t of notes) lines.push('', `*${t!.title}: ${t!.error ? `failed: ${t!.error}` : t!.note}*`);
    const scrollFrames = b.targets.app?.runs.find((x) => x.scroll !== null)?.scroll;
    if (scrollFrames) {
      const capped = COLUMNS.map((t) => b.targets[t]).filter((t) => t?.scrollCapped).map((t) => t!.title);
      lines.push(
        '',
        `Scrolling (first 3 runs): ${scrollFrames.scrolledPx.toLocaleString('en')} px in ${scrollFrames.frames} frames for Gloss, two viewport heights a frame, frame time ${ms(scrollFrames.frameMs)}; ` +
          `rasterisation is in software (headless, no GPU), so even the floors drop frames when other work shares the cores.` +
          (capped.length > 0 ? ` Stopped after 15 s before the bottom: ${capped.join(', ')} (the rates above still compare).` : ''),
      );
    }
    lines.push('');

    lines.push('### Editing and saving in Gloss (10,000 spans, key press as a person does it)');
    lines.push('');
    lines.push(row(['Action', 'p50', 'p95', 'max', 'near the end, p95', 'DOM changed, p95', 'presented p50 / p95 (Chromium)', 'count']));
    lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
    const presented = (a: ActionSummary): string => (a.presented ? `${ms(a.presented.p50)} / ${ms(a.presented.p95)}${a.presented.count < a.count ? ` (${a.presented.count})` : ''}` : '—');
    for (const kind of ['create', 'relabel', 'delete'] as const) {
      const a = b.actions[kind];
      lines.push(row([kind, ms(a.p50), ms(a.p95), ms(a.max), ms(a.nearEndP95), ms(a.domP95), presented(a), a.count]));
    }
    const f = b.floorEdit;
    if (f) lines.push(row(['layout floor: a key adds one highlight element to plain <p> text', ms(f.p50), ms(f.p95), ms(f.max), ms(f.nearEndP95), ms(f.domP95), presented(f), f.count]));
    const fc = b.floorEditChunks;
    if (fc) lines.push(row(['the same, the <p> in chunks as Gloss\'s blocks (ADR 0015)', ms(fc.p50), ms(fc.p95), ms(fc.max), ms(fc.nearEndP95), ms(fc.domP95), presented(fc), fc.count]));
    lines.push('');
    lines.push(
      '*p50, p95, max: key event → the probe\'s next animation frame and the task after it (the verdicts use these). Presented: key event → presentation of the first frame after the page handled the key, from Chromium\'s own input latency (the trace\'s EventLatency), which also counts rasterising and drawing the frame but not the tasks the page runs after it.*',
    );
    const s = b.save;
    lines.push('');
    lines.push(row(['Save', 'p50', 'p95', 'per change']));
    lines.push(row(['---', '---:', '---:', '---:']));
    lines.push(row(['key → answer of applyChanges (written, fsynced)', ms(s.durableP50), ms(s.durableP95), '']));
    lines.push(row(['of which: key → the call sent (the frame, then the HTTP worker; over its API socket)', ms(s.requestP50), ms(s.requestP95), '']));
    lines.push(row(['of which: call sent → the answer\'s first byte (the server: written, fsynced)', ms(s.serverP50), ms(s.serverP95), '']));
    lines.push(row(['key → journal appended or layer file replaced on disk (polled from Node)', ms(s.fileP50), ms(s.fileP95), '']));
    lines.push(row(['journal line appended / layer file rewritten', '', '', kb(s.layerBytes)]));
    lines.push(row(['bytes written by the server process (wchar: file + HTTP answer)', '', '', kb(s.serverWcharP50)]));
    lines.push(row(['applyChanges answer body', '', '', kb(s.answerBytesP50)]));
    lines.push(row(['longest task after the key, until saved (p95)', '', ms(s.trailingMaxTaskP95), '']));
    lines.push('');
    const app = b.targets.app;
    if (app) {
      lines.push('### Where an open goes (Gloss)');
      lines.push('');
      if (app.request) {
        lines.push(
          `openDocument request: sent ${ms(app.request.sentMs)} after the click, server ${ms(app.request.serverMs)} to first byte, ` +
            `${ms(app.request.transferMs)} transfer, ${kb(app.request.bytes)} of JSON; then the page until painted: ${ms(app.painted.median - app.request.sentMs - app.request.serverMs - app.request.transferMs)}.`,
        );
      }
      const loaded = app.phases['all blocks loaded'];
      if (loaded !== undefined) {
        lines.push(
          '',
          `The report opens with its first blocks; the rest is appended one step per frame (docs/adr/0011): all ${ms(loaded)} after the click ` +
            '(heap, element counts, scrolling and the actions below are measured after that).',
        );
      }
      const floorPhases = (['p', 'pChunks', 'pm', 'pmNaive', 'recogito'] as const)
        .map((t) => b.targets[t])
        .filter((t) => t && Object.keys(t.phases).length > 0)
        .map((t) => `${t!.title}: ${Object.entries(t!.phases).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}, painted ${ms(t!.painted.median)}`);
      if (floorPhases.length > 0) lines.push('', `Floor phases (ms after the click): ${floorPhases.join('; ')}.`);
      if (b.profile) lines.push('', ...profileLines('open', b.profile));
      if (b.createProfile) {
        lines.push('', '### Where a span creation goes (Gloss)', '', ...profileLines('creation', b.createProfile));
      }
      lines.push('');
    }
    if (b.pageErrors.length > 0) lines.push(`Page errors: ${b.pageErrors.slice(0, 5).join('; ')}`, '');
  }

  const c = r.cli;
  if (c) {
    lines.push('### Command line (wall time of the process, Node + tsx startup included)');
    lines.push('');
    lines.push(row(['Command', 'median', 'min', 'max', 'runs', 'output', 'exit']));
    lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
    const command = (name: string, x: CommandStat, output = ''): void => {
      lines.push(row([name, ms(x.ms.median), ms(x.ms.min), ms(x.ms.max), x.ms.runs.length, output, x.code === 0 ? '0' : `${x.code}: ${x.note ?? ''}`]));
    };
    command(`${c.startup.command} (startup alone)`, c.startup);
    command(c.importReport.command, c.importReport);
    for (const a of Object.values(c.importCorpus.perAnnotator)) command(a.command, a);
    for (const e of Object.values(c.exports)) command(e.command, e, kb(e.bytes));
    for (const e of Object.values(c.reportExports ?? {})) command(e.command, e, kb(e.bytes));
    if ('skipped' in c.agreement) lines.push(row(['gloss agreement', '—', '', '', 0, '', c.agreement.skipped]));
    else command(c.agreement.command, c.agreement);
    command(c.validate.command, c.validate);
    if (b?.validateAfter !== null && b?.validateAfter !== undefined) lines.push('', `\`gloss validate\` of the report workspace after the edits: exit ${b.validateAfter}.`);
    lines.push('');
  }
  return lines.join('\n');
}

/** A profiled change as a few Markdown paragraphs. */
function profileLines(what: string, pr: ProfileResult): string[] {
  return [
    `Profiled ${what} (${ms(pr.measuredMs)} from the input event to the painted frame, under the profiler). ` +
      `Main thread${pr.windowed ? ' in that window' : ' (whole trace: the window marks were not found)'}: ${Object.entries(pr.mainThreadMs).map(([k, v]) => `${k} ${ms(v)}`).join(', ')} ` +
      '(busy = time in tasks, from the trace; script = JavaScript samples of the CPU profile; style, layout, paint and GC = trace events).',
    '',
    `Top trace events (self time): ${pr.topEvents.map(([k, v]) => `${k} ${ms(v)}`).join(', ')}.`,
    '',
    `JavaScript self time by module: ${pr.jsByModule.map(([k, v]) => `${k} ${ms(v)}`).join(', ')}.`,
    '',
    `Top functions (self time): ${pr.topFunctions.slice(0, 10).map(([k, v]) => `\`${k}\` ${ms(v)}`).join(', ')}.`,
  ];
}

export const README_BEGIN = '<!-- bench:results:begin (written by npm run bench; do not edit by hand) -->';
export const README_END = '<!-- bench:results:end -->';

/** Replace the part of bench/README.md between the markers. */
export function updateReadme(path: string, content: string): void {
  const text = readFileSync(path, 'utf8');
  const begin = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`${path} has no results markers`);
  writeFileSync(path, `${text.slice(0, begin + README_BEGIN.length)}\n\n${content}\n${text.slice(end)}`);
}
