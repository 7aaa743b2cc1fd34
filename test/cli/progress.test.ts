// The progress line: drawn in place on a terminal only, after a delay, throttled, fitted to the
// width, and cleared without a trace.

import { describe, expect, it } from 'vitest';
import { formatProgress, ProgressLine } from '../../src/cli/progress';
import type { ProgressStream } from '../../src/cli/progress';

/** A fake stderr: what was written, and the screen line it leaves (\r returns to column 0). */
function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { written: string; screen: () => string } {
  const stream = {
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    written: '',
    write(text: string): void {
      stream.written += text;
    },
    screen(): string {
      let line: string[] = [];
      let col = 0;
      for (const ch of stream.written) {
        if (ch === '\r') col = 0;
        else if (ch === '\n') {
          line = [];
          col = 0;
        } else line[col++] = ch;
      }
      return line.join('');
    },
  };
  return stream;
}

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ProgressLine', () => {
  it('writes nothing when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const c = clock();
    const line = new ProgressLine(stream, { now: c.now, delayMs: 0 });
    c.advance(1000);
    line.update('reading files', 1, 2);
    line.update('reading files', 2, 2);
    line.clear();
    expect(stream.written).toBe('');
  });

  it('stays quiet during the delay, then rewrites one line in place and clears it', () => {
    const stream = fakeStream(true, 80);
    const c = clock();
    const line = new ProgressLine(stream, { now: c.now, delayMs: 300, intervalMs: 100 });
    line.update('reading files', 0, 10);
    c.advance(299);
    line.update('reading files', 1, 10);
    expect(stream.written).toBe('');
    c.advance(1);
    line.update('reading files', 2, 10);
    expect(stream.written).toBe('\rreading files 2/10 (20%)');
    c.advance(50);
    line.update('reading files', 3, 10);
    expect(stream.screen()).toBe('reading files 2/10 (20%)'); // throttled
    c.advance(100);
    line.update('writing files', 9, 1000);
    expect(stream.screen()).toBe('writing files 9/1000 (0%)');
    line.update('writing', 1000, 1000); // the last step is always drawn, over a longer line
    expect(stream.screen().trimEnd()).toBe('writing 1000/1000 (100%)');
    expect(stream.written).not.toContain('\n');
    line.clear();
    expect(stream.screen().trim()).toBe('');
    expect(stream.written.endsWith('\r')).toBe(true);
    const length = stream.written.length;
    line.clear();
    expect(stream.written.length).toBe(length);
  });

  it('cuts the line to the terminal width so that it never wraps', () => {
    const stream = fakeStream(true, 20);
    const c = clock();
    const line = new ProgressLine(stream, { now: c.now, delayMs: 0 });
    line.update('exporting documents', 5, 10);
    expect([...stream.screen()].length).toBeLessThan(20);
    expect(stream.screen()).toMatch(/^exporting document…$/);
  });
});

describe('formatProgress', () => {
  it('shows the count, the total and a floored percentage', () => {
    expect(formatProgress('reading files', 1, 3)).toBe('reading files 1/3 (33%)');
    expect(formatProgress('reading files', 7, 0)).toBe('reading files 7');
  });
});
