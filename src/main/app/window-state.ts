import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Size and position of the main window, remembered between launches. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

const defaultState: WindowState = { width: 1280, height: 820, maximized: false };

/** Reads the remembered window state, or the default when there is none or it is damaged. */
export function loadWindowState(userDataDir: string): WindowState {
  try {
    const parsed = JSON.parse(readFileSync(path.join(userDataDir, 'window-state.json'), 'utf8')) as Partial<WindowState>;
    if (typeof parsed.width !== 'number' || typeof parsed.height !== 'number') return defaultState;
    return { ...defaultState, ...parsed, width: Math.max(800, parsed.width), height: Math.max(600, parsed.height) };
  } catch {
    return defaultState;
  }
}

/** Writes the window state atomically (temporary name, then rename). */
export function saveWindowState(userDataDir: string, state: WindowState): void {
  const target = path.join(userDataDir, 'window-state.json');
  const temporary = `${target}.${process.pid}.tmp`;
  // userData is the data folder unless --data-dir names another: private like the rest of it.
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  renameSync(temporary, target);
}
