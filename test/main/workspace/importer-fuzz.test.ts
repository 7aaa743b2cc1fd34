// Fuzzing the whole import, not just the parsers: random bytes and mutated valid files of every
// format, under their own extension, never make importFiles throw; a refused import writes
// nothing, and an accepted one leaves a workspace that validates.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../../src/main/workspace/importer';
import { Workspace } from '../../../src/main/workspace/workspace';
import { mutate, mutations } from '../../core/formats/helpers';
import { counterIds, fixedNow, removeDir, snapshot, tempDir } from './helpers';

const SEED = 20241127;
const RUNS = 40;

const TEXT = 'Emomali Rahmon met Denis Manturov 🌍 in Dushanbe; 𝟐𝟎𝟐𝟕 pledge of $1.4 billion.\nNext line.';

/** One valid file of each annotation format over TEXT (offsets in code points). */
const VALID: Record<string, string> = {
  'a.jsonl': `${JSON.stringify({ text: TEXT, spans: [{ start: 0, end: 14, label: 'Person' }, { start: 19, end: 33, label: 'Person' }] })}\n`,
  'b.doccano.jsonl': `${JSON.stringify({ text: TEXT, label: [[0, 14, 'Person'], [38, 46, 'Location']] })}\n`,
  'c.conll': '-DOCSTART- -X- O O\n\nEmomali B-PER\nRahmon I-PER\nmet O\nDenis B-PER\nManturov I-PER\n',
  'd.txt': TEXT,
  'e.md': `# Report\n\n${TEXT}\n\n- one\n- two\n`,
  'f.html': `<html><head><title>T</title></head><body><h1>Report</h1><p>${TEXT}</p></body></html>`,
};

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await tempDir('gloss-import-fuzz-');
});

afterAll(async () => {
  await removeDir(root);
});

/** Import one file's content under a name; the workspace is unchanged on refusal and valid on success. */
async function importChecked(name: string, content: string | Uint8Array): Promise<void> {
  const n = counter++;
  // A fresh small workspace each time keeps the check of "nothing written" cheap.
  const created = await Workspace.init(join(root, `ws-${n}`), { now: fixedNow });
  if (!created.ok) throw new Error(created.error.message);
  const ws = created.value;
  const path = join(root, `${n}-${name}`);
  await writeFile(path, content);
  const before = await snapshot(ws.dir);
  const result = await importFiles(ws, [path], { format: 'auto', annotator: 'fuzz', now: fixedNow, newId: counterIds(`f${n}-`) });
  if (!result.ok) {
    expect(result.error.file).toContain(name);
    expect(await snapshot(ws.dir)).toEqual(before);
  } else {
    expect(await ws.validate()).toEqual([]);
  }
  await removeDir(ws.dir);
}

describe('importFiles under fuzzing', () => {
  it('takes random bytes under every extension without throwing', async () => {
    const extensions = ['.jsonl', '.json', '.conll', '.txt', '.md', '.html', '.ann', '.jsonld', '.docx', '.pdf', '.bin'];
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...extensions), async (bytes, ext) => {
        await importChecked(`random${ext}`, bytes);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('takes mutated valid files of every format without throwing', async () => {
    const pieces = ['{', '}', '[', ']', '"', ',', ':', '\n', '\r\n', '0', '-1', '99999', '\uFFFD', '🌍', 'B-', 'I-', '<p>', '</p>', '#', 'label', 'start'];
    for (const [name, content] of Object.entries(VALID)) {
      await fc.assert(
        fc.asyncProperty(mutations(pieces), async (edits) => {
          await importChecked(name, mutate(content, edits));
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }
  });
});
