// `gloss` as analysts and the acceptance checks use it: real processes for the main paths (init,
// import the three samples, validate, list, export: texts identical to the files; bad input
// exit 1 with the file and line, workspace unchanged; usage errors exit 2), the same CLI
// in-process for the many small variations.

import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glossInProcess, gloss, ROOT } from './run-gloss';
import type { Run } from './run-gloss';
import { removeDir, snapshot, tempDir } from '../main/workspace/helpers';

const SAMPLE_DIR = '/work/shared/samples';
const SAMPLES = ['ru-ministry-briefing.txt', 'social-monitoring-digest.txt', 'tajikistan-russia-industrial-cooperation.txt'];
const SAMPLE_IDS = SAMPLES.map((f) => f.replace(/\.txt$/, ''));

let root: string;
let configDir: string;
let ws: string;
let init: Run;
let imported: Run;

/** Sample files: the shared originals when present, else the copies in resources/sample. */
async function samplePath(name: string): Promise<string> {
  try {
    await readFile(join(SAMPLE_DIR, name));
    return join(SAMPLE_DIR, name);
  } catch {
    return join(ROOT, 'resources', 'sample', name);
  }
}

const run = (args: string[]): Promise<Run> => gloss(args, { cwd: root, configDir });
const runHere = (args: string[]): Promise<Run> => glossInProcess(args, { cwd: root, configDir });

beforeAll(async () => {
  root = await tempDir('gloss-cli-');
  configDir = join(root, 'config');
  ws = join(root, 'ws');
  init = await run(['init', 'ws', '--name', 'Samples']);
  imported = await run(['import', 'ws', ...(await Promise.all(SAMPLES.map(samplePath)))]);
});

afterAll(async () => {
  await removeDir(root);
});

