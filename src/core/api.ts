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
}

/** The method names of GlossApi: the one registry of channels for IPC and HTTP. */
export const GLOSS_API_METHODS = [
  'getWorkspace',
  'listDocuments',
  'openDocument',
  'applyChanges',
  'getSettings',
  'setAnnotator',
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
