// A job as the dialogs show it: a progress bar while it runs, then what it did (summary and
// notices) or, clearly, why it failed, naming the file and line at fault.

import type { ReactNode } from 'react';
import type { JobStatus } from '../../../core/api';

/** Where a dialog's job stands: nothing yet, getting ready (reading, sending), or the job itself. */
export type JobStage = { step: 'idle' } | { step: 'preparing'; label: string } | { step: 'job'; status: JobStatus };

/** Whether the stage is still going (the dialog then cannot be closed). */
export function isBusy(stage: JobStage): boolean {
  return stage.step === 'preparing' || (stage.step === 'job' && stage.status.state === 'running');
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The bar: determinate while a phase counts its steps, indeterminate before that. */
export function JobProgress({ stage }: { stage: JobStage }) {
  if (!isBusy(stage)) return null;
  const status = stage.step === 'job' ? stage.status : null;
  const label = stage.step === 'preparing' ? stage.label : sentence(status?.phase ?? 'working');
  const counted = status !== null && status.total > 0;
  const percent = counted ? Math.round((100 * Math.min(status.done, status.total)) / status.total) : null;
  return (
    <div className="gl-job-progress" aria-live="polite">
      <div className="gl-job-phase">
        <span>{label}…</span>
        {counted && (
          <span className="gl-job-count">
            {status.done.toLocaleString('en')} of {status.total.toLocaleString('en')}
          </span>
        )}
      </div>
      {percent === null ? (
        <progress data-testid="progress" role="progressbar" className="gl-progress" aria-label={label} />
      ) : (
        <progress
          data-testid="progress"
          role="progressbar"
          className="gl-progress"
          aria-label={label}
          max={100}
          value={percent}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        />
      )}
    </div>
  );
}

export interface JobResultProps {
  status: JobStatus;
  /** What a failure leaves behind, e.g. "Nothing was imported; the workspace is unchanged." */
  failureNote: string;
  /** Extra lines under the summary (e.g. which file was downloaded). */
  children?: ReactNode;
}

/** A finished job: the summary and notices, or the error with its file and line. */
export function JobResult({ status, failureNote, children }: JobResultProps) {
  if (status.state === 'failed') {
    const error = status.error ?? { message: 'unknown error' };
    return (
      <section className="gl-job-result gl-job-failed" data-testid="job-result" data-state="failed" role="alert">
        <p className="gl-job-headline">{failureNote}</p>
        <p className="gl-job-error">
          {error.file !== undefined && (
            <>
              <code className="gl-job-file">{error.file}</code>
              {error.line !== undefined && <span className="gl-job-line">, line {error.line}</span>}
              {': '}
            </>
          )}
          {error.message}
        </p>
      </section>
    );
  }
  const [headline, ...lines] = status.result?.summary ?? [];
  const notices = status.result?.notices ?? [];
  return (
    <section className="gl-job-result gl-job-done" data-testid="job-result" data-state="done" role="status">
      {headline && <p className="gl-job-headline">{headline}</p>}
      {lines.length > 0 && (
        <ul className="gl-job-lines">
          {lines.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {children}
      {notices.length > 0 && (
        <div className="gl-job-notices">
          <h3 className="gl-section-title">{notices.length === 1 ? 'Note' : `${notices.length} notes`}</h3>
          <ul>
            {notices.map((notice, i) => (
              <li key={i}>{notice}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
