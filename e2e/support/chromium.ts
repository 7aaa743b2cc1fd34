// Finds a Chromium for the e2e tests: Playwright's own build if installed, else Debian's
// /usr/bin/chromium, else $CHROMIUM_PATH. Without one, fail with the one command that installs it.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const INSTALL_HINT = 'apt-get install -y chromium   (Debian; or set CHROMIUM_PATH to a Chromium binary)';

/** The path of a Chromium executable, or an Error saying how to get one. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright throws when its own browser was never downloaded: fall through to the system one.
  }
  candidates.push('/usr/bin/chromium');
  if (env.CHROMIUM_PATH) candidates.push(env.CHROMIUM_PATH);
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error(`No Chromium found for the e2e tests. Install one with:\n  ${INSTALL_HINT}`);
  return found;
}

/** Flags for headless Chromium on a machine without network (and as root in CI). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
