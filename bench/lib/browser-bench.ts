// Browser measurements (issue 5, items 1-5) in headless Chromium: the app in browser mode (real
// renderer, real storage through `gloss serve`) and, on the same text and spans, the layout floor
// (<p>), our floor (plain ProseMirror), the naive decorations and the peer (@recogito/text-annotator).

import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { stat as statFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium } from '@playwright/test';
import { SourceMapConsumer } from 'source-map-js';
import type { RawSourceMap } from 'source-map-js';
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../e2e/support/chromium';
import type { Block, GlossDocument, Layer } from '../../src/core/model';
import { CodePointIndex, firstIndex } from '../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import type { DoneCondition, LongTaskSummary, ProbeScope, ScrollResult, TimedChange } from '../pages/probe-api';
import { buildPages, serveStatic } from './pages';
import { processWrites, ROOT, serve } from './proc';
import { Random } from '../generate';
import { quantile, round, stat } from './stats';
import type { Stat } from './stats';

export type TargetName = 'app' | 'p' | 'pChunks' | 'pm' | 'pmNaive' | 'recogito';

export const TARGET_TITLES: Record<TargetName, string> = {
  app: 'Gloss (browser mode)',
  p: 'layout floor: plain <p>',
  pChunks: 'layout floor: <p> in chunks as Gloss',
  pm: 'our floor: plain ProseMirror',
  pmNaive: 'ProseMirror + naive decorations',
  recogito: 'peer: @recogito/text-annotator',
};

export interface OpenRun {
  /** Click to painted (see the README for the exact definition). */
  paintedMs: number;
  /** Click to the done condition holding in the DOM. */
  domMs: number;
  /** Click to interactive: painted, or the end of the last long task starting within 500 ms after. */
  interactiveMs: number;
  longTasks: LongTaskSummary;
  /** The page's own phase marks (floors), ms after the click. */
  phases: Record<string, number>;
  /** The app's openDocument request: sent after the click, server time, transfer, body size. */
  request?: { sentMs: number; serverMs: number; transferMs: number; bytes: number };
  heap: { usedMB: number; totalMB: number; embedderMB: number | null };
  elements: number;
  highlights: number;
  /** Only in the first runs (scrolling 460,000 px takes a while). */
  scroll: ScrollResult | null;
}

export interface TargetResult {
  title: string;
  runs: OpenRun[];
  open: Stat;
  painted: Stat;
  heapMB: Stat;
  scrollDropped: Stat;
  /** Dropped frames as a share of the frames that should have been rendered, in %. */
  scrollDroppedPct: Stat;
  /** Long task time per second of scrolling, in ms. */
  scrollLongTaskMsPerS: Stat;
  scrollCapped: boolean;
  scrollLongTaskMs: Stat;
  scrollMaxFrameMs: Stat;
  phases: Record<string, number>;
  request?: { sentMs: number; serverMs: number; transferMs: number; bytes: number };
  note?: string;
  error?: string;
}

export interface ActionRecord {
  kind: 'create' | 'relabel' | 'delete';
  /** Key press to the frame that shows the change (the page's probe: next animation frame, then a task). */
  ms: number;
  /**
   * Key press to that frame's presentation, as Chromium measures its own input latency (the
   * trace's EventLatency of the key: from the key event's creation to the presentation of the
   * first frame after it was handled; the change is made while handling it). Null when the trace
   * had no such event.
   */
  presentedMs: number | null;
  /** Key press to the DOM change. */
  domMs: number;
  /** Main-thread self time per trace event name from the key to the painted frame (ms); only when the actions were asked for phases. */
  phases?: Record<string, number> | null;
  nearEnd: boolean;
  /** Node-side: key press sent to the layer file replaced or its journal appended to (mtime/inode/size changed). */
  fileMs: number | null;
  /** Page-side: key press to the applyChanges answer (the server answers after fsync: durable). */
  durableMs: number | null;
  /** Of durableMs: key press to the request's start (Chromium's network events: the app's work before it sends, and the HTTP worker's hop). */
  requestMs: number | null;
  /** Of durableMs: the request's start to the first byte of its answer (the network stack and the server, which answers after fsync). */
  serverMs: number | null;
  /** Size of the layer file after the change (all of it is rewritten). */
  layerBytes: number | null;
  /** What the server process wrote meanwhile (/proc/PID/io): wchar counts sockets too. */
  serverWchar: number | null;
  serverWriteBytes: number | null;
  /** Size of the applyChanges answer. */
  answerBytes: number | null;
  /** Longest task from the key press until the save was shown as done (e.g. handling the answer). */
  trailingMaxTaskMs: number;
}

export interface ActionSummary {
  count: number;
  p50: number;
  p95: number;
  max: number;
  /** Key → frame presented (Chromium's EventLatency), over the actions that have it. */
  presented: { count: number; p50: number; p95: number; max: number } | null;
  domP50: number;
  domP95: number;
  nearEndP95: number | null;
}

export interface SaveSummary {
  count: number;
  fileP50: number;
  fileP95: number;
  durableP50: number;
  durableP95: number;
  /** Of durable: key → request started, and request → the answer's first byte. */
  requestP50: number | null;
  requestP95: number | null;
  serverP50: number | null;
  serverP95: number | null;
  layerBytes: number;
  serverWcharP50: number | null;
  serverWriteBytesP50: number | null;
  answerBytesP50: number | null;
  trailingMaxTaskP95: number;
}

export interface ProfileResult {
  /**
   * Main-thread time of one open by kind of work: busy = all tasks (trace); script = JavaScript
   * (CPU profile samples, all modules); style, layout, paint+composite, gc from the trace's events.
   */
  mainThreadMs: Record<string, number>;
  /** Trace events with the most self time. */
  topEvents: [string, number][];
  /** JavaScript self time by module of the renderer bundle, from a CPU profile of the same open. */
  jsByModule: [string, number][];
  topFunctions: [string, number][];
  /** The profiled change, trigger to painted (profiling slows it down). */
  measuredMs: number;
  /** Whether the probe's marks were found in the trace (else: the whole trace is counted). */
  windowed: boolean;
}

export interface BrowserResults {
  chromium: string;
  viewport: { width: number; height: number };
  targets: Partial<Record<TargetName, TargetResult>>;
  actions: Record<'create' | 'relabel' | 'delete', ActionSummary>;
  /** The layout floor's key press: a highlight element added to plain <p> text, key to painted. */
  floorEdit: ActionSummary | null;
  /** The same on the floor whose blocks are grouped in chunks as Gloss's (ADR 0015). */
  floorEditChunks?: ActionSummary | null;
  save: SaveSummary;
  actionRecords: ActionRecord[];
  /** One open of the report in the app, profiled. */
  profile: ProfileResult | null;
  /** One span creation in the app, profiled. */
  createProfile: ProfileResult | null;
  pageErrors: string[];
  validateAfter: number | null;
  /** The app's JS heap with the same report and an empty layer: apart from the spans, what the app and the text take. */
  heapWithoutSpansMB?: Stat | null;
}

