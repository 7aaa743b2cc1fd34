// createGlossApi: the one implementation of GlossApi (src/core/api.ts) over an open workspace and
// the user's settings. Transports (IPC, HTTP) call it with untrusted arguments: every input is
// checked here with zod, and every outcome, failures included, comes back as a Result.

import { z } from 'zod';
import { EXPORT_FORMAT_NAMES, IMPORT_UPLOAD_LIMITS, fail, ok } from '../core/api';
import type {
  AgreementResult,
  ChangeResult,
  ChangesSince,
  CurationChange,
  DocumentSummary,
  FormatChoices,
  GlossApi,
  JobStatus,
  LayerChange,
  LayerSummary,
  OpenedDocument,
  Result,
  Settings,
  WorkspaceInfo,
} from '../core/api';
import { applyCurationChanges } from '../core/curation';
import { isValidAnnotator, isValidDocId } from '../core/document';
import { applyLayerChanges, emptyLayer } from '../core/layer';
import type { GlossDocument, Layer, Problem, Schema, Span } from '../core/model';
import { CURATION_ANNOTATOR, LAYER_STATUSES } from '../core/model';
import { CodePointIndex } from '../core/offsets';
import { formatZodError } from '../core/schema-file';
import { checkLayer } from '../core/validate';
import type { SettingsStore } from './settings';
import type { Downloads } from './downloads';
import type { WorkerThreads } from './workspace/worker-threads';
import { Transfers, formatChoices, isImportFormat, isOneLayerFormat } from './transfer';
import { workspaceAgreement } from './workspace/agreement';
import { isErrnoException } from './workspace/durable';
import { WorkspaceWatcher } from './workspace/watcher';
import type { WatcherOptions } from './workspace/watcher';
import type { Workspace } from './workspace/workspace';

export interface GlossApiOptions {
  workspace: Workspace;
  settings: SettingsStore;
  /** The clock for timestamps (tests inject one). */
  now?: () => Date;
  /** Ids for things the API itself creates (jobs); spans get their ids from the caller. */
  newId?: () => string;
  /** The workspace's import and export jobs, when the caller shares them (the Electron menu). */
  transfers?: Transfers;
  /** Where exported files are kept until the user takes them (see Transfers). */
  downloads?: Downloads;
  /** Worker threads big exports (see Transfers) and the agreement dashboard may start. */
  workerThreads?: WorkerThreads;
  /** Options of the workspace watcher behind pollChanges (tests shorten the debounce). */
  watcher?: WatcherOptions;
}

/** What closing an API must stop (its watcher), per API made here. */
const closers = new WeakMap<GlossApi, () => void>();

/** Stop what an API made by createGlossApi runs in the background (the workspace watcher). */
export function closeGlossApi(api: GlossApi): void {
  closers.get(api)?.();
}

/** Most changes one call may carry: a paste of thousands of spans is fine, an unbounded list is not. */
const MAX_CHANGES = 10_000;

const docIdSchema = z.string().refine(isValidDocId, { message: 'not a valid document id' });
const attributesSchema = z.record(z.string().max(200), z.union([z.string().max(100_000), z.number(), z.boolean()]));
const offsetSchema = z.number().int().nonnegative();
const spanIdSchema = z.string().min(1).max(200);

const statusSchema = z.enum(LAYER_STATUSES as [Layer['status'], ...Layer['status'][]]);

const changeSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('add'),
    span: z.strictObject({
      id: spanIdSchema,
      label: z.string().min(1).max(200),
      start: offsetSchema,
      end: offsetSchema,
      attributes: attributesSchema.optional(),
      note: z.string().max(100_000).optional(),
      fragments: z.array(z.strictObject({ start: offsetSchema, end: offsetSchema })).max(1000).optional(),
    }),
  }),
  z.strictObject({ op: z.literal('remove'), spanId: spanIdSchema }),
  z.strictObject({
    op: z.literal('update'),
    spanId: spanIdSchema,
    patch: z.strictObject({
      label: z.string().min(1).max(200).optional(),
      attributes: attributesSchema.optional(),
      note: z.string().max(100_000).optional(),
    }),
  }),
  z.strictObject({ op: z.literal('status'), status: statusSchema }),
  z.strictObject({
    op: z.literal('comment-add'),
    comment: z.strictObject({
      id: spanIdSchema,
      target: z.strictObject({ annotator: z.string().refine(isValidAnnotator, { message: 'not a valid annotator name' }), spanId: spanIdSchema }).nullable(),
      text: z.string().min(1).max(100_000),
    }),
  }),
  z.strictObject({ op: z.literal('comment-update'), id: spanIdSchema, text: z.string().min(1).max(100_000).optional(), resolved: z.boolean().optional() }),
  z.strictObject({ op: z.literal('comment-remove'), id: spanIdSchema }),
]);

