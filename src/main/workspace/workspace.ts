// A Gloss workspace on disk (DESIGN.md §3): the lowdb manifest `gloss.json`, `documents/<id>.json`
// and `annotations/<id>/<annotator>.json`. Every write is atomic and durable; a corrupt file is
// kept aside and reported, and the rest of the workspace still opens.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Low } from 'lowdb';
import { fail, ok } from '../../core/api';
import type { Result } from '../../core/api';
import { isValidAnnotator, isValidDocId } from '../../core/document';
import { canonicalDocument, canonicalLayer, canonicalManifest, serializeDocument, serializeLayer } from '../../core/layer';
import type { LayerSummary } from '../../core/api';
import type { DocumentEntry, GlossDocument, Layer, Manifest, Problem, Schema } from '../../core/model';
import { codePointLength } from '../../core/offsets';
import { isDocumentFileShape, isLayerFileShape } from '../../core/quick-shape';
import { DEFAULT_SCHEMA } from '../../core/schema';
import { decodeUtf8 } from '../../core/text';
import { checkDocument, checkLayer, parseDocumentJson, parseLayerJson, parseManifestJson } from '../../core/validate';
import {
  appendFileDurable,
  DurableJsonFile,
  installTempFile,
  isErrnoException,
  isTempFileName,
  mkdirDurable,
  moveAside,
  removeFileDurable,
  stringifyJson,
  sweepTempFiles,
  writeFileDurable,
  writeTempFileDurable,
} from './durable';
import { compactedMark, journalEntry, journalFileOf, journalHeader, replayJournal } from './journal';
import { ReadAhead } from './read-ahead';

/** The manifest's file name inside a workspace. */
export const MANIFEST_FILE = 'gloss.json';
const DOCUMENTS_DIR = 'documents';
const ANNOTATIONS_DIR = 'annotations';

export interface InitOptions {
  /** Workspace name (default: the folder's name). */
  name?: string;
  schema?: Schema;
  now?: () => Date;
}

export interface OpenOptions {
  now?: () => Date;
  /** Never write, not even to keep a corrupt file aside (validate, list, export). */
  readOnly?: boolean;
  /** When layer journals are compacted into their layer files (docs/adr/0009). */
  journal?: JournalOptions;
  /**
   * Read only the manifest on opening; documents and layers are read (and their problems found)
   * when asked for. For one pass of a command over the workspace (export, agreement, validate,
   * list), which reads every file anyway: opening eagerly would read them all twice.
   */
  lazy?: boolean;
  /**
   * Read each file when it is asked for, synchronously, and nothing ahead (read-only only). For a
   * thread that does nothing but the pass: a worker thread of an export or of agreement, a CLI
   * command. Reading ahead in a thread of its own (ReadAhead) keeps an event loop free for others
   * (the app's server), but costs more CPU than the reads: the bytes cross threads in memory
   * allocated anew for each file, and its thread takes a core from the pass (docs/adr/0024).
   */
  blockingReads?: boolean;
}

/**
 * Layer journal compaction: after the layer is idle this long, or once the journal grows this big.
 * The journal makes an edit durable at once; the layer file itself (what Git, colleagues and other
 * tools read) shows it a couple of seconds after the edits stop. Not sooner: a compaction rewrites
 * the whole layer (3 MB and ~50 ms of CPU at 10,000 spans), which a person annotating steadily would
 * otherwise pay after every change, while selecting the next span.
 */
export interface JournalOptions {
  /** Idle time before compaction (default 2 s). */
  idleMs?: number;
  /** Compact at once past this many bytes (default 256 KiB) ... */
  maxBytes?: number;
  /** ... or this many entries (default 500). */
  maxEntries?: number;
}

/** A layer file made ahead of writeLayerNow: its bytes, their SHA-256, and the fsynced temp file holding them. */
interface LayerFileMade {
  data: Buffer;
  hash: string;
  temp: string;
}

/** A layer as last read or written by this process, with what its files looked like then. */
interface CachedLayer {
  layer: Layer | null;
  /** stampOf the layer file and of its journal when `layer` was made from them. */
  layerStamp: string;
  journalStamp: string;
  /** SHA-256 of the layer file's bytes (null: no readable file). */
  layerHash: string | null;
  /** The journal replayed into `layer`, if any (torn: its last line was cut, so no appending to it). */
  journal: { seq: number; bytes: number; torn: boolean } | null;
}

/** Layers kept parsed: the open document's few, plus room for a review of several annotators. */
const LAYER_CACHE_SIZE = 8;

/** A document id found on disk but not in the manifest: left by an import that was interrupted. */
export interface StrayDocument {
  id: string;
  /** textSha256 of its document file, or null when there is none or it cannot be read. */
  textSha256: string | null;
}

/** How a JSON file of the workspace read: its value, absent, or corrupt / invalid with why. */
type FileRead<T> =
  | { state: 'ok'; value: T }
  | { state: 'missing' }
  | { state: 'bad'; kind: 'corrupt-file' | 'invalid-file'; message: string };

/** Told of a file the workspace writes (or moves aside), and when that is done. */
export type WriteListener = (file: string, done: Promise<void>) => void;

/** Keep this many documents parsed in memory: they are immutable, and editing re-reads one often. */
const DOCUMENT_CACHE_SIZE = 16;

/** Files an import writes at a time (addDocuments). */
const WRITES_AT_ONCE = 8;

/**
 * `task` for every item, at most `limit` at a time; resolves when all are done, or rejects with
 * the first failure once the tasks already started have settled (none is left running).
 */
async function eachConcurrently<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const run = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  if (failure !== null) throw (failure as { error: unknown }).error;
}

/** Documents read ahead of the one being checked by `validate`. */
const READ_AHEAD_WINDOW = 32;

