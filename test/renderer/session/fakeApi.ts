// An in-memory GlossApi for renderer tests, built on the real core functions (applyLayerChanges,
// buildDocument), so what the renderer sends is judged as the workspace would judge it.

import { fail, ok } from '../../../src/core/api';
import type {
  AgreementResult,
  ChangeResult,
  ChangesSince,
  CurationChange,
  DocumentSummary,
  ExportJobOptions,
  FormatChoices,
  GlossApi,
  ImportFile,
  ImportJobOptions,
  JobStatus,
  LayerChange,
  OpenedDocument,
  Result,
  WorkspaceInfo,
} from '../../../src/core/api';
import { applyCurationChanges } from '../../../src/core/curation';
import { buildDocument, plainTextToBlocks } from '../../../src/core/document';
import { applyLayerChanges, emptyLayer } from '../../../src/core/layer';
import type { GlossDocument, Layer, Problem, Schema } from '../../../src/core/model';
import { CURATION_ANNOTATOR } from '../../../src/core/model';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';

export const FIXED_NOW = '2024-05-01T12:00:00.000Z';

export interface FakeApi extends GlossApi {
  /** Layers by "<docId>/<annotator>" (what is on disk). */
  layers: Map<string, Layer>;
  documents: GlossDocument[];
  /** Every applyChanges call, in order. */
  calls: { docId: string; changes: LayerChange[] }[];
  /** Make the next applyChanges calls fail with this message (until set back to null). */
  refuseWith: string | null;
  /** Hold applyChanges answers until release() (to test queueing). */
  hold: boolean;
  release(): void;
  annotator: string;
  problems: Problem[];
  readOnly: boolean;
  /** Every startImport and startExport call, in order. */
  jobCalls: ({ method: 'startImport'; files: ImportFile[]; options: ImportJobOptions } | { method: 'startExport'; options: ExportJobOptions })[];
  /** What getJob answers, poll after poll (the last one is repeated); set by the test. */
  jobAnswers: Result<JobStatus>[];
  /** What the next startImport/startExport answers (default: ok("job-1")). */
  startAnswer: Result<string> | null;
  /** What pollChanges answers, poll after poll (then: nothing changed). */
  pollAnswers: Result<ChangesSince>[];
  /** Every cursor pollChanges was given. */
  polledWith: number[];
  /** What getAgreement answers (default: a refusal). */
  agreement: Result<AgreementResult> | null;
  /** Every getAgreement call's annotators. */
  agreementCalls: (string[] | undefined)[];
  /** Every applyCuration call, in order. */
  curationCalls: { docId: string; annotators: string[]; changes: CurationChange[] }[];
  /** Every applyChanges baseUpdatedAt, in order. */
  bases: (string | undefined)[];
  /** Put a layer "on disk" (someone else's, or mine written from outside). */
  putLayer(docId: string, layer: Layer): void;
}

/** The formats a small Gloss offers, as listFormats answers them. */
export const FAKE_FORMATS: FormatChoices = {
  import: [
    { name: 'txt', kind: 'document' },
    { name: 'md', kind: 'document' },
    { name: 'jsonl', kind: 'annotations' },
    { name: 'brat', kind: 'annotations' },
  ],
  export: [
    { name: 'gloss', layers: 'all' },
    { name: 'jsonl', layers: 'one' },
    { name: 'conll', layers: 'one' },
    { name: 'csv', layers: 'all' },
  ],
};

/** A document made like `gloss import` makes one from plain text. */
export function plainDocument(id: string, text: string): Promise<GlossDocument> {
  return buildDocument({
    id,
    title: id,
    text,
    blocks: plainTextToBlocks(text),
    meta: { source: `${id}.txt`, format: 'txt' },
    importedAt: FIXED_NOW,
  });
}