const changesSchema = z.array(changeSchema).max(MAX_CHANGES);

const annotatorSchema = z.string().refine(isValidAnnotator, { message: 'not a valid annotator name' });

const curatedSpanSchema = z.strictObject({
  label: z.string().min(1).max(200),
  start: offsetSchema,
  end: offsetSchema,
  attributes: attributesSchema.optional(),
  note: z.string().max(100_000).optional(),
  fragments: z.array(z.strictObject({ start: offsetSchema, end: offsetSchema })).max(1000).optional(),
});

const itemKeySchema = z.string().min(1).max(200);

const curationChangeSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('accept'), itemKey: itemKeySchema, annotator: annotatorSchema, spanId: spanIdSchema }),
  z.strictObject({ op: z.literal('edit'), itemKey: itemKeySchema, annotator: annotatorSchema, spanId: spanIdSchema, span: curatedSpanSchema }),
  z.strictObject({ op: z.literal('add'), itemKey: itemKeySchema.nullable(), span: curatedSpanSchema }),
  z.strictObject({ op: z.literal('reject'), itemKey: itemKeySchema }),
  z.strictObject({ op: z.literal('accept-all-agreed') }),
  z.strictObject({ op: z.literal('undo'), decisionId: spanIdSchema }),
  z.strictObject({ op: z.literal('status'), status: statusSchema }),
]);

const curationChangesSchema = z.array(curationChangeSchema).max(MAX_CHANGES);

/** Annotators to compare: valid names, each once. */
const annotatorListSchema = z
  .array(annotatorSchema)
  .max(100)
  .refine((names) => new Set(names).size === names.length, { message: 'an annotator is listed twice' });

const reviewedSchema = annotatorListSchema
  .min(1)
  .refine((names) => !names.includes(CURATION_ANNOTATOR), { message: 'the curation layer is what is made, not one of the layers reviewed' });

const baseUpdatedAtSchema = z.string().min(1).max(200).optional();
const cursorSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// Sizes, names and base64 are checked by Transfers, which says which file is at fault.
const importFilesSchema = z.array(z.strictObject({ name: z.string(), dataBase64: z.string() })).min(1).max(IMPORT_UPLOAD_LIMITS.files);

const importOptionsSchema = z.strictObject({
  format: z.string().refine(isImportFormat, { message: 'not an import format (see listFormats)' }),
  annotator: annotatorSchema.optional(),
  replace: z.boolean().optional(),
  strict: z.boolean().optional(),
});

const exportOptionsSchema = z
  .strictObject({
    format: z.enum(EXPORT_FORMAT_NAMES),
    annotator: annotatorSchema.optional(),
    curated: z.boolean().optional(),
    prefer: z.enum(['inner', 'outer']).optional(),
  })
  .refine((o) => !(o.curated && o.annotator !== undefined), { message: 'curated and annotator exclude each other' })
  .refine((o) => o.prefer === undefined || o.format === 'conll', { message: 'prefer applies to conll only' });

const jobIdSchema = z.string().min(1).max(200);

