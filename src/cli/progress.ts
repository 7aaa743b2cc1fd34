// A progress line on stderr for long imports and exports: shown only on a terminal, rewritten in
// place with \r, throttled, and cleared at the end so that later messages start on a clean line.

/** Where the line goes: stderr, or a fake in tests. */
export interface ProgressStream {
  write: (text: string) => void;
  /** Only a terminal gets a progress line: a file or a pipe gets nothing. */
  isTTY: boolean;
  /** Terminal width; the line is cut to fit so that it never wraps (a wrapped line cannot be rewritten). */
  columns?: number;
}

export interface ProgressOptions {
  /** Milliseconds clock (injected in tests). */
  now?: () => number;
  /** Nothing is shown before this many ms: quick operations stay quiet. */
  delayMs?: number;
  /** Least ms between two redraws. */
  intervalMs?: number;
}

/** A progress line: `update` as work goes on, `clear` when done (or before printing anything else). */
export class ProgressLine {
  private readonly now: () => number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly startedAt: number;
  private lastDraw = -Infinity;
  /** Length (code points) of the line on screen, 0 when nothing is shown. */
  private shown = 0;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
    this.delayMs = options.delayMs ?? 300;
    this.intervalMs = options.intervalMs ?? 100;
    this.startedAt = this.now();
  }

  /** Report progress: `label done/total (pct%)`; drawn only on a TTY, after the delay, throttled. */
  update(label: string, done: number, total: number): void {
    if (!this.stream.isTTY) return;
    const t = this.now();
    if (t - this.startedAt < this.delayMs) return;
    // The last step is always drawn, so a finished phase never shows as 99%.
    if (t - this.lastDraw < this.intervalMs && done < total) return;
    this.lastDraw = t;
    this.draw(formatProgress(label, done, total));
  }

  /** Remove the line (if one is shown) and leave the cursor at the start of the empty line. */
  clear(): void {
    if (this.shown === 0) return;
    this.stream.write(`\r${' '.repeat(this.shown)}\r`);
    this.shown = 0;
  }

  private draw(text: string): void {
    const width = Math.max(10, (this.stream.columns ?? 80) - 1);
    const chars = [...text];
    const line = chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
    const length = [...line].length;
    // Spaces over what is left of a longer previous line.
    this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.shown - length))}`);
    this.shown = Math.max(length, this.shown);
  }
}

/** `reading files 3/10 (30%)`; without a total, just the count. */
export function formatProgress(label: string, done: number, total: number): string {
  if (total <= 0) return `${label} ${done}`;
  const percent = Math.floor((Math.min(done, total) / total) * 100);
  return `${label} ${done}/${total} (${percent}%)`;
}
