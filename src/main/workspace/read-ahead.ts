// Reading ahead for passes over a whole workspace (export, agreement, validate, list): the files
// of the next documents are read from disk a few at a time while the current one is processed, so
// a pass over thousands of small files waits on the disk in parallel instead of one file at a time.
// Only the bytes come early; parsing, checking and problem reports stay in the caller's order.

/** Files and folder listings being read, each taken once by the read that needs it. */
export class ReadAhead {
  private readonly files = new Map<string, Promise<Uint8Array>>();
  private readonly dirs = new Map<string, Promise<string[]>>();
  private readonly asked = new Set<string>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** `limit`: at most this many reads at a time. */
  constructor(private readonly limit: number) {}

  /** True the first time `key` is asked about (a document id), false after. */
  firstTime(key: string): boolean {
    if (this.asked.has(key)) return false;
    this.asked.add(key);
    return true;
  }

  /** Start reading `key` (a workspace-relative path) unless it is already being read. */
  file(key: string, read: () => Promise<Uint8Array>): void {
    if (!this.files.has(key)) this.files.set(key, quiet(this.inSlot(read)));
  }

  /** Start listing folder `key`; `then` is called with the names once listed (not on error). */
  dir(key: string, list: () => Promise<string[]>, then: (names: string[]) => void): void {
    if (this.dirs.has(key)) return;
    const listed = quiet(this.inSlot(list));
    // Attached before any taker's await, so `then` runs before the listing's taker goes on.
    listed.then(then, () => undefined);
    this.dirs.set(key, listed);
  }

  /** The read of `key` started before, handed over once; undefined when there is none. */
  takeFile(key: string): Promise<Uint8Array> | undefined {
    const read = this.files.get(key);
    if (read) this.files.delete(key);
    return read;
  }

  /** The listing of `key` started before, handed over once; undefined when there is none. */
  takeDir(key: string): Promise<string[]> | undefined {
    const listed = this.dirs.get(key);
    if (listed) this.dirs.delete(key);
    return listed;
  }

  private async inSlot<T>(task: () => Promise<T>): Promise<T> {
    while (this.active >= this.limit) await new Promise<void>((wake) => this.waiting.push(wake));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** The same promise, with its rejection marked handled: a read nobody takes must not crash the process. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Run `task` on every item, at most `limit` at a time (e.g. writing a folder of files: the disk
 * waits in parallel). Stops starting new tasks after the first failure, waits for the running
 * ones, then rejects with that failure.
 */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const i = next++;
      try {
        await task(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
