// Test helper: the shared sample reports, read as the importer would (UTF-8, exact text).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder of the sample reports shared by the project. */
export const SAMPLES_DIR = '/work/shared/samples';

/** The sample report names (file names without directory). */
export const SAMPLE_FILES = [
  'tajikistan-russia-industrial-cooperation.txt',
  'ru-ministry-briefing.txt',
  'social-monitoring-digest.txt',
] as const;

/** The text of a sample report; falls back to the copy in resources/ if the shared folder is gone. */
export function readSample(name: string): string {
  for (const dir of [SAMPLES_DIR, fileURLToPath(new URL('../../resources/sample/', import.meta.url))]) {
    try {
      return readFileSync(`${dir}/${name}`, 'utf8');
    } catch {
      // try the next location
    }
  }
  throw new Error(`sample ${name} not found`);
}
