/**
 * Typed access to the local database, one function per thing the app does. Transactions are
 * short; a status change and its history line are one transaction; documents are stored by
 * content (SHA-256) and written atomically before their row exists.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PackageStatus } from '../../shared/cabinet';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from '../core/files/atomic-write';
import { makePrivateFolderSync, privateFileMode } from '../core/files/private-files';
import type { StoreDatabase } from './database';

export interface DraftRecord {
  id: string;
  organisationOid: string | null;
  typeCode: string;
  title: string;
  formData: unknown;
  attachments: unknown[];
  /** The package this draft corrects («Исправить и отправить повторно»). */
  replacesPackageId?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Autosave: inserts or replaces the draft's content, keeping its creation time. */
export function saveDraft(database: StoreDatabase, draft: Omit<DraftRecord, 'createdAt' | 'updatedAt'>, now: Date = new Date()): void {
  const at = now.toISOString();
  database
    .prepare(
      `INSERT INTO drafts (id, organisation_oid, type_code, title, form_data, attachments, replaces_package_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET organisation_oid = excluded.organisation_oid, type_code = excluded.type_code, title = excluded.title,
       form_data = excluded.form_data, attachments = excluded.attachments, replaces_package_id = excluded.replaces_package_id, updated_at = excluded.updated_at`,
    )
    .run(draft.id, draft.organisationOid, draft.typeCode, draft.title, JSON.stringify(draft.formData), JSON.stringify(draft.attachments), draft.replacesPackageId ?? null, at, at);
}

