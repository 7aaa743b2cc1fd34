// GlossApi: the one typed contract between the renderer and the workspace, whatever the transport
// (Electron IPC or browser mode over HTTP). Implemented once by createGlossApi() in src/main/api.ts.
// Every result crosses the boundary as data: { ok: true, value } | { ok: false, error }.

import type { AgreementResult } from './agreement';
import type { CurationChange } from './curation';
import type {
  AttributeValue,
  Comment,
  CommentTarget,
  GlossDocument,
  Layer,
  LayerStatus,
  Problem,
  Schema,
  Span,
  SpanFields,
} from './model';

export type { AgreementResult } from './agreement';
export type { CuratedSpanInput, CurationChange } from './curation';

export type ErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'conflict'
  | 'read-only'
  | 'io'
  | 'corrupt'
  | 'forbidden'
  | 'internal';

export interface GlossError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: GlossError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});

export interface WorkspaceInfo {
  /** Absolute path of the workspace folder. */
  path: string;
  name: string;
  schema: Schema;
  /** Who "I" am: the annotator whose layer I edit. */
  annotator: string;
  /** True when the manifest could not be loaded cleanly: nothing may be written. */
  readOnly: boolean;
  /** Problems found while opening (corrupt files moved aside, ...). */
  problems: Problem[];
}

export interface LayerSummary {
  annotator: string;
  status: LayerStatus;
  spanCount: number;
}

export interface DocumentSummary {
  id: string;
  title: string;
  /** Length in code points. */
  length: number;
  /** My layer's status ("todo" when I have no layer yet). */
  myStatus: LayerStatus;
  /** Number of spans in my layer. */
  mySpanCount: number;
  layers: LayerSummary[];
}

export interface OpenedDocument {
  document: GlossDocument;
  /** My layer; a fresh empty one (not yet on disk) when I have none. */
  mine: Layer;
  /** Colleagues' layers (read-only), including the curation layer if present. */
  others: Layer[];
  /** Problems of this document: orphan spans, corrupt layer files moved aside, ... */
  problems: Problem[];
}

/** The fields of a span the renderer sends; the workspace fills quote and timestamps. */
export interface SpanInput extends SpanFields {
  id: string;
}

export interface SpanPatch {
  label?: string;
  attributes?: Record<string, AttributeValue>;
  /** An empty string removes the note. */
  note?: string;
}

/** A new comment; the workspace fills author (me), createdAt and resolved (false). */
export interface CommentInput {
  id: string;
  /** A span of any layer of the document (mine, a colleague's, the curation layer), or null for the document. */
  target: CommentTarget | null;
  text: string;
}

/**
 * One edit of my layer. A batch of them is applied atomically, in order. Comments are stored in
 * my layer whatever they are about, and only comments I wrote can be updated or removed.
 */
export type LayerChange =
  | { op: 'add'; span: SpanInput }
  | { op: 'remove'; spanId: string }
  | { op: 'update'; spanId: string; patch: SpanPatch }
  | { op: 'status'; status: LayerStatus }
  | { op: 'comment-add'; comment: CommentInput }
  | { op: 'comment-update'; id: string; text?: string; resolved?: boolean }
  | { op: 'comment-remove'; id: string };

/**
 * What applyChanges answers: only what the batch touched, never the whole layer (a layer can hold
 * thousands of spans; answering all of them per key press cost more than the edit itself).
 */
export interface ChangeResult {
  /** The spans this batch added or updated, as stored now (quotes and timestamps filled), sorted. */
  changed: Span[];
  /** Ids of the spans this batch removed (absent from the layer after it). */
  removed: string[];
  /** How many spans my layer holds after the change. */
  spanCount: number;
  status: LayerStatus;
  /** Pass it as applyChanges' baseUpdatedAt next time. */
  updatedAt: string;
  /** My layer's comments after the change. */
  comments: Comment[];
}