describe('the acceptance path, as real processes', () => {
  it('init creates a workspace', () => {
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toContain('Created Gloss workspace "Samples"');
  });

  it('imports the three sample reports', () => {
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    for (const name of SAMPLES) expect(imported.stdout).toContain(`${name} (txt): 1 document(s) created`);
  });

  it('builds its bundle once: after a run it is dated no older than its newest source', async () => {
    // bin/gloss.mjs rebuilds when the bundle is older than a file of src/cli, src/core or
    // src/main. Dated a fraction of a millisecond before its newest source (a Date holds whole
    // milliseconds), it looked stale and every command built it again before doing anything.
    expect((await run(['--help'])).code).toBe(0);
    const newest = async (dir: string): Promise<number> => {
      let found = 0;
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        found = Math.max(found, entry.isDirectory() ? await newest(path) : (await stat(path)).mtimeMs);
      }
      return found;
    };
    const sources = Math.max(...(await Promise.all(['cli', 'core', 'main'].map((d) => newest(join(ROOT, 'src', d))))), (await stat(join(ROOT, 'bin', 'gloss.mjs'))).mtimeMs);
    expect((await stat(join(ROOT, 'out', 'cli', 'main.mjs'))).mtimeMs).toBeGreaterThanOrEqual(sources);
  });

  it('builds its bundles in ASCII, without zod’s translations; the workers’ without the commands and the network', async () => {
    expect((await run(['--help'])).code).toBe(0);
    for (const name of ['main.mjs', 'worker.mjs']) {
      const bundle = await readFile(join(ROOT, 'out', 'cli', name));
      // One byte ≥ 0x80 and V8 holds the whole source as two-byte text.
      expect(bundle.findIndex((byte) => byte >= 0x80), name).toBe(-1);
      // zod's Catalan messages, one of its 40 languages.
      expect(bundle.includes('Entrada inv'), name).toBe(false);
      expect(bundle.length, name).toBeLessThan(1_200_000);
    }
    const worker = (await readFile(join(ROOT, 'out', 'cli', 'worker.mjs'), 'utf8'));
    // What each worker thread loads: no commander, no server (ws, node:http), no HTML importer.
    expect(worker).not.toMatch(/from ?"node:(http|https|net|tls|zlib)"/u);
    expect(worker).not.toContain('commander');
    expect(worker.length).toBeLessThan(500_000);
  });

  it('validates', async () => {
    const result = await run(['validate', 'ws']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('3 document(s), no problems');
  });

  it('exports gloss with texts identical to the files', async () => {
    const result = await run(['export', 'ws', '--format', 'gloss', '--out', 'dataset.json']);
    expect(result.code).toBe(0);
    const dataset = JSON.parse(await readFile(join(root, 'dataset.json'), 'utf8')) as {
      format: string;
      offsetUnit: string;
      documents: { id: string; text: string; layers: unknown[] }[];
    };
    expect(dataset).toMatchObject({ format: 'gloss.dataset', offsetUnit: 'codepoint' });
    expect(dataset.documents.map((d) => d.id)).toEqual(SAMPLE_IDS);
    for (const [i, name] of SAMPLES.entries()) {
      expect(dataset.documents[i]!.text).toBe(await readFile(await samplePath(name), 'utf8'));
    }
  });

  it('lists as JSON', async () => {
    const result = await run(['list', 'ws', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { id: string; length: number; layers: unknown[] }[];
    expect(rows.map((r) => r.id)).toEqual(SAMPLE_IDS);
    const digest = await readFile(await samplePath(SAMPLES[1]!), 'utf8');
    expect(rows[1]!.length).toBe([...digest].length);
  });

  it('refuses a bad line: exit 1, file and line on stderr, workspace unchanged byte for byte', async () => {
    await writeFile(join(root, 'good.jsonl'), '{"text": "Maria Lopez confirmed.", "spans": [{"start": 0, "end": 11, "label": "Person"}]}\n');
    await writeFile(
      join(root, 'bad.jsonl'),
      '{"text": "One.", "spans": []}\n\n{"text": "Two.", "spans": [{"start": 0, "end": 40, "label": "Person"}]}\n',
    );
    const before = await snapshot(ws);
    const result = await run(['import', 'ws', 'good.jsonl', 'bad.jsonl', '--annotator', 'alice']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gloss: error: bad\.jsonl:3: span 1 \(Person\): .*within the text/);
    expect(result.stderr).toContain('nothing was imported');
    expect(await snapshot(ws)).toEqual(before);
  });

  it('refuses invalid UTF-8, naming the file and the byte', async () => {
    await writeFile(join(root, 'latin1.txt'), Buffer.from('Caf\xe9 au lait', 'latin1'));
    const before = await snapshot(ws);
    const result = await run(['import', 'ws', 'latin1.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('latin1.txt: invalid UTF-8 at byte 3');
    expect(await snapshot(ws)).toEqual(before);
  });

  it('exits 2 on a usage error', async () => {
    const result = await run(['frobnicate', 'ws']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('validate exits 1 on a corrupt layer file, naming it, without moving it', async () => {
    const copy = join(root, 'corrupt-ws');
    await copyTree(ws, copy);
    await mkdir(join(copy, 'annotations', SAMPLE_IDS[0]!), { recursive: true });
    await writeFile(join(copy, 'annotations', SAMPLE_IDS[0]!, 'alice.json'), '{"format": "gloss.layer", ');
    const result = await run(['validate', 'corrupt-ws']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`corrupt-file: annotations/${SAMPLE_IDS[0]}/alice.json: not valid JSON`);
    expect(await readdir(join(copy, 'annotations', SAMPLE_IDS[0]!))).toEqual(['alice.json']);
  });
});

describe('annotations through the CLI', () => {
  it('imports jsonl into a layer, merges on re-import, and exports it back', async () => {
    const ann = join(root, 'ann-ws');
    await copyTree(ws, ann);
    const digest = await readFile(await samplePath(SAMPLES[1]!), 'utf8');
    const chars = [...digest];
    const at = (word: string): [number, number] => {
      const start = [...digest.slice(0, digest.indexOf(word))].length;
      return [start, start + [...word].length];
    };
    const [ms, me] = at('Maria Lopez');
    const [os, oe] = at('Oslo');
    expect(chars.slice(ms, me).join('')).toBe('Maria Lopez');
    await writeFile(
      join(root, 'digest.jsonl'),
      JSON.stringify({ text: digest, spans: [{ start: ms, end: me, label: 'Person' }, { start: os, end: oe, label: 'Location' }] }) + '\n',
    );
    const first = await runHere(['import', 'ann-ws', 'digest.jsonl', '--annotator', 'alice']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('0 document(s) created, 1 already in the workspace; 2 span(s) added, 0 already there');
    const second = await runHere(['import', 'ann-ws', 'digest.jsonl', '--annotator', 'alice']);
    expect(second.stdout).toContain('0 span(s) added, 2 already there');
    expect((await runHere(['validate', 'ann-ws'])).code).toBe(0);
    const list = await runHere(['list', 'ann-ws']);
    expect(list.stdout).toContain('alice (todo, 2 spans)');
    const exported = await runHere(['export', 'ann-ws', '--format', 'doccano', '--annotator', 'alice']);
    const line = exported.stdout.split('\n').find((l) => l.includes('Maria Lopez'));
    expect(JSON.parse(line!)).toEqual({ text: digest, label: [[os, oe, 'Location'], [ms, me, 'Person']] });
    expect(exported.stderr).toContain('exported 3 document(s), 2 span(s) of alice');
  });

  it('validate reports an orphan span and exits 1', async () => {
    const copy = join(root, 'orphan-ws');
    await copyTree(join(root, 'ann-ws'), copy);
    const path = join(copy, 'annotations', SAMPLE_IDS[1]!, 'alice.json');
    await writeFile(path, (await readFile(path, 'utf8')).replace('"quote": "Maria Lopez"', '"quote": "Maria Lópes"'));
    const result = await runHere(['validate', 'orphan-ws']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/orphan-span: annotations\/social-monitoring-digest\/alice\.json: span ".*" \(Person\) is an orphan/);
  });
});

describe('errors and usage, in-process', () => {
  const usage: string[][] = [
    [],
    ['import', 'ws'],
    ['export', 'ws'],
    ['export', 'ws', '--format', 'xml'],
    ['import', 'ws', 'x.txt', '--format', 'rtf'],
    ['serve', 'ws', '--port', 'abc'],
    ['serve', 'ws', '--port', '70000'],
    ['import', 'ws', 'x.txt', '--annotator', '../etc'],
    ['list', 'ws', '--bogus'],
    ['validate'],
  ];
  for (const args of usage) {
    it(`exits 2 for: gloss ${args.join(' ')}`, async () => {
      const result = await runHere(args);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toBe('');
    });
  }

  it('exits 0 for --help', async () => {
    const result = await runHere(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: gloss');
  });

  it('exits 1 naming gloss.json when the folder is not a workspace', async () => {
    for (const command of [['list', 'nowhere'], ['validate', 'nowhere'], ['import', 'nowhere', 'x.txt'], ['export', 'nowhere', '--format', 'gloss']]) {
      const result = await runHere(command);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(join(root, 'nowhere', 'gloss.json'));
    }
  });

  it('exits 1 when init finds a workspace already there', async () => {
    const result = await runHere(['init', 'ws']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already a Gloss workspace');
  });

  it('exits 1 for a missing input file, naming it', async () => {
    const result = await runHere(['import', 'ws', 'missing.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing.txt: no such file');
  });

  it('exits 1 with an unknown label under --strict, naming file and line', async () => {
    await writeFile(join(root, 'labels.jsonl'), '{"text": "Hello", "spans": [{"start": 0, "end": 5, "label": "Greeting"}]}\n');
    const before = await snapshot(ws);
    const result = await runHere(['import', 'ws', 'labels.jsonl', '--strict']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('labels.jsonl:1: span 1: unknown label "Greeting"');
    expect(await snapshot(ws)).toEqual(before);
  });

  it('lists as a table', async () => {
    const result = await runHere(['list', 'ws']);
    expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+LENGTH\s+LAYERS$/);
    expect(result.stdout).toContain('ru-ministry-briefing');
  });
});

describe('serve', () => {
  it('prints the URL first and answers the API with the token until stopped', async () => {
    const renderer = join(root, 'renderer');
    await mkdir(renderer, { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Gloss test</title>');
    // A write killed two hours ago (its pid is above Linux's limit: no such process) left a temp file.
    const litter = join(root, 'ws', '.gloss.json.tmp-99999999-abcdef');
    await writeFile(litter, '{"half":');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(litter, old, old);
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let stdout = '';
    let gotUrl = (_url: string): void => undefined;
    const url = new Promise<string>((resolve) => (gotUrl = resolve));
    const serving = glossInProcess(['serve', 'ws', '--port', '0', '--annotator', 'alice'], {
      cwd: root,
      configDir,
      rendererDir: renderer,
      untilStopped: () => stopped,
      stdout: (text) => {
        stdout += text;
        if (stdout.includes('\n')) gotUrl(stdout.split('\n')[0]!);
      },
    });
    const first = await url;
    expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{16,}$/);
    const page = await fetch(first);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Gloss test');
    const token = new URL(first).searchParams.get('token')!;
    const response = await fetch(new URL('/api/listDocuments', first), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gloss-token': token },
      body: JSON.stringify({ args: [] }),
    });
    const result = (await response.json()) as { ok: boolean; value: { id: string }[] };
    expect(result.ok).toBe(true);
    expect(result.value.map((d) => d.id)).toEqual(SAMPLE_IDS);
    stop();
    const served = await serving;
    expect(served.code).toBe(0);
    expect(served.stderr).toContain('removed 1 temp file left by interrupted writes');
    expect(existsSync(litter)).toBe(false);
  });

  it('exits 1 asking for a build when the renderer is missing', async () => {
    const result = await glossInProcess(['serve', 'ws'], { cwd: root, configDir, rendererDir: join(root, 'no-build') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('run npm run build');
  });
});

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) await copyTree(join(from, entry.name), join(to, entry.name));
    else await copyFile(join(from, entry.name), join(to, entry.name));
  }
}
