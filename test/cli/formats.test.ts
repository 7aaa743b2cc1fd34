// Every annotation format through the `gloss` CLI (in-process; one real process for the
// environment): round trips import → export → import on the shared samples (emoji and astral
// digits, Russian, CRLF, a span across a line break, the brat tutorial pair), a Prodigy JSONL with
// emoji exported in every format and read back by independent readers, broken inputs refused
// with file and line and the workspace unchanged, export options, GLOSS_NOW and progress.

import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePointIndex } from '../../src/core/offsets';
import { openWorkspace, removeDir, snapshot, tempDir } from '../main/workspace/helpers';
import { GLOSS_BIN, glossInProcess } from './run-gloss';
import type { Run } from './run-gloss';
import { pySlice, readBrat, readConll, readCsv, readDoccano, readGloss, readJsonl, readW3c } from './readers';
import type { ReadSpan } from './readers';

const SAMPLES = '/work/shared/samples';
const SAMPLE_FILES = ['tajikistan-russia-industrial-cooperation.txt', 'ru-ministry-briefing.txt', 'social-monitoring-digest.txt'];
const BRAT_ANN = join(SAMPLES, 'brat', '000-introduction.ann');
const CRLF_NOTE = 'Briefing note\r\nMaria Lopez\r\nspoke in Oslo.\r\n';

let root: string;
let configDir: string;

const run = (args: string[], extra: Partial<Parameters<typeof glossInProcess>[1]> = {}): Promise<Run> =>
  glossInProcess(args, { cwd: root, configDir, ...extra });