export interface BrowserBenchOptions {
  workDir: string;
  reportWorkspace: string;
  reportDocId: string;
  annotator: string;
  runs: number;
  /** Actions of each kind (create, relabel, delete). */
  actions: number;
  /** Scroll step, in viewport heights per frame. */
  scrollStep: number;
  /** Stop repeating the peer after this many ms of runs, keeping at least 3 runs. */
  targetBudgetMs: number;
  /** Runs (the first ones) that also scroll. */
  scrollRuns: number;
  /** A scroll stops after this long (the peer redraws on every scroll event: minutes otherwise). */
  scrollMaxMs: number;
  profile: boolean;
  /** Only open the report, in the app and the two floors (no peer, scroll, profile or actions): for comparing opens while developing. */
  openOnly?: boolean;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  validate: () => Promise<number>;
}

export const VIEWPORT = { width: 1440, height: 900 };
const SETTLE_MS = 500;

/** The probe's methods, called in the page. */
class Probe {
  constructor(private readonly page: Page) {}

  arm(trigger: 'click' | 'keydown', done: DoneCondition, settleMs: number): Promise<void> {
    return this.page.evaluate(([t, d, s]) => (globalThis as unknown as ProbeScope).__glossProbe.arm(t, d, s), [trigger, done, settleMs] as const);
  }

  result(timeoutMs: number): Promise<TimedChange> {
    return this.page.evaluate((t) => (globalThis as unknown as ProbeScope).__glossProbe.result(t), timeoutMs);
  }

  frames(n: number): Promise<void> {
    return this.page.evaluate((k) => (globalThis as unknown as ProbeScope).__glossProbe.frames(k), n);
  }

  settle(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeScope).__glossProbe.settle());
  }

  marks(): Promise<Record<string, number>> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeScope).__glossProbe.marks());
  }

  resources(part: string): Promise<{ startTime: number; requestStart: number; responseStart: number; responseEnd: number; decodedBodySize: number }[]> {
    return this.page.evaluate((p) => (globalThis as unknown as ProbeScope).__glossProbe.resources(p), part);
  }

  counts(): Promise<{ elements: number; highlights: number; blocks: number }> {
    return this.page.evaluate(() => {
      const p = (globalThis as unknown as ProbeScope).__glossProbe;
      let blocks = -1;
      try {
        blocks = p.blockCount();
      } catch {
        // No document view (should not happen once opened).
      }
      return { elements: p.elementCount(), highlights: p.highlightCount(), blocks };
    });
  }

  scroll(selector: string, step: number, maxMs: number): Promise<ScrollResult> {
    return this.page.evaluate(([s, k, m]) => (globalThis as unknown as ProbeScope).__glossProbe.scroll(s, k, m), [selector, step, maxMs] as const);
  }

  revealBlock(block: number): Promise<void> {
    return this.page.evaluate((b) => (globalThis as unknown as ProbeScope).__glossProbe.revealBlock(b), block);
  }

  selectText(block: number, from: number, to: number): Promise<string> {
    return this.page.evaluate(([b, f, t]) => (globalThis as unknown as ProbeScope).__glossProbe.selectText(b, f, t), [block, from, to] as const);
  }

  spanPoint(spanId: string): Promise<{ x: number; y: number } | null> {
    return this.page.evaluate((id) => (globalThis as unknown as ProbeScope).__glossProbe.spanPoint(id), spanId);
  }

  selectedSpan(): Promise<{ id: string; label: string } | null> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeScope).__glossProbe.selectedSpan());
  }

  now(): Promise<number> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeScope).__glossProbe.now());
  }

  longTasks(from: number, to: number): Promise<LongTaskSummary> {
    return this.page.evaluate(([a, b]) => (globalThis as unknown as ProbeScope).__glossProbe.longTaskSummary(a, b), [from, to] as const);
  }

  saveState(): Promise<string | null> {
    return this.page.evaluate(() => (globalThis as unknown as ProbeScope).__glossProbe.saveState());
  }
}

async function heapOf(cdp: CDPSession): Promise<OpenRun['heap']> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number; embedderHeapUsedSize?: number };
  const mb = (n: number): number => round(n / 1024 / 1024);
  return { usedMB: mb(usage.usedSize), totalMB: mb(usage.totalSize), embedderMB: usage.embedderHeapUsedSize === undefined ? null : mb(usage.embedderHeapUsedSize) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One frame at 60 Hz, in ms. */
const FRAME_MS = 1000 / 60;

/**
 * Where in the frame a key lands: a person's key comes at any moment of the 16.7 ms between two
 * frames, not just after one. The harness waits until the page has drawn a frame (settle), then
 * this long (seeded, uniform over one frame) before it sends the key.
 */
function keyPhase(random: Random): Promise<void> {
  return sleep(random.next() * FRAME_MS);
}

/**
 * Chromium's own latency of the key presses made while it runs: each key's EventLatency (trace
 * category "benchmark"), from the key event's creation to the presentation of the first frame after
 * the page handled it. One trace per key press, so that the key is the only one in it.
 *
 * With `withPhases` (bench/ab.ts --phases) the trace also records the main thread's
 * timeline, and `phases` says where the key's time went between the probe's marks (key → painted):
 * self time per kind of event (ms). The timeline's tracing costs time itself: a diagnosis, not a
 * measure to compare with runs without it.
 */
async function keyLatency<T>(
  browser: Browser,
  page: Page,
  press: () => Promise<T>,
  withPhases: boolean,
): Promise<{ value: T; presentedMs: number | null; phases: Record<string, number> | null }> {
  const categories = withPhases ? ['benchmark', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] : ['benchmark'];
  await browser.startTracing(page, { categories });
  let value: T;
  let trace: Buffer;
  try {
    value = await press();
    // The presentation comes a few frames after the probe saw the change at the latest.
    await sleep(100);
  } finally {
    // Stopped even when the press failed: the next key press (or floor) starts a trace again.
    trace = await browser.stopTracing();
  }
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: (LatencyEvent & TraceEvent)[] }).traceEvents;
  return { value, presentedMs: keyPressLatencyMs(events), phases: withPhases ? keyPhases(events) : null };
}

/** Main-thread self time per event name between the probe's trigger and painted marks (ms), or null without both marks. */
function keyPhases(events: readonly TraceEvent[]): Record<string, number> | null {
  const trigger = events.find((e) => e.name === 'probe:trigger');
  const painted = events.find((e) => e.name === 'probe:painted');
  if (!trigger || !painted) return null;
  const thread = events.filter((e) => e.pid === trigger.pid && e.tid === trigger.tid);
  const out: Record<string, number> = {};
  for (const [name, us] of selfTimes(thread, trigger.ts, painted.ts)) if (us > 0) out[name] = round(us / 1000);
  return out;
}

interface LatencyEvent {
  name: string;
  ph: string;
  ts: number;
  id?: string;
  id2?: { local?: string };
  args?: { event_latency?: { event_type?: string } };
}

