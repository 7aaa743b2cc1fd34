// The app's Import… and Export… as jobs over one open workspace, shared by the API (renderer
// dialogs, files uploaded as base64) and the Electron menu (files picked by path). Imports stay
// all or nothing (the importer checks everything before writing) and never run beside an edit.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { IMPORT_UPLOAD_LIMITS, fail, ok } from '../core/api';
import type { ExportFormatName, FormatChoices, ImportFile, JobFile, JobStatus, Result } from '../core/api';
import { slugify } from '../core/document';
import { plural } from '../core/plural';
import { CURATION_ANNOTATOR } from '../core/model';
import { JobRegistry } from './jobs';
import type { JobOutcome } from './jobs';
import type { Downloads } from './downloads';
import type { WorkerThreads } from './workspace/worker-threads';
import { ALL_EXPORT_FORMATS, MULTI_LAYER_FORMATS, exportWorkspace, exportWorkspaceFolder, streamWorkspaceExport } from './workspace/exporter';
import type { ExportFormat, FolderExportFormat, StreamedExport } from './workspace/exporter';
import { IMPORT_FORMATS, importFiles, isDocumentFormat } from './workspace/importer';
import type { ImportFormat, ImportReport, ProgressStep } from './workspace/importer';
import type { Workspace } from './workspace/workspace';

// The API's list of export formats is the exporter's: a format added to one and not the other fails here.
type ExporterFormat = ExportFormat | FolderExportFormat;
const _sameExportFormats: [Exclude<ExportFormatName, ExporterFormat>, Exclude<ExporterFormat, ExportFormatName>] extends [never, never]
  ? true
  : false = true;

/** What to import: files on disk (the Electron menu) or files sent by the renderer. */
export type ImportInput = { kind: 'paths'; paths: string[] } | { kind: 'upload'; files: ImportFile[] };

export interface TransferImportOptions {
  format: ImportFormat | 'auto';
  /** Whose layer receives annotations that name no annotator. */
  annotator: string;
  replace?: boolean;
  strict?: boolean;
}

export interface TransferExportOptions {
  format: ExportFormatName;
  /** Whose layer; absent: every layer (only the formats that hold several). */
  annotator?: string;
  prefer?: 'inner' | 'outer';
  /** brat: one .zip holding the folder (default), or the folder's files as they are. */
  bundle?: boolean;
}

export interface TransfersOptions {
  workspace: Workspace;
  now?: () => Date;
  /** Job ids. */
  newId?: () => string;
  /** Ids of spans the importer creates. */
  newSpanId?: () => string;
  /** Where uploaded files wait while they are imported (default: the OS temp folder). */
  tempDir?: string;
  /** Finished jobs kept for fetching. */
  keepJobs?: number;
  /** Upload limits (tests make them small). */
  limits?: Partial<UploadLimits>;
  /**
   * Where exported files are kept (JobFile `href`): browser mode downloads them from the server,
   * Electron copies them where the save dialog says (ADR 0017, 0019). Absent, they travel inline
   * in the job's result (both app modes give a store).
   */
  downloads?: Downloads;
  /**
   * Worker threads a big export into `downloads` may start (docs/adr/0018): `gloss serve` runs
   * from the built CLI, which they load. Without (Electron, inline exports) an export takes one thread.
   */
  workerThreads?: WorkerThreads;
}

export interface UploadLimits {
  fileBytes: number;
  totalBytes: number;
  files: number;
}

/** How many unrepresented CoNLL spans are listed one by one. */
const LISTED_SPANS = 20;

const FORMAT_TITLES: Record<ExportFormatName, string> = {
  gloss: 'Gloss dataset',
  jsonl: 'JSONL',
  doccano: 'doccano JSONL',
  brat: 'brat',
  conll: 'CoNLL',
  w3c: 'W3C Web Annotation',
  csv: 'CSV',
};

const FILE_SUFFIX: Record<ExportFormat, { extension: string; mediaType: string }> = {
  gloss: { extension: '.gloss.json', mediaType: 'application/json' },
  jsonl: { extension: '.jsonl', mediaType: 'application/x-ndjson' },
  doccano: { extension: '.doccano.jsonl', mediaType: 'application/x-ndjson' },
  conll: { extension: '.conll', mediaType: 'text/plain; charset=utf-8' },
  w3c: { extension: '.jsonld', mediaType: 'application/ld+json' },
  csv: { extension: '.csv', mediaType: 'text/csv; charset=utf-8' },
};