export function createFakeApi(documents: GlossDocument[], schema: Schema = DEFAULT_SCHEMA): FakeApi {
  const waiting: (() => void)[] = [];
  const api: FakeApi = {
    layers: new Map(),
    documents,
    calls: [],
    refuseWith: null,
    hold: false,
    annotator: 'me',
    problems: [],
    readOnly: false,
    jobCalls: [],
    jobAnswers: [],
    startAnswer: null,
    pollAnswers: [],
    polledWith: [],
    agreement: null,
    agreementCalls: [],
    curationCalls: [],
    bases: [],
    release() {
      const all = waiting.splice(0);
      for (const go of all) go();
    },
    async getWorkspace(): Promise<Result<WorkspaceInfo>> {
      return ok({ path: '/ws', name: 'Test workspace', schema, annotator: api.annotator, readOnly: api.readOnly, problems: api.problems });
    },
    async listDocuments(): Promise<Result<DocumentSummary[]>> {
      return ok(
        api.documents.map((d) => {
          const layer = api.layers.get(key(d.id));
          return {
            id: d.id,
            title: d.title,
            length: new CodePointIndex(d.text).length,
            myStatus: layer?.status ?? 'todo',
            mySpanCount: layer?.spans.length ?? 0,
            layers: [...api.layers.entries()]
              .filter(([k]) => k.startsWith(`${d.id}/`))
              .map(([, l]) => ({ annotator: l.annotator, status: l.status, spanCount: l.spans.length })),
          };
        }),
      );
    },
    async openDocument(docId: string): Promise<Result<OpenedDocument>> {
      const document = api.documents.find((d) => d.id === docId);
      if (!document) return fail('not-found', `no document "${docId}"`);
      const mine = structuredClone(api.layers.get(key(docId)) ?? emptyLayer(document, api.annotator, FIXED_NOW));
      const others = [...api.layers.entries()]
        .filter(([k, l]) => k.startsWith(`${docId}/`) && l.annotator !== api.annotator)
        .map(([, l]) => structuredClone(l))
        .sort((a, b) => (a.annotator < b.annotator ? -1 : 1));
      return ok({ document, mine, others, problems: [] });
    },
    async applyChanges(docId: string, changes: LayerChange[], baseUpdatedAt?: string): Promise<Result<ChangeResult>> {
      api.calls.push({ docId, changes: structuredClone(changes) });
      api.bases.push(baseUpdatedAt);
      const onDisk = api.layers.get(key(docId));
      if (baseUpdatedAt !== undefined && onDisk && onDisk.updatedAt !== baseUpdatedAt) {
        return fail('conflict', `annotations/${docId}/${api.annotator}.json changed on disk since it was opened`);
      }
      if (api.hold) await new Promise<void>((resolve) => waiting.push(resolve));
      if (api.refuseWith) return fail('invalid-input', api.refuseWith);
      const document = api.documents.find((d) => d.id === docId);
      if (!document) return fail('not-found', `no document "${docId}"`);
      const layer = api.layers.get(key(docId)) ?? emptyLayer(document, api.annotator, FIXED_NOW);
      const next = applyLayerChanges(layer, new CodePointIndex(document.text), schema, changes, FIXED_NOW);
      if (!next.ok) return next;
      api.layers.set(key(docId), next.value);
      // As the workspace answers: only the spans the batch touched, and the ids it removed.
      const touched = new Set(changes.flatMap((c) => (c.op === 'add' ? [c.span.id] : c.op === 'update' || c.op === 'remove' ? [c.spanId] : [])));
      const changed = next.value.spans.filter((s) => touched.has(s.id));
      const removed = [...touched].filter((id) => !changed.some((s) => s.id === id));
      return ok({
        changed: structuredClone(changed),
        removed,
        spanCount: next.value.spans.length,
        status: next.value.status,
        updatedAt: next.value.updatedAt,
        comments: structuredClone(next.value.comments),
      });
    },
    async getSettings() {
      return ok({ annotator: api.annotator });
    },
    async setAnnotator(name: string) {
      api.annotator = name;
      return ok({ annotator: name });
    },
    async listFormats() {
      return ok(FAKE_FORMATS);
    },
    async startImport(files: ImportFile[], options: ImportJobOptions) {
      api.jobCalls.push({ method: 'startImport', files, options });
      return api.startAnswer ?? ok('job-1');
    },
    async startExport(options: ExportJobOptions) {
      api.jobCalls.push({ method: 'startExport', options });
      return api.startAnswer ?? ok('job-1');
    },
    async getJob(jobId: string) {
      const answer = api.jobAnswers.length > 1 ? api.jobAnswers.shift() : api.jobAnswers[0];
      return answer ?? fail('not-found', `no job "${jobId}"`);
    },
    async applyCuration(docId: string, annotators: string[], changes: CurationChange[]): Promise<Result<Layer>> {
      api.curationCalls.push({ docId, annotators: [...annotators], changes: structuredClone(changes) });
      const document = api.documents.find((d) => d.id === docId);
      if (!document) return fail('not-found', `no document "${docId}"`);
      const layers = annotators.map((a) => api.layers.get(`${docId}/${a}`) ?? emptyLayer(document, a, FIXED_NOW));
      const curation = api.layers.get(`${docId}/${CURATION_ANNOTATOR}`) ?? emptyLayer(document, CURATION_ANNOTATOR, FIXED_NOW);
      const next = applyCurationChanges(curation, new CodePointIndex(document.text), schema, changes, {
        layers,
        who: api.annotator,
        now: FIXED_NOW,
        newId: () => `cur-${++curationIds}`,
      });
      if (next.ok) api.layers.set(`${docId}/${CURATION_ANNOTATOR}`, next.value);
      return next;
    },
    async getAgreement(annotators?: string[]): Promise<Result<AgreementResult>> {
      api.agreementCalls.push(annotators);
      return api.agreement ?? fail('not-found', 'agreement is not computed by the fake API');
    },
    async pollChanges(cursor: number): Promise<Result<ChangesSince>> {
      api.polledWith.push(cursor);
      return api.pollAnswers.shift() ?? ok({ cursor, changes: [] });
    },
    putLayer(docId: string, layer: Layer): void {
      api.layers.set(`${docId}/${layer.annotator}`, structuredClone(layer));
    },
  };
  let curationIds = 0;
  // Layers are kept per document and annotator, like annotations/<doc>/<annotator>.json.
  const key = (docId: string) => `${docId}/${api.annotator}`;
  return api;
}

/** The layer "on disk" of a document for the current annotator. */
export function storedLayer(api: FakeApi, docId: string): Layer | undefined {
  return api.layers.get(`${docId}/${api.annotator}`);
}

/** A layer as the workspace stores it: spans given as [label, start, end], quotes filled from the text. */
export function makeLayer(document: GlossDocument, annotator: string, marks: readonly [string, number, number][], schema: Schema = DEFAULT_SCHEMA): Layer {
  const changes: LayerChange[] = marks.map(([label, start, end], i) => ({ op: 'add', span: { id: `${annotator}-${i + 1}`, label, start, end } }));
  const made = applyLayerChanges(emptyLayer(document, annotator, FIXED_NOW), new CodePointIndex(document.text), schema, changes, FIXED_NOW);
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}