/** A workspace file changed on disk by someone else (a `git pull`, a colleague, `gloss import`). */
export interface WorkspaceChange {
  /** The document concerned (its document file, or one of its layers). */
  document?: string;
  /** Whose layer, for a layer file (`curation` for the curation layer). */
  annotator?: string;
  /** Workspace-relative path, `/`-separated: `gloss.json`, `documents/<id>.json`, `annotations/<id>/<annotator>.json`. */
  file: string;
}

/** What pollChanges answers. */
export interface ChangesSince {
  /** Pass it to the next poll. */
  cursor: number;
  /** Files changed since the cursor given, each once, in the order first seen. */
  changes: WorkspaceChange[];
  /** Changes may have been missed (a cursor of an earlier run, or older than the log kept): reload everything. */
  resync?: true;
}

export interface Settings {
  annotator: string;
}

/** The largest upload the app's Import… takes: per file, per import, and how many files at once. */
export const IMPORT_UPLOAD_LIMITS = {
  fileBytes: 200 * 1024 * 1024,
  totalBytes: 256 * 1024 * 1024,
  files: 1000,
} as const;

/** Length of the base64 text of `bytes` bytes (with padding). */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** A file handed to startImport: its plain name (no folders) and its bytes in base64. */
export interface ImportFile {
  name: string;
  dataBase64: string;
}

/** How startImport reads the files (the options of `gloss import`). */
export interface ImportJobOptions {
  /** "auto" (by extension, then content) or an import format name from listFormats(). */
  format: string;
  /** Whose layer receives annotations that name no annotator; default: me. */
  annotator?: string;
  /** Replace that layer instead of merging into it. */
  replace?: boolean;
  /** Refuse labels the schema lacks instead of adding them. */
  strict?: boolean;
}

/** The formats Export… writes (those of `gloss export`). */
export const EXPORT_FORMAT_NAMES = ['gloss', 'jsonl', 'doccano', 'brat', 'conll', 'w3c', 'csv'] as const;
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number];

/** What startExport writes (the options of `gloss export`). */
export interface ExportJobOptions {
  format: ExportFormatName;
  /** Whose layer; absent: every layer (gloss, w3c, csv) or mine (the one-layer formats). */
  annotator?: string;
  /** The curation layer instead of an annotator's (not with `annotator`). */
  curated?: boolean;
  /** CoNLL only: of overlapping spans, write the outermost (default) or the innermost. */
  prefer?: 'inner' | 'outer';
}

/** The formats Import… and Export… offer. */
export interface FormatChoices {
  import: { name: string; kind: 'document' | 'annotations' }[];
  /** `layers: 'all'` formats can hold every annotator's layer; the others hold one. */
  export: { name: ExportFormatName; layers: 'one' | 'all' }[];
}

export type JobKind = 'import' | 'export';
export type JobState = 'running' | 'done' | 'failed';

/**
 * A file a job produced: as text, as base64 (binary, e.g. a zip), or kept by the main process
 * (the app's exports, docs/adr/0017): browser mode downloads it from `href`, Electron saves it
 * through GlossShell.saveFile. A big export never travels inside the job's answer.
 */
export type JobFile =
  | { name: string; mediaType: string; text: string }
  | { name: string; mediaType: string; contentBase64: string }
  | { name: string; mediaType: string; size: number; href: string };

export interface JobResult {
  /** What was done, one line each, the first the headline. */
  summary: string[];
  /** What the user should know that did not stop the job. */
  notices: string[];
  /** Exports: the file(s) to save. */
  files?: JobFile[];
  /** Imports: ids of the documents created. */
  createdDocuments?: string[];
}

/** Why a job failed; for bad input, the file and line at fault. */
export interface JobError {
  message: string;
  file?: string;
  line?: number;
}

export interface JobStatus {
  id: string;
  kind: JobKind;
  state: JobState;
  /** Progress of the current phase. */
  done: number;
  total: number;
  /** What is being done, e.g. "reading files". */
  phase: string;
  result?: JobResult;
  error?: JobError;
}

