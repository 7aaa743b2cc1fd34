// The job registry: ids answered before the work runs, progress while it runs, the outcome kept
// (a throw becomes a failed job), and old finished jobs forgotten.

import { describe, expect, it } from 'vitest';
import { JobRegistry } from '../../src/main/jobs';
import type { JobOutcome } from '../../src/main/jobs';
import type { ProgressStep } from '../../src/main/workspace/importer';
import { counterIds } from './workspace/helpers';

/** Work that reports what it is told and finishes when the test says so. */
function controlled(): {
  work: (progress: (step: ProgressStep) => void) => Promise<JobOutcome>;
  report: (step: ProgressStep) => void;
  finish: (outcome: JobOutcome) => void;
  fail: (error: Error) => void;
} {
  let report: (step: ProgressStep) => void = () => undefined;
  let finish: (outcome: JobOutcome) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const work = (progress: (step: ProgressStep) => void): Promise<JobOutcome> => {
    report = progress;
    return new Promise<JobOutcome>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { work, report: (s) => report(s), finish: (o) => finish(o), fail: (e) => fail(e) };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('JobRegistry', () => {
  it('answers the id at once, shows progress while running, then keeps the result', async () => {
    const jobs = new JobRegistry({ newId: counterIds('job') });
    const c = controlled();
    const id = jobs.start('import', c.work);
    expect(id).toBe('job-1');
    expect(jobs.status(id)).toEqual({ id, kind: 'import', state: 'running', done: 0, total: 0, phase: 'starting' });
    expect(jobs.isRunning('import')).toBe(true);
    expect(jobs.isRunning('export')).toBe(false);
    await tick();
    c.report({ label: 'reading files', done: 2, total: 5 });
    expect(jobs.status(id)).toMatchObject({ state: 'running', phase: 'reading files', done: 2, total: 5 });
    c.finish({ ok: true, result: { summary: ['Imported 5 files.'], notices: [] } });
    const final = await jobs.finished(id);
    expect(final).toEqual({
      id,
      kind: 'import',
      state: 'done',
      done: 5,
      total: 5,
      phase: 'done',
      result: { summary: ['Imported 5 files.'], notices: [] },
    });
    expect(jobs.status(id)).toEqual(final);
    expect(jobs.isRunning('import')).toBe(false);
  });

  it('keeps a failure with its file and line, and turns a throw into a failed job', async () => {
    const jobs = new JobRegistry({ newId: counterIds('job') });
    const a = controlled();
    const b = controlled();
    const first = jobs.start('import', a.work);
    const second = jobs.start('export', b.work);
    await tick();
    a.finish({ ok: false, error: { file: 'bad.jsonl', line: 3, message: 'not valid JSON' } });
    b.fail(new Error('disk on fire'));
    expect(await jobs.finished(first)).toMatchObject({ state: 'failed', phase: 'failed', error: { file: 'bad.jsonl', line: 3, message: 'not valid JSON' } });
    expect(await jobs.finished(second)).toMatchObject({ state: 'failed', error: { message: 'export failed: disk on fire' } });
  });

  it('ignores progress reported after the job finished', async () => {
    const jobs = new JobRegistry({ newId: counterIds('job') });
    const c = controlled();
    const id = jobs.start('export', c.work);
    await tick();
    c.report({ label: 'exporting documents', done: 1, total: 1 });
    c.finish({ ok: true, result: { summary: [], notices: [] } });
    await jobs.finished(id);
    c.report({ label: 'late', done: 0, total: 9 });
    expect(jobs.status(id)).toMatchObject({ state: 'done', phase: 'done', done: 1, total: 1 });
  });

  it('forgets the oldest finished jobs beyond the number kept, never a running one', async () => {
    const jobs = new JobRegistry({ newId: counterIds('job'), keep: 2 });
    const running = controlled();
    const longJob = jobs.start('import', running.work);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = jobs.start('export', async () => ({ ok: true, result: { summary: [`export ${i}`], notices: [] } }));
      ids.push(id);
      await jobs.finished(id);
    }
    expect(ids.map((id) => jobs.status(id)?.state)).toEqual([undefined, undefined, 'done', 'done']);
    expect(jobs.status(longJob)?.state).toBe('running');
    expect(jobs.finished('job-unknown')).toBeUndefined();
  });

  it('refuses an id it has already handed out (a broken id source is a programmer error)', () => {
    const jobs = new JobRegistry({ newId: () => 'same' });
    jobs.start('export', async () => ({ ok: true, result: { summary: [], notices: [] } }));
    expect(() => jobs.start('export', async () => ({ ok: true, result: { summary: [], notices: [] } }))).toThrow('already taken');
  });
});
