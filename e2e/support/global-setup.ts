// Once per e2e run: check the renderer is built, and make a template workspace holding the
// three sample reports (through the real CLI), which each test copies into its own folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const GLOSS_BIN = join(ROOT, 'bin', 'gloss.mjs');

export default function globalSetup(): void {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    throw new Error('The renderer is not built: run `npm run build` before the e2e tests.');
  }
  const template = join(mkdtempSync(join(tmpdir(), 'gloss-e2e-')), 'template');
  const samples = readdirSync(join(ROOT, 'resources', 'sample'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => join(ROOT, 'resources', 'sample', f));
  execFileSync(process.execPath, [GLOSS_BIN, 'init', template, '--name', 'E2E sample'], { stdio: 'pipe' });
  execFileSync(process.execPath, [GLOSS_BIN, 'import', template, ...samples], { stdio: 'pipe' });
  process.env.GLOSS_E2E_TEMPLATE = template;
}