/** An open workspace. One instance per process and folder; writes to one file are serialised. */
export class Workspace {
  /** Problems found so far (on opening and later reads): corrupt files kept aside, missing files. */
  readonly problems: Problem[] = [];
  /** Documents in the manifest whose file is missing or was corrupt. */
  private readonly unavailable = new Set<string>();
  /** Per-file chains of pending writes ("one writer per file"). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly documentCache = new Map<string, GlossDocument>();
  private readonly writeListeners = new Set<WriteListener>();
  private readonly layerCache = new Map<string, CachedLayer>();
  /** Status and span count of layers, by file, while the layer file and its journal are unchanged. */
  private readonly summaryCache = new Map<string, { layerStamp: string; journalStamp: string; summary: LayerSummary | null }>();
  /** Pending compactions of layer journals, by layer file. */
  private readonly compactions = new Map<string, { timer: NodeJS.Timeout; docId: string; annotator: string }>();
  /** Compactions under way in the background (flush waits for them). */
  private readonly compacting = new Set<Promise<void>>();
  private journalOptions: Required<JournalOptions> = { idleMs: 2000, maxBytes: 256 * 1024, maxEntries: 500 };
  /** Files being read ahead of a pass (read-only workspaces only: nothing can change them meanwhile). */
  private ahead: ReadAhead | null = null;
  /** Files read when asked for, synchronously (OpenOptions.blockingReads): nothing is read ahead. */
  private blockingReads = false;
  /** A one-pass read's last listing of each document's layer folder (see layerAnnotators). */
  private readonly listedNames = new Map<string, ReadonlySet<string>>();

  private constructor(
    /** Absolute path of the workspace folder. */
    readonly dir: string,
    private readonly db: Low<Manifest>,
    /** True when opened to inspect only: every write is refused. */
    readonly readOnly: boolean,
    private readonly now: () => Date,
  ) {}