/** The formats Import… and Export… offer: the importer's and the exporter's tables. */
export function formatChoices(): FormatChoices {
  return {
    import: IMPORT_FORMATS.map((name) => ({ name, kind: isDocumentFormat(name) ? ('document' as const) : ('annotations' as const) })),
    export: ALL_EXPORT_FORMATS.map((name) => ({ name, layers: MULTI_LAYER_FORMATS.includes(name) ? ('all' as const) : ('one' as const) })),
  };
}

/** Whether a string names an import format (or "auto"). */
export function isImportFormat(format: string): format is ImportFormat | 'auto' {
  return format === 'auto' || (IMPORT_FORMATS as readonly string[]).includes(format);
}

/** Whether an export format holds one layer per document (so it needs an annotator). */
export function isOneLayerFormat(format: ExportFormatName): boolean {
  return !MULTI_LAYER_FORMATS.includes(format);
}

/** Why `name` is not a plain file name (no folders, no control characters), or null when it is. */
export function fileNameProblem(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return `"${name}" is not a file name`;
  if (/[/\\]/u.test(name)) return `"${name}" names a folder; send the file's own name`;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/u.test(name)) return `the file name ${JSON.stringify(name)} holds control characters`;
  if (Buffer.byteLength(name, 'utf8') > 255) return `the file name "${name.slice(0, 40)}…" is too long`;
  return null;
}

/** The number of bytes a strict base64 text decodes to, or null when it is not strict base64. */
export function base64ByteLength(text: string): number | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/u.test(text)) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Imports and exports of one workspace as jobs. Edits (`edit`) and imports exclude each other:
 * an import plans from the layers as they are and then writes them, so an edit in between would
 * be lost; edits wait while an import runs, and an import starts after the edits in flight.
 */
export class Transfers {
  readonly jobs: JobRegistry;
  private readonly ws: Workspace;
  private readonly now: () => Date;
  private readonly limits: UploadLimits;
  private readonly downloads: Downloads | undefined;
  private importing: Promise<void> | null = null;
  private readonly edits = new Set<Promise<unknown>>();

  constructor(private readonly options: TransfersOptions) {
    this.ws = options.workspace;
    this.now = options.now ?? (() => new Date());
    this.limits = { ...IMPORT_UPLOAD_LIMITS, ...options.limits };
    this.downloads = options.downloads;
    this.jobs = new JobRegistry({ newId: options.newId ?? (() => crypto.randomUUID()), ...(options.keepJobs ? { keep: options.keepJobs } : {}) });
  }

  /** Runs an edit of a layer, after any running import, and keeps imports waiting until it is done. */
  async edit<T>(task: () => Promise<T>): Promise<T> {
    while (this.importing) await this.importing;
    const running = task();
    this.edits.add(running);
    try {
      return await running;
    } finally {
      this.edits.delete(running);
    }
  }

  /** Starts an import job; refused at once when the input cannot be taken (names, sizes, read-only). */
  startImport(input: ImportInput, options: TransferImportOptions): Result<string> {
    if (this.ws.readOnly) return fail('read-only', `workspace ${this.ws.dir} is open read-only: nothing can be imported`);
    if (this.importing) return fail('conflict', 'an import is already running; wait for it to finish');
    if (input.kind === 'upload') {
      const checked = checkUpload(input.files, this.limits);
      if (!checked.ok) return checked;
    }
    let release = (): void => undefined;
    const importing = new Promise<void>((resolve) => (release = resolve));
    const done = (): void => {
      this.importing = null;
      release();
    };
    this.importing = importing;
    try {
      return ok(
        this.jobs.start('import', async (progress) => {
          try {
            // Edits that started before the import are written before it reads the layers.
            await Promise.allSettled([...this.edits]);
            return await this.runImport(input, options, progress);
          } finally {
            done();
          }
        }),
      );
    } catch (error) {
      // No job, so nothing may keep edits waiting.
      done();
      throw error;
    }
  }

  /** Starts an export job. */
  startExport(options: TransferExportOptions): Result<string> {
    if (options.annotator === undefined && isOneLayerFormat(options.format)) {
      return fail('invalid-input', `${options.format} holds one layer per document: say whose`);
    }
    return ok(this.jobs.start('export', (progress) => this.runExport(options, progress)));
  }

  /** A job's state now. */
  status(id: string): Result<JobStatus> {
    const status = this.jobs.status(id);
    return status ? ok(status) : fail('not-found', `no job "${id}" (finished jobs are forgotten after a while)`);
  }

  /** Resolves with a job's final state (the Electron menu waits on it). */
  async finished(id: string, onProgress?: (status: JobStatus) => void, everyMs = 200): Promise<JobStatus> {
    const done = this.jobs.finished(id);
    if (!done) throw new Error(`no job "${id}"`);
    if (!onProgress) return done;
    const timer = setInterval(() => {
      const now = this.jobs.status(id);
      if (now) onProgress(now);
    }, everyMs);
    try {
      return await done;
    } finally {
      clearInterval(timer);
    }
  }

