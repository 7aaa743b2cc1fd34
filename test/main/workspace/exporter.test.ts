// Exporting a workspace: streamed piece by piece it gives the same bytes as built whole, and
// orphan spans are still found (and exported as stored) when the quick check sends them on.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLayerChanges, emptyLayer } from '../../../src/core/layer';
import { CodePointIndex } from '../../../src/core/offsets';
import { DEFAULT_SCHEMA } from '../../../src/core/schema';
import type { ExportedFile, ExportFormat } from '../../../src/main/workspace/exporter';
import { EXPORT_FORMATS, exportWorkspace, exportWorkspaceFolder, streamWorkspaceExport, streamWorkspaceFolderExport } from '../../../src/main/workspace/exporter';
import type { Workspace } from '../../../src/main/workspace/workspace';
import { NOW, makeDocument, makeWorkspace, openWorkspace, removeDir, tempDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

/** alpha and beta with layers of alice and bob, and gamma without layers. */
async function annotatedWorkspace(): Promise<Workspace> {
  const ws = await makeWorkspace(dir);
  await ws.addDocuments([await makeDocument('gamma', 'Nothing marked here.')]);
  for (const id of ['alpha', 'beta']) {
    const doc = (await ws.readDocument(id))!;
    for (const [k, annotator] of ['alice', 'bob'].entries()) {
      const r = applyLayerChanges(emptyLayer(doc, annotator, NOW.toISOString()), new CodePointIndex(doc.text), DEFAULT_SCHEMA, [
        { op: 'add', span: { id: `${annotator}-1`, label: 'Person', start: 0, end: 6 + k } },
        { op: 'add', span: { id: `${annotator}-2`, label: 'Location', start: 8, end: 14, note: 'a "note"' } },
      ], NOW.toISOString());
      if (!r.ok) throw new Error(r.error.message);
      await ws.writeLayer(r.value);
    }
  }
  return openWorkspace(dir, true);
}

/** A piece of an export made on this thread: text, never bytes. */
function textOf(piece: string | Uint8Array): string {
  if (typeof piece !== 'string') throw new Error('bytes from an export made on one thread');
  return piece;
}

function optionsOf(format: ExportFormat): { format: ExportFormat; exportedAt: string; annotator?: string } {
  return { format, exportedAt: NOW.toISOString(), ...(['gloss', 'w3c', 'csv'].includes(format) ? {} : { annotator: 'alice' }) };
}

describe('streamWorkspaceExport', () => {
  it('hands over pieces that add up to exportWorkspace’s text, document by document, in every format', async () => {
    await annotatedWorkspace();
    for (const format of EXPORT_FORMATS) {
      const whole = await exportWorkspace(await openWorkspace(dir, true), optionsOf(format));
      const pieces: string[] = [];
      const streamed = await streamWorkspaceExport(await openWorkspace(dir, true), optionsOf(format), (piece) => {
        pieces.push(textOf(piece));
      });
      expect(pieces.join(''), format).toBe(whole.text);
      expect(pieces.length, format).toBeGreaterThan(2);
      expect(pieces.every((p) => p !== '')).toBe(true);
      const { text: _text, ...rest } = whole;
      expect(streamed).toEqual(rest);
    }
  });

  it('waits for a promise the sink returns before the next document', async () => {
    await annotatedWorkspace();
    const events: string[] = [];
    await streamWorkspaceExport(await openWorkspace(dir, true), optionsOf('jsonl'), async (piece) => {
      events.push(`start ${JSON.parse(textOf(piece)).meta.id}`);
      await new Promise((r) => setTimeout(r, 5));
      events.push('done');
    });
    expect(events).toEqual(['start alpha', 'done', 'start beta', 'done', 'start gamma', 'done']);
  });

  it('warns of an orphan span, with validate’s message, and exports it as stored', async () => {
    await annotatedWorkspace();
    const file = join(dir, 'annotations', 'beta', 'bob.json');
    const layer = JSON.parse(await readFile(file, 'utf8')) as { spans: { quote: string }[] };
    layer.spans[1]!.quote = 'changed';
    await writeFile(file, JSON.stringify(layer, null, 2) + '\n');
    const out = await exportWorkspace(await openWorkspace(dir, true), optionsOf('csv'));
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/^annotations\/beta\/bob\.json: span "bob-2" \(Location\) is an orphan: its quote "changed" no longer matches .*\(exported with its stored offsets\)$/u);
    expect(out.spans).toBe(8);
    const clean = await exportWorkspace(await openWorkspace(dir, true), optionsOf('jsonl'));
    expect(clean.warnings).toEqual([]);
  });
});

describe('streamWorkspaceFolderExport', () => {
  it('hands over the files of exportWorkspaceFolder, in order', async () => {
    await annotatedWorkspace();
    const options = { format: 'brat' as const, exportedAt: NOW.toISOString(), annotator: 'bob' };
    const whole = await exportWorkspaceFolder(await openWorkspace(dir, true), options);
    const files: ExportedFile[] = [];
    const streamed = await streamWorkspaceFolderExport(await openWorkspace(dir, true), options, (file) => {
      files.push(file);
    });
    expect(files).toEqual(whole.files);
    expect(files.map((f) => f.name)).toEqual(['alpha.txt', 'alpha.ann', 'beta.txt', 'beta.ann', 'gamma.txt', 'gamma.ann']);
    const { files: _files, ...rest } = whole;
    expect(streamed).toEqual(rest);
  });
});
