/**
 * The user data folder: `NEDRADESK_DATA_DIR` (or `--data-dir`), else the OS convention
 * (Linux `$XDG_CONFIG_HOME/NedraDesk` or `~/.config/NedraDesk`, Windows `%APPDATA%\NedraDesk`, macOS
 * `~/Library/Application Support/NedraDesk`: where the packaged Electron app keeps its userData). The
 * app, browser mode, `npm run stand` and `npm run stand -- demo-token` all find it here, so they share
 * one embedded stand and one training CA (`<data>/stand`).
 */
import { homedir } from 'node:os';
import path from 'node:path';

/** Where NedraDesk keeps its data. */
export function resolveDataDir(explicit?: string): string {
  if (explicit !== undefined) return explicit;
  if (process.env.NEDRADESK_DATA_DIR !== undefined) return process.env.NEDRADESK_DATA_DIR;
  if (process.platform === 'darwin') return path.join(homedir(), 'Library', 'Application Support', 'NedraDesk');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), 'NedraDesk');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'NedraDesk');
}

/** The folder named by `--data-dir DIR` (or `--data-dir=DIR`) among command-line arguments, if any. */
export function dataDirFromArguments(argv: readonly string[]): string | undefined {
  for (const [index, argument] of argv.entries()) {
    if (argument === '--data-dir') return argv[index + 1];
    if (argument.startsWith('--data-dir=')) return argument.slice('--data-dir='.length);
  }
  return undefined;
}