  /** Create a new workspace with the default schema in `dir` (created if needed; refused if one is there). */
  static async init(dir: string, options: InitOptions = {}): Promise<Result<Workspace>> {
    const root = resolve(dir);
    const manifestPath = join(root, MANIFEST_FILE);
    try {
      await readFile(manifestPath);
      return fail('conflict', `${manifestPath} already exists: ${root} is already a Gloss workspace`);
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'ENOENT') {
        return fail('io', `cannot read ${manifestPath}: ${messageOf(error)}`);
      }
    }
    const manifest: Manifest = {
      format: 'gloss.workspace',
      version: 1,
      name: options.name ?? (basename(root) || 'workspace'),
      schema: structuredClone(options.schema ?? DEFAULT_SCHEMA),
      documents: [],
    };
    try {
      await mkdirDurable(join(root, DOCUMENTS_DIR));
      await mkdirDurable(join(root, ANNOTATIONS_DIR));
      // The manifest last: a folder without it is not a workspace, so an interrupted init can be re-run.
      const db = new Low<Manifest>(manifestFile(manifestPath), manifest);
      await db.write();
      return ok(new Workspace(root, db, false, options.now ?? (() => new Date())));
    } catch (error) {
      return fail('io', `cannot create workspace in ${root}: ${messageOf(error)}`);
    }
  }

  /**
   * Open the workspace in `dir`. Fails only when the manifest is missing or unreadable (the error
   * names the file); a corrupt document or layer file is kept aside (unless read-only), reported
   * in `problems`, and the rest opens.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<Result<Workspace>> {
    const root = resolve(dir);
    const manifestPath = join(root, MANIFEST_FILE);
    const loaded = await readManifest(manifestPath);
    if (!loaded.ok) return loaded;
    const db = new Low<Manifest>(manifestFile(manifestPath), loaded.value);
    db.data = loaded.value;
    const ws = new Workspace(root, db, options.readOnly ?? false, options.now ?? (() => new Date()));
    ws.journalOptions = { ...ws.journalOptions, ...options.journal };
    ws.blockingReads = ws.readOnly && options.blockingReads === true;
    try {
      if (options.lazy) ws.checkIds();
      else await ws.scan();
    } catch (error) {
      return fail('io', `cannot read workspace ${root}: ${messageOf(error)}`);
    }
    return ok(ws);
  }

  /** Workspace name from the manifest. */
  get name(): string {
    return this.db.data.name;
  }

  /** The annotation schema from the manifest. */
  get schema(): Schema {
    return this.db.data.schema;
  }

  /** The documents of the manifest whose files are readable, in manifest order. */
  documents(): DocumentEntry[] {
    return this.db.data.documents.filter((d) => !this.unavailable.has(d.id));
  }

  /** Every document id in the manifest, readable or not. */
  documentIds(): string[] {
    return this.db.data.documents.map((d) => d.id);
  }

  /** The manifest entry of a document, if it is in the manifest (readable or not). */
  entry(docId: string): DocumentEntry | undefined {
    return this.db.data.documents.find((d) => d.id === docId);
  }

  /** Re-read the manifest (another process, e.g. `gloss import`, may have added documents). */
  async reload(): Promise<Result<void>> {
    const loaded = await readManifest(join(this.dir, MANIFEST_FILE));
    if (!loaded.ok) return loaded;
    const known = new Set(this.db.data.documents.map((d) => d.id));
    // An unchanged schema keeps its object: what was checked against it (each opened layer's
    // problems, api.ts) stays valid, so reading the document list does not make the next open
    // check 10,000 quotes again.
    if (JSON.stringify(loaded.value.schema) === JSON.stringify(this.db.data.schema)) loaded.value.schema = this.db.data.schema;
    this.db.data = loaded.value;
    for (const d of loaded.value.documents) {
      if (!known.has(d.id)) await this.readDocument(d.id);
    }
    return ok(undefined);
  }

  /** Workspace-relative path of a document file. */
  documentFile(docId: string): string {
    assertDocId(docId);
    return `${DOCUMENTS_DIR}/${docId}.json`;
  }

  /** Workspace-relative path of a layer file. */
  layerFile(docId: string, annotator: string): string {
    assertDocId(docId);
    assertAnnotator(annotator);
    return `${ANNOTATIONS_DIR}/${docId}/${annotator}.json`;
  }

  /** A document by id, or null when its file is missing or corrupt (then kept aside and reported). */
  async readDocument(docId: string): Promise<GlossDocument | null> {
    const cached = this.documentCache.get(docId);
    if (cached) return cached;
    const file = this.documentFile(docId);
    // In the file's queue: a read never sees a file half-way through being kept aside.
    return this.serialised(file, () => this.readDocumentNow(docId, file));
  }

  private async readDocumentNow(docId: string, file: string): Promise<GlossDocument | null> {
    const read = await this.readJson(file, (json) => {
      // The quick check first: zod only runs on a file that fails it, to say why.
      const parsed = isDocumentFileShape(json) ? ok(canonicalDocument(json)) : parseDocumentJson(json, file);
      if (parsed.ok && parsed.value.id !== docId) {
        return fail('invalid-input', `${file}: holds document "${parsed.value.id}", expected "${docId}"`);
      }
      return parsed;
    });
    if (read.state === 'ok') {
      this.unavailable.delete(docId);
      this.documentCache.set(docId, read.value);
      if (this.documentCache.size > DOCUMENT_CACHE_SIZE) {
        const oldest = this.documentCache.keys().next().value;
        if (oldest !== undefined) this.documentCache.delete(oldest);
      }
      return read.value;
    }
    if (this.entry(docId)) {
      // Already unavailable means it was reported (and perhaps kept aside) before: say it once.
      const reported = this.unavailable.has(docId);
      this.unavailable.add(docId);
      if (read.state === 'missing' && !reported) {
        this.addProblem({
          kind: 'missing-document',
          file,
          document: docId,
          message: `${file} is listed in ${MANIFEST_FILE} but missing`,
        });
      }
    }
    if (read.state === 'bad') await this.keepAside(file, read, { document: docId });
    return null;
  }

  /** Annotators with a layer file for a document, sorted. */
  async layerAnnotators(docId: string): Promise<string[]> {
    assertDocId(docId);
    let names: string[];
    try {
      const dir = join(this.dir, ANNOTATIONS_DIR, docId);
      names = this.blockingReads ? readdirSync(dir) : await (this.ahead?.takeDir(docId) ?? readdir(dir));
    } catch (error) {
      if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return [];
      throw error;
    }
    // A one-pass read (export, agreement, validate: read-only, blocking, in a process or thread of
    // its own) reads each document's layers right after listing them: the listing tells whether a
    // layer has a journal, without a stat per layer (~25 µs each on these VMs).
    if (this.blockingReads) this.listedNames.set(docId, new Set(names));
    return names
      .filter((n) => n.endsWith('.json') && !isTempFileName(n))
      .map((n) => n.slice(0, -'.json'.length))
      .filter((n) => isValidAnnotator(n))
      .sort();
  }

  /** One annotator's layer of a document; null when there is none or it was corrupt (kept aside, reported). */
  async readLayer(docId: string, annotator: string): Promise<Layer | null> {
    const file = this.layerFile(docId, annotator);
    // In the file's queue: a read comes after the writes asked for before it.
    return this.serialised(file, () => this.readLayerNow(docId, annotator, file));
  }

  private async readLayerNow(docId: string, annotator: string, file: string): Promise<Layer | null> {
    const journalFile = journalFileOf(file);
    const layerPath = join(this.dir, file);
    const journalPath = join(this.dir, journalFile);
    // A read-only pass (export, validate) reads each layer once: no cache, no stamps.
    const cached = this.readOnly ? undefined : this.layerCache.get(file);
    // Stamped without a round trip through the thread pool: a stat takes microseconds, the round
    // trip up to milliseconds while the machine is busy (as when the page paints the edit).
    const [layerStamp, journalStamp] = this.readOnly ? ['', ''] : this.layerStampsSync(file);
    if (cached && cached.layerStamp === layerStamp && cached.journalStamp === journalStamp) {
      // Most recently used last.
      this.layerCache.delete(file);
      this.layerCache.set(file, cached);
      return cached.layer;
    }
    const read = await this.readLayerFile(docId, annotator, file);
    let layer: Layer | null = null;
    let layerBytes: Uint8Array | null = null;
    if (read.state === 'ok') ({ layer, bytes: layerBytes } = read.value);
    // Hashed only when needed (a journal to replay, or the cache): a read-only pass skips it.
    let hashed: string | null | undefined;
    const layerHash = (): string | null => (hashed ??= layerBytes ? sha256(layerBytes) : null);
    // Files this read moved or removed: the stamps are taken again after.
    let touched = false;
    if (read.state === 'bad') {
      await this.keepAside(file, read, { document: docId, annotator });
      touched = !this.readOnly;
    }
    let journal: CachedLayer['journal'] = null;
    // Read-only: a missing journal (the usual case) is found without a round trip to the thread pool.
    const unlisted = this.listedNames.get(docId)?.has(basename(journalFile)) === false;
    const text = unlisted ? null : this.readOnly ? readTextOrNullSync(journalPath) : await readTextOrNull(journalPath);
    if (text !== null) {
      const replay = replayJournal(layer, layerHash(), text, journalFile);
      if (replay.state === 'replayed') {
        layer = replay.layer;
        journal = { seq: replay.seq, bytes: Buffer.byteLength(text), torn: replay.torn };
        if (replay.torn) {
          this.addProblem({
            kind: 'corrupt-file',
            file: journalFile,
            document: docId,
            annotator,
            message: `${journalFile}: its last line was cut short (the program stopped while saving); that unfinished change was ignored`,
          });
        }
        // Left by a run that stopped before compacting: into the layer file with it.
        if (!this.readOnly) this.scheduleCompaction(docId, annotator, file, replay.torn);
      } else if (replay.state === 'compacted') {
        if (!this.readOnly) await this.announced(journalFile, () => removeFileDurable(journalPath));
        touched = !this.readOnly;
      } else {
        await this.keepAside(journalFile, { kind: 'corrupt-file', message: replay.message }, { document: docId, annotator });
        touched = !this.readOnly;
      }
    }
    if (!this.readOnly) {
      // The stamps from before reading: a change made meanwhile by someone else makes the next read read again.
      const stamps = touched ? await Promise.all([stampOf(layerPath), stampOf(journalPath)]) : [layerStamp, journalStamp];
      this.remember(file, { layer, layerStamp: stamps[0]!, journalStamp: stamps[1]!, layerHash: layerHash(), journal });
      this.rememberSummary(file, [stamps[0]!, stamps[1]!], annotator, layer);
    }
    return layer;
  }

  /** The layer file parsed and checked, with its bytes (their SHA-256 is what a journal is made on). */
  private async readLayerFile(docId: string, annotator: string, file: string): Promise<FileRead<{ layer: Layer; bytes: Uint8Array }>> {
    let bytes: Uint8Array = new Uint8Array(0);
    const read = await this.readJson(
      file,
      (json) => {
        const parsed = isLayerFileShape(json) ? ok(canonicalLayer(json)) : parseLayerJson(json, file);
        if (parsed.ok && (parsed.value.document !== docId || parsed.value.annotator !== annotator)) {
          return fail(
            'invalid-input',
            `${file}: holds the layer of "${parsed.value.annotator}" on "${parsed.value.document}", expected "${annotator}" on "${docId}"`,
          );
        }
        return parsed;
      },
      (read) => {
        bytes = read;
      },
    );
    return read.state === 'ok' ? { state: 'ok', value: { layer: read.value, bytes } } : read;
  }

  private remember(file: string, entry: CachedLayer): void {
    this.layerCache.delete(file);
    this.layerCache.set(file, entry);
    while (this.layerCache.size > LAYER_CACHE_SIZE) {
      const oldest = [...this.layerCache.keys()].find((key) => !this.compactions.has(key));
      if (oldest === undefined) break;
      this.layerCache.delete(oldest);
    }
  }

  /** Write a layer durably; writes to one file happen one after another, in call order. */
  async writeLayer(layer: Layer): Promise<void> {
    const file = this.layerFile(layer.document, layer.annotator);
    await this.serialised(file, () => this.writeLayerNow(layer));
  }

  /**
   * Read, change and write one layer as one step, serialised with every other write to that file,
   * so that concurrent edits never lose each other. `change` gets the current layer (null if none);
   * its result is written when it is ok and not null.
   */
  async updateLayer(
    docId: string,
    annotator: string,
    change: (current: Layer | null) => Result<Layer | null> | Promise<Result<Layer | null>>,
  ): Promise<Result<Layer | null>> {
    const file = this.layerFile(docId, annotator);
    return this.serialised(file, async () => {
      const current = await this.readLayerNow(docId, annotator, file);
      const result = await change(current);
      if (result.ok && result.value) await this.saveLayerNow(docId, annotator, file, current, result.value);
      return result;
    });
  }

  /**
   * Compact every layer journal into its layer file now (on closing, on shutdown). Safe to skip:
   * a journal left behind is replayed by the next reader.
   */
  async flush(): Promise<void> {
    // One under way may give up (a change came meanwhile): that change's compaction is pending then.
    await Promise.all(this.compacting);
    const pending = [...this.compactions.entries()];
    for (const [file, { timer }] of pending) {
      clearTimeout(timer);
      this.compactions.delete(file);
    }
    for (const [file, { docId, annotator }] of pending) await this.compact(docId, annotator, file);
  }

  /**
   * Save an updated layer: appended to the layer's journal when it can be (a few hundred bytes,
   * one fdatasync), else the whole file written as before. Within the file's queue.
   */
  private async saveLayerNow(docId: string, annotator: string, file: string, before: Layer | null, after: Layer): Promise<void> {
    this.assertWritable();
    const cached = this.layerCache.get(file);
    const journalFile = journalFileOf(file);
    const journalPath = join(this.dir, journalFile);
    const usable = before !== null && cached !== undefined && cached.layer === before && cached.layerHash !== null && !cached.journal?.torn;
    const entry = usable ? journalEntry(before, after, (cached.journal?.seq ?? 0) + 1) : null;
    if (!usable || entry === null) {
      // A new layer is small, and a layer we cannot journal on is written whole.
      await this.writeLayerNow(after);
      return;
    }
    const line = `${JSON.stringify(entry)}\n`;
    const create = cached.journal === null;
    const data = create ? journalHeader(after, cached.layerHash!) + line : line;
    await this.announced(journalFile, () => appendFileDurable(journalPath, data, create));
    const journal = { seq: entry.seq, bytes: (cached.journal?.bytes ?? 0) + Buffer.byteLength(data), torn: false };
    this.remember(file, { ...cached, layer: after, journalStamp: stampOfSync(journalPath), journal });
    const { maxBytes, maxEntries } = this.journalOptions;
    this.scheduleCompaction(docId, annotator, file, journal.bytes > maxBytes || journal.seq >= maxEntries);
  }

  /** Compact a layer's journal after the layer has been idle a while (or at once). */
  private scheduleCompaction(docId: string, annotator: string, file: string, now: boolean): void {
    const pending = this.compactions.get(file);
    if (pending) clearTimeout(pending.timer);
    this.compactions.delete(file);
    // At once: queued right behind the current task on this file, before any later read or write.
    if (now) {
      void this.compact(docId, annotator, file);
      return;
    }
    const run = (): void => {
      this.compactions.delete(file);
      const compaction = this.compact(docId, annotator, file, true);
      this.compacting.add(compaction);
      void compaction.then(() => this.compacting.delete(compaction));
    };
    const timer = setTimeout(run, this.journalOptions.idleMs);
    // A pending compaction never keeps a process alive: the journal is durable as it is.
    timer.unref();
    this.compactions.set(file, { timer, docId, annotator });
  }

  /**
   * Write the replayed layer as its layer file and remove the journal. `background` (after the
   * layer was idle): the layer file is made and written to a temp file outside the file's queue,
   * so that a change coming meanwhile is not kept waiting behind megabytes of JSON (docs/adr/0009);
   * it is installed only if no change came, else dropped: the change, or the read that found one
   * made elsewhere, scheduled a compaction of its own.
   * Otherwise (a journal grown too big, flush) all of it in the file's queue. Never throws.
   */
  private async compact(docId: string, annotator: string, file: string, background = false): Promise<void> {
    try {
      if (!background) {
        await this.serialised(file, async () => {
          const layer = await this.readLayerNow(docId, annotator, file);
          if (layer && this.layerCache.get(file)?.journal) await this.writeLayerNow(layer);
        });
        return;
      }
      const read = await this.serialised(file, async () => {
        const layer = await this.readLayerNow(docId, annotator, file);
        const cached = this.layerCache.get(file);
        return layer && cached?.journal ? { layer, cached } : null;
      });
      if (!read) return;
      const made = await this.layerFileMade(read.layer);
      let installed = false;
      try {
        await this.serialised(file, async () => {
          // Any change since (ours, or someone else's that a read picked up) made a new cache entry.
          if (this.layerCache.get(file) !== read.cached) return;
          await this.writeLayerNow(read.layer, made);
          installed = true;
        });
      } finally {
        if (!installed) await unlink(made.temp).catch(() => undefined);
      }
    } catch (error) {
      // The journal stays and is replayed by every reader; the next change tries again.
      this.addProblem({
        kind: 'corrupt-file',
        file: journalFileOf(file),
        document: docId,
        annotator,
        message: `${journalFileOf(file)}: could not be compacted into ${file} (${messageOf(error)}); it is kept and still read`,
      });
    }
  }

  /** A layer file's bytes and hash, written (fsynced) to a temp file beside it, for writeLayerNow to install. */
  private async layerFileMade(layer: Layer): Promise<LayerFileMade> {
    const layerPath = join(this.dir, this.layerFile(layer.document, layer.annotator));
    await mkdirDurable(dirname(layerPath));
    const data = Buffer.from(serializeLayer(layer));
    return { data, hash: sha256(data), temp: await writeTempFileDurable(layerPath, data) };
  }

  /**
   * Add new documents with their layers: document files first, then layer files, the manifest
   * last, so that a crash at any moment never leaves the manifest pointing at a missing file.
   */
  async addDocuments(
    documents: GlossDocument[],
    layers: Layer[] = [],
    /** Called after each document or layer file is written (for progress reports). */
    onWritten?: (done: number, total: number) => void,
  ): Promise<void> {
    this.assertWritable();
    const total = documents.length + layers.length;
    let done = 0;
    const known = new Set(this.db.data.documents.map((d) => d.id));
    for (const doc of documents) {
      if (known.has(doc.id)) throw new Error(`document "${doc.id}" is already in the workspace`);
      known.add(doc.id);
    }
    // Several files at a time: each write waits mostly for its fsyncs (the file's, then its
    // folder's), which the disk takes in parallel. The manifest still comes last, once every file
    // it will list is durable: until then the new files are not part of the workspace.
    await eachConcurrently(documents, WRITES_AT_ONCE, async (doc) => {
      const file = this.documentFile(doc.id);
      await this.serialised(file, () => this.announced(file, () => writeFileDurable(join(this.dir, file), serializeDocument(doc))));
      this.documentCache.delete(doc.id);
      this.unavailable.delete(doc.id);
      onWritten?.(++done, total);
    });
    await eachConcurrently(layers, WRITES_AT_ONCE, async (layer) => {
      await this.writeLayer(layer);
      onWritten?.(++done, total);
    });
    if (documents.length === 0) return;
    const entries = documents.map(
      (doc): DocumentEntry => ({
        id: doc.id,
        title: doc.title,
        textSha256: doc.textSha256,
        importedAt: doc.importedAt,
        source: doc.meta.source,
        format: doc.meta.format,
        length: codePointLength(doc.text),
      }),
    );
    await this.serialised(MANIFEST_FILE, async () => {
      const previous = this.db.data;
      this.db.data = { ...previous, documents: [...previous.documents, ...entries] };
      try {
        await this.announced(MANIFEST_FILE, () => this.db.write());
      } catch (error) {
        this.db.data = previous;
        throw error;
      }
    });
  }

  /**
   * Replace the schema in the manifest (durably). The importer adds the labels, relation types
   * and attributes a file brings, before writing the layers that use them.
   */
  async setSchema(schema: Schema): Promise<void> {
    this.assertWritable();
    await this.serialised(MANIFEST_FILE, async () => {
      const previous = this.db.data;
      this.db.data = { ...previous, schema };
      try {
        await this.announced(MANIFEST_FILE, () => this.db.write());
      } catch (error) {
        this.db.data = previous;
        throw error;
      }
    });
  }

  /**
   * Document ids present on disk but not in the manifest: an import killed before writing the
   * manifest leaves them. They are not part of the workspace; a re-run of that import reuses them.
   */
  async strayDocuments(): Promise<StrayDocument[]> {
    const inManifest = new Set(this.db.data.documents.map((d) => d.id));
    const ids = new Set<string>();
    for (const name of await readdirOrEmpty(join(this.dir, DOCUMENTS_DIR))) {
      if (name.endsWith('.json') && !isTempFileName(name)) ids.add(name.slice(0, -'.json'.length));
    }
    for (const name of await readdirOrEmpty(join(this.dir, ANNOTATIONS_DIR))) ids.add(name);
    const strays: StrayDocument[] = [];
    for (const id of [...ids].sort()) {
      if (inManifest.has(id) || !isValidDocId(id)) continue;
      let textSha256: string | null = null;
      try {
        const bytes = await readFile(join(this.dir, this.documentFile(id)));
        const text = decodeUtf8(bytes);
        const parsed = text.ok ? parseDocumentJson(JSON.parse(text.value), this.documentFile(id)) : null;
        if (parsed?.ok && parsed.value.id === id) textSha256 = parsed.value.textSha256;
      } catch {
        // No document file, or not one we can read: the id stays taken, nothing is reused.
      }
      strays.push({ id, textSha256 });
    }
    return strays;
  }

  /**
   * Check everything: documents against the manifest and their own hash, every layer (orphan
   * spans, dangling relations, unknown labels, invalid attributes, text mismatch), plus the
   * problems met on opening. Files not in the manifest (an interrupted import) are not checked.
   */
  async validate(): Promise<Problem[]> {
    // Checks are computed afresh each time; only what reading finds (corrupt files) is remembered.
    const found: Problem[] = [];
    const ids = this.db.data.documents.map((d) => d.id);
    for (const [i, entry] of this.db.data.documents.entries()) {
      if (i % READ_AHEAD_WINDOW === 0) this.readAhead(ids.slice(i, i + 2 * READ_AHEAD_WINDOW));
      if (!isValidDocId(entry.id)) continue;
      const doc = await this.readDocument(entry.id);
      if (!doc) continue;
      const file = this.documentFile(entry.id);
      const documentProblems = await checkDocument(doc, file);
      found.push(...documentProblems);
      if (documentProblems.length === 0 && entry.textSha256 !== doc.textSha256) {
        found.push({
          kind: 'text-mismatch',
          file,
          document: doc.id,
          message: `${file}: textSha256 differs from its entry in ${MANIFEST_FILE}`,
        });
      }
      for (const annotator of await this.layerAnnotators(entry.id)) {
        const layer = await this.readLayer(entry.id, annotator);
        if (layer) found.push(...checkLayer(layer, doc, this.schema, this.layerFile(entry.id, annotator)));
      }
    }
    return [...this.problems, ...found];
  }

  /**
   * Start reading the files of these documents from disk (their layers: of `annotators`, or every
   * layer file there is; the document files too unless `documents` is false), a few at a time,
   * for the reads that follow in the caller's order. Only for a read-only workspace (elsewhere it
   * does nothing): no write can come between; nor with blockingReads, which read when asked.
   */
  readAhead(docIds: readonly string[], annotators?: readonly string[], { documents = true }: { documents?: boolean } = {}): void {
    if (!this.readOnly || this.blockingReads) return;
    const ahead = (this.ahead ??= new ReadAhead());
    const readLayers = (docId: string, names: readonly string[]): void => {
      for (const annotator of names) {
        if (!isValidAnnotator(annotator)) continue;
        const file = this.layerFile(docId, annotator);
        ahead.file(file, join(this.dir, file));
      }
    };
    for (const docId of docIds) {
      if (!isValidDocId(docId) || !ahead.firstTime(docId)) continue;
      if (documents && !this.documentCache.has(docId)) {
        const file = this.documentFile(docId);
        ahead.file(file, join(this.dir, file));
      }
      if (annotators) {
        readLayers(docId, annotators);
      } else {
        ahead.dir(
          docId,
          join(this.dir, ANNOTATIONS_DIR, docId),
          (names) => readLayers(docId, names.filter((n) => n.endsWith('.json') && !isTempFileName(n)).map((n) => n.slice(0, -'.json'.length))),
        );
      }
    }
  }

  /** Read every document and layer of the manifest once, so that problems are known on opening. */
  private async scan(): Promise<void> {
    // A writable workspace reads everything first in a read-only pass (read ahead in a worker, no
    // hashing or caching: 1,000 documents x 3 layers in ~1 s instead of ~3), then reads again
    // itself only what needs it: a file that is missing or bad (kept aside and reported here)
    // and a layer with a journal left by a run that stopped before folding it in.
    const reader = this.readOnly ? null : await this.openReader();
    const first = reader?.ok ? reader.value : null;
    const entries = this.db.data.documents;
    for (const [i, entry] of entries.entries()) {
      if (!isValidDocId(entry.id)) {
        this.unavailable.add(entry.id);
        this.addProblem(invalidIdProblem(entry.id));
        continue;
      }
      if (!first) {
        await this.readDocument(entry.id);
        for (const annotator of await this.layerAnnotators(entry.id)) await this.readLayer(entry.id, annotator);
        continue;
      }
      if (i % READ_AHEAD_WINDOW === 0) first.readAhead(entries.slice(i, i + 2 * READ_AHEAD_WINDOW).map((e) => e.id));
      if (!(await first.readDocument(entry.id))) await this.readDocument(entry.id);
      for (const annotator of await first.layerAnnotators(entry.id)) {
        const file = this.layerFile(entry.id, annotator);
        const stamps = this.layerStampsSync(file);
        const layer = await first.readLayer(entry.id, annotator);
        if (!layer || stamps[1] !== 'missing') await this.readLayer(entry.id, annotator);
        else this.rememberSummary(file, stamps, annotator, layer);
      }
    }
  }

  /**
   * The same workspace opened read-only and lazily: a pass over many files reads there (ahead, in
   * a worker, nothing cached or hashed), as the CLI's export and agreement do (ADR 0014).
   */
  openReader(): Promise<Result<Workspace>> {
    return Workspace.open(this.dir, { readOnly: true, lazy: true, now: this.now });
  }

  /** The stamps of a layer file and of its journal, without a round trip to the thread pool. */
  private layerStampsSync(file: string): LayerStamps {
    return [stampOfSync(join(this.dir, file)), stampOfSync(join(this.dir, journalFileOf(file)))];
  }

  /** What the document list shows of a layer (null: unreadable), valid while the file and its journal keep these stamps. */
  private rememberSummary(file: string, [layerStamp, journalStamp]: LayerStamps, annotator: string, layer: Layer | null): void {
    this.summaryCache.set(file, { layerStamp, journalStamp, summary: layer ? { annotator, status: layer.status, spanCount: layer.spans.length } : null });
  }

  /**
   * The status and span count of every layer of these documents, in annotator order (a corrupt
   * layer is left out). Cached by file while the layer file and its journal keep their stamps;
   * the others are read in one read-only pass (read ahead in a worker, as `gloss agreement`
   * reads), not through this workspace's small caches: a list of 1,000 documents × 3 layers takes
   * ~0.8 s the first time and ~0.1 s after, instead of ~2 s every time.
   */
  async layerSummaries(docIds: readonly string[]): Promise<Map<string, LayerSummary[]>> {
    const found = new Map<string, { annotator: string; file: string; stamps: LayerStamps }[]>();
    const stale = new Map<string, string[]>();
    for (const docId of docIds) {
      const layers = [];
      for (const annotator of await this.layerAnnotators(docId)) {
        const file = this.layerFile(docId, annotator);
        const stamps = this.layerStampsSync(file);
        layers.push({ annotator, file, stamps });
        const cached = this.summaryCache.get(file);
        if (!cached || cached.layerStamp !== stamps[0] || cached.journalStamp !== stamps[1]) stale.set(docId, [...(stale.get(docId) ?? []), annotator]);
      }
      found.set(docId, layers);
    }
    if (stale.size > 0) {
      const reader = await this.openReader();
      if (!reader.ok) throw new Error(reader.error.message);
      const ids = [...stale.keys()];
      for (const [i, docId] of ids.entries()) {
        if (i % READ_AHEAD_WINDOW === 0) {
          for (const id of ids.slice(i, i + 2 * READ_AHEAD_WINDOW)) reader.value.readAhead([id], stale.get(id), { documents: false });
        }
        for (const annotator of stale.get(docId)!) {
          const layer = await reader.value.readLayer(docId, annotator);
          const { file, stamps } = found.get(docId)!.find((l) => l.annotator === annotator)!;
          // The stamps from before reading: a change made meanwhile is read again next time.
          this.rememberSummary(file, stamps, annotator, layer);
        }
      }
    }
    const out = new Map<string, LayerSummary[]>();
    for (const [docId, layers] of found) out.set(docId, layers.flatMap((l) => this.summaryCache.get(l.file)?.summary ?? []));
    return out;
  }

  /**
   * Remove the temp files killed writes left in the workspace (the manifest's folder, documents/
   * and each annotations/<doc>/), those an hour old whose writer is gone (durable.ts). The app
   * and browser mode do this once after opening; read-only workspaces are left alone. Returns
   * the workspace-relative paths removed.
   */
  async sweepTempFiles(): Promise<string[]> {
    if (this.readOnly) return [];
    const annotations = join(this.dir, ANNOTATIONS_DIR);
    const docDirs = (await readdirOrEmpty(annotations)).filter((name) => !isTempFileName(name)).map((name) => join(annotations, name));
    const removed = await sweepTempFiles([this.dir, join(this.dir, DOCUMENTS_DIR), ...docDirs]);
    return removed.map((path) => relative(this.dir, path).split(sep).join('/'));
  }

  /** Report the manifest's document ids that cannot be file names (their documents are unavailable). */
  private checkIds(): void {
    for (const entry of this.db.data.documents) {
      if (isValidDocId(entry.id)) continue;
      this.unavailable.add(entry.id);
      this.addProblem(invalidIdProblem(entry.id));
    }
  }

  /**
   * Write a layer file whole. A journal this process replayed (so `layer` was made from it) is
   * compacted into it: marked first, removed after, so a crash in between never applies it twice.
   * A journal it has not read is left alone: made on the old file, it will be kept aside, not lost.
   */
  private async writeLayerNow(layer: Layer, made?: LayerFileMade): Promise<void> {
    this.assertWritable();
    const file = this.layerFile(layer.document, layer.annotator);
    const layerPath = join(this.dir, file);
    const journalFile = journalFileOf(file);
    const journalPath = join(this.dir, journalFile);
    if (!made) await mkdirDurable(join(this.dir, ANNOTATIONS_DIR, layer.document));
    // Encoded once: hashed and written as the same bytes.
    const data = made?.data ?? Buffer.from(serializeLayer(layer));
    const hash = made?.hash ?? sha256(data);
    const cached = this.layerCache.get(file);
    const journalStamp = await stampOf(journalPath);
    const replayed = journalStamp !== 'missing' && cached?.journal != null && cached.journalStamp === journalStamp;
    // After a torn line a mark would be glued to it: without the mark a crash leaves the journal kept aside.
    if (replayed && !cached.journal!.torn) await this.announced(journalFile, () => appendFileDurable(journalPath, compactedMark(hash), false));
    await this.announced(file, () => (made ? installTempFile(made.temp, layerPath) : writeFileDurable(layerPath, data)));
    if (replayed) await this.announced(journalFile, () => removeFileDurable(journalPath));
    const pending = this.compactions.get(file);
    if (replayed && pending) {
      clearTimeout(pending.timer);
      this.compactions.delete(file);
    }
    if (!replayed && journalStamp !== 'missing') {
      // Someone's journal we never read: the next read finds it made on the old file and keeps it aside.
      this.layerCache.delete(file);
      return;
    }
    this.remember(file, { layer: canonicalLayer(layer), layerStamp: await stampOf(layerPath), journalStamp: 'missing', layerHash: hash, journal: null });
  }

  /** Read and check a workspace JSON file (relative path); never throws for a bad file. */
  private async readJson<T>(file: string, parse: (json: unknown) => Result<T>, onBytes?: (bytes: Uint8Array) => void): Promise<FileRead<T>> {
    let bytes: Uint8Array;
    try {
      const path = join(this.dir, file);
      bytes = this.blockingReads ? readFileSync(path) : await (this.ahead?.takeFile(file) ?? readFile(path));
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return { state: 'missing' };
      throw error;
    }
    onBytes?.(bytes);
    const text = decodeUtf8(bytes);
    if (!text.ok) return { state: 'bad', kind: 'corrupt-file', message: `${file}: ${text.error.message}` };
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch (error) {
      return { state: 'bad', kind: 'corrupt-file', message: `${file}: not valid JSON (${messageOf(error)})` };
    }
    const parsed = parse(json);
    if (!parsed.ok) return { state: 'bad', kind: 'invalid-file', message: withFile(file, parsed.error.message) };
    return { state: 'ok', value: parsed.value };
  }

  /** Rename a bad file to `*.corrupt-<time>` (unless read-only) and report it. */
  private async keepAside(
    file: string,
    read: { kind: 'corrupt-file' | 'invalid-file'; message: string },
    about: { document?: string; annotator?: string },
  ): Promise<void> {
    if (this.readOnly) {
      this.addProblem({ kind: read.kind, file, ...about, message: read.message });
      return;
    }
    // Called from within the file's queue (by a read), so it moves the file directly.
    const movedTo = await this.announced(file, () => moveAside(join(this.dir, file), this.now()));
    const relative = `${file}${movedTo.slice(join(this.dir, file).length)}`;
    this.addProblem({
      kind: read.kind,
      file,
      ...about,
      movedTo: relative,
      message: `${read.message}; kept aside as ${relative}`,
    });
  }

  /**
   * Be told of every file this workspace is about to write or move aside (workspace-relative
   * path), with a promise settled when that is done: the watcher tells our writes from others'.
   * Returns the function that stops telling.
   */
  onWrite(listener: WriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** Run a write of `file`, announced to the write listeners. */
  private announced<T>(file: string, write: () => Promise<T>): Promise<T> {
    const run = write();
    if (this.writeListeners.size > 0) {
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      for (const listener of this.writeListeners) listener(file, settled);
    }
    return run;
  }

  /** Problems met reading this workspace elsewhere (an export's worker threads), kept as this workspace's own, once each. */
  noteProblems(problems: readonly Problem[]): void {
    for (const problem of problems) this.addProblem(problem);
  }

  private addProblem(problem: Problem): void {
    const same = this.problems.some(
      (p) => p.kind === problem.kind && p.file === problem.file && p.message === problem.message,
    );
    if (!same) this.problems.push(problem);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new Error(`workspace ${this.dir} is open read-only`);
  }

  /** Run `task` after every earlier task on the same key (a workspace-relative path). */
  private serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }
}

