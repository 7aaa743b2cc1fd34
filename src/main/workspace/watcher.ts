// Watching a workspace folder for changes made by someone else (a `git pull`, a colleague on a
// shared drive, `gloss import` in a terminal), so the app picks them up without a restart. Our
// own writes and temp files are not changes; events are debounced and kept in a numbered log
// that the renderer polls with a cursor.

import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fail, ok } from '../../core/api';
import type { ChangesSince, Result, WorkspaceChange } from '../../core/api';
import { isValidAnnotator, isValidDocId } from '../../core/document';
import { isErrnoException, isTempFileName } from './durable';
import { JOURNAL_SUFFIX } from './journal';
import { MANIFEST_FILE } from './workspace';
import type { Workspace } from './workspace';

export interface WatcherOptions {
  /** Quiet time before a burst of events is reported (default 150 ms). */
  debounceMs?: number;
  /** Longest a burst is held back (default 1 s), so a long `git pull` still shows progress. */
  maxDelayMs?: number;
  /** Changes kept for slow pollers (default 1000). */
  maxLog?: number;
  /** The clock; cursors start at its milliseconds, so a cursor from an earlier run is recognised as older. */
  now?: () => number;
  /** fs.watch, replaceable in tests. */
  watchFn?: typeof watch;
}

/** What a file looked like after our own write: another write (or a removal) changes it. */
type Stamp = string;

/** The change a workspace-relative path stands for, or null for files that are not workspace data. */
export function classifyPath(relative: string): WorkspaceChange | null {
  const file = relative.split(sep).join('/');
  const parts = file.split('/');
  if (parts.some((p) => p === '' || isTempFileName(p) || p.startsWith('.'))) return null;
  if (file === MANIFEST_FILE) return { file };
  if (parts[0] === 'documents' && parts.length === 2 && parts[1]!.endsWith('.json')) {
    const document = parts[1]!.slice(0, -'.json'.length);
    return isValidDocId(document) ? { document, file } : null;
  }
  // A layer's journal (docs/adr/0009) changes the layer: an append by someone else is a layer change.
  if (parts[0] === 'annotations' && parts.length === 3 && parts[2]!.endsWith(JOURNAL_SUFFIX)) {
    const document = parts[1]!;
    const annotator = parts[2]!.slice(0, -JOURNAL_SUFFIX.length);
    return isValidDocId(document) && isValidAnnotator(annotator) ? { document, annotator, file } : null;
  }
  if (parts[0] === 'annotations' && parts.length === 3 && parts[2]!.endsWith('.json')) {
    const document = parts[1]!;
    const annotator = parts[2]!.slice(0, -'.json'.length);
    return isValidDocId(document) && isValidAnnotator(annotator) ? { document, annotator, file } : null;
  }
  return null;
}

/** Watches one workspace; started on demand, closed by its owner. */
export class WorkspaceWatcher {
  private watcher: FSWatcher | null = null;
  private error: string | null = null;
  private readonly log: { seq: number; change: WorkspaceChange }[] = [];
  private seq: number;
  private readonly pending = new Map<string, WorkspaceChange>();
  private timer: NodeJS.Timeout | null = null;
  private burstStarted = 0;
  /** Our own writes: file -> its stamp once written. */
  private readonly own = new Map<string, Promise<Stamp>>();
  private stopListening: (() => void) | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  private readonly maxLog: number;
  private readonly now: () => number;
  private readonly watchFn: typeof watch;

  constructor(
    private readonly ws: Workspace,
    options: WatcherOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 150;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.maxLog = options.maxLog ?? 1000;
    this.now = options.now ?? Date.now;
    this.watchFn = options.watchFn ?? watch;
    this.seq = Math.floor(this.now());
  }

  /** Start watching (again nothing if already started); fails when the platform cannot watch the folder. */
  start(): Result<void> {
    if (this.error !== null) return fail('io', this.error);
    if (this.watcher) return ok(undefined);
    this.stopListening = this.ws.onWrite((file, done) => {
      this.own.set(
        file,
        done.then(() => stampOf(join(this.ws.dir, file))),
      );
    });
    try {
      const watcher = this.watchFn(this.ws.dir, { recursive: true, persistent: false }, (_event, name) => {
        if (typeof name === 'string') this.noticed(name);
      });
      watcher.on('error', (error: unknown) => {
        this.error = `cannot watch ${this.ws.dir} for changes: ${error instanceof Error ? error.message : String(error)}`;
        this.close();
      });
      this.watcher = watcher;
    } catch (error) {
      this.stopListening();
      this.stopListening = null;
      this.error = `cannot watch ${this.ws.dir} for changes: ${error instanceof Error ? error.message : String(error)}`;
      return fail('io', this.error);
    }
    return ok(undefined);
  }

  /** Changes after `cursor` (0: none, just the cursor to start from). */
  since(cursor: number): Result<ChangesSince> {
    if (this.error !== null) return fail('io', this.error);
    const latest = this.seq;
    if (cursor === 0 || cursor === latest) return ok({ cursor: latest, changes: [] });
    const oldest = this.log.length > 0 ? this.log[0]!.seq : latest + 1;
    if (cursor > latest || cursor < oldest - 1) {
      // A cursor of an earlier run or one the log no longer reaches back to.
      return ok({ cursor: latest, changes: unique(this.log.map((e) => e.change)), resync: true });
    }
    return ok({ cursor: latest, changes: unique(this.log.filter((e) => e.seq > cursor).map((e) => e.change)) });
  }

  /** Wait until events noticed so far are reported (tests; debounce still applies). */
  async settled(): Promise<void> {
    while (this.timer !== null || this.pending.size > 0) {
      await new Promise((r) => setTimeout(r, this.debounceMs));
      await this.flushing;
    }
    await this.flushing;
  }

  /** Stop watching. */
  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.stopListening?.();
    this.stopListening = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private noticed(name: string): void {
    const change = classifyPath(name);
    if (!change) return;
    this.pending.set(change.file, change);
    const now = this.now();
    if (this.timer === null) this.burstStarted = now;
    else clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.burstStarted + this.maxDelayMs - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, wait);
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const change of batch) {
      const ours = this.own.get(change.file);
      if (ours !== undefined) {
        // Ours if the file is still exactly as our last write (or move aside) left it.
        const [written, current] = await Promise.all([ours, stampOf(join(this.ws.dir, change.file))]);
        if (written === current) continue;
        this.own.delete(change.file);
      }
      this.log.push({ seq: ++this.seq, change });
    }
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }
}

/** The same change (by file) once, first occurrence first. */
function unique(changes: WorkspaceChange[]): WorkspaceChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.file) && seen.add(c.file));
}

/** Inode, size and times: a rename over the file (every durable write) or an edit changes it. */
async function stampOf(path: string): Promise<Stamp> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return 'missing';
    return `error:${error instanceof Error ? error.message : String(error)}`;
  }
}
