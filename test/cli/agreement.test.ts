// `gloss agreement` in-process on workspaces built through the Workspace API: three annotators,
// a missing layer, an empty layer, a curation layer left out by default, a corrupt layer, and
// usage errors. The workspace is only read.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnnotatorList, runAgreement } from '../../src/cli/agreement';
import type { AgreementOptions } from '../../src/cli/agreement';
import type { CliContext } from '../../src/cli/commands';
import { computeAgreement } from '../../src/core/agreement';
import type { AgreementDocument } from '../../src/core/agreement';
import { applyLayerChanges, emptyLayer } from '../../src/core/layer';
import type { GlossDocument, Layer } from '../../src/core/model';
import { CodePointIndex } from '../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../src/core/schema';
import { Workspace } from '../../src/main/workspace/workspace';
import { glossInProcess } from './run-gloss';
import { fixedNow, makeDocument, NOW, removeDir, snapshot, tempDir, TEXTS } from '../main/workspace/helpers';

type SpanSpec = [label: string, start: number, end: number];

const TEXT = {
  alpha: TEXTS.alpha, // 'Emomali Rahmon met Vladimir Putin in Dushanbe.\n\nThey signed 12 agreements.'
  putin: 'Putin met Rahmon.',
  signed: 'They signed agreements.',
};

/** Who marked what; a document missing from an annotator's entry means no layer file there. */
const LAYERS: Record<string, Partial<Record<keyof typeof TEXT, SpanSpec[]>>> = {
  alice: {
    alpha: [['Person', 0, 14], ['Person', 19, 33], ['Location', 37, 45]],
    putin: [['Person', 0, 5]],
    signed: [['Commitment', 5, 22]],
  },
  bob: {
    alpha: [['Person', 0, 14], ['Person', 28, 33], ['Location', 37, 45]],
    putin: [['Person', 0, 5], ['Person', 10, 16]],
    signed: [['Commitment', 5, 22]],
  },
  // No layer on "putin" (missing); an empty layer on "signed" (all O).
  carol: {
    alpha: [['Person', 0, 7], ['Person', 19, 33], ['Organisation', 37, 45]],
    signed: [],
  },
  curation: {
    alpha: [['Person', 0, 14]],
  },
};

function makeLayer(doc: GlossDocument, annotator: string, spans: SpanSpec[]): Layer {
  const changes = spans.map(([label, start, end], i) => ({ op: 'add' as const, span: { id: `${annotator}-${i + 1}`, label, start, end } }));
  const made = applyLayerChanges(emptyLayer(doc, annotator, NOW.toISOString()), new CodePointIndex(doc.text), DEFAULT_SCHEMA, changes, NOW.toISOString());
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

/** A workspace at `dir` with the documents of TEXT and the layers of `who` (default: all of LAYERS). */
async function build(dir: string, who: string[] = Object.keys(LAYERS)): Promise<void> {
  const created = await Workspace.init(dir, { name: 'Agreement', now: fixedNow });
  if (!created.ok) throw new Error(created.error.message);
  const docs = await Promise.all(Object.entries(TEXT).map(([id, text]) => makeDocument(id, text)));
  const layers = who.flatMap((annotator) =>
    docs.flatMap((doc) => {
      const spans = LAYERS[annotator]![doc.id as keyof typeof TEXT];
      return spans === undefined ? [] : [makeLayer(doc, annotator, spans)];
    }),
  );
  await created.value.addDocuments(docs, layers);
}

/** The same documents and layers, in memory, for computeAgreement directly. */
function inMemory(annotators: string[]): AgreementDocument[] {
  return Object.entries(TEXT).map(([id, text]) => ({
    id,
    title: id,
    text,
    layers: annotators.flatMap((annotator) => {
      const spans = LAYERS[annotator]![id as keyof typeof TEXT];
      return spans === undefined ? [] : [{ annotator, spans: spans.map(([label, start, end]) => ({ label, start, end })) }];
    }),
  }));
}

let root: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function agreement(dir: string, opts: AgreementOptions): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    cwd: root,
    now: fixedNow,
    rendererDir: join(root, 'no-renderer'),
    untilStopped: () => Promise.resolve(),
  };
  const code = await runAgreement(ctx, dir, opts);
  return { code, stdout, stderr };
}