async function ok(args: string[]): Promise<Run> {
  const result = await run(args);
  if (result.code !== 0) throw new Error(`gloss ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

/** A span of the source dataset, by quote (nth occurrence), with optional extras. */
interface SpanSpec {
  label: string;
  quote: string;
  fragments?: string[];
  attributes?: Record<string, string | number | boolean>;
  note?: string;
  id?: string;
}

const SOURCE_SPANS: Record<string, SpanSpec[]> = {
  'tajikistan-russia-industrial-cooperation.txt': [
    { label: 'Person', quote: 'Emomali Rahmon', attributes: { normalized: 'Emomali Rahmon' } },
    { label: 'Money', quote: '$1.4 billion', attributes: { value: 1400000000, currency: 'USD' } },
    { label: 'Percent', quote: '18 percent', attributes: { value: 18 } },
    { id: 'c1', label: 'Commitment', quote: 'plans to open 75 new ones in the next year and a half', attributes: { status: 'planned' }, note: 'a pledge' },
    { id: 'q1', label: 'Quantity', quote: '75 new ones' },
  ],
  'ru-ministry-briefing.txt': [
    { label: 'Person', quote: 'Иван Петров' },
    { label: 'Money', quote: '3,2 миллиарда рублей', attributes: { value: 3200000000, currency: 'RUB' } },
    { label: 'Organisation', quote: '«Северсталь»' },
    { label: 'Commitment', quote: 'планирует построить два новых цеха до конца 2025 года' },
  ],
  'social-monitoring-digest.txt': [
    { label: 'Organisation', quote: '@GreenFund' },
    { label: 'Location', quote: 'Oslo' },
    { label: 'Money', quote: '€25 million', attributes: { value: 25000000, currency: 'EUR' } },
    { label: 'Commitment', quote: 'We pledge €25 million to the Aral Sea restoration programme by 2027 💧' },
    { label: 'Percent', quote: '40%' },
    { label: 'Person', quote: 'Maria Lopez', note: 'the analyst' },
    { label: 'Organisation', quote: 'Nordic Development Bank', fragments: ['Nordic', 'Bank'] },
    { label: 'Date', quote: '𝟐𝟎𝟐𝟕', attributes: { normalized: '2027' } },
  ],
  'crlf-note.txt': [
    { label: 'Commitment', quote: 'Maria Lopez\nspoke in Oslo' },
    { label: 'Location', quote: 'Oslo' },
  ],
};

function rangeOf(text: string, quote: string, from = 0): { start: number; end: number } {
  const u = text.indexOf(quote, from);
  if (u < 0) throw new Error(`quote not found: ${quote}`);
  const start = new CodePointIndex(text).toCodePoint(u);
  return { start, end: start + [...quote].length };
}

/** A gloss dataset with alice's spans over the sample texts (attached to the imported documents by text). */
async function sourceDataset(): Promise<string> {
  const documents = [];
  for (const [file, specs] of Object.entries(SOURCE_SPANS)) {
    const raw = file === 'crlf-note.txt' ? CRLF_NOTE : await readFile(join(SAMPLES, file), 'utf8');
    const text = raw.replace(/\r\n/g, '\n');
    const spans = specs.map((s) => {
      const range = rangeOf(text, s.quote);
      const u = text.indexOf(s.quote);
      const fragments = s.fragments?.map((f) => rangeOf(text, f, u));
      return { ...(s.id ? { id: s.id } : {}), label: s.label, ...range, attributes: s.attributes ?? {}, ...(s.note ? { note: s.note } : {}), ...(fragments ? { fragments } : {}) };
    });
    const relations = file.startsWith('tajikistan') ? [{ id: 'r1', type: 'amount', from: 'c1', to: 'q1' }] : [];
    documents.push({ text, layers: [{ annotator: 'alice', spans, relations }] });
  }
  return JSON.stringify({ format: 'gloss.dataset', version: 1, offsetUnit: 'codepoint', documents });
}

/** A span as compared across round trips: everything but ids and timestamps. */
interface View {
  label: string;
  start: number;
  end: number;
  fragments?: { start: number; end: number }[];
  attributes: Record<string, unknown>;
  note?: string;
}

/** Alice's spans and relations per document text (ids differ between workspaces; texts do not). */
async function layersByText(dir: string): Promise<Map<string, { spans: View[]; relations: string[] }>> {
  const ws = await openWorkspace(dir, true);
  const out = new Map<string, { spans: View[]; relations: string[] }>();
  for (const entry of ws.documents()) {
    const doc = (await ws.readDocument(entry.id))!;
    const layer = await ws.readLayer(entry.id, 'alice');
    const spans = (layer?.spans ?? []).map((s): View => {
      const v: View = { label: s.label, start: s.start, end: s.end, attributes: s.attributes };
      if (s.fragments) v.fragments = s.fragments;
      if (s.note !== undefined) v.note = s.note;
      return v;
    });
    const name = (id: string): string => {
      const s = layer!.spans.find((x) => x.id === id)!;
      return `${s.label}@${s.start}-${s.end}`;
    };
    const relations = (layer?.relations ?? []).map((r) => `${r.type} ${name(r.from)} ${name(r.to)}`).sort();
    out.set(doc.text, { spans: sortViews(spans), relations });
  }
  return out;
}

/** One end of a Prodigy relation. */
interface ProdigyEnd {
  start: number;
  end: number;
  token_start: number;
  token_end: number;
  label: string;
}

function sortViews(views: View[]): View[] {
  return [...views].sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** What a format without fragments, attributes or notes keeps of a span: one range per fragment. */
function rangesOnly(views: View[]): View[] {
  return sortViews(views.flatMap((v) => (v.fragments ?? [{ start: v.start, end: v.end }]).map((f) => ({ label: v.label, ...f, attributes: {} }))));
}

function mapValues<T, U>(map: Map<string, T>, f: (value: T) => U): Map<string, U> {
  return new Map([...map].map(([k, v]) => [k, f(v)]));
}

/** Export `format` from a workspace into `out`; brat goes to a folder. */
async function exportTo(ws: string, format: string, out: string, extra: string[] = []): Promise<Run> {
  return ok(['export', ws, '--format', format, '--annotator', 'alice', '--out', out, ...extra]);
}

/** What import needs for an export in `format`: w3c anchors in the sample files given alongside. */
function importArgs(format: string, out: string): string[] {
  if (format !== 'w3c') return [out, '--format', format];
  return [out, ...SAMPLE_FILES.map((f) => join(SAMPLES, f)), join(SAMPLES, 'brat', '000-introduction.txt'), join(root, 'crlf-note.txt')];
}

let source: Map<string, { spans: View[]; relations: string[] }>;

beforeAll(async () => {
  root = await tempDir('gloss-formats-');
  configDir = join(root, 'config');
  await writeFile(join(root, 'crlf-note.txt'), CRLF_NOTE);
  await writeFile(join(root, 'source.json'), await sourceDataset());
  await ok(['init', 'src']);
  await ok(['import', 'src', ...SAMPLE_FILES.map((f) => join(SAMPLES, f)), 'crlf-note.txt']);
  await ok(['import', 'src', 'source.json', BRAT_ANN, '--annotator', 'alice']);
  source = await layersByText(join(root, 'src'));
});

afterAll(async () => {
  await removeDir(root);
});

describe('round trips on the samples: import → export → import gives the same spans', () => {
  it('the source workspace holds every sample with alice\'s spans', async () => {
    expect(source.size).toBe(5);
    const crlf = source.get('Briefing note\nMaria Lopez\nspoke in Oslo.\n');
    expect(crlf?.spans.map((s) => s.label)).toEqual(['Commitment', 'Location']);
    expect((await ok(['validate', 'src'])).stdout).toContain('5 document(s), no problems');
  });

  const fidelity: Record<string, (views: View[]) => View[]> = {
    gloss: (v) => v,
    brat: (v) => v,
    w3c: (v) => v,
    jsonl: rangesOnly,
    doccano: rangesOnly,
  };
  for (const format of ['gloss', 'jsonl', 'doccano', 'brat', 'w3c']) {
    it(`${format}`, async () => {
      const first = join(root, `${format}-1`);
      const second = join(root, `${format}-2`);
      const out1 = join(root, `out-1.${format}`);
      const out2 = join(root, `out-2.${format}`);
      await exportTo('src', format, out1);
      await ok(['init', first]);
      await ok(['import', first, ...importArgs(format, out1), '--annotator', 'alice']);
      await exportTo(first, format, out2);
      await ok(['init', second]);
      await ok(['import', second, ...importArgs(format, out2), '--annotator', 'alice']);
      const once = await layersByText(first);
      const twice = await layersByText(second);
      expect(mapValues(twice, (l) => l.spans)).toEqual(mapValues(once, (l) => l.spans));
      expect(mapValues(once, (l) => l.spans)).toEqual(mapValues(source, (l) => fidelity[format]!(l.spans)));
      if (format === 'gloss' || format === 'brat') expect(once).toEqual(source);
      if (format !== 'w3c') {
        // Relations survive every format that carries them, also those that keep only ranges.
        expect(mapValues(once, (l) => l.relations)).toEqual(mapValues(source, (l) => l.relations));
        expect(mapValues(twice, (l) => l.relations)).toEqual(mapValues(once, (l) => l.relations));
      }
      expect((await ok(['validate', second])).code).toBe(0);
    });
  }

  it('jsonl relations are in Prodigy\'s form: token indices into the line\'s tokens, head_span/child_span with code points', async () => {
    expect([...source.values()].some((l) => l.relations.length > 0)).toBe(true);
    const out = (await ok(['export', 'src', '--format', 'jsonl', '--annotator', 'alice'])).stdout;
    const got = new Map<string, string[]>();
    for (const line of out.trimEnd().split('\n')) {
      const row = JSON.parse(line) as {
        text: string;
        tokens?: { text: string; start: number; end: number; id: number; ws: boolean }[];
        spans: { start: number; end: number; label: string; text: string; token_start?: number; token_end?: number }[];
        relations: { head: number; child: number; label: string; head_span: ProdigyEnd; child_span: ProdigyEnd }[];
      };
      const rels: string[] = [];
      if (row.relations.length > 0) {
        const tokens = row.tokens!;
        // spaCy's Doc(words, spaces) gives the text back, and each token sits at its offsets.
        expect(tokens.map((t) => t.text + (t.ws ? ' ' : '')).join('')).toBe(row.text);
        tokens.forEach((t, i) => {
          expect(t.id).toBe(i);
          expect(pySlice(row.text, t.start, t.end)).toBe(t.text);
        });
        for (const s of row.spans) {
          expect(tokens[s.token_start!]!.start).toBe(s.start);
          expect(tokens[s.token_end!]!.end).toBe(s.end);
        }
        for (const r of row.relations) {
          for (const [token, end] of [[r.head, r.head_span], [r.child, r.child_span]] as const) {
            expect(token).toBe(end.token_end);
            expect(row.spans).toContainEqual({ ...end, text: pySlice(row.text, end.start, end.end) });
          }
          rels.push(`${r.label} ${r.head_span.label}@${r.head_span.start}-${r.head_span.end} ${r.child_span.label}@${r.child_span.start}-${r.child_span.end}`);
        }
      } else {
        expect(row.tokens).toBeUndefined();
      }
      got.set(row.text, rels.sort());
    }
    expect(got).toEqual(mapValues(source, (l) => l.relations));
  });

  it('doccano uses the entities/relations form only where a document has relations, with integer ids unique in the file', async () => {
    const out = (await ok(['export', 'src', '--format', 'doccano', '--annotator', 'alice'])).stdout;
    const got = new Map<string, string[]>();
    const entityIds = new Set<number>();
    const relationIds = new Set<number>();
    for (const line of out.trimEnd().split('\n')) {
      const row = JSON.parse(line) as {
        text: string;
        label?: unknown[];
        entities?: { id: number; label: string; start_offset: number; end_offset: number }[];
        relations?: { id: number; from_id: number; to_id: number; type: string }[];
      };
      if (row.entities === undefined) {
        expect(Object.keys(row)).toEqual(['text', 'label']);
        got.set(row.text, []);
        continue;
      }
      expect(Object.keys(row)).toEqual(['text', 'entities', 'relations']);
      const byId = new Map(row.entities.map((e) => [e.id, e]));
      for (const e of row.entities) {
        expect(Number.isInteger(e.id) && !entityIds.has(e.id)).toBe(true);
        entityIds.add(e.id);
        expect(Object.keys(e)).toEqual(['id', 'label', 'start_offset', 'end_offset']);
      }
      const rels = row.relations!.map((r) => {
        expect(Number.isInteger(r.id) && !relationIds.has(r.id)).toBe(true);
        relationIds.add(r.id);
        expect(Object.keys(r)).toEqual(['id', 'from_id', 'to_id', 'type']);
        const [from, to] = [byId.get(r.from_id)!, byId.get(r.to_id)!];
        return `${r.type} ${from.label}@${from.start_offset}-${from.end_offset} ${to.label}@${to.start_offset}-${to.end_offset}`;
      });
      expect(rels.length).toBeGreaterThan(0);
      got.set(row.text, rels.sort());
    }
    expect(got).toEqual(mapValues(source, (l) => l.relations));
  });

  it('conll: labels and quotes survive, what cannot be represented is reported, and a second trip is exact', async () => {
    const out1 = join(root, 'out-1.conll');
    const exported = await exportTo('src', 'conll', out1);
    const reported = /conll: (\d+) span\(s\) could not be represented exactly/.exec(exported.stderr);
    expect(Number(reported?.[1])).toBe(4); // Quantity in Commitment, Money in Commitment, Oslo in Commitment, Nordic…Bank in 2 pieces
    expect(exported.stderr).toContain('outermost wins');
    await ok(['init', 'conll-1']);
    await ok(['import', 'conll-1', out1, '--annotator', 'alice']);
    const once = await layersByText(join(root, 'conll-1'));
    const quotes = (map: Map<string, { spans: View[] }>): string[] =>
      [...map].flatMap(([text, l]) => l.spans.map((s) => `${s.label}: ${pySlice(text, s.start, s.end).replace(/\s+/gu, ' ')}`)).sort();
    const sourceQuotes = new Set(
      [...source].flatMap(([text, l]) =>
        l.spans.flatMap((s) => (s.fragments ?? [s]).map((f) => `${s.label}: ${pySlice(text, f.start, f.end).replace(/\s+/gu, ' ')}`)),
      ),
    );
    const got = quotes(once);
    for (const q of got) expect(sourceQuotes).toContain(q);
    const sourceCount = [...source.values()].reduce((n, l) => n + l.spans.length, 0);
    expect(got.length).toBe(sourceCount - 3 + 1); // three overlapped spans dropped, one discontinuous span written as two
    const out2 = join(root, 'out-2.conll');
    await exportTo('conll-1', 'conll', out2);
    expect(await readFile(out2, 'utf8')).toBe(await readFile(out1, 'utf8'));
    await ok(['init', 'conll-2']);
    await ok(['import', 'conll-2', out2, '--annotator', 'alice']);
    expect(await layersByText(join(root, 'conll-2'))).toEqual(once);
  });

  it('--prefer inner keeps the inner spans of an overlap instead', async () => {
    const inner = await run(['export', 'src', '--format', 'conll', '--annotator', 'alice', '--prefer', 'inner', '--out', '-']);
    expect(inner.code).toBe(0);
    const spans = readConll(inner.stdout);
    expect(spans.some((s) => s.label === 'Quantity' && s.text === '75 new ones')).toBe(true);
    expect(spans.some((s) => s.label === 'Commitment' && s.text.startsWith('plans to open'))).toBe(false);
    expect(inner.stderr).toContain('innermost span wins');
  });
});

describe('a Prodigy JSONL with emoji, exported in every format, read back by independent readers', () => {
  const digestPromise = readFile(join(SAMPLES, 'social-monitoring-digest.txt'), 'utf8');
  const SECOND = 'Zürich 👩‍👩‍👧 family gave 𝟓𝟎𝟎 francs to 🌍 Aid.';
  let expected: string[];
  let texts: Map<string, string>;

  beforeAll(async () => {
    const digest = await digestPromise;
    const span = (text: string, label: string, quote: string): Record<string, unknown> => {
      const r = rangeOf(text, quote);
      return { ...r, label, text: quote, token_start: 0, token_end: 0 };
    };
    const lines = [
      {
        text: digest,
        _input_hash: 1,
        _task_hash: 2,
        answer: 'accept',
        spans: [
          span(digest, 'Organisation', '@GreenFund'),
          span(digest, 'Location', 'Oslo'),
          span(digest, 'Money', '€25 million'),
          span(digest, 'Commitment', 'We pledge €25 million to the Aral Sea restoration programme by 2027 💧'),
          span(digest, 'Person', 'Maria Lopez'),
          span(digest, 'Date', '𝟐𝟎𝟐𝟕'),
        ],
      },
      {
        text: SECOND,
        answer: 'accept',
        spans: [span(SECOND, 'Location', 'Zürich'), span(SECOND, 'Money', '𝟓𝟎𝟎 francs'), span(SECOND, 'Organisation', '🌍 Aid')],
      },
      { text: 'Rejected example.', answer: 'reject', spans: [] },
    ];
    await writeFile(join(root, 'prodigy.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const imported = await ok(['init', 'prodigy']).then(() => ok(['import', 'prodigy', 'prodigy.jsonl', '--annotator', 'alice']));
    expect(imported.stderr).toContain('prodigy.jsonl:3: skipped (answer "reject")');
    expected = lines
      .slice(0, 2)
      .flatMap((l) => l.spans.map((s) => `${String(s.label)}: ${String(s.text)}`))
      .sort();
    const dataset = await run(['export', 'prodigy', '--format', 'gloss']);
    texts = readGloss(dataset.stdout).texts;
  });

  /** Each span's text equals the document text at its offsets, as Python indexes it; returns "label: text". */
  function checked(spans: ReadSpan[], documentTexts: Map<string, string>): string[] {
    for (const s of spans) {
      const text = documentTexts.get(s.document);
      expect(text, s.document).toBeDefined();
      expect(pySlice(text!, s.start!, s.end!)).toBe(s.text);
    }
    return spans.map((s) => `${s.label}: ${s.text}`).sort();
  }

  it('gloss', async () => {
    const { texts: t, spans } = readGloss((await ok(['export', 'prodigy', '--format', 'gloss', '--out', '-'])).stdout);
    expect(checked(spans, t)).toEqual(expected);
    // Code points, not UTF-16: the astral digits sit where Python would find them.
    const date = spans.find((s) => s.label === 'Date')!;
    const text = t.get(date.document)!;
    expect(date.start).toBe([...text].findIndex((_, i, cps) => cps.slice(i, i + 4).join('') === '𝟐𝟎𝟐𝟕'));
    expect(date.start).not.toBe(text.indexOf('𝟐𝟎𝟐𝟕'));
  });

  it('jsonl', async () => {
    const { texts: t, spans } = readJsonl((await ok(['export', 'prodigy', '--format', 'jsonl', '--annotator', 'alice'])).stdout);
    expect(checked(spans, t)).toEqual(expected);
  });

  it('doccano', async () => {
    const { texts: t, spans } = readDoccano((await ok(['export', 'prodigy', '--format', 'doccano', '--annotator', 'alice'])).stdout);
    expect(checked(spans, t)).toEqual(expected);
  });

  it('brat', async () => {
    const out = join(root, 'prodigy-brat');
    await ok(['export', 'prodigy', '--format', 'brat', '--annotator', 'alice', '--out', out]);
    const files = new Map<string, string>();
    for (const name of await readdir(out)) files.set(name, await readFile(join(out, name), 'utf8'));
    expect([...files.keys()].sort()).toEqual([...[...texts.keys()].flatMap((id) => [`${id}.ann`, `${id}.txt`])].sort());
    const { texts: t, spans, fragmentTexts } = readBrat(files);
    expect(checked(spans, t)).toEqual(expected);
    expect(fragmentTexts.map((s) => `${s.label}: ${s.text}`).sort()).toEqual(expected);
  });

  it('conll', async () => {
    const result = await ok(['export', 'prodigy', '--format', 'conll', '--annotator', 'alice']);
    expect(result.stderr).toContain('conll: 1 span(s) could not be represented exactly');
    const got = readConll(result.stdout).map((s) => `${s.label}: ${s.text}`).sort();
    // Money inside the Commitment: the outermost span wins.
    expect(got).toEqual(expected.filter((e) => e !== 'Money: €25 million'));
  });

  it('w3c', async () => {
    const spans = readW3c((await ok(['export', 'prodigy', '--format', 'w3c'])).stdout);
    expect(checked(spans, texts)).toEqual(expected);
  });

  it('csv', async () => {
    const spans = readCsv((await ok(['export', 'prodigy', '--format', 'csv'])).stdout);
    expect(checked(spans, texts)).toEqual(expected);
  });
});

describe('broken inputs: exit 1, file and line named, workspace unchanged byte for byte', () => {
  const cases: { name: string; files: Record<string, string>; args: string[]; message: RegExp }[] = [
    {
      name: 'jsonl with a bad line',
      files: { 'bad.jsonl': '{"text": "One.", "spans": []}\n{"text": "Two.", "spans": [\n' },
      args: ['bad.jsonl'],
      message: /^gloss: error: bad\.jsonl:2: not valid JSON/m,
    },
    {
      name: 'jsonl offsets in UTF-16 units',
      files: { 'utf16.jsonl': JSON.stringify({ text: '🌍 Oslo and Bergen', spans: [{ start: 3, end: 7, label: 'Location', text: 'Oslo' }] }) + '\n' },
      args: ['utf16.jsonl'],
      message: /^gloss: error: utf16\.jsonl:1: span 1 \(Location\): its text "Oslo" does not match .*code points/m,
    },
    {
      name: 'brat T line whose text does not match',
      files: { 'b/doc.txt': 'Alice met Bob.\n', 'b/doc.ann': 'T1\tPerson 0 5\tAlice\nT2\tPerson 10 13\tBen\n' },
      args: ['b/doc.ann'],
      message: /^gloss: error: b\/doc\.ann:2: T2: text "Ben" does not match/m,
    },
    {
      name: 'brat malformed line',
      files: { 'm/doc.txt': 'Alice met Bob.\n', 'm/doc.ann': 'T1\tPerson 0 5\tAlice\nR1 Knows T1\n' },
      args: ['m'],
      message: /^gloss: error: m\/doc\.ann:2: expected an id, a tab/m,
    },
    {
      name: 'brat .ann without its .txt',
      files: { 'lonely.ann': 'T1\tPerson 0 5\tAlice\n' },
      args: ['lonely.ann'],
      message: /^gloss: error: lonely\.ann: its text .*lonely\.txt is missing/m,
    },
    {
      name: 'conll line without a tag',
      files: { 'bad.conll': 'Maria B-Person\nLopez\n' },
      args: ['bad.conll'],
      message: /^gloss: error: bad\.conll:2: expected a token and a tag/m,
    },
    {
      name: 'gloss dataset with a syntax error',
      files: { 'bad.json': '{\n  "format": "gloss.dataset",\n  "version": 1,\n  "documents": [,]\n}\n' },
      args: ['bad.json'],
      message: /^gloss: error: bad\.json:4: not valid JSON/m,
    },
    {
      name: 'w3c quote that cannot be anchored',
      files: {
        'anno.jsonld': JSON.stringify({
          '@context': 'http://www.w3.org/ns/anno.jsonld',
          type: 'Annotation',
          body: { type: 'TextualBody', purpose: 'tagging', value: 'Location' },
          target: { source: 'social-monitoring-digest', selector: { type: 'TextQuoteSelector', exact: 'Bergen' } },
        }),
      },
      args: ['anno.jsonld'],
      message: /^gloss: error: anno\.jsonld:1: annotation 1: .*the quote "Bergen" cannot be anchored/m,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      for (const [name, content] of Object.entries(c.files)) {
        await mkdir(join(root, name, '..'), { recursive: true });
        await writeFile(join(root, name), content);
      }
      const before = await snapshot(join(root, 'src'));
      // A good file first: nothing of it is written either.
      const result = await run(['import', 'src', join(SAMPLES, 'brat', '000-introduction.ann'), ...c.args, '--annotator', 'zed']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(c.message);
      expect(result.stderr).toContain('nothing was imported');
      expect(result.stdout).toBe('');
      expect(await snapshot(join(root, 'src'))).toEqual(before);
    });
  }

  it('a file over the size limit is refused before it is read', async () => {
    const big = join(root, 'huge.jsonl');
    await writeFile(big, '');
    await truncate(big, 201 * 1024 * 1024); // sparse: no disk space, and never read
    const before = await snapshot(join(root, 'src'));
    const result = await run(['import', 'src', 'huge.jsonl']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('huge.jsonl: is 201.0 MB, over the import limit of 200.0 MB per file');
    expect(await snapshot(join(root, 'src'))).toEqual(before);
  });

  it('unknown labels under --strict', async () => {
    const before = await snapshot(join(root, 'prodigy'));
    const result = await run(['import', 'prodigy', BRAT_ANN, '--strict']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/000-introduction\.ann: .*unknown label "Organization".*--strict/);
    expect(await snapshot(join(root, 'prodigy'))).toEqual(before);
  });
});

describe('export options', () => {
  it('--curated exports the curation layer, and conflicts with --annotator', async () => {
    // The curation layer is written by the review UI (a later issue): made by hand here.
    const layerPath = join(root, 'src', 'annotations', 'crlf-note', 'alice.json');
    const layer = JSON.parse(await readFile(layerPath, 'utf8')) as { annotator: string; spans: { label: string }[] };
    layer.annotator = 'curation';
    layer.spans = layer.spans.filter((s) => s.label === 'Location');
    await writeFile(join(root, 'src', 'annotations', 'crlf-note', 'curation.json'), JSON.stringify(layer, null, 2) + '\n');
    const curated = await ok(['export', 'src', '--format', 'jsonl', '--curated']);
    expect(curated.stderr).toContain('5 document(s), 1 span(s) of the curation layer');
    const { spans } = readJsonl(curated.stdout);
    expect(spans.map((s) => `${s.label}: ${s.text}`)).toEqual(['Location: Oslo']);
    const both = await run(['export', 'src', '--format', 'jsonl', '--curated', '--annotator', 'alice']);
    expect(both.code).toBe(2);
  });

  it('refuses brat to stdout, --prefer for other formats, and a brat --out that is a file', async () => {
    for (const args of [
      ['export', 'src', '--format', 'brat'],
      ['export', 'src', '--format', 'brat', '--out', '-'],
      ['export', 'src', '--format', 'jsonl', '--prefer', 'inner'],
      ['export', 'src', '--format', 'conll', '--prefer', 'middle'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).not.toBe('');
    }
    await writeFile(join(root, 'a-file'), 'x');
    const onFile = await run(['export', 'src', '--format', 'brat', '--annotator', 'alice', '--out', 'a-file']);
    expect(onFile.code).toBe(1);
    expect(onFile.stderr).toContain('a-file: cannot write the brat folder: not a folder');
  });

  it('fails to write a file export where it cannot go, leaving nothing behind', async () => {
    const missing = await run(['export', 'src', '--format', 'gloss', '--out', join('no-such-folder', 'out.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-folder\/out\.json: cannot write: ENOENT/u);
    await mkdir(join(root, 'a-folder', 'inside'), { recursive: true });
    const onFolder = await run(['export', 'src', '--format', 'w3c', '--out', 'a-folder']);
    expect(onFolder.code).toBe(1);
    expect(onFolder.stderr).toContain('a-folder: cannot write:');
    expect(await readdir(root)).not.toContain('no-such-folder');
    expect((await readdir(root)).filter((name) => name.includes('.tmp-'))).toEqual([]);
    expect(await readdir(join(root, 'a-folder'))).toEqual(['inside']);
  });

  it('is deterministic: the same workspace and GLOSS_NOW give the same bytes', async () => {
    const env = { GLOSS_CONFIG_DIR: configDir, GLOSS_NOW: '2025-01-02T03:04:05Z' };
    for (const format of ['gloss', 'w3c', 'csv', 'conll', 'jsonl', 'doccano']) {
      const a = await run(['export', 'src', '--format', format, '--annotator', 'alice'], { env, now: () => new Date() });
      const b = await run(['export', 'src', '--format', format, '--annotator', 'alice'], { env, now: () => new Date(0) });
      expect(a.stdout).toBe(b.stdout);
      if (format === 'gloss') expect(JSON.parse(a.stdout)).toMatchObject({ exportedAt: '2025-01-02T03:04:05.000Z' });
    }
    const bad = await run(['list', 'src'], { env: { GLOSS_CONFIG_DIR: configDir, GLOSS_NOW: 'yesterday' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('GLOSS_NOW="yesterday" is not an ISO 8601 time');
  });
});

describe('progress', () => {
  it('draws a progress line on a terminal, rewritten in place and cleared before the notes', async () => {
    await ok(['init', 'progress-ws']);
    const result = await run(['import', 'progress-ws', ...SAMPLE_FILES.map((f) => join(SAMPLES, f)), BRAT_ANN], {
      progress: { isTTY: true, columns: 60, delayMs: 0, intervalMs: 0 },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('\rreading files 0/4 (0%)');
    expect(result.stderr).toContain('\rwriting files');
    const lastDraw = result.stderr.lastIndexOf('\r');
    const note = result.stderr.indexOf('note:');
    expect(note).toBeGreaterThan(lastDraw);
    expect(result.stderr.slice(lastDraw - 1, lastDraw + 1)).toBe(' \r');
    expect(result.stdout).not.toContain('\r');
  });

  it('as a real process: GLOSS_NOW fixes the clock, and no progress line goes to a pipe', async () => {
    const result = await new Promise<Run>((done) => {
      execFile(
        process.execPath,
        [GLOSS_BIN, 'export', 'src', '--format', 'gloss'],
        { cwd: root, env: { ...process.env, GLOSS_CONFIG_DIR: configDir, GLOSS_NOW: '2030-06-01T00:00:00Z' }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ exportedAt: '2030-06-01T00:00:00.000Z' });
    expect(result.stderr).toMatch(/^exported 5 document\(s\)/);
    expect(result.stderr).not.toContain('\r');
  });
});