  private async runImport(input: ImportInput, options: TransferImportOptions, progress: (step: ProgressStep) => void): Promise<JobOutcome> {
    let folder: string | null = null;
    try {
      let paths: string[];
      if (input.kind === 'upload') {
        folder = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'gloss-import-'));
        paths = [];
        for (const [i, file] of input.files.entries()) {
          progress({ label: 'receiving files', done: i, total: input.files.length });
          const path = join(folder, file.name);
          await writeFile(path, Buffer.from(file.dataBase64, 'base64'), { mode: 0o600, flag: 'wx' });
          paths.push(path);
        }
      } else {
        paths = input.paths;
      }
      // Another process (`gloss import`) may have added documents since the workspace was read.
      const reloaded = await this.ws.reload();
      if (!reloaded.ok) return { ok: false, error: { message: reloaded.error.message } };
      // The names the user knows: uploaded files by their own name, not the temp folder's path.
      const shown = (text: string): string => (folder ? text.split(folder + sep).join('') : text);
      const result = await importFiles(this.ws, paths, {
        format: options.format,
        annotator: options.annotator,
        replace: options.replace ?? false,
        strict: options.strict ?? false,
        limits: { fileBytes: this.limits.fileBytes, totalBytes: this.limits.totalBytes },
        onProgress: progress,
        now: this.now,
        ...(this.options.newSpanId ? { newId: this.options.newSpanId } : {}),
      });
      if (!result.ok) {
        const { file, line, message } = result.error;
        return { ok: false, error: { file: shown(file), ...(line !== undefined ? { line } : {}), message: shown(message) } };
      }
      const { summary, notices } = importSummary(result.report, shown);
      return { ok: true, result: { summary, notices, createdDocuments: result.report.createdDocuments } };
    } finally {
      if (folder) await rm(folder, { recursive: true, force: true });
    }
  }

  private async runExport(options: TransferExportOptions, progress: (step: ProgressStep) => void): Promise<JobOutcome> {
    const reloaded = await this.ws.reload();
    if (!reloaded.ok) return { ok: false, error: { message: reloaded.error.message } };
    // A read-only pass over the files, as `gloss export` makes (ADR 0014): read ahead in a worker,
    // one document at a time, journals replayed, nothing cached or hashed in the open workspace.
    const opened = await this.ws.openReader();
    if (!opened.ok) return { ok: false, error: { message: opened.error.message } };
    const reader = opened.value;
    const exportedAt = this.now().toISOString();
    const common = { ...(options.annotator !== undefined ? { annotator: options.annotator } : {}), exportedAt, onProgress: progress };
    const whose =
      options.annotator === CURATION_ANNOTATOR ? ' of the curation layer' : options.annotator !== undefined ? ` of ${options.annotator}` : '';
    const base = slugify(this.ws.name) + (options.annotator !== undefined ? `-${options.annotator}` : '');
    const title = FORMAT_TITLES[options.format];
    // The files of this export are kept and forgotten together.
    const group = crypto.randomUUID();

    if (options.format === 'brat') {
      const output = await exportWorkspaceFolder(reader, { ...common, format: 'brat' });
      const notices = [...output.warnings, ...output.notices];
      const headline = `Exported ${plural(output.documents, 'document')}, ${plural(output.spans, 'span')}${whose} as ${title}`;
      if (options.bundle === false) {
        const files: JobFile[] = [];
        for (const f of output.files) files.push(await this.jobFile(f.name, 'text/plain; charset=utf-8', f.text, group));
        return { ok: true, result: { summary: [headline, `${plural(files.length, 'file')}: <document>.txt + <document>.ann`], notices, files } };
      }
      progress({ label: 'packing files', done: 0, total: 1 });
      const folder = `${base}-brat`;
      // Loaded only for a zipped brat export: other commands start without it.
      const { default: JSZip } = await import('jszip');
      const zip = new JSZip();
      // A fixed date keeps the archive's bytes the same for the same workspace and clock.
      const date = new Date(exportedAt);
      for (const f of output.files) zip.file(`${folder}/${f.name}`, f.text, { date, createFolders: false });
      const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', platform: 'UNIX' });
      progress({ label: 'packing files', done: 1, total: 1 });
      const name = `${folder}.zip`;
      return {
        ok: true,
        result: {
          summary: [headline, `${name}: a folder of ${plural(output.files.length, 'file')} (<document>.txt + <document>.ann)`],
          notices,
          files: [await this.jobFile(name, 'application/zip', bytes, group)],
        },
      };
    }

    const suffix = FILE_SUFFIX[options.format];
    const name = `${base}${suffix.extension}`;
    const exportOptions = { ...common, format: options.format, ...(options.prefer ? { prefer: options.prefer } : {}) };
    let output: StreamedExport;
    let file: JobFile;
    const downloads = this.downloads;
    if (downloads) {
      // The pieces go straight into the file that is kept.
      let streamed: StreamedExport | null = null;
      file = await downloads.add(
        name,
        suffix.mediaType,
        async (write) => {
          streamed = await streamWorkspaceExport(reader, exportOptions, write, this.options.workerThreads);
        },
        group,
      );
      output = streamed!;
    } else {
      const whole = await exportWorkspace(reader, exportOptions);
      output = whole;
      file = { name, mediaType: suffix.mediaType, text: whole.text };
    }
    const notices = [...output.warnings, ...output.notices];
    if (output.unrepresented) {
      const spans = output.unrepresented;
      const prefer = options.prefer ?? 'outer';
      if (spans.length > 0) {
        notices.push(
          `${plural(spans.length, 'span')} could not be written exactly in CoNLL (of overlapping spans the ${prefer === 'inner' ? 'innermost' : 'outermost'} wins)`,
          ...spans.slice(0, LISTED_SPANS).map((s) => `${s.document}: span ${s.spanId} (${s.label} [${s.start}, ${s.end}) of ${s.annotator}): ${s.reason}`),
          ...(spans.length > LISTED_SPANS ? [`… and ${spans.length - LISTED_SPANS} more`] : []),
        );
      }
    }
    return {
      ok: true,
      result: {
        summary: [`Exported ${plural(output.documents, 'document')}, ${plural(output.spans, 'span')}${whose} as ${title}`],
        notices,
        files: [file],
      },
    };
  }

  /** A finished file as the job hands it over: kept in the store when there is one, else inline. */
  private async jobFile(name: string, mediaType: string, content: string | Uint8Array, group: string): Promise<JobFile> {
    if (this.downloads) return this.downloads.add(name, mediaType, async (write) => write(content), group);
    return typeof content === 'string' ? { name, mediaType, text: content } : { name, mediaType, contentBase64: Buffer.from(content).toString('base64') };
  }
}

