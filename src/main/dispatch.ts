// Calls a GlossApi method with arguments that arrived from outside the main process (IPC or HTTP):
// checks the method name and the argument shapes with zod first, and never throws to the caller.
// No Electron here, so `gloss serve` (plain Node) and the Electron IPC share it.

import { z } from 'zod';
import { EXPORT_FORMAT_NAMES, GLOSS_API_METHODS, IMPORT_UPLOAD_LIMITS, base64Length, fail } from '../core/api';
import type { GlossApi, GlossApiMethod, Result } from '../core/api';
import { LAYER_STATUSES } from '../core/model';
import type { LayerStatus } from '../core/model';

// Generous bounds: they stop a hostile renderer from making main allocate without limit,
// not an analyst from annotating a long report.
const MAX_ID = 200;
const MAX_TEXT = 100_000;
const MAX_OFFSET = 2 ** 31 - 1;
const MAX_CHANGES = 10_000;

const id = z.string().min(1).max(MAX_ID);
const offset = z.number().int().min(0).max(MAX_OFFSET);
const attributeValue = z.union([z.string().max(MAX_TEXT), z.number().finite(), z.boolean()]);
const attributes = z
  .record(z.string().min(1).max(MAX_ID), attributeValue)
  .refine((r) => Object.keys(r).length <= 200, 'too many attributes');
const layerStatus = z.custom<LayerStatus>(
  (v) => typeof v === 'string' && (LAYER_STATUSES as readonly string[]).includes(v),
  { message: `status must be one of ${LAYER_STATUSES.join(', ')}` },
);
const fragment = z.strictObject({ start: offset, end: offset });

const spanInput = z.strictObject({
  id,
  label: id,
  start: offset,
  end: offset,
  attributes: attributes.optional(),
  note: z.string().max(MAX_TEXT).optional(),
  fragments: z.array(fragment).max(1_000).optional(),
});

const spanPatch = z.strictObject({
  label: id.optional(),
  attributes: attributes.optional(),
  note: z.string().max(MAX_TEXT).optional(),
});

const commentTarget = z.strictObject({ annotator: id, spanId: id });

const layerChange = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), span: spanInput }),
  z.strictObject({ op: z.literal('remove'), spanId: id }),
  z.strictObject({ op: z.literal('update'), spanId: id, patch: spanPatch }),
  z.strictObject({ op: z.literal('status'), status: layerStatus }),
  z.strictObject({
    op: z.literal('comment-add'),
    comment: z.strictObject({ id, target: commentTarget.nullable(), text: z.string().min(1).max(MAX_TEXT) }),
  }),
  z.strictObject({ op: z.literal('comment-update'), id, text: z.string().min(1).max(MAX_TEXT).optional(), resolved: z.boolean().optional() }),
  z.strictObject({ op: z.literal('comment-remove'), id }),
]);

const curatedSpan = z.strictObject({
  label: id,
  start: offset,
  end: offset,
  attributes: attributes.optional(),
  note: z.string().max(MAX_TEXT).optional(),
  fragments: z.array(fragment).max(1_000).optional(),
});

const curationChange = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('accept'), itemKey: id, annotator: id, spanId: id }),
  z.strictObject({ op: z.literal('edit'), itemKey: id, annotator: id, spanId: id, span: curatedSpan }),
  z.strictObject({ op: z.literal('add'), itemKey: id.nullable(), span: curatedSpan }),
  z.strictObject({ op: z.literal('reject'), itemKey: id }),
  z.strictObject({ op: z.literal('accept-all-agreed') }),
  z.strictObject({ op: z.literal('undo'), decisionId: id }),
  z.strictObject({ op: z.literal('status'), status: layerStatus }),
]);

/** Annotator names as arguments (the API checks they are valid names). */
const MAX_ANNOTATORS = 100;

