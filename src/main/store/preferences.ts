/**
 * The user's settings and the chosen cabinet in the local database (tables of migration 1).
 *
 * Settings are rows of `settings`: key `user.<name>` → the value as JSON (`user.locale` → `"en"`).
 * Other keys of that table (the organisation last chosen, when a list was fetched) belong to
 * others and are never read here.
 *
 * Cabinet profiles are rows of `cabinet_profiles`, one per cabinet used: id `stand` (the training
 * stand) or `url:<address>`; the active one is named by the settings key `cabinet.active-profile`.
 *
 * Before the database they lived in `<data>/settings.json` and `<data>/cabinet-profile.json`. On
 * the first start after the upgrade, importLegacyFiles reads both, writes them in one transaction
 * and renames each to `<file>.imported`. A file that cannot be read as what it should be (damaged
 * JSON, a profile of no known kind) is not imported and is left in place; the defaults apply, as
 * before. The transaction also records each imported file's SHA-256, so a file whose rename failed
 * is not imported again over later changes — only renamed on the next start.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '../log/logger';
import type { StoreDatabase } from './database';

const log = createLogger('store.preferences');

const userPrefix = 'user.';
const activeProfileKey = 'cabinet.active-profile';
const upsertSetting = 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value';

/** The settings as stored: every `user.*` row whose JSON parses, unknown names included. */
export function readUserSettings(database: StoreDatabase): Record<string, unknown> {
  const rows = database.prepare("SELECT key, value FROM settings WHERE key >= 'user.' AND key < 'user/'").all() as Array<{ key: string; value: string }>;
  const settings: Record<string, unknown> = {};
  for (const row of rows) {
    try {
      settings[row.key.slice(userPrefix.length)] = JSON.parse(row.value) as unknown;
    } catch {
      log.warn('setting not read: its value is not JSON', { key: row.key });
    }
  }
  return settings;
}

/** Writes the given settings (others stay as they are) in one transaction; undefined values are skipped. */
export function writeUserSettings(database: StoreDatabase, values: Record<string, unknown>): void {
  const statement = database.prepare(upsertSetting);
  database.transaction(() => {
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined) statement.run(`${userPrefix}${name}`, JSON.stringify(value));
    }
  })();
}

/** A cabinet: the training stand started inside the app, or a cabinet at an address. */
export interface CabinetProfileRecord {
  kind: 'stand' | 'url';
  url: string | undefined;
}

function profileId(profile: CabinetProfileRecord): string {
  return profile.kind === 'url' ? `url:${profile.url ?? ''}` : 'stand';
}

/** What a stored or imported profile is, or undefined when it is none. */
export function asCabinetProfile(value: unknown): CabinetProfileRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as { kind?: unknown; url?: unknown };
  if (candidate.kind === 'stand') return { kind: 'stand', url: undefined };
  if (candidate.kind === 'url' && typeof candidate.url === 'string') return { kind: 'url', url: candidate.url };
  return undefined;
}

/** The active cabinet profile, or undefined when none was ever chosen. */
export function activeCabinetProfile(database: StoreDatabase): CabinetProfileRecord | undefined {
  const row = database.prepare('SELECT p.kind, p.url FROM settings s JOIN cabinet_profiles p ON p.id = s.value WHERE s.key = ?').get(activeProfileKey) as { kind: string; url: string | null } | undefined;
  return row === undefined ? undefined : asCabinetProfile({ kind: row.kind, url: row.url ?? undefined });
}

/** Makes `profile` the active one: its row (kept if it exists) and the pointer, in one transaction. */
export function saveCabinetProfile(database: StoreDatabase, profile: CabinetProfileRecord, now: Date = new Date()): void {
  const id = profileId(profile);
  database.transaction(() => {
    database
      .prepare('INSERT INTO cabinet_profiles (id, kind, url, name, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING')
      .run(id, profile.kind, profile.kind === 'url' ? (profile.url ?? '') : null, profile.kind === 'url' ? (profile.url ?? '') : 'Учебный стенд', now.toISOString());
    database.prepare(upsertSetting).run(activeProfileKey, id);
  })();
}

interface LegacyFile<T> {
  file: string;
  digest: string;
  value: T;
}

/** Reads a legacy JSON file; undefined when it is missing, damaged or not what `accept` takes. */
function readLegacy<T>(file: string, accept: (value: unknown) => T | undefined): LegacyFile<T> | undefined {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('old file not read, left in place', { file, error });
    return undefined;
  }
  let value: T | undefined;
  try {
    value = accept(JSON.parse(text.toString('utf8')) as unknown);
  } catch {
    value = undefined;
  }
  if (value === undefined) {
    log.warn('old file damaged: not imported, left in place; the defaults apply', { file });
    return undefined;
  }
  return { file, digest: createHash('sha256').update(text).digest('hex'), value };
}

const asSettingsObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** What importLegacyFiles did with each file. */
export interface LegacyImport {
  settings: boolean;
  profile: boolean;
}

/**
 * Imports `settings.json` and `cabinet-profile.json` of `dataDir` (when present and readable) in one
 * transaction, then renames each to `<file>.imported`. Safe to call on every start.
 */
export function importLegacyFiles(database: StoreDatabase, dataDir: string): LegacyImport {
  const settings = readLegacy(path.join(dataDir, 'settings.json'), asSettingsObject);
  const profile = readLegacy(path.join(dataDir, 'cabinet-profile.json'), asCabinetProfile);
  if (settings === undefined && profile === undefined) return { settings: false, profile: false };
  const importedKey = (file: LegacyFile<unknown>) => `import.sha256:${path.basename(file.file)}`;
  const alreadyImported = (file: LegacyFile<unknown>) => (database.prepare('SELECT value FROM settings WHERE key = ?').get(importedKey(file)) as { value: string } | undefined)?.value === file.digest;
  const done: LegacyImport = { settings: false, profile: false };
  database.transaction(() => {
    if (settings !== undefined && !alreadyImported(settings)) {
      writeUserSettings(database, settings.value);
      database.prepare(upsertSetting).run(importedKey(settings), settings.digest);
      done.settings = true;
    }
    if (profile !== undefined && !alreadyImported(profile)) {
      saveCabinetProfile(database, profile.value);
      database.prepare(upsertSetting).run(importedKey(profile), profile.digest);
      done.profile = true;
    }
  })();
  for (const file of [settings, profile]) {
    if (file === undefined) continue;
    try {
      renameSync(file.file, `${file.file}.imported`);
    } catch (error) {
      // Imported already: the next start only renames it.
      log.warn('imported file not renamed', { file: file.file, error });
    }
  }
  log.info('settings and cabinet profile imported into the database', { ...done });
  return done;
}