/** The duration of the one KEY_PRESSED EventLatency in a trace (ms), or null if there is not exactly one. */
function keyPressLatencyMs(events: readonly LatencyEvent[]): number | null {
  const idOf = (e: LatencyEvent): string => e.id2?.local ?? e.id ?? '';
  const begun = new Map<string, LatencyEvent>();
  const found: number[] = [];
  for (const e of events) {
    if (e.name !== 'EventLatency') continue;
    if (e.ph === 'b') begun.set(idOf(e), e);
    else if (e.ph === 'e') {
      const b = begun.get(idOf(e));
      if (b?.args?.event_latency?.event_type === 'KEY_PRESSED') found.push((e.ts - b.ts) / 1000);
    }
  }
  return found.length === 1 ? round(found[0]!) : null;
}

export interface TargetSpec {
  name: TargetName;
  url: string;
  /** Wait until the page is ready for the click (and idle). */
  ready(page: Page): Promise<void>;
  click(page: Page): Promise<void>;
  done: DoneCondition;
  /**
   * A target that shows the first part at once and loads the rest after: holds once everything
   * is there. Heap, element counts, scrolling and actions wait for it; its time is reported.
   */
  loaded?: string;
  /** The slow peer: fewer runs (at least 3) once its runs took targetBudgetMs. */
  budgeted?: boolean;
}

/** Gloss in browser mode at `url`: opened by clicking the document `docId` in the list. */
export function appSpec(url: string, docId: string): TargetSpec {
  const docItem = `[data-testid=doc-item][data-doc-id="${docId}"]`;
  return {
    name: 'app',
    url,
    ready: async (page) => {
      await page.locator(docItem).waitFor();
      await page.locator('[data-testid=editor] .ProseMirror').waitFor();
    },
    click: (page) => page.locator(docItem).click(),
    done: { kind: 'exists', selector: '[data-testid=editor] .ProseMirror .gl-span' },
    // A long document shows its first blocks, then appends the rest (aria-busy until done).
    loaded: '[data-testid=editor] .ProseMirror[aria-busy=false]',
  };
}

/** A floor or peer page (bench/pages), opened by its own button once it has loaded. */
export function pageSpec(name: TargetName, url: string, more: Partial<TargetSpec> = {}): TargetSpec {
  return {
    name,
    url,
    ready: async (page) => {
      await page.locator('#open').waitFor();
    },
    click: (page) => page.click('#open'),
    done: { kind: 'exists', selector: 'html[data-built]' },
    ...more,
  };
}

