// Where a label key's own event goes (issue 5, docs/adr/0021): a CPU profile (50 µs samples) of
// N key presses in the benchmark report, keeping only the samples inside the keydown's dispatch (the
// trace's EventDispatch), by function (source-mapped): self time and inclusive time per key.
//
//   npx tsx bench/key-profile.ts [--mode create|relabel|delete] [--keys 25] [DIR]
//
// DIR is a project folder with its renderer built (default: this one; see bench/ab.ts for copies).
// Needs the benchmark's data: `npx tsx bench/generate.ts` once. The profiler slows the page: compare
// the parts with each other, not with the benchmark's times.
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../e2e/support/chromium';
import { bundleSources, VIEWPORT } from './lib/browser-bench';
import type { CpuProfile } from './lib/browser-bench';
import { openReport, serveReport } from './lib/report-session';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return value;
};
const mode = option('--mode', 'create');
if (!['create', 'relabel', 'delete'].includes(mode)) throw new Error(`--mode: create, relabel or delete, not ${mode}`);
const N = Number(option('--keys', '25'));
if (!Number.isInteger(N) || N < 1) throw new Error('--keys needs a whole number ≥ 1');
const dir = resolve(args[0] ?? '.');

type ProfileNode = CpuProfile['nodes'][number];
interface TraceEvent {
  name: string;
  ts: number;
  dur?: number;
  args?: { data?: { type?: string } };
}
const report = await serveReport(dir);
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
const bundle = bundleSources(dir);
try {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await openReport(page, report);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await browser.startTracing(page, { categories: ['devtools.timeline'] });
  await cdp.send('Profiler.start');
  // In the page (plain JavaScript: this file is type-checked without the DOM's types). Chunk k
  // scrolled to the middle; for a create, two or three words of a visible paragraph's text
  // selected after focusing the view (as a mouse selection ends up); else the centre of a visible
  // highlight, to click.
  const reveal = (k: number) => `document.querySelectorAll('.gl-chunk')[${k}].scrollIntoView({ block: 'center' })`;
  const selectWords = (k: number) => `(() => {
    const walker = document.createTreeWalker(document.querySelectorAll('.gl-chunk')[${k}], NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement?.tagName !== 'P' || n.nodeValue.length < 40) continue;
      const r = n.parentElement.getBoundingClientRect();
      if (r.top < 0 || r.bottom > innerHeight) continue;
      const s = n.nodeValue.indexOf(' ', 5) + 1;
      const e = n.nodeValue.indexOf(' ', s + 3);
      document.querySelector('.ProseMirror').focus({ preventScroll: true });
      const range = document.createRange();
      range.setStart(n, s);
      range.setEnd(n, e);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      return true;
    }
    return false;
  })()`;
  const spanBox = (k: number) => `(() => {
    for (const el of document.querySelectorAll('.gl-chunk')[${k}].querySelectorAll('.gl-span')) {
      const r = el.getBoundingClientRect();
      if (r.top > 50 && r.bottom < innerHeight - 50 && r.width > 10) return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    return null;
  })()`;
  for (let i = 0; i < N; i++) {
    const chunkIndex = 3 + ((i * 37) % 150);
    await page.evaluate(reveal(chunkIndex));
    await page.waitForTimeout(150);
    if (mode === 'create') {
      if (!(await page.evaluate<boolean>(selectWords(chunkIndex)))) continue;
    } else {
      const box = await page.evaluate<{ x: number; y: number } | null>(spanBox(chunkIndex));
      if (!box) continue;
      await page.mouse.click(box.x, box.y);
    }
    await page.waitForTimeout(250);
    await page.keyboard.press(mode === 'delete' ? 'Delete' : String(1 + (i % 8)));
    await page.waitForTimeout(250);
  }
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
  const trace = (JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const keys = trace.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown' && e.dur);
  const windows = keys.map((e) => [e.ts, e.ts + e.dur!] as const);
  console.log(`keydown events ${keys.length}, mean dur ${(keys.reduce((a, e) => a + e.dur!, 0) / keys.length / 1000).toFixed(2)} ms`);
  const nodes = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (n: ProfileNode | undefined): string => {
    if (!n) return '?';
    const { url, lineNumber, columnNumber, functionName } = n.callFrame;
    if (url.endsWith(bundle.file)) {
      const source = bundle.at(lineNumber, columnNumber);
      return `${source.name ?? (functionName || '?')}@${source.module}:${source.line ?? '?'}`;
    }
    return functionName || url || '?';
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i]!;
    if (!windows.some(([a, b]) => t >= a && t < b)) continue;
    const dt = (deltas[i + 1] ?? 50) / 1000;
    total += dt;
    let id: number | undefined = samples[i];
    const seen = new Set<string>();
    const leaf = nameOf(nodes.get(id!));
    self.set(leaf, (self.get(leaf) ?? 0) + dt);
    while (id !== undefined) {
      const nm = nameOf(nodes.get(id));
      if (!seen.has(nm)) { incl.set(nm, (incl.get(nm) ?? 0) + dt); seen.add(nm); }
      id = parent.get(id);
    }
  }
  const per = keys.length;
  console.log(`sampled in keydown: ${(total / per).toFixed(2)} ms per key`);
  const show = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${(v / per).toFixed(3)}  ${k}`).join('\n');
  console.log('SELF\n' + show(self, 30));
  console.log('INCLUSIVE\n' + show(incl, 45));
} finally {
  await browser.close();
  await report.close();
}
