// Export…: which format, whose annotations (mine, every layer, the curation layer or a
// colleague's), for CoNLL which of overlapping spans wins; then the job and saving its files.

import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { ExportFormatName, ExportJobOptions, FormatChoices, GlossApi, JobFile } from '../../../core/api';
import { CURATION_ANNOTATOR } from '../../../core/model';
import { JobProgress, JobResult, isBusy } from './JobPanel';
import type { JobStage } from './JobPanel';
import { Modal } from './Modal';
import { EXPORT_FORMAT_TEXT, fileSaver, runJob } from './transfer';
import type { SaveFile, SavedFile } from './transfer';

export interface ExportDialogProps {
  api: GlossApi;
  me: string;
  /** Colleagues with a layer in the workspace (me and the curation layer left out). */
  colleagues: readonly string[];
  formats: FormatChoices['export'];
  onBusyChange(busy: boolean): void;
  onClose(): void;
  /** Saves a finished export's file (default: a browser download; the app passes the shell's save dialog in Electron). */
  save?: SaveFile;
}

/** Whose annotations: "all" layers, "mine", "curated", or "layer:<name>" for a colleague's. */
type Whose = string;

export function ExportDialog({ api, me, colleagues, formats, onBusyChange, onClose, save: given }: ExportDialogProps) {
  const save = useMemo(() => given ?? fileSaver(null), [given]);
  const [format, setFormat] = useState<ExportFormatName>(formats[0]?.name ?? 'gloss');
  const [chosen, setChosen] = useState<Whose>('all');
  const [prefer, setPrefer] = useState<'outer' | 'inner'>('outer');
  const [stage, setStage] = useState<JobStage>({ step: 'idle' });
  /** What became of each file, by name; absent while it is being saved. */
  const [saved, setSaved] = useState<Readonly<Record<string, SavedFile>>>({});
  const busy = isBusy(stage);
  const finished = stage.step === 'job' && !busy ? stage.status : null;

  useEffect(() => onBusyChange(busy), [busy, onBusyChange]);

  const allLayers = formats.find((f) => f.name === format)?.layers === 'all';
  // A format of one layer per document cannot take every layer: it takes mine instead.
  const whose = chosen === 'all' && !allLayers ? 'mine' : chosen;

  const start = async (): Promise<void> => {
    const options: ExportJobOptions = {
      format,
      ...(whose === 'mine' ? { annotator: me } : whose === 'curated' ? { curated: true } : {}),
      ...(whose.startsWith('layer:') ? { annotator: whose.slice('layer:'.length) } : {}),
      ...(format === 'conll' ? { prefer } : {}),
    };
    setStage({ step: 'preparing', label: 'Starting' });
    const final = await runJob('export', api, () => api.startExport(options), {
      onUpdate: (status) => setStage({ step: 'job', status }),
    });
    // One at a time: in Electron each file is a save dialog.
    for (const file of final.result?.files ?? []) await saveOne(file);
  };

  const saveOne = async (file: JobFile): Promise<void> => {
    setSaved((now) => {
      const others = { ...now };
      delete others[file.name];
      return others;
    });
    let outcome: SavedFile;
    try {
      outcome = await save(file);
    } catch (error) {
      outcome = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    setSaved((now) => ({ ...now, [file.name]: outcome }));
  };

  const files = finished?.result?.files ?? [];
  const text = EXPORT_FORMAT_TEXT[format];

  return (
    <Modal
      title="Export"
      testId="export-dialog"
      onClose={busy ? null : onClose}
      footer={
        finished ? (
          <>
            {finished.state === 'failed' && (
              <button type="button" className="gl-button" onClick={() => setStage({ step: 'idle' })}>
                Back
              </button>
            )}
            <button type="button" className="gl-button gl-button-primary" data-testid="export-close" onClick={onClose}>
              Close
            </button>
          </>
        ) : (
          <>
            <button type="button" className="gl-button" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="gl-button gl-button-primary" data-testid="export-start" onClick={() => void start()} disabled={busy}>
              {busy ? 'Exporting…' : 'Export'}
            </button>
          </>
        )
      }
    >
      {finished?.state === 'done' ? null : (
        <fieldset className="gl-modal-form" disabled={busy}>
          <label className="gl-field">
            <span className="gl-field-label">Format</span>
            <select className="gl-select" data-testid="export-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormatName)}>
              {formats.map((f) => (
                <option key={f.name} value={f.name}>
                  {EXPORT_FORMAT_TEXT[f.name].label}
                </option>
              ))}
            </select>
            <span className="gl-field-hint">{text.hint}</span>
          </label>
          <label className="gl-field">
            <span className="gl-field-label">Annotations</span>
            <select className="gl-select" data-testid="export-annotator" value={whose} onChange={(e) => setChosen(e.target.value)}>
              <option value="all" disabled={!allLayers}>
                Every annotator’s layer{allLayers ? '' : ' (not in this format)'}
              </option>
              <option value="mine">Mine ({me})</option>
              <option value="curated">Curated (the {CURATION_ANNOTATOR} layer)</option>
              {colleagues.map((name) => (
                <option key={name} value={`layer:${name}`}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          {format === 'conll' && (
            <label className="gl-field">
              <span className="gl-field-label">Overlapping spans</span>
              <select className="gl-select" data-testid="export-prefer" value={prefer} onChange={(e) => setPrefer(e.target.value === 'inner' ? 'inner' : 'outer')}>
                <option value="outer">The outermost span wins</option>
                <option value="inner">The innermost span wins</option>
              </select>
              <span className="gl-field-hint">CoNLL gives each token one tag; the spans left out are listed after the export.</span>
            </label>
          )}
        </fieldset>
      )}
      <JobProgress stage={stage} />
      {finished && (
        <JobResult status={finished} failureNote="The export failed; nothing was saved.">
          {files.length > 0 && (
            <div className="gl-job-files">
              {files.map((file) => (
                <SavedFileRow key={file.name} file={file} saved={saved[file.name]} onSave={() => void saveOne(file)} />
              ))}
            </div>
          )}
        </JobResult>
      )}
    </Modal>
  );
}

/** One exported file: where it went (or why not), and a button to save it again. */
function SavedFileRow({ file, saved, onSave }: { file: JobFile; saved: SavedFile | undefined; onSave(): void }) {
  const name = <code className="gl-job-file">{file.name}</code>;
  let text: ReactNode;
  let again = 'Save again…';
  switch (saved?.kind) {
    case undefined:
      text = <>Saving {name}…</>;
      break;
    case 'downloaded':
      text = <>Downloaded {name}</>;
      again = 'Download again';
      break;
    case 'saved':
      text = (
        <>
          Saved <code className="gl-job-file" title={saved.path}>{saved.path}</code>
        </>
      );
      break;
    case 'cancelled':
      text = <>{name} was not saved</>;
      again = 'Save…';
      break;
    case 'failed':
      text = (
        <span role="alert">
          {name} was not saved: {saved.message}
        </span>
      );
      again = 'Try again…';
      break;
  }
  return (
    <div className="gl-job-file-row" data-testid="export-file">
      <span>{text}</span>
      <button type="button" className="gl-button gl-button-quiet" onClick={onSave} disabled={saved === undefined}>
        {again}
      </button>
    </div>
  );
}
