// The application menu: Open workspace…, Import…, Export…, Undo, Redo. Workspace commands run in
// main; Undo/Redo are the renderer's (its own history of layer changes), so the menu only asks.

import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { ShellCommand } from '../core/api';

/** What the menu's items do; main's app state provides them. */
export interface MenuActions {
  openWorkspace(): void;
  importFiles(): void;
  exportDataset(): void;
  /** Forwards a command to the renderer (window.glossShell.onCommand). */
  sendCommand(command: ShellCommand): void;
}

export interface MenuPlatform {
  isMac: boolean;
  /** Offer DevTools (development builds only). */
  devTools: boolean;
}

/** The menu as data: what setupMenu builds, and what the tests read. */
export function menuTemplate(actions: MenuActions, platform: MenuPlatform): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { id: 'open-workspace', label: 'Open workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
      { id: 'import', label: 'Import…', accelerator: 'CmdOrCtrl+I', click: () => actions.importFiles() },
      { id: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportDataset() },
      { type: 'separator' },
      platform.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  // registerAccelerator: false shows the keys but leaves them to the renderer, which handles them
  // in both Electron and browser mode and knows when the focus is in a text field.
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      {
        id: 'undo',
        label: 'Undo',
        accelerator: 'CmdOrCtrl+Z',
        registerAccelerator: false,
        click: () => actions.sendCommand('undo'),
      },
      {
        id: 'redo',
        label: 'Redo',
        accelerator: 'CmdOrCtrl+Shift+Z',
        registerAccelerator: false,
        click: () => actions.sendCommand('redo'),
      },
      { type: 'separator' },
      { role: 'copy' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      {
        id: 'reload-workspace',
        label: 'Reload workspace',
        accelerator: 'F5',
        click: () => actions.sendCommand('reload-workspace'),
      },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(platform.devTools ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
    ],
  };
  return [...(platform.isMac ? [{ role: 'appMenu' as const }] : []), file, edit, view, { role: 'windowMenu' }];
}

/** Installs the application menu. */
export function setupMenu(actions: MenuActions, platform: MenuPlatform): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, platform)));
}
