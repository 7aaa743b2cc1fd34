// Long work the app starts and then watches (imports, exports): each job runs in this process,
// reports its progress, and keeps its outcome until the renderer has had time to fetch it.

import type { JobError, JobKind, JobResult, JobStatus } from '../core/api';
import type { ProgressStep } from './workspace/importer';

export type JobOutcome = { ok: true; result: JobResult } | { ok: false; error: JobError };

/** A job's work: reports progress through `progress`, answers its outcome; a throw fails the job. */
export type JobWork = (progress: (step: ProgressStep) => void) => Promise<JobOutcome>;

export interface JobRegistryOptions {
  newId: () => string;
  /** Finished jobs kept for fetching; older ones are forgotten (their results can be large). */
  keep?: number;
}

interface Entry {
  status: JobStatus;
  finished: Promise<JobStatus>;
}

/** The jobs of one workspace: started, watched, and forgotten once enough newer ones finished. */
export class JobRegistry {
  private readonly jobs = new Map<string, Entry>();
  private readonly keep: number;

  constructor(private readonly options: JobRegistryOptions) {
    this.keep = options.keep ?? 16;
  }

  /** Starts `work` now; answers the job's id before it runs far. */
  start(kind: JobKind, work: JobWork): string {
    const id = this.options.newId();
    if (this.jobs.has(id)) throw new Error(`job id "${id}" is already taken`);
    const status: JobStatus = { id, kind, state: 'running', done: 0, total: 0, phase: 'starting' };
    const progress = (step: ProgressStep): void => {
      if (status.state !== 'running') return;
      status.phase = step.label;
      status.done = step.done;
      status.total = step.total;
    };
    const finished = (async (): Promise<JobStatus> => {
      // Let the caller have the id before any synchronous part of the work runs.
      await Promise.resolve();
      let outcome: JobOutcome;
      try {
        outcome = await work(progress);
      } catch (error) {
        outcome = { ok: false, error: { message: `${kind} failed: ${error instanceof Error ? error.message : String(error)}` } };
      }
      if (outcome.ok) {
        status.state = 'done';
        status.result = outcome.result;
        status.done = status.total;
      } else {
        status.state = 'failed';
        status.error = outcome.error;
      }
      status.phase = outcome.ok ? 'done' : 'failed';
      this.forgetOld();
      return { ...status };
    })();
    this.jobs.set(id, { status, finished });
    return id;
  }

  /** A job's state now (a copy), or undefined for an unknown or forgotten id. */
  status(id: string): JobStatus | undefined {
    const entry = this.jobs.get(id);
    return entry ? { ...entry.status } : undefined;
  }

  /** Resolves with the job's final state once it has finished. */
  finished(id: string): Promise<JobStatus> | undefined {
    return this.jobs.get(id)?.finished;
  }

  /** Whether a job of this kind is running. */
  isRunning(kind: JobKind): boolean {
    return [...this.jobs.values()].some((e) => e.status.kind === kind && e.status.state === 'running');
  }

  private forgetOld(): void {
    const done = [...this.jobs.values()].filter((e) => e.status.state !== 'running');
    // Map order is start order: the oldest finished jobs go first.
    for (const entry of done.slice(0, Math.max(0, done.length - this.keep))) this.jobs.delete(entry.status.id);
  }
}