/** The manifest adapter: lowdb over a durable file, keys in the order of model.ts. */
function manifestFile(path: string): DurableJsonFile<Manifest> {
  return new DurableJsonFile<Manifest>(path, { serialize: (m) => stringifyJson(canonicalManifest(m)) });
}

/** Read and check gloss.json; the error names the file. */
async function readManifest(path: string): Promise<Result<Manifest>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return fail('not-found', `${path} not found: not a Gloss workspace (create one with "gloss init")`);
    }
    return fail('io', `cannot read ${path}: ${messageOf(error)}`);
  }
  const text = decodeUtf8(bytes);
  if (!text.ok) return fail('corrupt', `${path}: ${text.error.message}`);
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch (error) {
    return fail('corrupt', `${path}: not valid JSON (${messageOf(error)})`);
  }
  const parsed = parseManifestJson(json, path);
  if (!parsed.ok) return fail('corrupt', withFile(path, parsed.error.message));
  return parsed;
}

/** A manifest entry whose id cannot be a file name. */
function invalidIdProblem(id: string): Problem {
  return { kind: 'invalid-file', file: MANIFEST_FILE, message: `${MANIFEST_FILE}: invalid document id "${id}"` };
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return [];
    throw error;
  }
}

/** SHA-256 (hex) of a file's bytes or of the UTF-8 of a text. */
function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A layer file's stamp and its journal's. */
type LayerStamps = readonly [layer: string, journal: string];

