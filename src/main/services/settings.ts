/**
 * User settings kept in `<data>/settings.json`: the paths of PKCS#11 libraries the user added
 * (tokens whose driver is not in the registry). Written atomically; unknown keys are kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/files/atomic-write';

export interface Settings {
  pkcs11Modules: string[];
}

/** The settings, or the defaults when the file is missing or damaged. */
export function readSettings(dataDir: string): Settings {
  try {
    const stored = JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as Partial<Settings>;
    return { pkcs11Modules: Array.isArray(stored.pkcs11Modules) ? stored.pkcs11Modules.filter((item): item is string => typeof item === 'string') : [] };
  } catch {
    return { pkcs11Modules: [] };
  }
}

/** Saves the settings. */
export async function writeSettings(dataDir: string, settings: Settings): Promise<void> {
  await writeFileAtomic(path.join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2));
}
