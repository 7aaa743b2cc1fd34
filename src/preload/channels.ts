// The IPC channel names, the one registry both sides use: main registers them (src/main/ipc.ts),
// the preload invokes them. One channel per GlossApi method, one for menu commands, one to save a file.

import { GLOSS_API_METHODS } from '../core/api';
import type { GlossApiMethod, ShellCommand } from '../core/api';

/** The channel of a GlossApi method: `gloss:<method>`. */
export function apiChannel(method: GlossApiMethod): `gloss:${GlossApiMethod}` {
  return `gloss:${method}`;
}

/** Every API channel, in GLOSS_API_METHODS order. */
export const API_CHANNELS: readonly string[] = GLOSS_API_METHODS.map(apiChannel);

/** Main -> renderer: a menu command (ShellCommand) for the renderer to carry out. */
export const SHELL_COMMAND_CHANNEL = 'gloss:shell-command';

/** Renderer -> main: save a kept export file (GlossShell.saveFile) through the save dialog. */
export const SAVE_FILE_CHANNEL = 'gloss:save-file';

/** Every ShellCommand, for checking what arrives on SHELL_COMMAND_CHANNEL. */
export const SHELL_COMMANDS = ['undo', 'redo', 'reload-workspace'] as const satisfies readonly ShellCommand[];

// Compile-time guard: a ShellCommand added in core/api.ts but missing above fails here.
const _everyCommandListed: [Exclude<ShellCommand, (typeof SHELL_COMMANDS)[number]>] extends [never] ? true : false = true;

/** True when `value` is one of the ShellCommands. */
export function isShellCommand(value: unknown): value is ShellCommand {
  return typeof value === 'string' && (SHELL_COMMANDS as readonly string[]).includes(value);
}