/** Inode, size, modification and change times: any write or replacement of the file changes it. */
function stampText(s: BigIntStats): string {
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** stampOf without a round trip to the thread pool (6,000 stats: ~20 ms instead of ~400). */
function stampOfSync(path: string): string {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  return s ? stampText(s) : 'missing';
}

/** A file's stamp (stampText), or "missing". */
async function stampOf(path: string): Promise<string> {
  try {
    return stampText(await stat(path, { bigint: true }));
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return 'missing';
    throw error;
  }
}

/** A file's text (UTF-8), or null when there is none. */
async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
}

/** A file's text (UTF-8), or null when there is none; read at once, and a missing file costs one stat (no error made). */
function readTextOrNullSync(path: string): string | null {
  if (!statSync(path, { throwIfNoEntry: false })) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
}

/** Prefix a message with the file unless it already names it. */
function withFile(file: string, message: string): string {
  return message.includes(file) ? message : `${file}: ${message}`;
}

function assertDocId(docId: string): void {
  // Ids become file names: anything else is a programmer error (inputs are validated before).
  if (!isValidDocId(docId)) throw new Error(`invalid document id ${JSON.stringify(docId)}`);
}

function assertAnnotator(annotator: string): void {
  if (!isValidAnnotator(annotator)) throw new Error(`invalid annotator name ${JSON.stringify(annotator)}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
