// Set-up of tests that start worker threads (exports, agreement): the built CLI, which runs a worker
// when started as one, and a temp folder per test.

import { afterEach, beforeAll, beforeEach } from 'vitest';
import { builtCli } from '../../cli/run-gloss';
import { removeDir, tempDir } from './helpers';

/**
 * What tests of worker threads need: the built CLI (which runs a worker when started as one), built
 * once for the file, and a fresh temp folder for each test, removed after it. Call at the top level.
 */
export function workerThreadTests(): { readonly dir: string; readonly bundle: URL } {
  let bundle: URL | null = null;
  let dir: string | null = null;
  beforeAll(async () => {
    bundle = await builtCli();
  }, 60_000);
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    if (dir) await removeDir(dir);
    dir = null;
  });
  return {
    get dir(): string {
      if (dir === null) throw new Error('workerThreadTests: no folder outside a test');
      return dir;
    },
    get bundle(): URL {
      if (bundle === null) throw new Error('workerThreadTests: the CLI is not built yet');
      return bundle;
    },
  };
}
