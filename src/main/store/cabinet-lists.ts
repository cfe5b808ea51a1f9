/**
 * The local copy of what the cabinet lists for an organisation — licenses, report deadlines and
 * notifications — so they stay visible without a session or a network. Each fetch replaces the
 * organisation's rows of that list in one transaction, in the cabinet's order, and notes when it
 * was fetched; a notification marked read here while offline keeps its `read_pending` flag until
 * the cabinet has been told. The lists hold what the cabinet shows the organisation; no token,
 * PIN or code is ever written here.
 */
import type { CabinetNotification, License, ReportDeadline } from '../../shared/cabinet';
import type { StoreDatabase } from './database';

/** What each kept list holds. */
export interface CabinetListItems {
  licenses: License[];
  deadlines: ReportDeadline[];
  notifications: CabinetNotification[];
}

export type CabinetListName = keyof CabinetListItems;

/** A kept list and when it was fetched from the cabinet. */
export interface StoredList<L extends CabinetListName> {
  fetchedAt: string;
  items: CabinetListItems[L];
}

function fetchedKey(list: CabinetListName, organisationOid: string): string {
  return `cabinet.fetched-at:${list}:${organisationOid}`;
}

function fetchedAt(database: StoreDatabase, list: CabinetListName, organisationOid: string): string | undefined {
  return (database.prepare('SELECT value FROM settings WHERE key = ?').get(fetchedKey(list, organisationOid)) as { value: string } | undefined)?.value;
}

function writeLicenses(database: StoreDatabase, organisationOid: string, items: License[]): void {
  database.prepare('DELETE FROM licenses WHERE organisation_oid = ?').run(organisationOid);
  const insert = database.prepare('INSERT INTO licenses (organisation_oid, id, position, number, kind, status, valid_from, valid_to, mineral, area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  items.forEach((item, position) => insert.run(organisationOid, item.id, position, item.number, item.kind, item.status, item.validFrom, item.validTo, item.mineral ?? null, item.area ?? null));
}

function writeDeadlines(database: StoreDatabase, organisationOid: string, items: ReportDeadline[]): void {
  database.prepare('DELETE FROM deadlines WHERE organisation_oid = ?').run(organisationOid);
  const insert = database.prepare('INSERT INTO deadlines (organisation_oid, id, position, service_code, title, due_date, license_number) VALUES (?, ?, ?, ?, ?, ?, ?)');
  items.forEach((item, position) => insert.run(organisationOid, item.id, position, item.serviceCode, item.title, item.dueDate, item.licenseNumber ?? null));
}

function writeNotifications(database: StoreDatabase, organisationOid: string, items: CabinetNotification[]): void {
  // A mark made offline and not yet sent survives the refresh: the cabinet does not know it yet.
  const pending = new Set(pendingReadMarks(database, organisationOid));
  database.prepare('DELETE FROM notifications WHERE organisation_oid = ?').run(organisationOid);
  const insert = database.prepare('INSERT INTO notifications (organisation_oid, id, position, title, body, at, order_id, read, read_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  items.forEach((item, position) => {
    const markPending = pending.has(item.id) && !item.read;
    insert.run(organisationOid, item.id, position, item.title, item.body, item.at, item.orderId ?? null, item.read || markPending ? 1 : 0, markPending ? 1 : 0);
  });
}

const writers: { [L in CabinetListName]: (database: StoreDatabase, organisationOid: string, items: CabinetListItems[L]) => void } = {
  licenses: writeLicenses,
  deadlines: writeDeadlines,
  notifications: writeNotifications,
};

/** Replaces the organisation's copy of one list with what the cabinet just answered, in one transaction. */
export function storeCabinetList<L extends CabinetListName>(database: StoreDatabase, organisationOid: string, list: L, items: CabinetListItems[L], now: Date = new Date()): void {
  database.transaction(() => {
    writers[list](database, organisationOid, items);
    database.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(fetchedKey(list, organisationOid), now.toISOString());
  })();
}

type Row = Record<string, string | number | null>;