// Uploads: each file within the per-file limit, all of them within the per-import one (base64
// text is 4/3 of the bytes, plus at most one padded group per file).
const importFile = z.strictObject({
  name: z.string().min(1).max(255),
  dataBase64: z.string().max(base64Length(IMPORT_UPLOAD_LIMITS.fileBytes)),
});
const importFiles = z
  .array(importFile)
  .min(1)
  .max(IMPORT_UPLOAD_LIMITS.files)
  .refine(
    (files) => files.reduce((n, f) => n + f.dataBase64.length, 0) <= base64Length(IMPORT_UPLOAD_LIMITS.totalBytes) + 4 * files.length,
    `more than ${IMPORT_UPLOAD_LIMITS.totalBytes / (1024 * 1024)} MB in all`,
  );
const importOptions = z.strictObject({
  format: z.string().min(1).max(40),
  annotator: id.optional(),
  replace: z.boolean().optional(),
  strict: z.boolean().optional(),
});
const exportOptions = z.strictObject({
  format: z.enum(EXPORT_FORMAT_NAMES),
  annotator: id.optional(),
  curated: z.boolean().optional(),
  prefer: z.enum(['inner', 'outer']).optional(),
});

type ArgsSchemas = { [M in GlossApiMethod]: z.ZodType<Parameters<GlossApi[M]>> };

/** The argument list each GlossApi method accepts from outside, exactly (no extra arguments). */
export const API_ARGS: ArgsSchemas = {
  getWorkspace: z.tuple([]),
  listDocuments: z.tuple([]),
  openDocument: z.tuple([id]),
  applyChanges: z.tuple([id, z.array(layerChange).max(MAX_CHANGES), id.optional()]),
  getSettings: z.tuple([]),
  setAnnotator: z.tuple([z.string().min(1).max(MAX_ID)]),
  listFormats: z.tuple([]),
  startImport: z.tuple([importFiles, importOptions]),
  startExport: z.tuple([exportOptions]),
  getJob: z.tuple([id]),
  applyCuration: z.tuple([id, z.array(id).min(1).max(MAX_ANNOTATORS), z.array(curationChange).max(MAX_CHANGES)]),
  getAgreement: z.tuple([z.array(id).max(MAX_ANNOTATORS).optional()]),
  pollChanges: z.tuple([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]),
};

const METHODS: ReadonlySet<string> = new Set(GLOSS_API_METHODS);

/** True when `name` is one of the GlossApi methods (and not, say, "constructor"). */
export function isApiMethod(name: string): name is GlossApiMethod {
  return METHODS.has(name);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      // Path [1, 0, 'span', 'start'] reads as "argument 2 [0].span.start".
      const [argIndex, ...rest] = issue.path;
      const where =
        typeof argIndex === 'number'
          ? `argument ${argIndex + 1}${rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`
          : 'arguments';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

function invoke<M extends GlossApiMethod>(api: GlossApi, method: M, args: Parameters<GlossApi[M]>): ReturnType<GlossApi[M]> {
  // TypeScript cannot correlate a generic method name with its parameter list; API_ARGS does.
  const fn = api[method] as (...a: Parameters<GlossApi[M]>) => ReturnType<GlossApi[M]>;
  return fn.apply(api, args);
}

/**
 * Validates `args` for `method` and calls it on `api`. Answers a Result whatever happens:
 * invalid-input for unknown methods or bad arguments, internal when the API itself throws.
 */
export async function dispatchApiCall(api: GlossApi, method: string, args: unknown): Promise<Result<unknown>> {
  if (!isApiMethod(method)) return fail('invalid-input', `Unknown method "${method}"`);
  const parsed = API_ARGS[method].safeParse(args);
  if (!parsed.success) return fail('invalid-input', `${method}: ${describeIssues(parsed.error)}`);
  try {
    return await invoke(api, method, parsed.data);
  } catch (error) {
    // createGlossApi promises not to throw; if it does anyway, the caller still gets data.
    const message = error instanceof Error ? error.message : String(error);
    return fail('internal', `${method} failed: ${message}`);
  }
}
