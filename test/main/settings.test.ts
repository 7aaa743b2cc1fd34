// Per-user settings: where the file lives, the default annotator, --annotator, durable changes,
// invalid names refused, a corrupt file kept aside.

import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore, annotatorFromUserName, annotatorNameProblem, settingsDir } from '../../src/main/settings';
import { fixedNow, removeDir, tempDir } from './workspace/helpers';

let dir: string;

beforeEach(async () => {
  dir = await tempDir('gloss-settings-');
});

afterEach(async () => {
  await removeDir(dir);
});

async function open(extra: { annotatorOverride?: string; osUser?: string } = {}): Promise<SettingsStore> {
  const opened = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: dir }, osUser: 'olga', now: fixedNow, ...extra });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

describe('settingsDir', () => {
  it('prefers GLOSS_CONFIG_DIR, then XDG_CONFIG_HOME/gloss, then ~/.config/gloss', () => {
    expect(settingsDir({ env: { GLOSS_CONFIG_DIR: '/c', XDG_CONFIG_HOME: '/x' }, home: '/h' })).toBe('/c');
    expect(settingsDir({ env: { XDG_CONFIG_HOME: '/x' }, home: '/h' })).toBe(join('/x', 'gloss'));
    expect(settingsDir({ env: {}, home: '/h' })).toBe(join('/h', '.config', 'gloss'));
  });
});

describe('SettingsStore', () => {
  it('defaults to the OS user name and creates no file just by reading', async () => {
    const settings = await open();
    expect(settings.get()).toEqual({ annotator: 'olga' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('lets --annotator win for this run without saving it', async () => {
    await writeFile(join(dir, 'settings.json'), '{"annotator": "bob"}\n');
    expect((await open({ annotatorOverride: 'carol' })).annotator).toBe('carol');
    expect((await open()).annotator).toBe('bob');
  });

  it('refuses an invalid --annotator', async () => {
    const opened = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: dir }, annotatorOverride: '../x' });
    expect(opened).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('saves a new annotator durably and keeps unknown settings', async () => {
    await writeFile(join(dir, 'settings.json'), '{"theme": "dark"}\n');
    const settings = await open({ annotatorOverride: 'carol' });
    expect(await settings.setAnnotator('Ирина')).toEqual({ ok: true, value: { annotator: 'Ирина' } });
    // The change replaces the command-line override too.
    expect(settings.annotator).toBe('Ирина');
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe('{\n  "theme": "dark",\n  "annotator": "Ирина"\n}\n');
    expect((await open()).annotator).toBe('Ирина');
  });

  it('creates the settings folder when saving', async () => {
    const nested = join(dir, 'a', 'b');
    const opened = await SettingsStore.open({ env: { GLOSS_CONFIG_DIR: nested }, osUser: 'olga' });
    if (!opened.ok) throw new Error(opened.error.message);
    expect((await opened.value.setAnnotator('olga')).ok).toBe(true);
    expect(JSON.parse(await readFile(join(nested, 'settings.json'), 'utf8'))).toEqual({ annotator: 'olga' });
  });

  it('refuses invalid and reserved names without saving', async () => {
    const settings = await open();
    for (const name of ['', '.hidden', 'a/b', 'x'.repeat(65), 'curation']) {
      expect((await settings.setAnnotator(name)).ok).toBe(false);
    }
    expect(settings.annotator).toBe('olga');
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps a corrupt settings file aside and falls back to the default', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'settings.json'), '{"annotator": ');
    const settings = await open();
    expect(settings.annotator).toBe('olga');
    expect(settings.problems[0]).toContain('kept aside as');
    expect((await readdir(dir)).sort()).toEqual(['settings.json.corrupt-2024-03-14T10-00-00-000Z']);
  });

  it('ignores an invalid annotator in the file, saying so', async () => {
    await writeFile(join(dir, 'settings.json'), '{"annotator": "../../etc"}\n');
    const settings = await open();
    expect(settings.annotator).toBe('olga');
    expect(settings.problems[0]).toContain('invalid annotator');
  });
});

describe('annotator names', () => {
  it('makes a valid name of any OS user name', () => {
    expect(annotatorFromUserName('olga')).toBe('olga');
    expect(annotatorFromUserName('DOMAIN\\Olga Petrova')).toBe('DOMAIN-Olga-Petrova');
    expect(annotatorFromUserName('.hidden')).toBe('hidden');
    expect(annotatorFromUserName('')).toBe('annotator');
    expect(annotatorFromUserName('curation')).toBe('annotator');
  });

  it('explains why a name is refused', () => {
    expect(annotatorNameProblem('alice')).toBeNull();
    expect(annotatorNameProblem('a b')).toContain('invalid annotator name');
    expect(annotatorNameProblem('curation')).toContain('reserved');
  });
});
