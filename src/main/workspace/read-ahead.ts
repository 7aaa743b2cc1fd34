// Reading ahead for passes over a whole workspace (export, agreement, validate, list): the files
// of the next documents are read from disk by a worker thread while the current one is processed,
// so a pass over thousands of small files neither waits on the disk one file at a time nor spends
// the main thread on the steps of each read. Only the bytes come early; parsing, checking and
// problem reports stay in the caller's order.

import { readFile } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/** Files and folder listings being read, each taken once by the read that needs it. */
export class ReadAhead {
  private readonly files = new Map<string, Promise<Uint8Array>>();
  private readonly dirs = new Map<string, Promise<string[]>>();
  private readonly asked = new Set<string>();
  private readonly background = new BackgroundReader();

  /** True the first time `key` is asked about (a document id), false after. */
  firstTime(key: string): boolean {
    if (this.asked.has(key)) return false;
    this.asked.add(key);
    return true;
  }

  /** Start reading the file at `path` for `key` (a workspace-relative path) unless it is already being read. */
  file(key: string, path: string): void {
    if (this.files.has(key)) return;
    // A read the worker could not do is done again here, for its real error (a missing file...).
    this.files.set(key, quiet(this.background.file(path).then((bytes) => bytes ?? readBytes(path))));
  }

  /** Start listing the folder at `path` for `key`; `then` is called with the names once listed (not on error). */
  dir(key: string, path: string, then: (names: string[]) => void): void {
    if (this.dirs.has(key)) return;
    const listed = quiet(this.background.dir(path).then((names) => names ?? readdir(path)));
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
}

/** What the reading thread is asked: a file's bytes or a folder's names, by absolute path. */
interface BackgroundRequest {
  id: number;
  kind: 'file' | 'dir';
  path: string;
}

/** What it answers: the bytes (moved, not copied) or the names; null when it could not. */
type BackgroundResult = [id: number, value: Uint8Array | string[] | null];

// The reading thread: plain JavaScript, evaluated as it is (it is not part of the bundle). It
// reads in the order asked and answers a few results at a time, moving the bytes over (not the
// decoded text: strings are copied across threads, and the copies cost the main thread more in
// garbage collection than decoding does). A file smaller than Node's buffer pool shares its
// memory with others: that one is copied first.
const BACKGROUND_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { readFileSync, readdirSync } = require('node:fs');
parentPort.on('message', (requests) => {
  let results = [];
  let transfer = [];
  for (const { id, kind, path } of requests) {
    let value = null;
    try {
      if (kind === 'dir') value = readdirSync(path);
      else {
        value = readFileSync(path);
        if (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength) value = new Uint8Array(value);
        transfer.push(value.buffer);
      }
    } catch {
      value = null;
    }
    results.push([id, value]);
    if (results.length >= 4) {
      parentPort.postMessage(results, transfer);
      results = [];
      transfer = [];
    }
  }
  if (results.length > 0) parentPort.postMessage(results, transfer);
});
`;

/** How long the reading thread stays after its last answer, in case more is asked. */
const BACKGROUND_IDLE_MS = 250;

/**
 * Reads files and lists folders in a worker thread: the main thread, busy parsing what was read
 * before, only receives the bytes, instead of running the callbacks of four asynchronous steps
 * per file (open, stat, read, close), which cost it more than the disk does when the files are
 * cached. Answers null for anything that fails (the caller reads it again itself, for the error).
 */
class BackgroundReader {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, (value: Uint8Array | string[] | null) => void>();
  private batch: BackgroundRequest[] = [];
  private nextId = 0;
  private idle: NodeJS.Timeout | null = null;

  file(path: string): Promise<Uint8Array | null> {
    return this.ask('file', path) as Promise<Uint8Array | null>;
  }

  dir(path: string): Promise<string[] | null> {
    return this.ask('dir', path) as Promise<string[] | null>;
  }

  private ask(kind: BackgroundRequest['kind'], path: string): Promise<Uint8Array | string[] | null> {
    const id = this.nextId++;
    // Asked in one go by a pass (a window of documents): sent as one message.
    if (this.batch.length === 0) queueMicrotask(() => this.send());
    this.batch.push({ id, kind, path });
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  private send(): void {
    const batch = this.batch;
    this.batch = [];
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    try {
      const worker = this.start();
      // Reads are awaited: until they are answered, the thread keeps the process alive.
      worker.ref();
      worker.postMessage(batch);
    } catch {
      this.answerAll(batch.map((r) => r.id));
    }
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(BACKGROUND_SOURCE, { eval: true });
    worker.on('message', (results: BackgroundResult[]) => {
      for (const [id, value] of results) {
        this.waiting.get(id)?.(value);
        this.waiting.delete(id);
      }
      if (this.waiting.size === 0 && this.batch.length === 0) {
        // Nothing asked: an idle thread must not keep the process alive (unref after the
        // listeners, which ref it), and it stops soon unless asked again.
        worker.unref();
        this.idle = setTimeout(() => this.stop(worker), BACKGROUND_IDLE_MS);
        this.idle.unref();
      }
    });
    // A thread that fails leaves its reads to the caller.
    worker.on('error', () => this.stop(worker));
    worker.on('exit', () => this.stop(worker));
    this.worker = worker;
    return worker;
  }

  private stop(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    void worker.terminate();
    this.answerAll([...this.waiting.keys()]);
  }

  private answerAll(ids: number[]): void {
    for (const id of ids) {
      this.waiting.get(id)?.(null);
      this.waiting.delete(id);
    }
  }
}

/** The same promise, with its rejection marked handled: a read nobody takes must not crash the process. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * A whole file's bytes. fs.readFile with a callback, not fs/promises': the promise API makes a
 * FileHandle and a promise round trip per step (open, stat, read, close), which costs the main
 * thread more than the parse of a small file, and a pass reads thousands of them.
 */
export function readBytes(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => readFile(path, (error, bytes) => (error ? reject(error) : resolve(bytes))));
}