export interface GlossApi {
  /** The open workspace: name, schema, who I am, problems found on opening. */
  getWorkspace(): Promise<Result<WorkspaceInfo>>;
  /** All documents with my status and span count, in manifest order. */
  listDocuments(): Promise<Result<DocumentSummary[]>>;
  /** One document with my layer and colleagues' layers. */
  openDocument(docId: string): Promise<Result<OpenedDocument>>;
  /**
   * Apply edits to my layer of a document and write it durably before answering. With
   * `baseUpdatedAt` (the updatedAt of my layer as last opened or saved), refuses with "conflict"
   * when my layer on disk has changed since (written by someone else): reload, never overwrite.
   */
  applyChanges(docId: string, changes: LayerChange[], baseUpdatedAt?: string): Promise<Result<ChangeResult>>;
  /** Per-user settings (outside the workspace). */
  getSettings(): Promise<Result<Settings>>;
  /** Change who I am; later calls read and write that annotator's layers. */
  setAnnotator(name: string): Promise<Result<Settings>>;
  /** The import and export formats this workspace's Gloss reads and writes. */
  listFormats(): Promise<Result<FormatChoices>>;
  /** Start importing files, all or nothing (as `gloss import`); answers the job id at once. */
  startImport(files: ImportFile[], options: ImportJobOptions): Promise<Result<string>>;
  /** Start exporting the workspace as a dataset; answers the job id at once. */
  startExport(options: ExportJobOptions): Promise<Result<string>>;
  /** A job's progress, then its result (summary, notices, exported files) or its error. */
  getJob(jobId: string): Promise<Result<JobStatus>>;
  /**
   * Adjudicate a document into its curation layer; `annotators` are the layers under review (in
   * the order chosen), whose compareLayers items the changes' keys name. Answers the curation layer after.
   */
  applyCuration(docId: string, annotators: string[], changes: CurationChange[]): Promise<Result<Layer>>;
  /** Agreement over the whole workspace (DESIGN.md §5); default: every annotator with a layer but curation. */
  getAgreement(annotators?: string[]): Promise<Result<AgreementResult>>;
  /** Files changed on disk by someone else since `cursor` (start with 0); watching starts on the first call. */
  pollChanges(cursor: number): Promise<Result<ChangesSince>>;
}

/** The method names of GlossApi: the one registry of channels for IPC and HTTP. */
export const GLOSS_API_METHODS = [
  'getWorkspace',
  'listDocuments',
  'openDocument',
  'applyChanges',
  'getSettings',
  'setAnnotator',
  'listFormats',
  'startImport',
  'startExport',
  'getJob',
  'applyCuration',
  'getAgreement',
  'pollChanges',
] as const satisfies readonly (keyof GlossApi)[];

export type GlossApiMethod = (typeof GLOSS_API_METHODS)[number];

/** Where browser mode's API socket is opened on the `gloss serve` server (docs/adr/0022). */
export const API_SOCKET_PATH = '/api/socket';

/** Methods always called over HTTP in browser mode, never the socket: their arguments may be larger than a message may be. */
export const HTTP_ONLY_METHODS: readonly GlossApiMethod[] = ['startImport'];

/** Commands the shell (Electron menu) sends to the renderer. */
export type ShellCommand = 'undo' | 'redo' | 'reload-workspace';

/**
 * What the Electron preload exposes besides GlossApi, as `window.glossShell`. Absent in
 * browser mode, where the renderer's own keyboard handling is all there is.
 */
export interface GlossShell {
  /** Subscribe to menu commands; returns the unsubscribe function. */
  onCommand(listener: (command: ShellCommand) => void): () => void;
  /**
   * Saves a file an export kept (its JobFile `href`) where the user picks in the save dialog:
   * main copies it there, so a big export never crosses into the page. Answers the path written,
   * or null when the dialog was cancelled.
   */
  saveFile(href: string): Promise<Result<string | null>>;
}
