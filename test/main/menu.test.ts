// The application menu with a fake `electron`: the items the issue asks for, wired to their actions.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { MenuActions } from '../../src/main/menu';

const fake = vi.hoisted(() => ({
  Menu: {
    buildFromTemplate: vi.fn((template: unknown) => ({ template })),
    setApplicationMenu: vi.fn(),
  },
}));

vi.mock('electron', () => ({ Menu: fake.Menu }));

const { menuTemplate, setupMenu } = await import('../../src/main/menu');

function actions(): MenuActions {
  return { openWorkspace: vi.fn(), importFiles: vi.fn(), exportDataset: vi.fn(), sendCommand: vi.fn() };
}

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((top) => (Array.isArray(top.submenu) ? [top, ...top.submenu] : [top]));
}

function byLabel(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  const item = items(template).find((i) => i.label === label);
  if (!item) throw new Error(`no menu item "${label}"`);
  return item;
}

function click(item: MenuItemConstructorOptions): void {
  const handler = item.click as (() => void) | undefined;
  if (!handler) throw new Error(`menu item "${item.label}" does nothing`);
  handler();
}

describe('menuTemplate', () => {
  it('has Open workspace…, Import…, Export… in File, wired to the workspace actions', () => {
    const a = actions();
    const template = menuTemplate(a, { isMac: false, devTools: false });
    const file = template.find((t) => t.label === '&File');
    const fileItems = (file?.submenu as MenuItemConstructorOptions[]).map((i) => i.label ?? i.role ?? i.type);
    expect(fileItems).toEqual(['Open workspace…', 'Import…', 'Export…', 'separator', 'quit']);
    click(byLabel(template, 'Open workspace…'));
    expect(a.openWorkspace).toHaveBeenCalledTimes(1);
    click(byLabel(template, 'Import…'));
    expect(a.importFiles).toHaveBeenCalledTimes(1);
    click(byLabel(template, 'Export…'));
    expect(a.exportDataset).toHaveBeenCalledTimes(1);
    expect(a.sendCommand).not.toHaveBeenCalled();
  });

  it('sends Undo and Redo to the renderer, leaving their keys to it', () => {
    const a = actions();
    const template = menuTemplate(a, { isMac: false, devTools: false });
    const undo = byLabel(template, 'Undo');
    const redo = byLabel(template, 'Redo');
    expect(undo.accelerator).toBe('CmdOrCtrl+Z');
    expect(redo.accelerator).toBe('CmdOrCtrl+Shift+Z');
    // Registered accelerators would swallow the keys before the renderer (and its text fields) saw them.
    expect(undo.registerAccelerator).toBe(false);
    expect(redo.registerAccelerator).toBe(false);
    click(undo);
    click(redo);
    click(byLabel(template, 'Reload workspace'));
    expect(vi.mocked(a.sendCommand).mock.calls).toEqual([['undo'], ['redo'], ['reload-workspace']]);
  });

  it('offers DevTools only in development builds', () => {
    const roles = (devTools: boolean) => items(menuTemplate(actions(), { isMac: false, devTools })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('adds the application menu on macOS', () => {
    expect(menuTemplate(actions(), { isMac: true, devTools: false })[0]?.role).toBe('appMenu');
    expect(menuTemplate(actions(), { isMac: false, devTools: false })[0]?.label).toBe('&File');
  });
});

describe('setupMenu', () => {
  it('installs the template as the application menu', () => {
    const a = actions();
    setupMenu(a, { isMac: false, devTools: false });
    expect(fake.Menu.buildFromTemplate).toHaveBeenCalledTimes(1);
    const built = fake.Menu.buildFromTemplate.mock.results[0]?.value as { template: MenuItemConstructorOptions[] };
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalledWith(built);
    expect(built.template.map((t) => t.label ?? t.role)).toEqual(['&File', '&Edit', '&View', 'windowMenu']);
  });
});