/** Checks uploaded files before a job starts: plain distinct names, strict base64, sizes within the limits. */
function checkUpload(files: readonly ImportFile[], limits: UploadLimits): Result<void> {
  if (files.length === 0) return fail('invalid-input', 'no files to import');
  if (files.length > limits.files) {
    return fail('invalid-input', `${files.length} files at once is more than ${limits.files}; import them in batches`);
  }
  const names = new Set<string>();
  let total = 0;
  for (const file of files) {
    const problem = fileNameProblem(file.name);
    if (problem) return fail('invalid-input', problem);
    // Names are compared as the file system may: "A.txt" and "a.txt" can be one file.
    const key = file.name.toLowerCase();
    if (names.has(key)) return fail('invalid-input', `two files are named "${file.name}"; import them separately`);
    names.add(key);
    const bytes = base64ByteLength(file.dataBase64);
    if (bytes === null) return fail('invalid-input', `${file.name}: its content is not valid base64`);
    if (bytes > limits.fileBytes) {
      return fail('invalid-input', `${file.name} is ${megabytes(bytes)}, over the import limit of ${megabytes(limits.fileBytes)} per file`);
    }
    total += bytes;
  }
  if (total > limits.totalBytes) {
    return fail('invalid-input', `these files are ${megabytes(total)} in all, over the limit of ${megabytes(limits.totalBytes)} per import; import them in smaller batches`);
  }
  return ok(undefined);
}

/** The report of an import as lines to read: the headline first, then one line per file. */
function importSummary(report: ImportReport, shown: (text: string) => string): { summary: string[]; notices: string[] } {
  const created = report.createdDocuments.length;
  const annotated = report.files.filter((f) => !isDocumentFormat(f.format));
  const added = annotated.reduce((n, f) => n + f.spansAdded, 0);
  const skipped = annotated.reduce((n, f) => n + f.spansSkipped, 0);
  let headline = `Imported ${plural(report.files.length, 'file')}: ${plural(created, 'new document')}`;
  if (annotated.length > 0) headline += `, ${plural(added, 'span')} added` + (skipped > 0 ? ` (${skipped} already there)` : '');
  const lines = report.files.map((f) => {
    const spans = isDocumentFormat(f.format) ? '' : `; ${plural(f.spansAdded, 'span')} added, ${f.spansSkipped} already there`;
    return `${shown(f.file)} (${f.format}): ${plural(f.created, 'document')} created, ${f.attached} already in the workspace${spans}`;
  });
  return { summary: [`${headline}.`, ...lines], notices: report.notices.map(shown) };
}