/** Everything measured in the browser; starts and stops its own servers and Chromium. */
export async function benchBrowser(o: BrowserBenchOptions): Promise<BrowserResults> {
  const { log } = o;
  const docFile = join(o.reportWorkspace, 'documents', `${o.reportDocId}.json`);
  const layerFile = join(o.reportWorkspace, 'annotations', o.reportDocId, `${o.annotator}.json`);
  // The floors read frozen copies: the app's edits below change the layer file.
  const floorData = join(o.workDir, 'floor-data');
  mkdirSync(floorData, { recursive: true });
  copyFileSync(docFile, join(floorData, 'document.json'));
  copyFileSync(layerFile, join(floorData, 'layer.json'));
  const document = JSON.parse(readFileSync(docFile, 'utf8')) as GlossDocument;
  const layer = JSON.parse(readFileSync(layerFile, 'utf8')) as Layer;

  log('browser: building the floor pages and the probe (vite)');
  const pages = await buildPages(o.workDir);
  const statics = await serveStatic(pages.dir, { 'document.json': join(floorData, 'document.json'), 'layer.json': join(floorData, 'layer.json') });
  const served = await serve(o.reportWorkspace, o.annotator, o.env);
  const browser: Browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
  const pageErrors: string[] = [];
  try {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    await context.addInitScript({ content: pages.probeSource });

    const docItem = `[data-testid=doc-item][data-doc-id="${o.reportDocId}"]`;
    const specs: TargetSpec[] = [
      appSpec(served.url, o.reportDocId),
      pageSpec('p', `${statics.origin}/p.html`),
      pageSpec('pChunks', `${statics.origin}/p.html?layout=chunks`),
      pageSpec('pm', `${statics.origin}/pm.html`),
      pageSpec('pmNaive', `${statics.origin}/pm.html?decorations=naive`),
      pageSpec('recogito', `${statics.origin}/recogito.html`, { budgeted: true }),
    ];

    if (o.openOnly) specs.splice(0, specs.length, ...specs.filter((spec) => ['app', 'p', 'pChunks', 'pm'].includes(spec.name)));
    const shot = new Set<TargetName>();
    const openOnce = async (spec: TargetSpec, withScroll: boolean): Promise<OpenRun> => {
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(`${spec.name}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(`${spec.name}: console: ${m.text()}`);
      });
      try {
        const p = new Probe(page);
        await page.goto(spec.url);
        await spec.ready(page);
        await p.frames(5);
        await sleep(300);
        await p.arm('click', spec.done, SETTLE_MS);
        await spec.click(page);
        const change = await p.result(spec.name === 'recogito' ? 600_000 : 120_000);
        const marks = await p.marks();
        const phases: Record<string, number> = {};
        for (const [name, t] of Object.entries(marks)) phases[name] = round(t - change.start);
        if (spec.loaded) {
          await page.locator(spec.loaded).waitFor({ timeout: 120_000 });
          phases['all blocks loaded'] = round((await page.evaluate(() => performance.now())) - change.start);
        }
        const run: OpenRun = {
          paintedMs: round(change.painted - change.start),
          domMs: round(change.dom - change.start),
          interactiveMs: round(change.interactive - change.start),
          longTasks: change.longTasks,
          phases,
          heap: { usedMB: 0, totalMB: 0, embedderMB: null },
          elements: 0,
          highlights: 0,
          scroll: null,
        };
        if (spec.name === 'app') {
          const r = (await p.resources('/api/openDocument')).find((e) => e.startTime >= change.start);
          if (r) {
            run.request = {
              sentMs: round(r.requestStart - change.start),
              serverMs: round(r.responseStart - r.requestStart),
              transferMs: round(r.responseEnd - r.responseStart),
              bytes: r.decodedBodySize,
            };
          }
        }
        // What was measured, for a person to check (first run only; after the timing).
        if (!shot.has(spec.name)) {
          shot.add(spec.name);
          await page.screenshot({ path: join(o.workDir, 'screenshots', `open-${spec.name}.png`) });
        }
        const cdp = await context.newCDPSession(page);
        run.heap = await heapOf(cdp);
        await cdp.detach();
        const counts = await p.counts();
        run.elements = counts.elements;
        run.highlights = counts.highlights;
        if (withScroll) run.scroll = await p.scroll('.gl-center', o.scrollStep, o.scrollMaxMs);
        return run;
      } finally {
        await page.close();
      }
    };

    // Round robin (app, floors, peer, app, ...): the machine's load drifts, the ratios should not.
    const runs = new Map<TargetName, OpenRun[]>(specs.map((spec) => [spec.name, []]));
    const notes = new Map<TargetName, string>();
    const errors = new Map<TargetName, string>();
    const spent = new Map<TargetName, number>();
    for (let i = 0; i < o.runs; i++) {
      for (const spec of specs) {
        const done = runs.get(spec.name)!;
        if (errors.has(spec.name) || notes.has(spec.name)) continue;
        if (spec.budgeted && done.length >= 3 && (spent.get(spec.name) ?? 0) > o.targetBudgetMs) {
          notes.set(spec.name, `${done.length} runs instead of ${o.runs}: one open (with its scroll) takes ${Math.round((spent.get(spec.name) ?? 0) / done.length / 1000)} s`);
          continue;
        }
        const began = performance.now();
        try {
          const run = await openOnce(spec, !o.openOnly && i < o.scrollRuns);
          done.push(run);
          log(
            `browser: open ${spec.name} run ${i + 1}/${o.runs}: ${run.interactiveMs} ms (painted ${run.paintedMs}), heap ${run.heap.usedMB} MB` +
              (run.scroll ? `, scroll dropped ${run.scroll.droppedFrames}/${run.scroll.frames}` : ''),
          );
        } catch (e) {
          errors.set(spec.name, e instanceof Error ? e.message : String(e));
          log(`browser: open ${spec.name} failed: ${errors.get(spec.name)}`);
        }
        spent.set(spec.name, (spent.get(spec.name) ?? 0) + performance.now() - began);
      }
    }
    const targets: BrowserResults['targets'] = {};
    for (const spec of specs) targets[spec.name] = summarizeTarget(spec.name, runs.get(spec.name)!, notes.get(spec.name), errors.get(spec.name));

    if (o.openOnly) {
      await served.stop();
      const none = summarizeActions([]);
      return {
        chromium: browser.version(),
        viewport: VIEWPORT,
        targets,
        actions: { create: none, relabel: none, delete: none },
        floorEdit: null,
        save: summarizeSaves([]),
        actionRecords: [],
        profile: null,
        createProfile: null,
        pageErrors: [...new Set(pageErrors)].slice(0, 30),
        validateAfter: await o.validate(),
      };
    }
    let profile: ProfileResult | null = null;
    if (o.profile) {
      log('browser: profiling one open of the app (trace + CPU profile)');
      try {
        profile = await profileOpen(browser, context, specs[0]!);
      } catch (e) {
        log(`browser: profile failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }

    log(`browser: ${o.actions} creates, relabels and deletes in the app`);
    const { records: actionRecords, createProfile } = await runActions(browser, context, specs[0]!, {
      document,
      layer,
      layerFile,
      serverPid: served.pid,
      actions: o.actions,
      profile: o.profile,
      log,
      pageErrors,
    });
    const by = (kind: ActionRecord['kind']): ActionRecord[] => actionRecords.filter((a) => a.kind === kind);

    const floorEdits = async (name: 'p' | 'pChunks'): Promise<ActionSummary | null> => {
      log(`browser: ${o.actions} key presses on the ${TARGET_TITLES[name]} (a highlight added to plain <p> text)`);
      try {
        return await runFloorEdits(browser, context, specs.find((x) => x.name === name)!, document.blocks.length, o.actions);
      } catch (e) {
        log(`browser: floor edits (${name}) failed: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
    };
    const floorEdit = await floorEdits('p');
    const floorEditChunks = await floorEdits('pChunks');

    log('browser: the app\'s heap with the same report and no spans');
    let heapWithoutSpansMB: Stat | null = null;
    try {
      heapWithoutSpansMB = await heapWithoutSpans(context, o, docItem, specs[0]!.loaded!, document.blocks.length);
    } catch (e) {
      log(`browser: heap without spans failed: ${e instanceof Error ? e.message : String(e)}`);
    }

    await served.stop();
    const validateAfter = await o.validate();
    return {
      chromium: browser.version(),
      viewport: VIEWPORT,
      targets,
      actions: { create: summarizeActions(by('create')), relabel: summarizeActions(by('relabel')), delete: summarizeActions(by('delete')) },
      floorEdit,
      floorEditChunks,
      save: summarizeSaves(actionRecords),
      actionRecords,
      profile,
      createProfile,
      pageErrors: [...new Set(pageErrors)].slice(0, 30),
      validateAfter,
      heapWithoutSpansMB,
    };
  } finally {
    await browser.close();
    await served.stop();
    await statics.close();
  }
}

/**
 * The app's heap after opening the report from a copy of its workspace whose layer has no spans
 * (nor relations), measured as the opens measure it (same page set-up, loaded, two GCs): set
 * against the heap with the spans, it tells what the 10,000 spans take.
 */
async function heapWithoutSpans(context: BrowserContext, o: BrowserBenchOptions, docItem: string, loaded: string, blocks: number): Promise<Stat> {
  const dir = join(o.workDir, 'report-ws-no-spans');
  rmSync(dir, { recursive: true, force: true });
  cpSync(o.reportWorkspace, dir, { recursive: true });
  const layerDir = join(dir, 'annotations', o.reportDocId);
  // The layer file alone: a journal beside it (the app's edits) would bring spans back.
  for (const name of readdirSync(layerDir)) if (name !== `${o.annotator}.json`) rmSync(join(layerDir, name));
  const file = join(layerDir, `${o.annotator}.json`);
  const layer = JSON.parse(readFileSync(file, 'utf8')) as Layer;
  writeFileSync(file, JSON.stringify({ ...layer, spans: [], relations: [] }, null, 2) + '\n');
  const served = await serve(dir, o.annotator, o.env);
  try {
    const used: number[] = [];
    for (let i = 0; i < Math.min(o.runs, 3); i++) {
      const page = await context.newPage();
      try {
        await page.goto(served.url);
        await page.locator(docItem).click();
        // The cover note opens first, and is loaded too: wait for the report's chunks (at most 32
        // blocks each, ADR 0015), all of them appended.
        // (A locator, not waitForFunction: the app's CSP forbids evaluating strings.)
        const min = Math.max(2, Math.floor(blocks / 32));
        await page.locator(`${loaded} > .gl-chunk`).nth(min - 1).waitFor({ state: 'attached', timeout: 120_000 });
        const cdp = await context.newCDPSession(page);
        used.push((await heapOf(cdp)).usedMB);
        await cdp.detach();
      } finally {
        await page.close();
      }
    }
    return stat(used);
  } finally {
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor of a key press: in the plain <p> page, a key wraps a word of a random block in a
 * highlight element (p.ts); timed from the key event to the painted frame as the app's are, with
 * the same scrolling to the block, the same idle wait before the key.
 */
export async function runFloorEdits(
  browser: Browser,
  context: BrowserContext,
  spec: TargetSpec,
  blocks: number,
  count: number,
  /** sink: receives every timed edit's record; phases: see keyLatency (both for bench/ab.ts). */
  more: { sink?: ActionRecord[]; phases?: boolean } = {},
): Promise<ActionSummary> {
  const page = await context.newPage();
  try {
    const p = new Probe(page);
    await page.goto(spec.url);
    await spec.ready(page);
    await p.arm('click', spec.done, 0);
    await spec.click(page);
    await p.result(120_000);
    const random = new Random('gloss-bench-floor-edits');
    const phase = new Random('gloss-bench-key-phase');
    const records: ActionRecord[] = [];
    for (let i = 0; i < count; i++) {
      const index = random.int(0, blocks - 1);
      await p.revealBlock(index);
      await p.frames(2);
      await page.evaluate(`document.documentElement.dataset.editBlock = '${index}'`);
      const { value: change, presentedMs, phases } = await keyLatency(browser, page, async () => {
        await p.settle();
        await p.arm('keydown', { kind: 'exists', selector: `[data-floor-edit="${records.length}"]` }, 0);
        await keyPhase(phase);
        await page.keyboard.press('x');
        return p.result(10_000).catch(() => null);
      }, more.phases ?? false);
      // A block too short to wrap a word: nothing happened, nothing to time.
      if (!change) continue;
      records.push({
        kind: 'create',
        ms: round(change.painted - change.start),
        presentedMs,
        domMs: round(change.dom - change.start),
        phases,
        nearEnd: index >= blocks * 0.97,
        fileMs: null,
        durableMs: null,
        requestMs: null,
        serverMs: null,
        layerBytes: null,
        serverWchar: null,
        serverWriteBytes: null,
        answerBytes: null,
        trailingMaxTaskMs: 0,
      });
    }
    more.sink?.push(...records);
    return summarizeActions(records);
  } finally {
    await page.close();
  }
}

/** Index of the block holding code point `cp` (the last block starting at or before it). */
function blockOf(blocks: readonly { start: number }[], cp: number): number {
  return Math.max(0, firstIndex(blocks.length, (k) => blocks[k]!.start > cp) - 1);
}

function median(values: readonly number[]): number {
  return round(quantile([...values].sort((a, b) => a - b), 0.5));
}

function summarizeTarget(name: TargetName, runs: OpenRun[], note: string | undefined, error: string | undefined): TargetResult {
  const phases: Record<string, number> = {};
  for (const key of new Set(runs.flatMap((r) => Object.keys(r.phases)))) {
    phases[key] = median(runs.map((r) => r.phases[key]).filter((x): x is number => x !== undefined));
  }
  const requests = runs.map((r) => r.request).filter((r): r is NonNullable<OpenRun['request']> => r !== undefined);
  const scrolls = runs.map((r) => r.scroll).filter((x): x is ScrollResult => x !== null);
  const result: TargetResult = {
    title: TARGET_TITLES[name],
    runs,
    open: stat(runs.map((r) => r.interactiveMs)),
    painted: stat(runs.map((r) => r.paintedMs)),
    heapMB: stat(runs.map((r) => r.heap.usedMB)),
    scrollDropped: stat(scrolls.map((x) => x.droppedFrames)),
    scrollDroppedPct: stat(scrolls.map((x) => (100 * x.droppedFrames) / Math.max(1, x.frames + x.droppedFrames))),
    scrollLongTaskMsPerS: stat(scrolls.map((x) => (1000 * x.longTasks.totalMs) / Math.max(1, x.durationMs))),
    scrollCapped: scrolls.some((x) => x.capped),
    scrollLongTaskMs: stat(scrolls.map((x) => x.longTasks.totalMs)),
    scrollMaxFrameMs: stat(scrolls.map((x) => x.maxFrameMs)),
    phases,
  };
  if (requests.length > 0) {
    result.request = {
      sentMs: median(requests.map((r) => r.sentMs)),
      serverMs: median(requests.map((r) => r.serverMs)),
      transferMs: median(requests.map((r) => r.transferMs)),
      bytes: median(requests.map((r) => r.bytes)),
    };
  }
  if (note) result.note = note;
  if (error) result.error = error;
  return result;
}

function summarizeActions(records: ActionRecord[]): ActionSummary {
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const ms = sorted(records.map((r) => r.ms));
  const dom = sorted(records.map((r) => r.domMs));
  const near = sorted(records.filter((r) => r.nearEnd).map((r) => r.ms));
  const presented = sorted(records.map((r) => r.presentedMs).filter((x): x is number => x !== null));
  return {
    count: records.length,
    p50: round(quantile(ms, 0.5)),
    p95: round(quantile(ms, 0.95)),
    max: round(ms[ms.length - 1] ?? Number.NaN),
    presented:
      presented.length > 0
        ? { count: presented.length, p50: round(quantile(presented, 0.5)), p95: round(quantile(presented, 0.95)), max: round(presented[presented.length - 1]!) }
        : null,
    domP50: round(quantile(dom, 0.5)),
    domP95: round(quantile(dom, 0.95)),
    nearEndP95: near.length > 0 ? round(quantile(near, 0.95)) : null,
  };
}

function summarizeSaves(records: ActionRecord[]): SaveSummary {
  const of = (pick: (r: ActionRecord) => number | null): number[] =>
    records
      .map(pick)
      .filter((x): x is number => x !== null && Number.isFinite(x))
      .sort((a, b) => a - b);
  const p = (xs: number[], q: number): number => round(quantile(xs, q));
  const wchar = of((r) => r.serverWchar);
  const writes = of((r) => r.serverWriteBytes);
  const answers = of((r) => r.answerBytes);
  const layerBytes = of((r) => r.layerBytes);
  const request = of((r) => r.requestMs);
  const server = of((r) => r.serverMs);
  return {
    count: records.length,
    fileP50: p(of((r) => r.fileMs), 0.5),
    fileP95: p(of((r) => r.fileMs), 0.95),
    durableP50: p(of((r) => r.durableMs), 0.5),
    durableP95: p(of((r) => r.durableMs), 0.95),
    requestP50: request.length ? p(request, 0.5) : null,
    requestP95: request.length ? p(request, 0.95) : null,
    serverP50: server.length ? p(server, 0.5) : null,
    serverP95: server.length ? p(server, 0.95) : null,
    layerBytes: p(layerBytes, 0.5),
    serverWcharP50: wchar.length ? p(wchar, 0.5) : null,
    serverWriteBytesP50: writes.length ? p(writes, 0.5) : null,
    answerBytesP50: answers.length ? p(answers, 0.5) : null,
    trailingMaxTaskP95: p(of((r) => r.trailingMaxTaskMs), 0.95),
  };
}

// ---- profiling one open ----

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** A V8 CPU profile (CDP Profiler.stop). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** CPU profile entries that are not JavaScript (browser work, GC, idle). */
const NOT_JS = new Set(['(program)', '(garbage collector)', '(root)', '(idle)']);

/** What kind of main-thread work a trace event is. */
function kindOf(name: string): string {
  if (/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|ScheduleStyleRecalculation)$/.test(name)) return 'style';
  if (/^(Layout|UpdateLayout|InvalidateLayout)$/.test(name)) return 'layout';
  if (/^(Paint|PaintSetup|PrePaint|Layerize|UpdateLayer|UpdateLayerTree|CompositeLayers|Commit|PaintImage|RasterTask|Decode.*)$/.test(name)) return 'paint+composite';
  if (/GC|Gc|GarbageCollect|Sweep|Mark/.test(name)) return 'gc';
  if (/^(FunctionCall|EvaluateScript|V8\.Execute|v8\.callFunction|v8\.run|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|v8\.compile|V8\.CompileCode|v8\.compileModule|v8\.evaluateModule|XHRReadyStateChange|FireIdleCallback)$/.test(name)) return 'script';
  if (/^(ParseHTML|ResourceReceivedData|ResourceFinish|ResourceSendRequest|ResourceReceiveResponse)$/.test(name)) return 'loading';
  return 'other';
}

/** Self time of every X event of one thread within [from, to) µs (children subtracted), by event name. */
function selfTimes(events: TraceEvent[], from: number, to: number): Map<string, number> {
  const xs = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined && e.ts < to && e.ts + e.dur > from)
    .map((e) => {
      const ts = Math.max(e.ts, from);
      return { ...e, ts, dur: Math.min(e.ts + e.dur!, to) - ts };
    })
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map<string, number>();
  const stack: { end: number; name: string }[] = [];
  for (const e of xs) {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
    stack.push({ end: e.ts + e.dur!, name: e.name });
  }
  return self;
}

/**
 * Where a place in the renderer bundle comes from, by the bundle's source map (the bundle is
 * minified; `out/renderer/assets/<bundle>.js.map` is written beside it, not linked from it): a
 * package's name for node_modules, our source path for ours (src/renderer/src/... as renderer/...),
 * and the function's name in the source where the map has it. `root`: the project folder whose
 * build it is.
 */
export function bundleSources(root = ROOT): { file: string; at: (line: number, column: number) => { module: string; name: string | null; line: number | null } } {
  const html = readFileSync(join(root, 'out', 'renderer', 'index.html'), 'utf8');
  const file = /src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!file) throw new Error('out/renderer/index.html names no script');
  const mapPath = join(root, 'out', 'renderer', 'assets', `${file}.map`);
  let map: SourceMapConsumer;
  try {
    map = new SourceMapConsumer(JSON.parse(readFileSync(mapPath, 'utf8')) as RawSourceMap);
  } catch (error) {
    throw new Error(`${mapPath}: cannot read the renderer's source map (npm run build writes it): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    file,
    at: (line, column) => {
      // CPU profiles count lines and columns from 0; source maps count lines from 1.
      const found = map.originalPositionFor({ line: line + 1, column });
      if (found.source === null) return { module: '(bundle prelude)', name: null, line: null };
      return { module: moduleOfSource(found.source), name: found.name ?? null, line: found.line };
    },
  };
}

/** A source map's source path as a module: the package for node_modules, else the path from src/. */
function moduleOfSource(source: string): string {
  const path = source.replace(/\\/g, '/');
  const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg) return pkg;
  const ours = /(?:^|\/)(src\/.*)$/.exec(path)?.[1];
  if (ours) return ours.replace(/^src\/renderer\/src\//, 'renderer/');
  return path.replace(/^(?:\.\.\/)+/, '').replace(/^\0/, '');
}

async function profileOpen(browser: Browser, context: BrowserContext, spec: TargetSpec): Promise<ProfileResult> {
  const page = await context.newPage();
  try {
    const p = new Probe(page);
    await page.goto(spec.url);
    await spec.ready(page);
    await p.frames(5);
    await sleep(300);
    return await profiled(browser, context, page, async () => {
      await p.arm('click', spec.done, SETTLE_MS);
      await spec.click(page);
      return p.result(120_000);
    });
  } finally {
    await page.close();
  }
}

/** Run `act` (a timed change) under a Chromium trace and a CPU profile, and say where the time went. */
async function profiled(browser: Browser, context: BrowserContext, page: Page, act: () => Promise<TimedChange>): Promise<ProfileResult> {
  {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'],
    });
    await cdp.send('Profiler.start');
    const change = await act();
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    await cdp.detach();

    // The page's main thread: the CrRendererMain with the most work.
    const mains = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    let best: TraceEvent[] = [];
    for (const m of mains) {
      const events = trace.traceEvents.filter((e) => e.pid === m.pid && e.tid === m.tid);
      const busy = events.reduce((sum, e) => sum + (e.ph === 'X' ? (e.dur ?? 0) : 0), 0);
      if (busy > best.reduce((sum, e) => sum + (e.ph === 'X' ? (e.dur ?? 0) : 0), 0)) best = events;
    }
    // The measured window: from the trigger to the frame that showed the change (probe marks).
    const markAt = (name: string): number | undefined => best.find((e) => e.name === name)?.ts;
    const from = markAt('probe:trigger') ?? Number.NEGATIVE_INFINITY;
    const to = markAt('probe:painted') ?? Number.POSITIVE_INFINITY;
    const self = selfTimes(best, from, to);
    const fromTrace: Record<string, number> = {};
    for (const [name, us] of self) {
      const kind = kindOf(name);
      fromTrace[kind] = (fromTrace[kind] ?? 0) + us / 1000;
    }
    // Busy: top-level tasks of the thread (each task's own duration once).
    const tasks = best.filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'));
    let busyUs = 0;
    let taskEnd = -1;
    for (const t of tasks.sort((x, y) => x.ts - y.ts)) {
      const start = Math.max(t.ts, from);
      const end = Math.min(t.ts + (t.dur ?? 0), to);
      if (end > start && start >= taskEnd) {
        busyUs += end - start;
        taskEnd = end;
      }
    }
    const topEvents = [...self]
      .map(([n, us]): [string, number] => [n, round(us / 1000)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12);

    const { file, at } = bundleSources();
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const byModule = new Map<string, number>();
    const byFunction = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let sampleTs = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      sampleTs += deltas[i] ?? 0;
      // Sample times share the trace's clock; keep the measured window only.
      if (sampleTs < from || sampleTs >= to) continue;
      const node = nodes.get(samples[i]!);
      if (!node) continue;
      const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
      const { url, lineNumber, columnNumber } = node.callFrame;
      let { functionName } = node.callFrame;
      let module: string;
      if (url.endsWith(file)) {
        // The profile names minified functions: the map gives the source's name, else its line.
        const source = at(lineNumber, columnNumber);
        module = source.module;
        if (source.name) functionName = source.name;
        else if (source.line !== null) functionName = `${functionName || '(anonymous)'}@${source.line}`;
      } else if (url === '') module = functionName.startsWith('(') ? functionName : '(native)';
      else module = url.replace(/^.*\//, '');
      if (module === '(idle)') continue;
      byModule.set(module, (byModule.get(module) ?? 0) + ms);
      if (NOT_JS.has(module)) continue;
      const fn = `${functionName || '(anonymous)'} [${module}]`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    }
    const top = (m: Map<string, number>, n: number): [string, number][] =>
      [...m]
        .map(([k, v]): [string, number] => [k, round(v)])
        .sort((a, b) => b[1] - a[1])
        .slice(0, n);
    const scriptMs = [...byModule].filter(([k]) => !NOT_JS.has(k)).reduce((sum, [, v]) => sum + v, 0);
    const mainThreadMs: Record<string, number> = {
      busy: round(busyUs / 1000),
      script: round(scriptMs),
      style: round(fromTrace.style ?? 0),
      layout: round(fromTrace.layout ?? 0),
      'paint+composite': round(fromTrace['paint+composite'] ?? 0),
      gc: round(fromTrace.gc ?? 0),
    };
    for (const k of NOT_JS) byModule.delete(k);
    return { mainThreadMs, topEvents, jsByModule: top(byModule, 15), topFunctions: top(byFunction, 15), measuredMs: round(change.painted - change.start), windowed: Number.isFinite(from) && Number.isFinite(to) };
  }
}

// ---- create / relabel / delete ----

export interface ActionContext {
  profile: boolean;
  /** Trace each key with the main thread's timeline and record its phases (bench/ab.ts --phases). */
  phases?: boolean;
  /** The actions' PRNG seed (default: the full run's). */
  seed?: string;
  document: GlossDocument;
  layer: Layer;
  layerFile: string;
  serverPid: number;
  actions: number;
  log: (line: string) => void;
  pageErrors: string[];
}

interface FileState {
  mtimeMs: number;
  ino: number;
  size: number;
}

async function fileState(path: string): Promise<FileState> {
  const s = await statFile(path);
  return { mtimeMs: s.mtimeMs, ino: s.ino, size: s.size };
}

/** A layer file and its journal (docs/adr/0009: a change appends to the journal); null: absent. */
interface LayerState {
  layer: FileState | null;
  journal: FileState | null;
}

async function layerState(layerFile: string): Promise<LayerState> {
  const state = async (path: string): Promise<FileState | null> => {
    try {
      return await fileState(path);
    } catch {
      return null;
    }
  };
  const [layer, journal] = await Promise.all([state(layerFile), state(layerFile.replace(/\.json$/, '.journal.jsonl'))]);
  return { layer, journal };
}

function sameFile(a: FileState | null, b: FileState | null): boolean {
  return a === null || b === null ? a === b : a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

/**
 * Wait until the layer file or its journal differs from `before`; ms since `t0` (Node clock) and
 * the bytes written: the whole layer file when it was replaced, else what was appended to the
 * journal. Woken by the folder's inotify events (fs.watch), with a check every 25 ms in case one
 * is missed: polling every millisecond, as this did at first, took CPU from the very frame being
 * measured on the 2 cores (the floors' key presses had no such poller beside them).
 */
function layerChange(layerFile: string, before: LayerState, t0: number, timeoutMs: number): Promise<{ ms: number; size: number } | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: { ms: number; size: number } | null): void => {
      if (settled) return;
      settled = true;
      watcher.close();
      clearInterval(slow);
      clearTimeout(timer);
      resolve(value);
    };
    // Looks may overlap (an event while one is stat-ing); the first to see the change finishes.
    const check = async (): Promise<void> => {
      if (settled) return;
      const s = await layerState(layerFile);
      const at = performance.now() - t0;
      if (s.layer && !sameFile(s.layer, before.layer)) finish({ ms: at, size: s.layer.size });
      else if (s.journal && !sameFile(s.journal, before.journal)) {
        const grown = before.journal && s.journal.ino === before.journal.ino ? s.journal.size - before.journal.size : s.journal.size;
        finish({ ms: at, size: grown });
      }
    };
    const watcher = watch(dirname(layerFile), () => void check());
    const slow = setInterval(() => void check(), 25);
    const timer = setTimeout(() => finish(null), timeoutMs);
    // A change before the watcher was set up is seen by this first look.
    void check();
  });
}

