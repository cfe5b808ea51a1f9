/**
 * The outbox's queue in the local database (table `outbox`, migration 4): one row per queued
 * package, every field a column, each change one short transaction. Before the database, the queue
 * lived in `<data>/outbox.json`; on the first start after the upgrade that file is imported in one
 * transaction and then renamed to `outbox.json.imported`, so nothing queued is lost and it is
 * never imported twice. Rows the table already has (same id or idempotency key) are kept as they
 * are, so an import interrupted between its commit and the rename is harmless when repeated.
 */
import { readFileSync, renameSync } from 'node:fs';
import type { PackageStatus } from '../../shared/cabinet';
import { AppError } from '../../shared/errors';
import type { OutboxRecord, OutboxStorage } from '../cabinet/outbox';
import { createLogger } from '../log/logger';
import type { StoreDatabase } from './database';

const log = createLogger('store.outbox');

interface OutboxRow {
  id: string;
  idempotency_key: string;
  package_path: string;
  type_code: string;
  title: string;
  organisation_oid: string;
  training_outcome: string | null;
  state: OutboxRecord['state'];
  attempts: number;
  next_attempt_at: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  order_id: string | null;
  status: PackageStatus;
  registration_number: string | null;
  created_at: string;
  updated_at: string;
}

const upsertSql = `INSERT INTO outbox (id, idempotency_key, package_path, type_code, title, organisation_oid, training_outcome, state, attempts,
  next_attempt_at, last_error_code, last_error_message, order_id, status, registration_number, created_at, updated_at)
  VALUES (@id, @idempotency_key, @package_path, @type_code, @title, @organisation_oid, @training_outcome, @state, @attempts,
  @next_attempt_at, @last_error_code, @last_error_message, @order_id, @status, @registration_number, @created_at, @updated_at)`;

const updateClause = `ON CONFLICT(id) DO UPDATE SET idempotency_key = excluded.idempotency_key, package_path = excluded.package_path,
  type_code = excluded.type_code, title = excluded.title, organisation_oid = excluded.organisation_oid, training_outcome = excluded.training_outcome,
  state = excluded.state, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, last_error_code = excluded.last_error_code,
  last_error_message = excluded.last_error_message, order_id = excluded.order_id, status = excluded.status,
  registration_number = excluded.registration_number, updated_at = excluded.updated_at`;

function rowOf(item: OutboxRecord): OutboxRow {
  return {
    id: item.id,
    idempotency_key: item.idempotencyKey,
    package_path: item.packagePath,
    type_code: item.typeCode,
    title: item.title,
    organisation_oid: item.organisationOid,
    training_outcome: item.trainingOutcome ?? null,
    state: item.state,
    attempts: item.attempts,
    next_attempt_at: item.nextAttemptAt ?? null,
    last_error_code: item.lastError?.code ?? null,
    last_error_message: item.lastError === undefined ? null : item.lastError.message,
    order_id: item.orderId ?? null,
    status: item.status,
    registration_number: item.registrationNumber ?? null,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
  };
}

function itemOf(row: OutboxRow): OutboxRecord {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    packagePath: row.package_path,
    typeCode: row.type_code,
    title: row.title,
    organisationOid: row.organisation_oid,
    trainingOutcome: row.training_outcome ?? undefined,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at ?? undefined,
    lastError: row.last_error_code === null ? undefined : { code: row.last_error_code, message: row.last_error_message ?? '' },
    orderId: row.order_id ?? undefined,
    status: row.status,
    registrationNumber: row.registration_number ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Imports a queue file of the versions before the database (`outbox.json`): all its items in one
 * transaction, then the file is renamed to `<file>.imported`. Returns how many rows were added (0
 * without a file). A damaged file stays where it is and the start fails with FILE_UNREADABLE, as
 * it did before: its items are not dropped silently.
 */
export function importOutboxFile(database: StoreDatabase, file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new AppError('FILE_UNREADABLE', { path: file, reason: 'outbox file unreadable' }, { cause: error });
  }
  let items: OutboxRecord[];
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) throw new Error('not a list');
    items = parsed as OutboxRecord[];
  } catch (error) {
    throw new AppError('FILE_UNREADABLE', { path: file, reason: 'outbox file damaged' }, { cause: error });
  }
  const insert = database.prepare(`${upsertSql} ON CONFLICT DO NOTHING`);
  let added = 0;
  try {
    database.transaction(() => {
      for (const item of items) added += insert.run(rowOf(item)).changes;
    })();
  } catch (error) {
    throw new AppError('FILE_UNREADABLE', { path: file, reason: `outbox file not imported: ${error instanceof Error ? error.message : String(error)}` }, { cause: error });
  }
  renameSync(file, `${file}.imported`);
  log.info('outbox file imported', { items: items.length, added });
  return added;
}

export interface SqliteOutboxStorageOptions {
  /** A queue file of the versions before the database, imported once when present. */
  legacyFile?: string;
}

/** The outbox's storage in the local database; imports `legacyFile` first when it exists. */
export function sqliteOutboxStorage(database: StoreDatabase, options: SqliteOutboxStorageOptions = {}): OutboxStorage {
  if (options.legacyFile !== undefined) importOutboxFile(database, options.legacyFile);
  const save = database.prepare(`${upsertSql} ${updateClause}`);
  return {
    load: () => (database.prepare('SELECT * FROM outbox ORDER BY created_at, rowid').all() as OutboxRow[]).map(itemOf),
    save: (item) => {
      save.run(rowOf(item));
    },
  };
}
