/**
 * User settings: the paths of PKCS#11 libraries the user added (tokens whose driver is not in the
 * registry), whether the first-run steps were done, the UI language. Kept in the local database,
 * rows `user.<name>` of the `settings` table (src/main/store/preferences.ts); unknown names are
 * kept. A `settings.json` of an earlier version is imported when the database is opened by the app.
 *
 * Each function takes the app's open database, or a data folder (tools and tests without the app):
 * then the folder's database is opened, an old `settings.json` imported, and closed again.
 */
import { openStore, type StoreDatabase } from '../store/database';
import { importLegacyFiles, readUserSettings, writeUserSettings } from '../store/preferences';

export interface Settings {
  pkcs11Modules: string[];
  firstRunDone: boolean;
  locale: 'ru' | 'en';
}

const defaults: Settings = { pkcs11Modules: [], firstRunDone: false, locale: 'ru' };

/** The database or the data folder holding it. */
export type SettingsSource = StoreDatabase | string;

function withStore<T>(source: SettingsSource, work: (database: StoreDatabase) => T): T {
  if (typeof source !== 'string') return work(source);
  const database = openStore({ dataDir: source });
  try {
    importLegacyFiles(database, source);
    return work(database);
  } finally {
    database.close();
  }
}

function normalise(stored: Record<string, unknown>): Settings {
  return {
    pkcs11Modules: Array.isArray(stored.pkcs11Modules) ? stored.pkcs11Modules.filter((item): item is string => typeof item === 'string') : defaults.pkcs11Modules,
    firstRunDone: typeof stored.firstRunDone === 'boolean' ? stored.firstRunDone : defaults.firstRunDone,
    locale: stored.locale === 'en' || stored.locale === 'ru' ? stored.locale : defaults.locale,
  };
}

/** The settings; the defaults for what was never set or is not valid. */
export function readSettings(source: SettingsSource): Settings {
  return withStore(source, (database) => normalise(readUserSettings(database)));
}

/** Saves the settings (a part of them: the rest stays as it was), in one transaction. */
export async function writeSettings(source: SettingsSource, settings: Partial<Settings>): Promise<Settings> {
  return withStore(source, (database) => {
    writeUserSettings(database, { ...settings });
    return normalise(readUserSettings(database));
  });
}