/** The GlossApi over one open workspace; no method ever throws or rejects. */
export function createGlossApi(options: GlossApiOptions): GlossApi {
  const { workspace: ws, settings } = options;
  const now = options.now ?? (() => new Date());
  const transfers =
    options.transfers ??
    new Transfers({
      workspace: ws,
      now,
      ...(options.newId ? { newId: options.newId } : {}),
      ...(options.downloads ? { downloads: options.downloads } : {}),
      ...(options.workerThreads ? { workerThreads: options.workerThreads } : {}),
    });
  const newId = options.newId ?? (() => crypto.randomUUID());
  /**
   * What checkLayer found in a layer, kept while the workspace keeps that layer object (a changed
   * layer is a new object): opening a document again does not check 10,000 quotes again.
   */
  const checked = new WeakMap<Layer, { doc: GlossDocument; schema: Schema; problems: Problem[] }>();
  const layerProblems = (layer: Layer, doc: GlossDocument): Problem[] => {
    const known = checked.get(layer);
    if (known && known.doc === doc && known.schema === ws.schema) return known.problems;
    const problems = checkLayer(layer, doc, ws.schema, ws.layerFile(doc.id, layer.annotator));
    checked.set(layer, { doc, schema: ws.schema, problems });
    return problems;
  };
  // Started by the first pollChanges: a workspace nobody polls is not watched.
  let watcher: WorkspaceWatcher | null = null;
  // The text index of the document being edited: built once, not on every keystroke.
  let lastIndex: { docId: string; index: CodePointIndex } | null = null;
  const indexOf = (doc: GlossDocument): CodePointIndex => {
    if (lastIndex?.docId !== doc.id || lastIndex.index.text !== doc.text) {
      lastIndex = { docId: doc.id, index: new CodePointIndex(doc.text) };
    }
    return lastIndex.index;
  };

  /** The document if it is in the workspace and readable, else the failure to return. */
  const loadDocument = async (docId: string): Promise<Result<GlossDocument>> => {
    if (!ws.entry(docId)) return fail('not-found', `no document "${docId}" in this workspace`);
    const doc = await ws.readDocument(docId);
    if (!doc) {
      const problem = ws.problems.find((p) => p.document === docId && p.file === ws.documentFile(docId));
      return fail('corrupt', problem?.message ?? `document "${docId}" cannot be read`);
    }
    return ok(doc);
  };

  const api: GlossApi = {
    getWorkspace: () =>
      guard(async (): Promise<Result<WorkspaceInfo>> =>
        ok({
          path: ws.dir,
          name: ws.name,
          schema: ws.schema,
          annotator: settings.annotator,
          readOnly: ws.readOnly,
          problems: [...ws.problems],
        }),
      ),

    listDocuments: () =>
      guard(async (): Promise<Result<DocumentSummary[]>> => {
        // Another process (`gloss import`) may have added documents since we opened.
        await ws.reload();
        const me = settings.annotator;
        const summaries: DocumentSummary[] = [];
        const entries = ws.documents();
        const layersOf = await ws.layerSummaries(entries.map((d) => d.id));
        for (const entry of entries) {
          const layers: LayerSummary[] = layersOf.get(entry.id) ?? [];
          const mine = layers.find((l) => l.annotator === me);
          summaries.push({
            id: entry.id,
            title: entry.title,
            length: entry.length,
            myStatus: mine?.status ?? 'todo',
            mySpanCount: mine?.spanCount ?? 0,
            layers,
          });
        }
        return ok(summaries);
      }),

    openDocument: (docId) =>
      guard(async (): Promise<Result<OpenedDocument>> => {
        const id = docIdSchema.safeParse(docId);
        if (!id.success) return invalid('docId', id.error);
        const loaded = await loadDocument(id.data);
        if (!loaded.ok) return loaded;
        const doc = loaded.value;
        const me = settings.annotator;
        let mine: Layer | null = null;
        const others: Layer[] = [];
        for (const annotator of await ws.layerAnnotators(doc.id)) {
          const layer = await ws.readLayer(doc.id, annotator);
          if (!layer) continue;
          if (annotator === me) mine = layer;
          else others.push(layer);
        }
        const problems: Problem[] = ws.problems.filter((p) => p.document === doc.id);
        for (const layer of mine ? [mine, ...others] : others) problems.push(...layerProblems(layer, doc));
        return ok({
          document: doc,
          mine: mine ?? emptyLayer(doc, me, now().toISOString()),
          others,
          problems,
        });
      }),

    applyChanges: (docId, changes, baseUpdatedAt) =>
      guard(async (): Promise<Result<ChangeResult>> => {
        const id = docIdSchema.safeParse(docId);
        if (!id.success) return invalid('docId', id.error);
        const parsed = changesSchema.safeParse(changes);
        if (!parsed.success) return invalid('changes', parsed.error);
        const base = baseUpdatedAtSchema.safeParse(baseUpdatedAt);
        if (!base.success) return invalid('baseUpdatedAt', base.error);
        if (ws.readOnly) return fail('read-only', `workspace ${ws.dir} is open read-only`);
        // Never "curation": the settings refuse that name, so adjudication is the only way in.
        const me = settings.annotator;
        const loaded = await loadDocument(id.data);
        if (!loaded.ok) return loaded;
        const doc = loaded.value;
        const targets = await checkCommentTargets(doc.id, me, parsed.data as LayerChange[]);
        if (!targets.ok) return targets;
        const stamp = now().toISOString();
        const file = ws.layerFile(doc.id, me);
        // Not beside an import, which rewrites layers it read before.
        const updated = await transfers.edit(() =>
          ws.updateLayer(doc.id, me, (current) => {
            if (current && current.textSha256 !== doc.textSha256) {
              return fail('conflict', `${file} was made on a different text; it is not changed`);
            }
            // Someone else wrote my layer since the renderer read it: its edit was made on
            // another layer than this one. Never overwrite: the renderer reloads.
            if (base.data !== undefined && current && current.updatedAt !== base.data) {
              return fail('conflict', `${file} changed on disk since it was opened (now saved at ${current.updatedAt}, opened at ${base.data}): reload it; this change was not written`);
            }
            const layer = current ?? emptyLayer(doc, me, stamp);
            // Nothing to do: answer the current state without creating a file.
            if (parsed.data.length === 0) return ok(null);
            return applyLayerChanges(layer, indexOf(doc), ws.schema, parsed.data as LayerChange[], stamp);
          }),
        );
        if (!updated.ok) return updated;
        const layer = updated.value ?? (await ws.readLayer(doc.id, me)) ?? emptyLayer(doc, me, stamp);
        return ok(changeResult(layer, parsed.data as LayerChange[]));
      }),

    getSettings: () => guard(async (): Promise<Result<Settings>> => ok(settings.get())),

    setAnnotator: (name) =>
      guard(async (): Promise<Result<Settings>> => {
        const parsed = z.string().max(200).safeParse(name);
        if (!parsed.success) return invalid('name', parsed.error);
        return settings.setAnnotator(parsed.data);
      }),

    listFormats: () => guard(async (): Promise<Result<FormatChoices>> => ok(formatChoices())),

    startImport: (files, options) =>
      guard(async (): Promise<Result<string>> => {
        const parsedFiles = importFilesSchema.safeParse(files);
        if (!parsedFiles.success) return invalid('files', parsedFiles.error);
        const parsed = importOptionsSchema.safeParse(options);
        if (!parsed.success) return invalid('import options', parsed.error);
        const { format, annotator, replace, strict } = parsed.data;
        if (!isImportFormat(format)) return fail('invalid-input', `invalid import options: format "${format}"`);
        return transfers.startImport(
          { kind: 'upload', files: parsedFiles.data },
          { format, annotator: annotator ?? settings.annotator, replace: replace ?? false, strict: strict ?? false },
        );
      }),

    startExport: (options) =>
      guard(async (): Promise<Result<string>> => {
        const parsed = exportOptionsSchema.safeParse(options);
        if (!parsed.success) return invalid('export options', parsed.error);
        const { format, curated, prefer } = parsed.data;
        // As `gloss export`: the one-layer formats take my layer unless told whose.
        const annotator = curated ? CURATION_ANNOTATOR : (parsed.data.annotator ?? (isOneLayerFormat(format) ? settings.annotator : undefined));
        return transfers.startExport({ format, ...(annotator !== undefined ? { annotator } : {}), ...(prefer ? { prefer } : {}) });
      }),

    getJob: (jobId) =>
      guard(async (): Promise<Result<JobStatus>> => {
        const parsed = jobIdSchema.safeParse(jobId);
        if (!parsed.success) return invalid('job id', parsed.error);
        return transfers.status(parsed.data);
      }),

    applyCuration: (docId, annotators, changes) =>
      guard(async (): Promise<Result<Layer>> => {
        const id = docIdSchema.safeParse(docId);
        if (!id.success) return invalid('docId', id.error);
        const reviewed = reviewedSchema.safeParse(annotators);
        if (!reviewed.success) return invalid('annotators', reviewed.error);
        const parsed = curationChangesSchema.safeParse(changes);
        if (!parsed.success) return invalid('curation changes', parsed.error);
        if (ws.readOnly) return fail('read-only', `workspace ${ws.dir} is open read-only`);
        const loaded = await loadDocument(id.data);
        if (!loaded.ok) return loaded;
        const doc = loaded.value;
        // An annotator without a layer (me, before my first span) reviews as an empty one, as
        // the renderer shows it.
        const layers: Layer[] = [];
        for (const annotator of reviewed.data) {
          layers.push((await ws.readLayer(doc.id, annotator)) ?? emptyLayer(doc, annotator, now().toISOString()));
        }
        const stamp = now().toISOString();
        const file = ws.layerFile(doc.id, CURATION_ANNOTATOR);
        const updated = await transfers.edit(() =>
          ws.updateLayer(doc.id, CURATION_ANNOTATOR, (current) => {
            if (current && current.textSha256 !== doc.textSha256) {
              return fail('conflict', `${file} was made on a different text; it is not changed`);
            }
            if (parsed.data.length === 0) return ok(null);
            const curation = current ?? emptyLayer(doc, CURATION_ANNOTATOR, stamp);
            return applyCurationChanges(curation, indexOf(doc), ws.schema, parsed.data as CurationChange[], {
              layers,
              who: settings.annotator,
              now: stamp,
              newId,
            });
          }),
        );
        if (!updated.ok) return updated;
        const layer = updated.value ?? (await ws.readLayer(doc.id, CURATION_ANNOTATOR)) ?? { ...emptyLayer(doc, CURATION_ANNOTATOR, stamp), decisions: [] };
        return ok(layer);
      }),

    getAgreement: (annotators) =>
      guard(async (): Promise<Result<AgreementResult>> => {
        const chosen = annotatorListSchema.min(2).optional().safeParse(annotators);
        if (!chosen.success) return invalid('annotators', chosen.error);
        // A read-only pass over the files as `gloss agreement` makes (read ahead in a worker, one
        // document at a time, journals included): the open workspace keeps only a few files in
        // its caches, and going through it would read, hash and cache all 3,000 layers anew.
        const reader = await ws.openReader();
        if (!reader.ok) return reader;
        const agreement = await workspaceAgreement(reader.value, chosen.data, options.workerThreads);
        const compared = chosen.data ?? agreement.found;
        if (compared.length < 2) {
          return fail('not-found', `agreement needs at least two annotators with a layer (curation aside); this workspace has ${compared.length === 0 ? 'none' : `only ${compared[0]}`}`);
        }
        return ok(agreement.result(compared));
      }),

    pollChanges: (cursor) =>
      guard(async (): Promise<Result<ChangesSince>> => {
        const parsed = cursorSchema.safeParse(cursor);
        if (!parsed.success) return invalid('cursor', parsed.error);
        if (!watcher) {
          watcher = new WorkspaceWatcher(ws, { ...options.watcher });
          const started = watcher.start();
          if (!started.ok) return started;
        }
        return watcher.since(parsed.data);
      }),
  };

  /**
   * A comment on a colleague's span must name a span there (one on my own layer is checked with
   * the batch, which may add it). Their layers are read, never written.
   */
  async function checkCommentTargets(docId: string, me: string, changes: readonly LayerChange[]): Promise<Result<void>> {
    for (const [i, change] of changes.entries()) {
      if (change.op !== 'comment-add' || change.comment.target === null || change.comment.target.annotator === me) continue;
      const { annotator, spanId } = change.comment.target;
      const layer = await ws.readLayer(docId, annotator);
      if (!layer?.spans.some((s) => s.id === spanId)) {
        return fail('not-found', `change ${i + 1} of ${changes.length} (comment-add): ${layer ? `${annotator}'s layer has no span "${spanId}"` : `${annotator} has no layer on "${docId}"`}`);
      }
    }
    return ok(undefined);
  }

  closers.set(api, () => {
    watcher?.close();
    watcher = null;
  });
  return api;
}

/** The answer to applyChanges: the spans the batch touched as stored now, and the ids it removed. */
function changeResult(layer: Layer, changes: readonly LayerChange[]): ChangeResult {
  const touched = new Set<string>();
  for (const change of changes) {
    if (change.op === 'add') touched.add(change.span.id);
    else if (change.op === 'update' || change.op === 'remove') touched.add(change.spanId);
  }
  const changed: Span[] = [];
  if (touched.size > 0) {
    for (const span of layer.spans) {
      if (!touched.has(span.id)) continue;
      changed.push(span);
      // All found: the rest are untouched (a removed id is looked for to the end).
      if (changed.length === touched.size) break;
    }
  }
  const present = new Set(changed.map((s) => s.id));
  const removed = [...touched].filter((id) => !present.has(id));
  return { changed, removed, spanCount: layer.spans.length, status: layer.status, updatedAt: layer.updatedAt, comments: layer.comments };
}

function invalid(what: string, error: z.ZodError): Result<never> {
  return fail('invalid-input', `invalid ${what}: ${formatZodError(error)}`);
}

/** Run a method body; anything thrown becomes a failed Result (I/O errors as "io"). */
async function guard<T>(body: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(isErrnoException(error) ? 'io' : 'internal', message);
  }
}
