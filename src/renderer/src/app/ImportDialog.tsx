// Import…: the files picked or dropped, how to read them (format, whose layer, replace, strict),
// then the job's progress and its outcome. The import is all or nothing, and the dialog says so.

import { useEffect, useState } from 'react';
import type { FormatChoices, GlossApi, JobStatus } from '../../../core/api';
import { plural } from '../../../core/plural';
import { JobProgress, JobResult, isBusy } from './JobPanel';
import type { JobStage } from './JobPanel';
import { Modal } from './Modal';
import { IMPORT_FORMAT_LABELS, formatSize, runJob, toImportFiles, uploadProblem } from './transfer';

export interface ImportDialogProps {
  api: GlossApi;
  files: readonly File[];
  /** Who I am: the default layer for annotations that name no annotator. */
  me: string;
  formats: FormatChoices['import'];
  /** Pick other files (opens the file picker again). */
  onChooseFiles(): void;
  /** The import finished and wrote its files. */
  onImported(status: JobStatus): void;
  onBusyChange(busy: boolean): void;
  onClose(): void;
}

function failedLocally(message: string): JobStage {
  return { step: 'job', status: { id: '', kind: 'import', state: 'failed', done: 0, total: 0, phase: 'failed', error: { message } } };
}

export function ImportDialog({ api, files, me, formats, onChooseFiles, onImported, onBusyChange, onClose }: ImportDialogProps) {
  const [format, setFormat] = useState('auto');
  const [annotator, setAnnotator] = useState(me);
  const [replace, setReplace] = useState(false);
  const [strict, setStrict] = useState(false);
  const [stage, setStage] = useState<JobStage>({ step: 'idle' });
  const busy = isBusy(stage);
  const finished = stage.step === 'job' && !busy ? stage.status : null;

  useEffect(() => onBusyChange(busy), [busy, onBusyChange]);

  const start = async (): Promise<void> => {
    const tooBig = uploadProblem(files);
    if (tooBig) {
      setStage(failedLocally(tooBig));
      return;
    }
    setStage({ step: 'preparing', label: 'Reading files' });
    let payload;
    try {
      payload = await toImportFiles(files);
    } catch (error) {
      setStage(failedLocally(error instanceof Error ? error.message : String(error)));
      return;
    }
    setStage({ step: 'preparing', label: 'Sending files' });
    const name = annotator.trim();
    const options = { format, ...(name && name !== me ? { annotator: name } : {}), ...(replace ? { replace } : {}), ...(strict ? { strict } : {}) };
    const final = await runJob('import', api, () => api.startImport(payload, options), {
      onUpdate: (status) => setStage({ step: 'job', status }),
    });
    if (final.state === 'done') onImported(final);
  };

  const documents = formats.filter((f) => f.kind === 'document');
  const annotations = formats.filter((f) => f.kind === 'annotations');
  const closing = busy ? null : onClose;

  return (
    <Modal
      title={`Import ${plural(files.length, 'file')}`}
      testId="import-dialog"
      onClose={closing}
      footer={
        finished ? (
          <>
            {finished.state === 'failed' && (
              <button type="button" className="gl-button" onClick={() => setStage({ step: 'idle' })}>
                Back
              </button>
            )}
            <button type="button" className="gl-button gl-button-primary" data-testid="import-close" onClick={onClose}>
              Close
            </button>
          </>
        ) : (
          <>
            <button type="button" className="gl-button" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="gl-button gl-button-primary" data-testid="import-start" onClick={() => void start()} disabled={busy || files.length === 0}>
              {busy ? 'Importing…' : 'Import'}
            </button>
          </>
        )
      }
    >
      {finished?.state === 'done' ? null : (
        <fieldset className="gl-modal-form" disabled={busy}>
          <div className="gl-field">
            <div className="gl-files-head">
              <span className="gl-field-label">Files</span>
              <button type="button" className="gl-button gl-button-quiet" onClick={onChooseFiles}>
                Choose other files…
              </button>
            </div>
            <ul className="gl-file-list" data-testid="import-files">
              {files.map((file, i) => (
                <li key={`${file.name}:${i}`}>
                  <span className="gl-file-name">{file.name}</span>
                  <span className="gl-file-size">{formatSize(file.size)}</span>
                </li>
              ))}
            </ul>
          </div>
          <label className="gl-field">
            <span className="gl-field-label">Format</span>
            <select className="gl-select" data-testid="import-format" value={format} onChange={(e) => setFormat(e.target.value)}>
              <option value="auto">Automatic (by file name and content)</option>
              {documents.length > 0 && (
                <optgroup label="Documents">
                  {documents.map((f) => (
                    <option key={f.name} value={f.name}>
                      {IMPORT_FORMAT_LABELS[f.name] ?? f.name}
                    </option>
                  ))}
                </optgroup>
              )}
              {annotations.length > 0 && (
                <optgroup label="Annotations">
                  {annotations.map((f) => (
                    <option key={f.name} value={f.name}>
                      {IMPORT_FORMAT_LABELS[f.name] ?? f.name}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          </label>
          <label className="gl-field">
            <span className="gl-field-label">Annotator</span>
            <input
              className="gl-input"
              data-testid="import-annotator"
              value={annotator}
              spellCheck={false}
              onChange={(e) => setAnnotator(e.target.value)}
            />
            <span className="gl-field-hint">Spans from files that name no annotator go to this layer.</span>
          </label>
          <label className="gl-check">
            <input type="checkbox" data-testid="import-replace" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
            <span>Replace the layer instead of adding to it</span>
          </label>
          <label className="gl-check">
            <input type="checkbox" data-testid="import-strict" checked={strict} onChange={(e) => setStrict(e.target.checked)} />
            <span>Strict: refuse labels the schema does not have</span>
          </label>
          <p className="gl-field-hint gl-all-or-nothing">All or nothing: if one file cannot be read, nothing is imported.</p>
        </fieldset>
      )}
      <JobProgress stage={stage} />
      {finished && <JobResult status={finished} failureNote="Nothing was imported; the workspace is unchanged." />}
    </Modal>
  );
}
