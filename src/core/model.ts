// The stored shape of a Gloss workspace (DESIGN.md §3): documents, layers, spans, relations,
// comments, the schema and the manifest. Offsets are Unicode code points, end exclusive.
// Nothing here knows about ProseMirror positions or the DOM: those are derived in the renderer.

/** The unit every stored and exported offset is counted in. */
export type OffsetUnit = 'codepoint';
export const OFFSET_UNIT: OffsetUnit = 'codepoint';

/** Every type a block can have (the one list: validation, the quick shape check and the editor's columns use it). */
export const BLOCK_TYPES = ['heading', 'paragraph', 'list-item', 'table-cell', 'code', 'quote'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

/** A displayed block of a document: a code-point range of `text`. */
export interface Block {
  type: BlockType;
  start: number;
  end: number;
  /** Heading level 1..6, list nesting depth. */
  level?: number;
  /** Page number (1-based) for paginated sources such as PDF. */
  page?: number;
}

/** Optional display formatting of a document range; never affects offsets. */
export interface DocumentMark {
  type: 'bold' | 'italic' | 'code' | 'link';
  start: number;
  end: number;
  href?: string;
}

export interface DocumentMeta {
  /** File name the document was imported from. */
  source: string;
  /** Import format: txt, md, html, docx, pdf, gloss, jsonl, doccano, ... */
  format: string;
  language?: string;
  date?: string;
}

/** One document, immutable after import. */
export interface GlossDocument {
  format: 'gloss.document';
  version: 1;
  offsetUnit: OffsetUnit;
  id: string;
  title: string;
  /** Canonical plain text, line endings normalised to \n. */
  text: string;
  blocks: Block[];
  marks?: DocumentMark[];
  meta: DocumentMeta;
  textSha256: string;
  importedAt: string;
}

export interface Fragment {
  start: number;
  end: number;
}

export type AttributeValue = string | number | boolean;

/** What every span carries from its source (file, renderer, reviewer), before the workspace fills quote and timestamps. */
export interface SpanFields {
  label: string;
  /** Code-point offsets, end exclusive; with fragments, the hull. */
  start: number;
  end: number;
  attributes?: Record<string, AttributeValue>;
  note?: string;
  fragments?: Fragment[];
}

export interface Span {
  id: string;
  label: string;
  /** Code-point offset of the first character; with fragments, the hull's start. */
  start: number;
  /** Code-point offset after the last character (exclusive); with fragments, the hull's end. */
  end: number;
  /** The text at [start, end) when the span was made; a mismatch on load makes the span an orphan. */
  quote: string;
  attributes: Record<string, AttributeValue>;
  note?: string;
  /** Present only for discontinuous spans: sorted, non-overlapping, within [start, end). */
  fragments?: Fragment[];
  /** "manual", "suggested:<source>" or "imported:<format>". */
  origin: string;
  createdAt: string;
  updatedAt: string;
}

export interface Relation {
  id: string;
  type: string;
  from: string;
  to: string;
}

export interface CommentTarget {
  annotator: string;
  spanId: string;
}

/** A comment lives in its author's layer, so nobody writes a colleague's file. */
export interface Comment {
  id: string;
  target: CommentTarget | null;
  author: string;
  text: string;
  createdAt: string;
  resolved: boolean;
}

export type LayerStatus = 'todo' | 'in-progress' | 'done';
export const LAYER_STATUSES: readonly LayerStatus[] = ['todo', 'in-progress', 'done'];

/** The reserved annotator name of the adjudicated layer. */
export const CURATION_ANNOTATOR = 'curation';

/** What a curation decision did with an item of the review (src/core/review.ts). */
export type CurationAction = 'accept' | 'edit' | 'add' | 'reject';
export const CURATION_ACTIONS: readonly CurationAction[] = ['accept', 'edit', 'add', 'reject'];

/** One annotator's span as it was when a decision was taken (its updatedAt tells if it changed since). */
export interface VersionRef {
  annotator: string;
  spanId: string;
  updatedAt: string;
}

/**
 * A decision of the curation layer (`annotations/<docId>/curation.json`): who took it when, on
 * which review item, choosing among (or rejecting) which versions, and the curated span it made.
 */
export interface CurationDecision {
  id: string;
  /** The review item's key; null for a span added where no annotator marked anything. */
  itemKey: string | null;
  action: CurationAction;
  /** The item's versions when the decision was taken: the ones chosen from, or rejected. */
  from: VersionRef[];
  /** accept and edit: the version taken (edit: as the starting point). */
  chosen?: { annotator: string; spanId: string };
  /** accept, edit and add: the id of the span made in the curation layer. */
  spanId?: string;
  /** Who decided (the reviewer's annotator name). */
  by: string;
  at: string;
}

/** One annotator's annotations of one document: `annotations/<docId>/<annotator>.json`. */
export interface Layer {
  format: 'gloss.layer';
  version: 1;
  offsetUnit: OffsetUnit;
  document: string;
  textSha256: string;
  annotator: string;
  status: LayerStatus;
  updatedAt: string;
  spans: Span[];
  relations: Relation[];
  comments: Comment[];
  /** Only in the curation layer: the decisions that made its spans, in the order taken. */
  decisions?: CurationDecision[];
}

export type AttributeType = 'text' | 'number' | 'enum' | 'boolean';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  /** Allowed values of an enum attribute. */
  values?: string[];
  description?: string;
}

export type LabelCategory = 'entity' | 'figure' | 'commitment' | 'other';

export interface LabelDef {
  name: string;
  /** Keyboard shortcut, a single character ("1".."9"). */
  key?: string;
  category: LabelCategory;
  /** CSS colour (#rrggbb). */
  color: string;
  attributes: AttributeDef[];
}

export interface RelationDef {
  type: string;
  /** Labels allowed at the relation's source. */
  from: string[];
  /** Labels allowed at the relation's target. */
  to: string[];
}

export interface Schema {
  labels: LabelDef[];
  relations: RelationDef[];
}

/** A document's entry in the manifest. */
export interface DocumentEntry {
  id: string;
  title: string;
  textSha256: string;
  importedAt: string;
  source: string;
  format: string;
  /** Length of the text in code points. */
  length: number;
}

/** `gloss.json`, the lowdb manifest. */
export interface Manifest {
  format: 'gloss.workspace';
  version: 1;
  name: string;
  schema: Schema;
  documents: DocumentEntry[];
}

/** Something wrong found while loading or validating: never fatal for the rest of the workspace. */
export interface Problem {
  kind:
    | 'corrupt-file'
    | 'invalid-file'
    | 'orphan-span'
    | 'dangling-relation'
    | 'unknown-label'
    | 'invalid-attribute'
    | 'missing-document'
    | 'text-mismatch'
    | 'dangling-decision';
  /** Workspace-relative path of the file concerned. */
  file: string;
  message: string;
  document?: string;
  annotator?: string;
  spanId?: string;
  /** Where a corrupt file was moved to (workspace-relative). */
  movedTo?: string;
}
