// The benchmark's report served on its own for the key diagnoses (key-profile.ts, key-anatomy.ts):
// a temporary workspace with the cover note and the report imported as `npm run bench` imports
// them, `gloss serve` of a project folder on it, and a page with the report open.

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { GeneratedData } from '../generate';
import { glossOk, ROOT, serve } from './proc';
import type { Served } from './proc';

export interface ServedReport {
  data: GeneratedData;
  served: Served;
  /** Stop the server and remove the temporary folder. */
  close(): Promise<void>;
}

/** The report (bench/.data/full: `npx tsx bench/generate.ts` once) in a new workspace, served by the gloss of `dir`. */
export async function serveReport(dir: string): Promise<ServedReport> {
  const data = JSON.parse(readFileSync(join(ROOT, 'bench', '.data', 'full', 'generated.json'), 'utf8')) as GeneratedData;
  const work = mkdtempSync(join(tmpdir(), 'gloss-keys-'));
  const env = { ...process.env, GLOSS_CONFIG_DIR: join(work, 'config') };
  mkdirSync(join(work, 'config'));
  const ws = join(work, 'ws');
  await glossOk(['init', ws], env, dir);
  await glossOk(['import', ws, data.coverFile], env, dir);
  await glossOk(['import', ws, data.reportFile, '--annotator', 'bench'], env, dir);
  const served = await serve(ws, 'bench', env, dir);
  return {
    data,
    served,
    close: async () => {
      await served.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Open the report in `page` by its title in the document list; resolves once its highlights are drawn and the rest has had 3 s to load. */
export async function openReport(page: Page, report: ServedReport): Promise<void> {
  await page.goto(report.served.url);
  await page.getByText(report.data.report.title, { exact: false }).first().click();
  await page.waitForSelector('.gl-span');
  await page.waitForTimeout(3000);
}