function draftOf(row: Record<string, string | null>): DraftRecord {
  return {
    id: row.id as string,
    organisationOid: row.organisation_oid ?? null,
    typeCode: row.type_code as string,
    title: row.title as string,
    formData: JSON.parse(row.form_data as string) as unknown,
    attachments: JSON.parse(row.attachments as string) as unknown[],
    replacesPackageId: row.replaces_package_id ?? null,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

/** A draft, or undefined. */
export function getDraft(database: StoreDatabase, id: string): DraftRecord | undefined {
  const row = database.prepare('SELECT * FROM drafts WHERE id = ?').get(id) as Record<string, string | null> | undefined;
  return row === undefined ? undefined : draftOf(row);
}

/** Drafts, the most recently edited first; of one organisation and those made before one was chosen. */
export function listDrafts(database: StoreDatabase, organisationOid?: string): DraftRecord[] {
  const rows =
    organisationOid === undefined
      ? database.prepare('SELECT * FROM drafts ORDER BY updated_at DESC LIMIT 500').all()
      : database.prepare('SELECT * FROM drafts WHERE organisation_oid = ? OR organisation_oid IS NULL ORDER BY updated_at DESC LIMIT 500').all(organisationOid);
  return (rows as Array<Record<string, string | null>>).map(draftOf);
}

/** Removes a draft; whether it existed. */
export function deleteDraft(database: StoreDatabase, id: string): boolean {
  return database.prepare('DELETE FROM drafts WHERE id = ?').run(id).changes > 0;
}

/** Keeps the organisation's requisites, so packages and drafts may name it (foreign key). */
export function upsertOrganisation(database: StoreDatabase, organisation: { oid: string; inn: string; ogrn?: string | undefined; name: string; address?: string | undefined; role?: string | undefined; roleExpiresAt?: string | undefined }): void {
  database
    .prepare(
      `INSERT INTO organisations (oid, inn, ogrn, name, address, role, role_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(oid) DO UPDATE SET inn = excluded.inn, ogrn = excluded.ogrn, name = excluded.name, address = excluded.address, role = excluded.role, role_expires_at = excluded.role_expires_at`,
    )
    .run(organisation.oid, organisation.inn, organisation.ogrn ?? null, organisation.name, organisation.address ?? null, organisation.role ?? null, organisation.roleExpiresAt ?? null);
}

/** The requisites and role remembered for an organisation (the `organisations` row). */
export interface RememberedOrganisation {
  oid: string;
  inn: string;
  ogrn: string | null;
  name: string;
  address: string | null;
  role: string | null;
  roleExpiresAt: string | null;
}

/** The settings key naming the organisation last chosen in one cabinet (the stand, or a cabinet's address). */
function lastOrganisationKey(cabinet: string): string {
  return `cabinet.last-organisation:${cabinet}`;
}

/**
 * Remembers the organisation chosen in a cabinet: its row (requisites, role, role expiry) and the
 * pointer to it, in one transaction, so the pointer never names a missing row. Nothing secret.
 */
export function rememberOrganisation(database: StoreDatabase, cabinet: string, organisation: Parameters<typeof upsertOrganisation>[1]): void {
  database.transaction(() => {
    upsertOrganisation(database, organisation);
    database.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(lastOrganisationKey(cabinet), organisation.oid);
  })();
}

/** The organisation last chosen in a cabinet, or undefined when none ever was. */
export function rememberedOrganisation(database: StoreDatabase, cabinet: string): RememberedOrganisation | undefined {
  const row = database
    .prepare('SELECT o.oid, o.inn, o.ogrn, o.name, o.address, o.role, o.role_expires_at FROM settings s JOIN organisations o ON o.oid = s.value WHERE s.key = ?')
    .get(lastOrganisationKey(cabinet)) as Record<string, string | null> | undefined;
  if (row === undefined) return undefined;
  return { oid: row.oid as string, inn: row.inn as string, ogrn: row.ogrn ?? null, name: row.name as string, address: row.address ?? null, role: row.role ?? null, roleExpiresAt: row.role_expires_at ?? null };
}

/** Stores a document by its SHA-256 under `dataDir/documents/ab/cd/…`; the same bytes are stored once. */
export async function putDocument(database: StoreDatabase, dataDir: string, bytes: Uint8Array, meta: { originalName: string; mediaType: string }, now: Date = new Date()): Promise<{ sha256: string; path: string }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const existing = database.prepare('SELECT path FROM documents WHERE sha256 = ?').get(sha256) as { path: string } | undefined;
  if (existing !== undefined && existsSync(existing.path)) return { sha256, path: existing.path };
  const folder = path.join(dataDir, 'documents', sha256.slice(0, 2), sha256.slice(2, 4));
  makePrivateFolderSync(folder);
  const target = path.join(folder, sha256);
  // The file is complete under its final name before the row points at it.
  await writeFileAtomic(target, bytes, { mode: privateFileMode });
  database.prepare('INSERT OR REPLACE INTO documents (sha256, path, size, media_type, original_name, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(sha256, target, bytes.length, meta.mediaType, meta.originalName, now.toISOString());
  return { sha256, path: target };
}

export interface PackageRecord {
  id: string;
  organisationOid: string | null;
  typeCode: string;
  title: string;
  status: PackageStatus;
  version: number;
  replacesPackageId: string | null;
  filePath: string | null;
  registrationNumber: string | null;
  orderId: string | null;
  createdAt: string;
  updatedAt: string;
}

function packageOf(row: Record<string, unknown>): PackageRecord {
  return {
    id: row.id as string,
    organisationOid: (row.organisation_oid as string | null) ?? null,
    typeCode: row.type_code as string,
    title: row.title as string,
    status: row.status as PackageStatus,
    version: row.version as number,
    replacesPackageId: (row.replaces_package_id as string | null) ?? null,
    filePath: (row.file_path as string | null) ?? null,
    registrationNumber: (row.registration_number as string | null) ?? null,
    orderId: (row.order_id as string | null) ?? null,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

/** Adds a package (a corrected one names the package it replaces and gets the next version). */
export function insertPackage(
  database: StoreDatabase,
  record: Pick<PackageRecord, 'id' | 'organisationOid' | 'typeCode' | 'title' | 'status' | 'filePath'> & { replacesPackageId?: string | null; formData?: unknown; attachments?: unknown[] },
  now: Date = new Date(),
): PackageRecord {
  const at = now.toISOString();
  return database.transaction(() => {
    const previous = record.replacesPackageId ? (database.prepare('SELECT version FROM packages WHERE id = ?').get(record.replacesPackageId) as { version: number } | undefined) : undefined;
    if (record.replacesPackageId && previous === undefined) throw new AppError('INVALID_INPUT', { reason: 'replaced package not found' });
    database
      .prepare('INSERT INTO packages (id, organisation_oid, type_code, title, status, version, replaces_package_id, file_path, form_data, attachments, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        record.id,
        record.organisationOid,
        record.typeCode,
        record.title,
        record.status,
        (previous?.version ?? 0) + 1,
        record.replacesPackageId ?? null,
        record.filePath,
        record.formData === undefined ? null : JSON.stringify(record.formData),
        JSON.stringify(record.attachments ?? []),
        at,
        at,
      );
    database.prepare('INSERT INTO status_history (package_id, status, at, remark) VALUES (?, ?, ?, NULL)').run(record.id, record.status, at);
    return packageOf(database.prepare('SELECT * FROM packages WHERE id = ?').get(record.id) as Record<string, unknown>);
  })();
}

/** Moves a package to a status and writes its history line, in one transaction. */
export function changePackageStatus(database: StoreDatabase, id: string, status: PackageStatus, extra: { remark?: string; registrationNumber?: string; orderId?: string } = {}, now: Date = new Date()): void {
  const at = now.toISOString();
  database.transaction(() => {
    const changed = database
      .prepare('UPDATE packages SET status = ?, updated_at = ?, registration_number = COALESCE(?, registration_number), order_id = COALESCE(?, order_id) WHERE id = ?')
      .run(status, at, extra.registrationNumber ?? null, extra.orderId ?? null, id);
    if (changed.changes === 0) throw new AppError('INVALID_INPUT', { reason: 'package not found', id });
    database.prepare('INSERT INTO status_history (package_id, status, at, remark) VALUES (?, ?, ?, ?)').run(id, status, at, extra.remark ?? null);
  })();
}

export interface PackageFilter {
  organisationOid?: string;
  statuses?: readonly PackageStatus[];
  typeCode?: string;
  /** Words in the title or the registration number. */
  text?: string;
  from?: string;
  to?: string;
  limit?: number;
  /** Keyset pagination: the last row of the previous page. */
  after?: { updatedAt: string; id: string };
}

function packageWhere(filter: PackageFilter): { sql: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.organisationOid !== undefined) {
    where.push('organisation_oid = ?');
    values.push(filter.organisationOid);
  }
  if (filter.statuses !== undefined && filter.statuses.length > 0) {
    where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
    values.push(...filter.statuses);
  }
  if (filter.typeCode !== undefined) {
    where.push('type_code = ?');
    values.push(filter.typeCode);
  }
  if (filter.text !== undefined && filter.text.trim() !== '') {
    where.push("(title LIKE ? ESCAPE '\\' OR registration_number LIKE ? ESCAPE '\\')");
    const pattern = `%${filter.text.trim().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    values.push(pattern, pattern);
  }
  if (filter.from !== undefined) {
    where.push('updated_at >= ?');
    values.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('updated_at < ?');
    values.push(filter.to);
  }
  if (filter.after !== undefined) {
    where.push('(updated_at < ? OR (updated_at = ? AND id < ?))');
    values.push(filter.after.updatedAt, filter.after.updatedAt, filter.after.id);
  }
  return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', values };
}

/** A page of packages, newest first. */
export function listPackages(database: StoreDatabase, filter: PackageFilter = {}): PackageRecord[] {
  const where = packageWhere(filter);
  const sql = `SELECT * FROM packages ${where.sql} ORDER BY updated_at DESC, id DESC LIMIT ?`;
  return (database.prepare(sql).all(...where.values, Math.min(filter.limit ?? 50, 500)) as Array<Record<string, unknown>>).map(packageOf);
}

/** A page of packages by offset (the list screen's pager) with the number of matching packages. */
export function pagePackages(database: StoreDatabase, filter: Omit<PackageFilter, 'after'> & { offset?: number } = {}): { items: PackageRecord[]; total: number } {
  const where = packageWhere(filter);
  const items = (database.prepare(`SELECT * FROM packages ${where.sql} ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`).all(...where.values, Math.min(filter.limit ?? 50, 500), filter.offset ?? 0) as Array<Record<string, unknown>>).map(packageOf);
  const total = (database.prepare(`SELECT count(*) AS n FROM packages ${where.sql}`).get(...where.values) as { n: number }).n;
  return { items, total };
}

/** How many packages of the organisation (of every organisation when none is given) are in each status. */
export function countPackagesByStatus(database: StoreDatabase, organisationOid?: string): Partial<Record<PackageStatus, number>> {
  const rows = (
    organisationOid === undefined
      ? database.prepare('SELECT status, count(*) AS n FROM packages GROUP BY status').all()
      : database.prepare('SELECT status, count(*) AS n FROM packages WHERE organisation_oid = ? GROUP BY status').all(organisationOid)
  ) as Array<{ status: PackageStatus; n: number }>;
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** A package, or undefined. */
export function getPackage(database: StoreDatabase, id: string): PackageRecord | undefined {
  const row = database.prepare('SELECT * FROM packages WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : packageOf(row);
}

/** The package that sent a cabinet order, or undefined. */
export function findPackageByOrderId(database: StoreDatabase, orderId: string): PackageRecord | undefined {
  const row = database.prepare('SELECT * FROM packages WHERE order_id = ?').get(orderId) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : packageOf(row);
}

/** The form data and attachments a package was built from (empty for packages made elsewhere). */
export function packageSources(database: StoreDatabase, id: string): { formData: Record<string, unknown>; attachments: unknown[] } | undefined {
  const row = database.prepare('SELECT form_data, attachments FROM packages WHERE id = ?').get(id) as { form_data: string | null; attachments: string } | undefined;
  if (row === undefined) return undefined;
  return { formData: row.form_data === null ? {} : (JSON.parse(row.form_data) as Record<string, unknown>), attachments: JSON.parse(row.attachments) as unknown[] };
}

/** The status timeline of a package, oldest first. */
export function statusHistory(database: StoreDatabase, id: string): Array<{ status: PackageStatus; at: string; remark: string | null }> {
  return database.prepare('SELECT status, at, remark FROM status_history WHERE package_id = ? ORDER BY id').all(id) as Array<{ status: PackageStatus; at: string; remark: string | null }>;
}

/** Every version of the application a package belongs to (its whole replaces chain), oldest first. */
export function packageVersions(database: StoreDatabase, id: string): PackageRecord[] {
  const rows = database
    .prepare(
      `WITH RECURSIVE up(id, replaces) AS (
         SELECT id, replaces_package_id FROM packages WHERE id = ?
         UNION SELECT p.id, p.replaces_package_id FROM packages p JOIN up ON p.id = up.replaces
       ),
       root AS (SELECT id FROM up WHERE replaces IS NULL),
       down(id) AS (
         SELECT id FROM root
         UNION SELECT p.id FROM packages p JOIN down ON p.replaces_package_id = down.id
       )
       SELECT packages.* FROM packages JOIN down ON packages.id = down.id ORDER BY version, created_at`,
    )
    .all(id) as Array<Record<string, unknown>>;
  return rows.map(packageOf);
}

export interface JournalEntry {
  at?: string;
  actor: string | null;
  organisationOid: string | null;
  action: string;
  object: string | null;
  result: string;
  details?: Record<string, unknown>;
}

const secretKey = /pin|pass(word)?|otp|code|token|secret/i;

function containsSecretKey(value: unknown, depth = 0): string | undefined {
  if (depth > 5 || value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (secretKey.test(key)) return key;
    const nested = containsSecretKey(item, depth + 1);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** Appends to the journal; details that look like secrets are refused outright. */
export function appendJournal(database: StoreDatabase, entry: JournalEntry, now: Date = new Date()): number {
  const secret = containsSecretKey(entry.details ?? {});
  if (secret !== undefined) throw new AppError('INVALID_INPUT', { reason: 'journal details must not carry secrets', key: secret });
  const result = database
    .prepare('INSERT INTO journal (at, actor, organisation_oid, action, object, result, details) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(entry.at ?? now.toISOString(), entry.actor, entry.organisationOid, entry.action, entry.object, entry.result, JSON.stringify(entry.details ?? {}));
  return Number(result.lastInsertRowid);
}

export interface JournalRow extends Required<Omit<JournalEntry, 'details'>> {
  id: number;
  details: Record<string, unknown>;
}

export interface JournalFilter {
  organisationOid?: string;
  actions?: readonly string[];
  from?: string;
  to?: string;
  limit?: number;
  /** Rows to skip (the journal screen's pager). */
  offset?: number;
  beforeId?: number;
}

function journalWhere(filter: JournalFilter): { sql: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.organisationOid !== undefined) {
    where.push('organisation_oid = ?');
    values.push(filter.organisationOid);
  }
  if (filter.actions !== undefined && filter.actions.length > 0) {
    where.push(`action IN (${filter.actions.map(() => '?').join(', ')})`);
    values.push(...filter.actions);
  }
  if (filter.from !== undefined) {
    where.push('at >= ?');
    values.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('at < ?');
    values.push(filter.to);
  }
  if (filter.beforeId !== undefined) {
    where.push('id < ?');
    values.push(filter.beforeId);
  }
  return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', values };
}

/** A page of the journal, newest first, filtered by period, action and organisation. */
export function pageJournal(database: StoreDatabase, filter: JournalFilter = {}): JournalRow[] {
  const where = journalWhere(filter);
  const sql = `SELECT * FROM journal ${where.sql} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`;
  return (database.prepare(sql).all(...where.values, Math.min(filter.limit ?? 100, 1000), filter.offset ?? 0) as Array<Record<string, unknown>>).map((row) => ({
    id: row.id as number,
    at: row.at as string,
    actor: (row.actor as string | null) ?? null,
    organisationOid: (row.organisation_oid as string | null) ?? null,
    action: row.action as string,
    object: (row.object as string | null) ?? null,
    result: row.result as string,
    details: JSON.parse(row.details as string) as Record<string, unknown>,
  }));
}

/** How many journal rows match the filter (limit and offset aside). */
export function countJournal(database: StoreDatabase, filter: JournalFilter = {}): number {
  const where = journalWhere(filter);
  return (database.prepare(`SELECT count(*) AS n FROM journal ${where.sql}`).get(...where.values) as { n: number }).n;
}

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP «CSV Injection»): `=`, `+`,
 * `-`, `@`, tab and carriage return at the start of a cell.
 */
const formulaTriggers = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180 §2). A cell that a spreadsheet would run as a formula (a title like
 * `=HYPERLINK(…)` typed by a user or sent by the cabinet) is neutralised as OWASP advises: a single
 * quote before it, and the whole cell quoted so the quote stays inside it. No column of the journal
 * is a number, so `-5` in a title is text and loses nothing but its formula reading.
 */
function csvCell(value: unknown): string {
  const raw = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const neutralised = formulaTriggers.test(raw);
  const text = neutralised ? `'${raw}` : raw;
  return neutralised || /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Journal rows as CSV (RFC 4180) with a UTF-8 BOM, so Excel shows Cyrillic correctly. */
export function journalCsv(rows: readonly JournalRow[]): string {
  const header = ['Время', 'Кто', 'Организация', 'Действие', 'Объект', 'Результат', 'Подробности'];
  const lines = rows.map((row) => [row.at, row.actor, row.organisationOid, row.action, row.object, row.result, row.details].map(csvCell).join(','));
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
