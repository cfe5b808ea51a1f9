/**
 * User settings kept in `<data>/settings.json`: the paths of PKCS#11 libraries the user added
 * (tokens whose driver is not in the registry), whether the first-run steps were done, the UI
 * language. Written atomically; unknown keys are kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/files/atomic-write';

export interface Settings {
  pkcs11Modules: string[];
  firstRunDone: boolean;
  locale: 'ru' | 'en';
}

const defaults: Settings = { pkcs11Modules: [], firstRunDone: false, locale: 'ru' };

function readStored(dataDir: string): Record<string, unknown> {
  try {
    const stored = JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as unknown;
    return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The settings, or the defaults when the file is missing or damaged. */
export function readSettings(dataDir: string): Settings {
  const stored = readStored(dataDir);
  return {
    pkcs11Modules: Array.isArray(stored.pkcs11Modules) ? stored.pkcs11Modules.filter((item): item is string => typeof item === 'string') : defaults.pkcs11Modules,
    firstRunDone: typeof stored.firstRunDone === 'boolean' ? stored.firstRunDone : defaults.firstRunDone,
    locale: stored.locale === 'en' || stored.locale === 'ru' ? stored.locale : defaults.locale,
  };
}

/** Saves the settings (a part of them: the rest stays as it was, unknown keys included). */
export async function writeSettings(dataDir: string, settings: Partial<Settings>): Promise<Settings> {
  const merged = { ...readStored(dataDir), ...readSettings(dataDir), ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) };
  await writeFileAtomic(path.join(dataDir, 'settings.json'), JSON.stringify(merged, null, 2));
  return readSettings(dataDir);
}
