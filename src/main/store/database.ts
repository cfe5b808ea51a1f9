/**
 * The local database (better-sqlite3): one file `nedradesk.db` in the user data folder, WAL,
 * foreign keys, a busy time-out, and numbered migrations, each in its own transaction, recorded in
 * `PRAGMA user_version`. synchronous=NORMAL: in WAL mode a committed transaction survives a crash
 * of the process (the WAL is written before commit returns); only a power loss may lose the last
 * few commits, never corrupt the file — the trade the SQLite documentation recommends for WAL.
 * The folder is 0700 and the database files 0600 (private-files.ts).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { makePrivateFolderSync, preparePrivateDatabaseFile } from '../core/files/private-files';
import { migrations, type Migration } from './migrations';

export type StoreDatabase = Database.Database;

export interface OpenStoreOptions {
  dataDir: string;
  /** Tests pass extra migrations to prove a failing one leaves nothing behind. */
  migrations?: readonly Migration[];
}

/** Applies every migration above the file's `user_version`, each atomically. */
export function migrate(database: StoreDatabase, list: readonly Migration[] = migrations): number {
  let version = database.pragma('user_version', { simple: true }) as number;
  for (const migration of [...list].sort((left, right) => left.version - right.version)) {
    if (migration.version <= version) continue;
    database.transaction(() => {
      migration.up(database);
      // user_version is part of the transaction: a failing migration leaves it unchanged.
      database.pragma(`user_version = ${migration.version}`);
    })();
    version = migration.version;
  }
  return version;
}

/** Opens (creating and migrating) the database in `dataDir`. */
export function openStore(options: OpenStoreOptions): StoreDatabase {
  makePrivateFolderSync(options.dataDir);
  const file = path.join(options.dataDir, 'nedradesk.db');
  preparePrivateDatabaseFile(file);
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  try {
    migrate(database, options.migrations ?? migrations);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}
