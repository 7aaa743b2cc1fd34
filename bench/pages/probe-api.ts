// The contract between the benchmark harness (Node, bench/run.ts) and the probe it injects into
// every measured page (bench/pages/probe.ts). Types only: no DOM, so both sides compile it.

/** The name of the global under which the probe is installed in the page. */
export const PROBE_GLOBAL = '__glossProbe';

/** When a measured change counts as done, checked after every DOM mutation. */
export type DoneCondition =
  /** An element matching the selector exists (floors set html[data-built] when their DOM is built). */
  | { kind: 'exists'; selector: string }
  /** A selected highlight of this label exists whose span id differs from `before` (a new span). */
  | { kind: 'created'; label: string; before: string | null }
  /** The span's elements carry the new label. */
  | { kind: 'labelled'; spanId: string; label: string }
  /** The span has no element any more. */
  | { kind: 'gone'; spanId: string };

export interface LongTaskSummary {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** One timed change. Times are ms on the page's clock (performance.now()). */
export interface TimedChange {
  /** The trigger event's timeStamp (click or keydown): when the browser received the input. */
  start: number;
  /** When the done condition first held (in the mutation observer callback). */
  dom: number;
  /** After the next frame was rendered: rAF, then a message task (runs once that frame is done). */
  painted: number;
  /** `painted`, or the end of the last long task that began within the settle window after it. */
  interactive: number;
  /** Long tasks from the trigger to the end of the settle window. */
  longTasks: LongTaskSummary;
  /** For 'created': the new span's id. */
  spanId: string | null;
}

export interface ScrollResult {
  /** Frames rendered while scrolling. */
  frames: number;
  /** Stopped at the time limit before the bottom (then the rates still compare). */
  capped: boolean;
  /** Share of the height scrolled (1 unless capped). */
  fraction: number;
  durationMs: number;
  scrolledPx: number;
  /** Median rAF interval measured just before scrolling (the display's frame time). */
  frameMs: number;
  /** Frames that should have been rendered but were not (sum over intervals of round(dt/frame)-1). */
  droppedFrames: number;
  /** Intervals longer than 50 ms. */
  janks: number;
  /** Longest interval between two frames. */
  maxFrameMs: number;
  longTasks: LongTaskSummary;
}

export interface ResourceEntry {
  name: string;
  startTime: number;
  requestStart: number;
  responseStart: number;
  responseEnd: number;
  decodedBodySize: number;
}

export interface Point {
  x: number;
  y: number;
}

/** What the probe offers the harness (called through page.evaluate). */
export interface ProbeApi {
  /**
   * Start timing at the next `trigger` event (captured on window before the page sees it) and
   * finish when `done` holds and the next frame is rendered; `settleMs` more are watched for long tasks.
   */
  arm(trigger: 'click' | 'keydown', done: DoneCondition, settleMs: number): void;
  /** The armed measurement, once complete (rejects after timeoutMs). */
  result(timeoutMs: number): Promise<TimedChange>;
  /** Scroll block `block` of the document root to the middle of the view (no selection yet). */
  revealBlock(block: number): void;
  /** Select [from, to) UTF-16 units of block `block`'s text with a DOM Range, focusing the view first. */
  selectText(block: number, from: number, to: number): string;
  /** Scroll a highlight into the middle of the view; the centre of its first box. */
  spanPoint(spanId: string): Point | null;
  /** The selected highlight (class gl-selected), if any. */
  selectedSpan(): { id: string; label: string } | null;
  /** Resolves after n rendered frames. */
  frames(n: number): Promise<void>;
  /** Resolves once the page has been idle (what the last input started is done), then one frame. */
  settle(): Promise<void>;
  /** Scroll `selector` from top to bottom, `stepViewports` viewport heights a frame, for at most maxMs. */
  scroll(selector: string, stepViewports: number, maxMs: number): Promise<ScrollResult>;
  /** Resource timing entries whose URL contains `part`. */
  resources(part: string): ResourceEntry[];
  /** The page's own performance marks (floors mark their phases), relative to the last arm(). */
  marks(): Record<string, number>;
  /** Children of the document root (one per block), to check that blocks map to elements. */
  blockCount(): number;
  /** Elements in the page. */
  elementCount(): number;
  /** Highlight elements in the page (.gl-span, or the peer's .r6o-annotation). */
  highlightCount(): number;
  /** The page's clock. */
  now(): number;
  /** Long tasks overlapping [from, to) on the page's clock. */
  longTaskSummary(from: number, to: number): LongTaskSummary;
  /** The save indicator's state in the app (saved | saving | error), null without one. */
  saveState(): string | null;
}

/** The global scope of a page with the probe installed (as seen from the harness). */
export type ProbeScope = { [PROBE_GLOBAL]: ProbeApi };
