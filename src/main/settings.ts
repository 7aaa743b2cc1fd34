// Per-user settings, kept outside any workspace (DESIGN.md §3): who "I" am (the annotator name).
// File: $GLOSS_CONFIG_DIR, else $XDG_CONFIG_HOME/gloss, else ~/.config/gloss; `settings.json`.

import { mkdir } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { fail, ok } from '../core/api';
import type { Result, Settings } from '../core/api';
import { isValidAnnotator } from '../core/document';
import { CURATION_ANNOTATOR } from '../core/model';
import { DurableJsonFile, moveAside } from './workspace/durable';

/** What the settings file holds; unknown keys are kept so that newer versions' settings survive. */
type StoredSettings = Record<string, unknown> & { annotator?: string };

const storedSettingsSchema = z.looseObject({ annotator: z.string().optional() });

export interface SettingsOptions {
  /** Environment to read GLOSS_CONFIG_DIR / XDG_CONFIG_HOME from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Home folder (default os.homedir()). */
  home?: string;
  /** The OS user name used when no annotator is set (default os.userInfo().username). */
  osUser?: string;
  /** `--annotator` from the command line: wins over the file for this run. */
  annotatorOverride?: string;
  now?: () => Date;
}

/** The folder holding settings.json for these options. */
export function settingsDir(options: Pick<SettingsOptions, 'env' | 'home'> = {}): string {
  const env = options.env ?? process.env;
  if (env.GLOSS_CONFIG_DIR) return env.GLOSS_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'gloss');
  return join(options.home ?? homedir(), '.config', 'gloss');
}

/** Why `name` cannot be an annotator name, or null when it can. */
export function annotatorNameProblem(name: string): string | null {
  if (!isValidAnnotator(name)) {
    return `invalid annotator name "${name}": use 1 to 64 letters, digits, ".", "_" or "-", not starting with "."`;
  }
  if (name === CURATION_ANNOTATOR) return `"${CURATION_ANNOTATOR}" is reserved for the adjudicated layer`;
  return null;
}

/** A valid annotator name made from an OS user name (which may hold spaces, "\" or "@"). */
export function annotatorFromUserName(user: string): string {
  const cleaned = user
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 64);
  return cleaned && annotatorNameProblem(cleaned) === null ? cleaned : 'annotator';
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to the environment.
    return process.env.USER ?? process.env.USERNAME ?? 'annotator';
  }
}

/** The per-user settings: read once, written durably on change. */
export class SettingsStore {
  /** Problems met while reading the file (e.g. it was corrupt and kept aside); never fatal. */
  readonly problems: string[] = [];
  private override: string | undefined;

  private constructor(
    private readonly db: Low<StoredSettings>,
    /** Absolute path of settings.json. */
    readonly path: string,
    private readonly defaultAnnotator: string,
  ) {}

  /** Read the settings file (missing = defaults; corrupt = kept aside, defaults, problem noted). */
  static async open(options: SettingsOptions = {}): Promise<Result<SettingsStore>> {
    const path = join(settingsDir(options), 'settings.json');
    const db = new Low<StoredSettings>(new DurableJsonFile<StoredSettings>(path), {});
    const store = new SettingsStore(db, path, annotatorFromUserName(options.osUser ?? osUserName()));
    const now = options.now ?? (() => new Date());
    try {
      await db.read();
      const parsed = storedSettingsSchema.safeParse(db.data);
      if (!parsed.success) throw new SyntaxError('not a settings object');
      db.data = parsed.data;
    } catch (error) {
      if (!(error instanceof SyntaxError)) {
        return fail('io', `cannot read settings ${path}: ${errorMessage(error)}`);
      }
      try {
        const movedTo = await moveAside(path, now());
        store.problems.push(`settings ${path} was corrupt (${error.message}); kept aside as ${movedTo}`);
      } catch (moveError) {
        return fail('io', `settings ${path} is corrupt and cannot be moved aside: ${errorMessage(moveError)}`);
      }
      db.data = {};
    }
    const stored = db.data.annotator;
    if (stored !== undefined && annotatorNameProblem(stored) !== null) {
      store.problems.push(`settings ${path}: ignoring invalid annotator "${stored}"`);
    }
    if (options.annotatorOverride !== undefined) {
      const problem = annotatorNameProblem(options.annotatorOverride);
      if (problem) return fail('invalid-input', problem);
      store.override = options.annotatorOverride;
    }
    return ok(store);
  }

  /** Who I am: the override, else the file's annotator, else the OS user name. */
  get annotator(): string {
    if (this.override !== undefined) return this.override;
    const stored = this.db.data.annotator;
    return stored !== undefined && annotatorNameProblem(stored) === null ? stored : this.defaultAnnotator;
  }

  /** The current settings as the API returns them. */
  get(): Settings {
    return { annotator: this.annotator };
  }

  /** Change who I am, durably; also replaces a command-line override for the rest of this run. */
  async setAnnotator(name: string): Promise<Result<Settings>> {
    const problem = annotatorNameProblem(name);
    if (problem) return fail('invalid-input', problem);
    const previous = this.db.data;
    this.db.data = { ...previous, annotator: name };
    try {
      await mkdirFor(this.path);
      await this.db.write();
    } catch (error) {
      this.db.data = previous;
      return fail('io', `cannot write settings ${this.path}: ${errorMessage(error)}`);
    }
    this.override = undefined;
    return ok(this.get());
  }
}

async function mkdirFor(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
