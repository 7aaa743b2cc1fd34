import { beforeEach, describe, expect, it } from 'vitest';
import { fail } from '../../../src/core/api';
import { Workbench } from '../../../src/renderer/src/app/workbench';
import { createFakeApi, plainDocument } from '../session/fakeApi';
import type { FakeApi } from '../session/fakeApi';
import { mountHeadless, selectText } from '../session/testHost';

let api: FakeApi;

beforeEach(async () => {
  api = createFakeApi([await plainDocument('one', 'First report.'), await plainDocument('two', 'Second report, Oslo.')]);
});

function label(bench: Workbench, start: number, end: number, name: string): void {
  const session = bench.session!;
  selectText(session, mountHeadless(session), start, end);
  session.applyLabel(name);
}

describe('Workbench', () => {
  it('loads the workspace and opens the remembered document, else the first', async () => {
    const opened: string[] = [];
    const bench = new Workbench(api, { onOpened: (id) => opened.push(id) });
    await bench.load('two');
    expect(bench.getSnapshot().workspace?.name).toBe('Test workspace');
    expect(bench.session?.document.id).toBe('two');
    await bench.load('gone');
    expect(bench.session?.document.id).toBe('one');
    expect(opened).toEqual(['two', 'one']);
  });

  it('reports a workspace it cannot read', async () => {
    api.getWorkspace = async () => fail('corrupt', 'gloss.json is not valid JSON');
    const bench = new Workbench(api);
    await bench.load(null);
    expect(bench.getSnapshot().loadError).toBe('gloss.json is not valid JSON');
    expect(bench.session).toBeNull();
  });

  it('keeps the document list in step with my saved spans', async () => {
    const bench = new Workbench(api);
    await bench.load('two');
    label(bench, 15, 19, 'Location');
    await bench.session!.idle();
    expect(bench.getSnapshot().documents.find((d) => d.id === 'two')).toMatchObject({ myStatus: 'in-progress', mySpanCount: 1 });
  });

  it('writes pending edits under the old name before switching annotator', async () => {
    const bench = new Workbench(api);
    await bench.load('two');
    api.hold = true;
    label(bench, 15, 19, 'Location');
    const switching = bench.changeAnnotator('alice');
    api.hold = false;
    api.release();
    expect(await switching).toBeNull();
    expect(api.layers.get('two/me')?.spans).toHaveLength(1);
    expect(api.layers.get('two/alice')).toBeUndefined();
    expect(bench.getSnapshot().workspace?.annotator).toBe('alice');
    expect(bench.session?.getSnapshot().spans).toEqual([]);
  });

  it('lets the last of several quick opens win', async () => {
    const bench = new Workbench(api);
    await bench.load('one');
    const a = bench.open('two');
    const b = bench.open('one');
    await Promise.all([a, b]);
    expect(bench.session?.document.id).toBe('one');
  });
});
