// The probe the benchmark injects into every measured page (the app and the floors) before any of
// the page's own scripts: it times a change from the input event to the frame that shows it,
// selects text the way a person's selection ends up in the DOM, scrolls, and reads long tasks.
// Built as one classic script (IIFE) by bench/run.ts; the harness calls it through page.evaluate.

import type { DoneCondition, LongTaskSummary, Point, ProbeApi, ResourceEntry, ScrollResult, TimedChange } from './probe-api';
import { PROBE_GLOBAL } from './probe-api';

interface LongTask {
  start: number;
  end: number;
}

const longTasks: LongTask[] = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // No long task timing in this browser: the summaries stay empty.
}
performance.setResourceTimingBufferSize(100_000);

function summarize(from: number, to: number): LongTaskSummary {
  let count = 0;
  let totalMs = 0;
  let maxMs = 0;
  for (const t of longTasks) {
    if (t.end <= from || t.start >= to) continue;
    const d = t.end - t.start;
    count++;
    totalMs += d;
    maxMs = Math.max(maxMs, d);
  }
  return { count, totalMs, maxMs };
}

/** The element whose children are the document's blocks. */
function documentRoot(): HTMLElement {
  const root = document.querySelector<HTMLElement>('[data-testid=editor] .ProseMirror') ?? document.querySelector<HTMLElement>('.gl-document');
  if (!root) throw new Error('probe: no document view in the page');
  return root;
}

/** After the next frame is rendered: rAF runs just before it, a message task right after it. */
function afterNextFrame(): Promise<number> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(null);
    });
  });
}

/** Resolves once the main thread has been idle (requestIdleCallback, at most 1 s), then one frame. */
function settle(): Promise<void> {
  return new Promise((resolve) => {
    requestIdleCallback(() => void frames(1).then(resolve), { timeout: 1000 });
  });
}