const readers: { [L in CabinetListName]: (database: StoreDatabase, organisationOid: string) => CabinetListItems[L] } = {
  licenses: (database, organisationOid) =>
    (database.prepare('SELECT * FROM licenses WHERE organisation_oid = ? ORDER BY position').all(organisationOid) as Row[]).map((row) => ({
      id: row.id as string,
      organisationOid,
      number: row.number as string,
      kind: row.kind as string,
      mineral: (row.mineral as string | null) ?? '',
      area: (row.area as string | null) ?? '',
      status: row.status as License['status'],
      validFrom: row.valid_from as string,
      validTo: row.valid_to as string,
    })),
  deadlines: (database, organisationOid) =>
    (database.prepare('SELECT * FROM deadlines WHERE organisation_oid = ? ORDER BY position').all(organisationOid) as Row[]).map((row) => ({
      id: row.id as string,
      organisationOid,
      serviceCode: row.service_code as string,
      title: row.title as string,
      dueDate: row.due_date as string,
      licenseNumber: (row.license_number as string | null) ?? undefined,
    })),
  notifications: (database, organisationOid) =>
    (database.prepare('SELECT * FROM notifications WHERE organisation_oid = ? ORDER BY position').all(organisationOid) as Row[]).map((row) => ({
      id: row.id as string,
      organisationOid,
      title: row.title as string,
      body: row.body as string,
      at: row.at as string,
      read: row.read === 1,
      orderId: (row.order_id as string | null) ?? undefined,
    })),
};

/** The organisation's copy of one list, or undefined when it was never fetched. */
export function storedCabinetList<L extends CabinetListName>(database: StoreDatabase, organisationOid: string, list: L): StoredList<L> | undefined {
  return database.transaction(() => {
    const at = fetchedAt(database, list, organisationOid);
    return at === undefined ? undefined : { fetchedAt: at, items: readers[list](database, organisationOid) };
  })();
}

/**
 * Marks a kept notification read; `pending` when the cabinet is still to be told. Whether the
 * organisation's copy has that notification.
 */
export function markNotificationRead(database: StoreDatabase, organisationOid: string, id: string, pending: boolean): boolean {
  const sql = pending
    ? 'UPDATE notifications SET read = 1, read_pending = 1 WHERE organisation_oid = ? AND id = ? AND read = 0'
    : 'UPDATE notifications SET read = 1, read_pending = 0 WHERE organisation_oid = ? AND id = ?';
  if (database.prepare(sql).run(organisationOid, id).changes > 0) return true;
  // Already read in the cabinet (nothing to send): still a notification this copy knows.
  return database.prepare('SELECT 1 FROM notifications WHERE organisation_oid = ? AND id = ?').get(organisationOid, id) !== undefined;
}

/** The notifications marked read offline that the cabinet has not been told of yet. */
export function pendingReadMarks(database: StoreDatabase, organisationOid: string): string[] {
  return (database.prepare('SELECT id FROM notifications WHERE organisation_oid = ? AND read_pending = 1 ORDER BY position').all(organisationOid) as Array<{ id: string }>).map((row) => row.id);
}

/** The cabinet has the mark (or will never take it): the notification is no longer pending. */
export function clearPendingReadMark(database: StoreDatabase, organisationOid: string, id: string): void {
  database.prepare('UPDATE notifications SET read_pending = 0 WHERE organisation_oid = ? AND id = ?').run(organisationOid, id);
}

/** The kept lists as the cabinet service uses them (the app gives it this over its database). */
export function cabinetListStore(database: StoreDatabase) {
  return {
    save: <L extends CabinetListName>(organisationOid: string, list: L, items: CabinetListItems[L]) => storeCabinetList(database, organisationOid, list, items),
    load: <L extends CabinetListName>(organisationOid: string, list: L) => storedCabinetList(database, organisationOid, list),
    markRead: (organisationOid: string, id: string, pending: boolean) => markNotificationRead(database, organisationOid, id, pending),
    pendingReads: (organisationOid: string) => pendingReadMarks(database, organisationOid),
    readSent: (organisationOid: string, id: string) => clearPendingReadMark(database, organisationOid, id),
  };
}
