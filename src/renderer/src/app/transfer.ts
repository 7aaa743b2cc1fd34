// Import… and Export… without React: files read to base64 for startImport, a job followed by
// polling getJob until it finishes, and a finished export's files saved (a download in browser
// mode, Electron's save dialog through the shell).

import { IMPORT_UPLOAD_LIMITS } from '../../../core/api';
import type { ExportFormatName, GlossApi, GlossShell, ImportFile, JobFile, JobKind, JobStatus, Result } from '../../../core/api';

/** How often a running job is asked for its progress. */
export const POLL_MS = 150;

export interface RunJobOptions {
  /** Called with every state seen, the final one included. */
  onUpdate?: (status: JobStatus) => void;
  pollMs?: number;
  /** Waiting between polls (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A failed job made up on this side, for a job that could not be started or followed. */
function failedJob(kind: JobKind, id: string, message: string): JobStatus {
  return { id, kind, state: 'failed', done: 0, total: 0, phase: 'failed', error: { message } };
}

/**
 * Starts a job and follows it to its end. Never throws: a refusal to start, or losing the
 * server on the way, ends as a failed job saying why.
 */
export async function runJob(kind: JobKind, api: GlossApi, start: () => Promise<Result<string>>, options: RunJobOptions = {}): Promise<JobStatus> {
  const sleep = options.sleep ?? wait;
  const started = await start();
  if (!started.ok) {
    const failed = failedJob(kind, '', started.error.message);
    options.onUpdate?.(failed);
    return failed;
  }
  for (;;) {
    const polled = await api.getJob(started.value);
    const status = polled.ok ? polled.value : failedJob(kind, started.value, polled.error.message);
    options.onUpdate?.(status);
    if (status.state !== 'running') return status;
    await sleep(options.pollMs ?? POLL_MS);
  }
}

/** A file's bytes as base64 (the browser encodes; nothing is decoded as text here). */
export function readFileBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      // "data:<type>;base64,<data>"
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Why these files cannot be sent in one import (too large, too many), or null when they can. */
export function uploadProblem(files: readonly { name: string; size: number }[]): string | null {
  if (files.length === 0) return 'No files to import.';
  if (files.length > IMPORT_UPLOAD_LIMITS.files) return `${files.length} files at once is more than ${IMPORT_UPLOAD_LIMITS.files}; import them in batches.`;
  const big = files.find((f) => f.size > IMPORT_UPLOAD_LIMITS.fileBytes);
  if (big) return `${big.name} is ${megabytes(big.size)}, over the import limit of ${megabytes(IMPORT_UPLOAD_LIMITS.fileBytes)} per file.`;
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > IMPORT_UPLOAD_LIMITS.totalBytes) {
    return `These files are ${megabytes(total)} in all, over the limit of ${megabytes(IMPORT_UPLOAD_LIMITS.totalBytes)} per import; import them in smaller batches.`;
  }
  return null;
}

/** The files as startImport takes them; a file that cannot be read is named in the error. */
export async function toImportFiles(files: readonly File[]): Promise<ImportFile[]> {
  const out: ImportFile[] = [];
  for (const file of files) {
    try {
      out.push({ name: file.name, dataBase64: await readFileBase64(file) });
    } catch (error) {
      // A folder dropped as if it were a file, or a file removed since it was picked.
      throw new Error(`${file.name} could not be read (${error instanceof Error ? error.message : String(error)}); is it a folder?`, { cause: error });
    }
  }
  return out;
}

/** A job's inline file as a Blob of its media type. */
export function jobFileBlob(file: Exclude<JobFile, { href: string }>): Blob {
  if ('text' in file) return new Blob([file.text], { type: file.mediaType });
  const binary = atob(file.contentBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: file.mediaType });
}

/**
 * Saves a file the way a browser saves a download (in Electron: its save dialog). A file the
 * server keeps (browser mode) is downloaded from its address: it never passes through the page.
 */
export function downloadFile(file: JobFile, doc: Document = document): void {
  const url = 'href' in file ? file.href : URL.createObjectURL(jobFileBlob(file));
  const link = doc.createElement('a');
  link.href = url;
  link.download = file.name;
  link.hidden = true;
  doc.body.appendChild(link);
  link.click();
  link.remove();
  // The download has its own copy by the time the click returns; the URL is not needed later.
  if (!('href' in file)) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What became of a finished export's file: downloaded (browser mode), saved at a path (Electron), or not saved. */
export type SavedFile = { kind: 'downloaded' } | { kind: 'saved'; path: string } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

/** Hands a finished export's file to the user. */
export type SaveFile = (file: JobFile) => Promise<SavedFile>;

/**
 * How the app hands over an export's files: in Electron, a kept file is saved through the shell
 * (main's save dialog copies it, the bytes never enter the page); otherwise the browser downloads it.
 */
export function fileSaver(shell: Pick<GlossShell, 'saveFile'> | null): SaveFile {
  return async (file) => {
    if (shell && 'href' in file) {
      const saved = await shell.saveFile(file.href);
      if (!saved.ok) return { kind: 'failed', message: saved.error.message };
      return saved.value === null ? { kind: 'cancelled' } : { kind: 'saved', path: saved.value };
    }
    downloadFile(file);
    return { kind: 'downloaded' };
  };
}

/** "1.2 MB", "3 KB", "12 bytes": file sizes as the dialog lists them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return megabytes(bytes);
}

/** Whether a drag carries files (and not, say, text selected in the page). */
export function carriesFiles(transfer: DataTransfer | null | undefined): boolean {
  return !!transfer && [...transfer.types].includes('Files');
}

/** How the import formats read in the dialog; a format without an entry shows its name. */
export const IMPORT_FORMAT_LABELS: Readonly<Record<string, string>> = {
  txt: 'Plain text',
  md: 'Markdown',
  html: 'HTML',
  docx: 'Word (.docx)',
  pdf: 'PDF',
  gloss: 'Gloss dataset',
  jsonl: 'JSONL (Prodigy, spaCy)',
  doccano: 'doccano JSONL',
  brat: 'brat (.ann with its .txt)',
  conll: 'CoNLL (IOB tags)',
  w3c: 'W3C Web Annotation',
};

/** How the export formats read in the dialog: a short name and what the file is. */
export const EXPORT_FORMAT_TEXT: Readonly<Record<ExportFormatName, { label: string; hint: string }>> = {
  gloss: { label: 'Gloss dataset', hint: 'Everything: texts, blocks, spans, relations and notes. Imports back without loss.' },
  jsonl: { label: 'JSONL (Prodigy, spaCy)', hint: 'One document a line with its spans and relations.' },
  doccano: { label: 'doccano JSONL', hint: 'One document a line, labels as [start, end, label].' },
  brat: { label: 'brat', hint: 'A .txt and an .ann file per document, together in one .zip.' },
  conll: { label: 'CoNLL 2003 (IOB2)', hint: 'One token a line with its tag; overlapping spans cannot all be kept.' },
  w3c: { label: 'W3C Web Annotation', hint: 'JSON-LD, one annotation per span with quote and position selectors.' },
  csv: { label: 'CSV', hint: 'One span a row, for spreadsheets.' },
};