interface PairJson {
  a: string;
  b: string;
  tp: number;
  onlyA: number;
  onlyB: number;
  f1: number | null;
  cohenKappa: number | null;
  tokens: number;
}

interface ResultJson {
  annotators: string[];
  documents: number;
  pairs: PairJson[];
  fleissKappa: number | null;
  krippendorffAlpha: number | null;
}

beforeAll(async () => {
  root = await tempDir('gloss-agreement-');
  await build(join(root, 'ws'));
});

afterAll(async () => {
  await removeDir(root);
});

describe('gloss agreement --json', () => {
  it('compares every annotator but curation, with the contract names', async () => {
    const before = await snapshot(join(root, 'ws'));
    const run = await agreement('ws', { json: true });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const result = JSON.parse(run.stdout) as ResultJson;
    expect(result.annotators).toEqual(['alice', 'bob', 'carol']);
    expect(result.documents).toBe(3);
    expect(Object.keys(result).slice(0, 5)).toEqual(['annotators', 'documents', 'pairs', 'fleissKappa', 'krippendorffAlpha']);
    expect(result.pairs.map((p) => Object.keys(p))).toEqual(
      Array.from({ length: 3 }, () => ['a', 'b', 'tp', 'onlyA', 'onlyB', 'precision', 'recall', 'f1', 'cohenKappa', 'tokens', 'byLabel']),
    );
    // Read only: not a byte changed.
    expect(await snapshot(join(root, 'ws'))).toEqual(before);
  });

  it("leaves carol's missing layer out and counts her empty layer as all O", async () => {
    const result = JSON.parse((await agreement('ws', { json: true })).stdout) as ResultJson;
    const pair = (a: string, b: string): PairJson => result.pairs.find((p) => p.a === a && p.b === b)!;
    // Tokens: alpha 11, putin 3, signed 3; carol has no layer on putin.
    expect(pair('alice', 'bob')).toMatchObject({ tp: 4, onlyA: 1, onlyB: 2, tokens: 17, f1: 8 / 11 });
    expect(pair('alice', 'carol')).toMatchObject({ tp: 1, onlyA: 3, onlyB: 2, tokens: 14 });
    expect(pair('bob', 'carol')).toMatchObject({ tp: 0, onlyA: 4, onlyB: 3, tokens: 14, f1: 0 });
    expect(result).toMatchObject({ fleissTokens: 14, krippendorffTokens: 17 });
  });

  it('is a command of the gloss program (gloss agreement <dir> --annotators a,b --json)', async () => {
    const run = await glossInProcess(['agreement', join(root, 'ws'), '--annotators', 'alice,bob', '--json'], {
      cwd: root,
      configDir: join(root, 'config'),
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const result = JSON.parse(run.stdout) as ResultJson;
    expect(result.annotators).toEqual(['alice', 'bob']);
    expect(result.pairs).toHaveLength(1);
    expect(result.pairs[0]).toMatchObject({ a: 'alice', b: 'bob', tp: 4, onlyA: 1, onlyB: 2 });
    const usage = await glossInProcess(['agreement', join(root, 'ws'), '--annotators', ''], { cwd: root, configDir: join(root, 'config') });
    expect(usage.code).toBe(2);
  });

  it('equals the core computation on the same layers', async () => {
    const result: unknown = JSON.parse((await agreement('ws', { json: true })).stdout);
    const expected = computeAgreement(inMemory(['alice', 'bob', 'carol']), ['alice', 'bob', 'carol']);
    expect(result).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(expected.fleissKappa).not.toBeNull();
    expect(expected.krippendorffAlpha).not.toBeNull();
  });

  it('compares the annotators asked for, curation included', async () => {
    const run = await agreement('ws', { annotators: ['curation', 'alice'], json: true });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ResultJson;
    expect(result.annotators).toEqual(['curation', 'alice']);
    expect(result.documents).toBe(1);
    expect(result.pairs).toHaveLength(1);
    expect(result.pairs[0]).toMatchObject({ a: 'curation', b: 'alice', tp: 1, onlyA: 0, onlyB: 2, tokens: 11 });
  });

  it('notes an annotator without any layer', async () => {
    const run = await agreement('ws', { annotators: ['alice', 'zoe'], json: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('zoe has no layer');
    expect(JSON.parse(run.stdout)).toMatchObject({ documents: 0, fleissKappa: null, krippendorffAlpha: null });
  });
});

describe('gloss agreement (tables)', () => {
  it('prints the pairs, the matrix, the coefficients, labels and documents', async () => {
    const run = await agreement('ws', { json: false });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const expected = computeAgreement(inMemory(['alice', 'bob', 'carol']), ['alice', 'bob', 'carol']);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Agreement of 3 annotators (alice, bob, carol) over 3 document(s)');
    const pairLine = lines.find((l) => l.startsWith('alice / bob'))!;
    expect(pairLine.split(/\s{2,}/)).toEqual([
      'alice / bob',
      '0.727',
      expected.pairs[0]!.precision!.toFixed(3),
      expected.pairs[0]!.recall!.toFixed(3),
      expected.pairs[0]!.cohenKappa!.toFixed(3),
      '17',
      '4',
      '1',
      '2',
    ]);
    // Matrix row of carol: kappa with alice and bob below the diagonal.
    const carolRow = lines.find((l) => l.startsWith('carol '))!;
    expect(carolRow.trim().split(/\s+/)).toEqual(['carol', expected.pairs[1]!.cohenKappa!.toFixed(3), expected.pairs[2]!.cohenKappa!.toFixed(3), '-']);
    expect(lines.find((l) => l.startsWith("Fleiss' kappa"))).toContain(expected.fleissKappa!.toFixed(3));
    expect(lines.find((l) => l.startsWith("Krippendorff's alpha"))).toContain(expected.krippendorffAlpha!.toFixed(3));
    expect(lines.find((l) => l.startsWith('Person '))).toBeDefined();
    // Worst document first: alpha (F1 1/3).
    const documents = lines.slice(lines.indexOf('Documents, worst agreement first:') + 2);
    expect(documents.map((l) => l.split(/\s+/)[0])).toEqual(['alpha', 'signed', 'putin', '']);
  });
});

describe('gloss agreement, failures', () => {
  it('reports a corrupt layer, treats it as missing, and moves nothing', async () => {
    const dir = join(root, 'corrupt');
    await build(dir);
    await writeFile(join(dir, 'annotations', 'alpha', 'carol.json'), '{"format": ');
    const before = await snapshot(dir);
    const run = await agreement('corrupt', { json: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('annotations/alpha/carol.json');
    const result = JSON.parse(run.stdout) as ResultJson;
    // carol now only has the empty layer on "signed": 3 tokens with alice.
    expect(result.pairs.find((p) => p.a === 'alice' && p.b === 'carol')).toMatchObject({ tokens: 3, tp: 0, onlyA: 1, onlyB: 0 });
    expect(await snapshot(dir)).toEqual(before);
  });

  it('fails when fewer than two annotators have layers', async () => {
    const dir = join(root, 'alone');
    await build(dir, ['alice', 'curation']);
    const run = await agreement('alone', { json: true });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('only alice has a layer');
  });

  it('fails on a folder that is not a workspace, naming the manifest', async () => {
    const run = await agreement('nowhere', { json: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gloss.json');
  });

  it('refuses bad --annotators lists as usage errors (exit 2)', async () => {
    for (const annotators of [['alice'], ['alice', 'alice'], ['alice', '../bob'], []]) {
      const run = await agreement('ws', { annotators, json: true });
      expect(run.code, annotators.join(',')).toBe(2);
      expect(run.stdout).toBe('');
    }
  });

  it('parses --annotators for commander', () => {
    expect(parseAnnotatorList('alice, bob,carol')).toEqual(['alice', 'bob', 'carol']);
    expect(() => parseAnnotatorList('alice')).toThrow(InvalidArgumentError);
    expect(() => parseAnnotatorList('alice,,bob')).toThrow(/invalid annotator name ""/);
  });
});
