// GlossApi: the one typed contract between the renderer and the workspace, whatever the transport
// (Electron IPC or browser mode over HTTP). Implemented once by createGlossApi() in src/main/api.ts.
// Every result crosses the boundary as data: { ok: true, value } | { ok: false, error }.

import type {
  AttributeValue,
  GlossDocument,
  Layer,
  LayerStatus,
  Problem,
  Schema,
  Span,
} from './model';

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
export interface SpanInput {
  id: string;
  label: string;
  start: number;
  end: number;
  attributes?: Record<string, AttributeValue>;
  note?: string;
  fragments?: { start: number; end: number }[];
}

export interface SpanPatch {
  label?: string;
  attributes?: Record<string, AttributeValue>;
  /** An empty string removes the note. */
  note?: string;
}

/** One edit of my layer. A batch of them is applied atomically, in order. */
export type LayerChange =
  | { op: 'add'; span: SpanInput }
  | { op: 'remove'; spanId: string }
  | { op: 'update'; spanId: string; patch: SpanPatch }
  | { op: 'status'; status: LayerStatus };

export interface ChangeResult {
  /** My layer's spans after the change, as stored (quotes and timestamps filled). */
  spans: Span[];
  status: LayerStatus;
  updatedAt: string;
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

/** A file a job produced, as text or (binary, e.g. a zip) as base64. */
export type JobFile =
  | { name: string; mediaType: string; text: string }
  | { name: string; mediaType: string; contentBase64: string };

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
  /** Apply edits to my layer of a document and write it durably before answering. */
  applyChanges(docId: string, changes: LayerChange[]): Promise<Result<ChangeResult>>;
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
] as const satisfies readonly (keyof GlossApi)[];

export type GlossApiMethod = (typeof GLOSS_API_METHODS)[number];

/** Commands the shell (Electron menu) sends to the renderer. */
export type ShellCommand = 'undo' | 'redo' | 'reload-workspace';

/**
 * What the Electron preload exposes besides GlossApi, as `window.glossShell`. Absent in
 * browser mode, where the renderer's own keyboard handling is all there is.
 */
export interface GlossShell {
  /** Subscribe to menu commands; returns the unsubscribe function. */
  onCommand(listener: (command: ShellCommand) => void): () => void;
}