/** Words of a block's text with their UTF-16 ranges. */
function wordsOf(text: string): { from: number; to: number }[] {
  return [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}.,%'’-]*[\p{L}\p{N}%]|[\p{L}\p{N}]/gu)].map((m) => ({ from: m.index, to: m.index + m[0].length }));
}

export async function runActions(
  browser: Browser,
  context: BrowserContext,
  spec: TargetSpec,
  a: ActionContext,
): Promise<{ records: ActionRecord[]; createProfile: ProfileResult | null }> {
  const random = new Random(a.seed ?? 'gloss-bench-actions');
  const text = new CodePointIndex(a.document.text);
  const blocks: { index: number; block: Block }[] = a.document.blocks
    .map((block, index) => ({ index, block }))
    .filter(({ block }) => block.type !== 'heading' && block.end - block.start > 20);
  const nearEndFrom = a.document.blocks.length * 0.97;
  const spanPool = [...a.layer.spans];
  const nearEndCp = text.length * 0.97;
  const gone = new Set<string>();
  const labels = DEFAULT_SCHEMA.labels.filter((l) => l.key !== undefined);

  const page = await context.newPage();
  page.on('pageerror', (e) => a.pageErrors.push(`actions: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') a.pageErrors.push(`actions: console: ${m.text()}`);
  });
  const p = new Probe(page);
  // The applyChanges answers, from the browser's network events: the app makes these calls in its
  // HTTP worker (docs/adr/0021), whose resource timing the page cannot see, over the API socket once
  // it is open (docs/adr/0022), else as HTTP requests. Wall-clock ms. A socket's frames carry no
  // time of the browser's: they are dated here as Playwright reports them, a little after the
  // browser sent or received them (so a save over the socket is timed a little long, not short).
  const answers: { startEpoch: number; firstByteEpoch: number; endEpoch: number; bytes: number }[] = [];
  page.on('websocket', (socket) => {
    const sent = new Map<number, number>();
    const parsed = (payload: string | Buffer): { id?: unknown; method?: unknown; result?: unknown } | null => {
      try {
        return JSON.parse(String(payload)) as { id?: unknown; method?: unknown; result?: unknown };
      } catch {
        return null;
      }
    };
    socket.on('framesent', ({ payload }) => {
      const call = parsed(payload);
      if (call?.method === 'applyChanges' && typeof call.id === 'number') sent.set(call.id, Date.now());
    });
    socket.on('framereceived', ({ payload }) => {
      const answer = parsed(payload);
      if (typeof answer?.id !== 'number' || answer.result === undefined) return;
      const start = sent.get(answer.id);
      if (start === undefined) return;
      sent.delete(answer.id);
      const end = Date.now();
      answers.push({ startEpoch: start, firstByteEpoch: end, endEpoch: end, bytes: Buffer.byteLength(payload) });
    });
  });
  page.on('requestfinished', (request) => {
    if (!request.url().includes('/api/applyChanges')) return;
    const timing = request.timing();
    void request.sizes().then((sizes) =>
      answers.push({
        startEpoch: timing.startTime,
        firstByteEpoch: timing.startTime + timing.responseStart,
        endEpoch: timing.startTime + timing.responseEnd,
        bytes: sizes.responseBodySize,
      }),
    );
  });
  const records: ActionRecord[] = [];
  const phase = new Random(a.seed === undefined ? 'gloss-bench-key-phase' : `${a.seed}-key-phase`);
  let createProfile: ProfileResult | null = null;
  try {
    await page.goto(spec.url);
    await spec.ready(page);
    await p.arm('click', spec.done, 0);
    await spec.click(page);
    await p.result(120_000);
    if (spec.loaded) await page.locator(spec.loaded).waitFor({ timeout: 120_000 });
    const counts = await p.counts();
    if (counts.blocks !== a.document.blocks.length) {
      throw new Error(`the view has ${counts.blocks} block elements for ${a.document.blocks.length} blocks: cannot place selections`);
    }
    await sleep(500);

    /** Press a key and measure: the frame that shows the change, and the save. */
    const measure = async (
      kind: ActionRecord['kind'],
      key: string,
      done: DoneCondition,
      nearEnd: boolean,
    ): Promise<{ record: ActionRecord; spanId: string | null }> => {
      // A person's key comes well after the click or selection before it: wait until what that
      // started (the panels' update after the paint, docs/adr/0011) is done.
      const before = await layerState(a.layerFile);
      const io0 = processWrites(a.serverPid);
      const {
        value: [change, file],
        presentedMs,
        phases,
      } = await keyLatency(browser, page, async () => {
        await p.settle();
        await p.arm('keydown', done, 0);
        await keyPhase(phase);
        const t0 = performance.now();
        await page.keyboard.press(key);
        return Promise.all([p.result(30_000), layerChange(a.layerFile, before, t0, 30_000)]);
      }, a.phases ?? false);
      // Wait for the answer and the indicator: the next action starts from a saved state. The key's
      // time in the page's clock, as wall-clock ms (the network events' clock): the page's time
      // origin, corrected by how far the wall clock has moved from the page's monotonic one since.
      const clock = await page.evaluate(() => ({ origin: performance.timeOrigin, drift: Date.now() - (performance.timeOrigin + performance.now()) }));
      const keyEpoch = clock.origin + change.start + clock.drift;
      let answer: (typeof answers)[number] | undefined;
      for (let i = 0; i < 3000; i++) {
        // Requests start after the key (1 ms of slack: Date.now() counts whole milliseconds).
        answer = answers.find((r) => r.startEpoch >= keyEpoch - 1);
        if (answer && (await p.saveState()) === 'saved') break;
        await sleep(5);
      }
      if (answer) answers.splice(0, answers.indexOf(answer) + 1);
      const io1 = processWrites(a.serverPid);
      const trailing = await p.longTasks(change.start, await p.now());
      await p.frames(2);
      const record: ActionRecord = {
        kind,
        ms: round(change.painted - change.start),
        presentedMs,
        domMs: round(change.dom - change.start),
        phases,
        nearEnd,
        fileMs: file ? round(file.ms) : null,
        durableMs: answer ? round(answer.endEpoch - keyEpoch) : null,
        requestMs: answer ? round(answer.startEpoch - keyEpoch) : null,
        serverMs: answer ? round(answer.firstByteEpoch - answer.startEpoch) : null,
        layerBytes: file ? file.size : null,
        serverWchar: io0 && io1 ? io1.wchar - io0.wchar : null,
        serverWriteBytes: io0 && io1 ? io1.writeBytes - io0.writeBytes : null,
        answerBytes: answer ? answer.bytes : null,
        trailingMaxTaskMs: round(trailing.maxMs),
      };
      records.push(record);
      return { record, spanId: change.spanId };
    };

    /** Click a random span (near the end a quarter of the time) and return what got selected. */
    const clickSpan = async (): Promise<{ id: string; label: string; nearEnd: boolean } | null> => {
      for (let attempt = 0; attempt < 8; attempt++) {
        const nearEnd = random.chance(0.25);
        const pool = nearEnd ? spanPool.filter((s) => s.start >= nearEndCp) : spanPool;
        const span = random.pick(pool);
        if (gone.has(span.id)) continue;
        // Scroll to its paragraph first, as a person does: highlights are drawn around what is
        // in sight (docs/adr/0011), so a span far away has no element until then.
        await p.revealBlock(blockOf(a.document.blocks, span.start));
        await p.frames(3);
        const point = await p.spanPoint(span.id);
        if (!point) continue;
        await p.frames(2);
        const settled = await p.spanPoint(span.id);
        if (!settled) continue;
        await page.mouse.click(settled.x, settled.y);
        await p.frames(2);
        const selected = await p.selectedSpan();
        if (selected && !gone.has(selected.id)) return { ...selected, nearEnd };
      }
      return null;
    };

    /** Select 1-3 words of a random block (near the end a quarter of the time), as a person would. */
    const selectWords = async (): Promise<{ nearEnd: boolean; label: (typeof labels)[number]; before: string | null }> => {
      const nearEnd = random.chance(0.25);
      const pool = nearEnd ? blocks.filter((b) => b.index >= nearEndFrom) : blocks;
      const { index, block } = random.pick(pool);
      const words = wordsOf(text.slice(block.start, block.end));
      const first = random.int(0, Math.max(0, words.length - 3));
      const last = Math.min(words.length - 1, first + random.int(0, 2));
      await p.revealBlock(index);
      await p.frames(2);
      await p.selectText(index, words[first]!.from, words[last]!.to);
      await p.frames(3);
      return { nearEnd, label: random.pick(labels), before: (await p.selectedSpan())?.id ?? null };
    };

    for (let i = 0; i < a.actions; i++) {
      // Create: select 1-3 words at a random place and press a label key.
      const { nearEnd, label, before } = await selectWords();
      const created = await measure('create', label.key!, { kind: 'created', label: label.name, before }, nearEnd);

      // Relabel: click a span, press another label's key.
      const toRelabel = await clickSpan();
      if (toRelabel) {
        const next = random.pick(labels.filter((l) => l.name !== toRelabel.label));
        await measure('relabel', next.key!, { kind: 'labelled', spanId: toRelabel.id, label: next.name }, toRelabel.nearEnd);
      }

      // Delete: click a span, press Delete.
      const toDelete = await clickSpan();
      if (toDelete) {
        await measure('delete', 'Delete', { kind: 'gone', spanId: toDelete.id }, toDelete.nearEnd);
        gone.add(toDelete.id);
      }
      if ((i + 1) % 10 === 0 || i + 1 === a.actions) {
        const last3 = records.slice(-3).map((r) => `${r.kind} ${r.ms} ms (save ${r.durableMs} ms)`).join(', ');
        a.log(`browser: actions ${i + 1}/${a.actions}: ${last3}${created.spanId ? '' : ' (no span id)'}`);
      }
    }
    if (a.profile) {
      a.log('browser: profiling one span creation');
      const { label, before } = await selectWords();
      await p.settle();
      createProfile = await profiled(browser, context, page, async () => {
        await p.arm('keydown', { kind: 'created', label: label.name, before }, 0);
        await page.keyboard.press(label.key!);
        return p.result(30_000);
      });
      for (let i = 0; i < 3000 && (await p.saveState()) !== 'saved'; i++) await sleep(5);
    }
  } finally {
    await page.close();
  }
  return { records, createProfile };
}