function frames(n: number): Promise<void> {
  return new Promise((resolve) => {
    let left = n;
    const tick = (): void => {
      if (--left <= 0) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the condition holds now; for 'created', the new span's id. */
function check(done: DoneCondition): { ok: boolean; spanId: string | null } {
  switch (done.kind) {
    case 'exists':
      return { ok: document.querySelector(done.selector) !== null, spanId: null };
    case 'created': {
      for (const el of document.querySelectorAll<HTMLElement>('.gl-span.gl-selected')) {
        const id = el.dataset.spanId ?? null;
        if (id !== done.before && el.dataset.label === done.label) return { ok: true, spanId: id };
      }
      return { ok: false, spanId: null };
    }
    // The highlights in the text: the side panels (the annotation list's rows carry span ids
    // too) follow a frame or two later (docs/adr/0011) and are not what is timed.
    case 'labelled': {
      const el = documentRoot().querySelector<HTMLElement>(`[data-span-id="${CSS.escape(done.spanId)}"]`);
      return { ok: el?.dataset.label === done.label, spanId: done.spanId };
    }
    case 'gone':
      return { ok: documentRoot().querySelector(`[data-span-id="${CSS.escape(done.spanId)}"]`) === null, spanId: done.spanId };
  }
}

let pending: Promise<TimedChange> | null = null;
let armedAt = 0;

function arm(trigger: 'click' | 'keydown', done: DoneCondition, settleMs: number): void {
  armedAt = performance.now();
  performance.clearMarks();
  pending = new Promise<TimedChange>((resolve) => {
    let start = -1;
    let finished = false;
    const onTrigger = (event: Event): void => {
      if (start >= 0) return;
      start = event.timeStamp;
      // Marks show in a Chromium trace (blink.user_timing): the harness cuts its profile to them.
      performance.mark('probe:trigger');
      window.removeEventListener(trigger, onTrigger, true);
      // The change may already be in the DOM when this event's own handlers are done.
      queueMicrotask(test);
    };
    const test = (): void => {
      if (finished || start < 0) return;
      const state = check(done);
      if (!state.ok) return;
      finished = true;
      observer.disconnect();
      const dom = performance.now();
      void afterNextFrame().then(async (painted) => {
        performance.mark('probe:painted');
        await sleep(settleMs);
        // Long task entries arrive a moment after the task: give them a frame.
        await frames(1);
        let interactive = painted;
        for (const t of longTasks) if (t.start >= painted && t.start < painted + settleMs) interactive = Math.max(interactive, t.end);
        resolve({ start, dom, painted, interactive, longTasks: summarize(start, painted + settleMs), spanId: state.spanId });
      });
    };
    const observer = new MutationObserver(test);
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'data-label', 'data-built'] });
    window.addEventListener(trigger, onTrigger, true);
  });
}

async function result(timeoutMs: number): Promise<TimedChange> {
  if (!pending) throw new Error('probe: result() without arm()');
  const measured = pending;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`probe: not done within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([measured, timeout]);
  } finally {
    clearTimeout(timer);
    pending = null;
  }
}

/** The text node and offset at a UTF-16 offset of an element's text (highlights split the nodes). */
function textPoint(element: Element, offset: number): [Text, number] {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let last: Text | null = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n as Text;
    if (offset <= seen + t.data.length) return [t, offset - seen];
    seen += t.data.length;
    last = t;
  }
  if (!last) throw new Error('probe: the block has no text');
  return [last, last.data.length];
}

/** The document's block elements, in order: the children of its chunks (ADR 0015), or its own children in the plain floor. */
function blocks(): NodeListOf<Element> {
  return documentRoot().querySelectorAll(':scope > .gl-chunk > *, :scope > :not(.gl-chunk)');
}

function block(index: number): HTMLElement {
  const el = blocks()[index];
  if (!(el instanceof HTMLElement)) throw new Error(`probe: no block ${index}`);
  return el;
}

function revealBlock(index: number): void {
  block(index).scrollIntoView({ block: 'center' });
}

function selectText(index: number, from: number, to: number): string {
  const el = block(index);
  const root = documentRoot();
  // A person clicks into the text before selecting: the view has the focus.
  root.focus({ preventScroll: true });
  const range = document.createRange();
  const [startNode, startOffset] = textPoint(el, from);
  const [endNode, endOffset] = textPoint(el, to);
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  const selection = document.getSelection();
  if (!selection) throw new Error('probe: no selection object');
  selection.removeAllRanges();
  selection.addRange(range);
  return range.toString();
}

function spanPoint(spanId: string): Point | null {
  const el = documentRoot().querySelector<HTMLElement>(`[data-span-id="${CSS.escape(spanId)}"]`);
  if (!el) return null;
  el.scrollIntoView({ block: 'center' });
  const box = el.getClientRects()[0];
  if (!box) return null;
  return { x: box.left + Math.min(box.width / 2, 6), y: box.top + box.height / 2 };
}

function selectedSpan(): { id: string; label: string } | null {
  const el = document.querySelector<HTMLElement>('.gl-span.gl-selected');
  return el ? { id: el.dataset.spanId ?? '', label: el.dataset.label ?? '' } : null;
}

async function scroll(selector: string, stepViewports: number, maxMs: number): Promise<ScrollResult> {
  const el = document.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`probe: nothing to scroll at ${selector}`);
  el.scrollTop = 0;
  await frames(3);
  const calm: number[] = [];
  await new Promise<void>((resolve) => {
    const tick = (t: number): void => {
      calm.push(t);
      if (calm.length >= 13) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const gaps = calm.slice(1).map((t, i) => t - calm[i]!).sort((a, b) => a - b);
  const frameMs = gaps[Math.floor(gaps.length / 2)] ?? 1000 / 60;
  const stamps: number[] = [];
  const from = performance.now();
  let capped = false;
  await new Promise<void>((resolve) => {
    const step = (t: number): void => {
      stamps.push(t);
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
        resolve();
        return;
      }
      if (performance.now() - from > maxMs) {
        capped = true;
        resolve();
        return;
      }
      el.scrollTop += el.clientHeight * stepViewports;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  await frames(2);
  const to = performance.now();
  let dropped = 0;
  let janks = 0;
  let maxFrameMs = 0;
  for (let i = 1; i < stamps.length; i++) {
    const dt = stamps[i]! - stamps[i - 1]!;
    dropped += Math.max(0, Math.round(dt / frameMs) - 1);
    if (dt > 50) janks++;
    maxFrameMs = Math.max(maxFrameMs, dt);
  }
  await sleep(50);
  return {
    frames: stamps.length,
    capped,
    fraction: Math.min(1, (el.scrollTop + el.clientHeight) / el.scrollHeight),
    durationMs: stamps.length > 1 ? stamps[stamps.length - 1]! - stamps[0]! : 0,
    scrolledPx: el.scrollTop,
    frameMs,
    droppedFrames: dropped,
    janks,
    maxFrameMs,
    longTasks: summarize(from, to),
  };
}

function resources(part: string): ResourceEntry[] {
  return performance
    .getEntriesByType('resource')
    .filter((e): e is PerformanceResourceTiming => e instanceof PerformanceResourceTiming && e.name.includes(part))
    .map((e) => ({
      name: e.name,
      startTime: e.startTime,
      requestStart: e.requestStart,
      responseStart: e.responseStart,
      responseEnd: e.responseEnd,
      decodedBodySize: e.decodedBodySize,
    }));
}

function marks(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of performance.getEntriesByType('mark')) if (m.startTime >= armedAt && !m.name.startsWith('probe:')) out[m.name] = m.startTime;
  return out;
}

const probe: ProbeApi = {
  arm,
  result,
  revealBlock,
  selectText,
  spanPoint,
  selectedSpan,
  frames,
  settle,
  scroll,
  resources,
  marks,
  blockCount: () => blocks().length,
  elementCount: () => document.getElementsByTagName('*').length,
  highlightCount: () => document.querySelectorAll('.gl-span, .r6o-annotation').length,
  now: () => performance.now(),
  longTaskSummary: summarize,
  saveState: () => document.querySelector<HTMLElement>('[data-testid=save-status]')?.dataset.state ?? null,
};

Object.defineProperty(globalThis, PROBE_GLOBAL, { value: probe, configurable: false, enumerable: false });
