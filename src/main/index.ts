// Gloss's Electron main process: the boot sequence, nothing else. Each step is defined where it
// belongs (window.ts: security and the window; ipc.ts: the API; menu.ts; controller.ts: app state).

import { app, session } from 'electron';
import { join } from 'node:path';
import { GlossApp, parseShellArgs, sampleWorkspaceDir } from './controller';
import { setupIpc } from './ipc';
import { setupMenu } from './menu';
import {
  createMainWindow,
  registerRendererScheme,
  setupContentsSecurity,
  setupRendererProtocol,
  setupSessionSecurity,
} from './window';

const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs');
const RENDERER_DIR = join(import.meta.dirname, '../renderer');

async function onReady(): Promise<void> {
  const args = parseShellArgs(process.argv.slice(1));
  const devTools = !app.isPackaged;
  setupSessionSecurity(session.defaultSession);
  setupRendererProtocol(RENDERER_DIR);
  const gloss = await GlossApp.create(args);
  setupIpc({ getApi: () => gloss.api(), trustedContents: () => gloss.trustedContents(), saveFile: (href) => gloss.saveFile(href) });
  // Exports' files are kept until the app quits (docs/adr/0019).
  app.on('will-quit', () => gloss.removeKeptFiles());
  setupMenu(gloss.menuActions(), { isMac: process.platform === 'darwin', devTools });
  await gloss.openWorkspace(args.workspace ?? sampleWorkspaceDir());
  gloss.attachWindow(createMainWindow({ preloadPath: PRELOAD_PATH, devTools }));
}

// Before 'ready': schemes must be registered and the sandbox enabled for every renderer.
registerRendererScheme();
app.enableSandbox();
setupContentsSecurity();
app.on('window-all-closed', () => app.quit());
app
  .whenReady()
  .then(onReady)
  .catch((error: unknown) => {
    console.error('gloss: could not start:', error);
    app.exit(1);
  });
