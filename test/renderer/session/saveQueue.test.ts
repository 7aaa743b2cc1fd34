import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../../src/core/api';
import type { ChangeResult, LayerChange, Result } from '../../../src/core/api';
import { SaveQueue } from '../../../src/renderer/src/session/saveQueue';
import { writesPending } from '../../../src/renderer/src/session/writes';
import type { SaveStatus } from '../../../src/renderer/src/session/saveQueue';

const status = (n: number): LayerChange[] => [{ op: 'status', status: n % 2 ? 'done' : 'in-progress' }];
const result = (n: number): ChangeResult => ({ changed: [], removed: [], spanCount: 0, status: 'in-progress', updatedAt: `t${n}`, comments: [] });

/** A send function whose answers the test releases one by one. */
function controlledSend() {
  const sent: LayerChange[][] = [];
  const answers: ((r: Result<ChangeResult>) => void)[] = [];
  const send = (changes: LayerChange[]) => {
    sent.push(changes);
    return new Promise<Result<ChangeResult>>((resolve) => answers.push(resolve));
  };
  const answer = async (r: Result<ChangeResult>) => {
    answers.shift()!(r);
    // Let the queue go on to its next batch.
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { send, sent, answer };
}

describe('SaveQueue', () => {
  it('sends batches one at a time, in order', async () => {
    const { send, sent, answer } = controlledSend();
    const saved: string[] = [];
    const queue = new SaveQueue(send, { onSaved: (r, pending) => saved.push(`${r.updatedAt}/${pending}`) });
    queue.enqueue(status(1));
    queue.enqueue(status(2));
    queue.enqueue(status(3));
    expect(sent).toEqual([status(1)]);
    await answer(ok(result(1)));
    expect(sent).toEqual([status(1), status(2)]);
    await answer(ok(result(2)));
    await answer(ok(result(3)));
    expect(sent).toEqual([status(1), status(2), status(3)]);
    expect(saved).toEqual(['t1/2', 't2/1', 't3/0']);
    await queue.idle();
  });

  it('starts sending when its start option says, with everything queued by then, in order', async () => {
    const { send, sent, answer } = controlledSend();
    const starts: (() => void)[] = [];
    const queue = new SaveQueue(send, {}, { start: (run) => void starts.push(run) });
    const before = writesPending();
    queue.enqueue(status(1));
    queue.enqueue(status(2));
    // Nothing sent yet, but already saving (and counted as a write on its way, once); one start
    // asked for, not one per batch.
    expect(sent).toEqual([]);
    expect(queue.status).toEqual({ state: 'saving' });
    expect(writesPending()).toBe(before + 1);
    expect(starts).toHaveLength(1);
    const idle = queue.idle();
    starts[0]!();
    expect(sent).toEqual([status(1)]);
    queue.enqueue(status(3));
    // A run under way takes later batches without another start.
    expect(starts).toHaveLength(1);
    await answer(ok(result(1)));
    await answer(ok(result(2)));
    await answer(ok(result(3)));
    await idle;
    expect(sent).toEqual([status(1), status(2), status(3)]);
    // Once idle, the next batch asks for a start again.
    queue.enqueue(status(4));
    expect(starts).toHaveLength(2);
    starts[1]!();
    expect(sent).toHaveLength(4);
    await answer(ok(result(4)));
    await queue.idle();
    expect(writesPending()).toBe(before);
  });

  it('says saving while anything is pending, then saved', async () => {
    const { send, answer } = controlledSend();
    const seen: SaveStatus[] = [];
    const queue = new SaveQueue(send, { onStatus: (s) => seen.push(s) });
    expect(queue.status).toEqual({ state: 'saved' });
    queue.enqueue(status(1));
    expect(queue.status).toEqual({ state: 'saving' });
    const idle = queue.idle();
    await answer(ok(result(1)));
    await idle;
    expect(queue.status).toEqual({ state: 'saved' });
    expect(seen).toEqual([{ state: 'saving' }, { state: 'saved' }]);
  });

  it('on a refusal, drops the batches behind it and reports the error until a later success', async () => {
    const { send, sent, answer } = controlledSend();
    const failures: string[] = [];
    const queue = new SaveQueue(send, { onFailed: (e, dropped) => failures.push(`${e.message}/${dropped}`) });
    queue.enqueue(status(1));
    queue.enqueue(status(2));
    queue.enqueue(status(3));
    await answer(fail('invalid-input', 'no span with id "x"'));
    await queue.idle();
    expect(sent).toHaveLength(1);
    expect(failures).toEqual(['no span with id "x"/2']);
    expect(queue.status).toEqual({ state: 'error', message: 'no span with id "x"' });
    queue.enqueue(status(4));
    expect(queue.status).toEqual({ state: 'saving' });
    await answer(ok(result(4)));
    await queue.idle();
    expect(queue.status).toEqual({ state: 'saved' });
  });

  it('treats a transport that throws as an io failure', async () => {
    const queue = new SaveQueue(() => Promise.reject(new Error('connection refused')));
    queue.enqueue(status(1));
    await queue.idle();
    expect(queue.status).toEqual({ state: 'error', message: 'connection refused' });
  });

  it('ignores empty batches and is idle at once when nothing is queued', async () => {
    let calls = 0;
    const queue = new SaveQueue(async () => {
      calls++;
      return ok(result(0));
    });
    queue.enqueue([]);
    await queue.idle();
    expect(calls).toBe(0);
    expect(queue.status).toEqual({ state: 'saved' });
  });
});
