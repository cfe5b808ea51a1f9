/**
 * Numbered migrations of the local database. A migration is never edited once released; changes
 * come as the next number.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(database: Database.Database): void;
}

const initial = `
CREATE TABLE cabinet_profiles (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('stand', 'url')), url TEXT, name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE organisations (
  oid TEXT PRIMARY KEY, inn TEXT NOT NULL, ogrn TEXT, name TEXT NOT NULL, address TEXT,
  profile_id TEXT REFERENCES cabinet_profiles(id) ON DELETE SET NULL, role TEXT, role_expires_at TEXT
);
CREATE TABLE drafts (
  id TEXT PRIMARY KEY, organisation_oid TEXT REFERENCES organisations(oid), type_code TEXT NOT NULL,
  title TEXT NOT NULL, form_data TEXT NOT NULL, attachments TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX drafts_updated ON drafts(updated_at DESC);
CREATE TABLE documents (
  sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, media_type TEXT NOT NULL,
  original_name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE packages (
  id TEXT PRIMARY KEY, organisation_oid TEXT REFERENCES organisations(oid), type_code TEXT NOT NULL, title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','signed','queued','sent','accepted','processing','approved','needs-rework','rejected','cancelled')),
  version INTEGER NOT NULL DEFAULT 1, replaces_package_id TEXT REFERENCES packages(id), file_path TEXT,
  registration_number TEXT, order_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX packages_list ON packages(organisation_oid, updated_at DESC, id);
CREATE INDEX packages_status ON packages(organisation_oid, status);
CREATE INDEX packages_registration ON packages(registration_number);
CREATE TABLE status_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  status TEXT NOT NULL, at TEXT NOT NULL, remark TEXT
);
CREATE INDEX status_history_package ON status_history(package_id, id);
CREATE TABLE outbox (
  package_id TEXT PRIMARY KEY REFERENCES packages(id), idempotency_key TEXT NOT NULL UNIQUE, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT, last_error_code TEXT, last_error_message TEXT,
  state TEXT NOT NULL CHECK (state IN ('waiting','sending','failed','done'))
);
CREATE TABLE notifications (
  id TEXT PRIMARY KEY, organisation_oid TEXT REFERENCES organisations(oid), title TEXT NOT NULL, body TEXT NOT NULL,
  at TEXT NOT NULL, read INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_unread ON notifications(organisation_oid, read, at DESC);
CREATE TABLE licenses (
  id TEXT PRIMARY KEY, organisation_oid TEXT REFERENCES organisations(oid), number TEXT NOT NULL, kind TEXT NOT NULL,
  status TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, mineral TEXT, area TEXT
);
CREATE INDEX licenses_valid_to ON licenses(organisation_oid, valid_to);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT, organisation_oid TEXT, action TEXT NOT NULL,
  object TEXT, result TEXT NOT NULL, details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX journal_page ON journal(organisation_oid, at DESC, id DESC);
CREATE INDEX journal_action ON journal(action, at DESC);
-- The journal is append-only: what happened stays written.
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
`;

/**
 * 2: what «Исправить и отправить повторно» needs — a package keeps the form data and attachments it
 * was built from, a draft may name the package it corrects; indexes for the version chain, the
 * order id the status sync looks up, and the journal page without an organisation filter.
 */
const packageSources = `
ALTER TABLE packages ADD COLUMN form_data TEXT;
ALTER TABLE packages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE drafts ADD COLUMN replaces_package_id TEXT REFERENCES packages(id) ON DELETE SET NULL;
CREATE INDEX packages_chain ON packages(replaces_package_id);
CREATE INDEX packages_order ON packages(order_id);
CREATE INDEX packages_all ON packages(updated_at DESC, id);
CREATE INDEX journal_all ON journal(at DESC, id DESC);
`;

/**
 * 3: licenses, report deadlines and notifications kept per organisation, so the lists stay visible
 * without a session or a network. `licenses` and `notifications` were never written before this
 * migration; they are made again keyed by (organisation, id) — a cabinet's id is unique only within
 * what it shows one organisation — with the cabinet's order (`position`), the notification's order
 * and a `read_pending` flag: marked read here while offline, not yet told to the cabinet. When each
 * list was last fetched is the `settings` key `cabinet.fetched-at:<list>:<organisation>`.
 */
const offlineLists = `
DROP TABLE notifications;
DROP TABLE licenses;
CREATE TABLE licenses (
  organisation_oid TEXT NOT NULL REFERENCES organisations(oid) ON DELETE CASCADE, id TEXT NOT NULL, position INTEGER NOT NULL,
  number TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, mineral TEXT, area TEXT,
  PRIMARY KEY (organisation_oid, id)
);
CREATE INDEX licenses_list ON licenses(organisation_oid, position);
CREATE INDEX licenses_valid_to ON licenses(organisation_oid, valid_to);
CREATE TABLE deadlines (
  organisation_oid TEXT NOT NULL REFERENCES organisations(oid) ON DELETE CASCADE, id TEXT NOT NULL, position INTEGER NOT NULL,
  service_code TEXT NOT NULL, title TEXT NOT NULL, due_date TEXT NOT NULL, license_number TEXT,
  PRIMARY KEY (organisation_oid, id)
);
CREATE INDEX deadlines_list ON deadlines(organisation_oid, position);
CREATE INDEX deadlines_due ON deadlines(organisation_oid, due_date);
CREATE TABLE notifications (
  organisation_oid TEXT NOT NULL REFERENCES organisations(oid) ON DELETE CASCADE, id TEXT NOT NULL, position INTEGER NOT NULL,
  title TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL, order_id TEXT,
  read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)), read_pending INTEGER NOT NULL DEFAULT 0 CHECK (read_pending IN (0, 1)),
  PRIMARY KEY (organisation_oid, id)
);
CREATE INDEX notifications_list ON notifications(organisation_oid, position);
CREATE INDEX notifications_unread ON notifications(organisation_oid, read, at DESC);
CREATE INDEX notifications_pending ON notifications(organisation_oid) WHERE read_pending = 1;
`;

/**
 * 4: the outbox's queue, which lived in `outbox.json`. The table of migration 1 was never written
 * and referred to `packages(id)`, which a package submitted from a file or the command line may not
 * have; it is made again with every field of a queued item as a column. `idempotency_key` is the
 * package's manifest id: one row, and one cabinet order, per package.
 */
const outboxQueue = `
DROP TABLE outbox;
CREATE TABLE outbox (
  id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, package_path TEXT NOT NULL, type_code TEXT NOT NULL,
  title TEXT NOT NULL, organisation_oid TEXT NOT NULL, training_outcome TEXT,
  state TEXT NOT NULL CHECK (state IN ('waiting','sending','failed','done')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0), next_attempt_at TEXT, last_error_code TEXT, last_error_message TEXT,
  order_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('draft','signed','queued','sent','accepted','processing','approved','needs-rework','rejected','cancelled')),
  registration_number TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  CHECK ((last_error_code IS NULL) = (last_error_message IS NULL))
);
CREATE INDEX outbox_queue ON outbox(created_at);
CREATE INDEX outbox_order ON outbox(order_id) WHERE order_id IS NOT NULL;
`;

/**
 * 5: handles for files (src/main/store/file-handles.ts). The UI names files only by handles, so the
 * attachments of drafts and packages, kept as paths before, become handles of staged files — for a
 * path inside the data folder (the document store) only: a path elsewhere was never the app's to
 * read, and the attachment is dropped (the form then asks for the document again).
 */
function fileHandles(database: Database.Database): void {
  database.exec(`
CREATE TABLE file_handles (
  id TEXT PRIMARY KEY CHECK (id GLOB 'stg_*' OR id GLOB 'out_*'), path TEXT NOT NULL, name TEXT NOT NULL,
  media_type TEXT NOT NULL, created_at TEXT NOT NULL
);`);
  const dataDir = path.dirname(path.resolve(database.name));
  const now = new Date().toISOString();
  const insert = database.prepare('INSERT INTO file_handles (id, path, name, media_type, created_at) VALUES (?, ?, ?, ?, ?)');
  const media = database.prepare('SELECT media_type FROM documents WHERE path = ?');
  const convert = (attachments: string): string => {
    const list = JSON.parse(attachments) as unknown;
    if (!Array.isArray(list)) return '[]';
    const converted = [];
    for (const item of list as Array<Record<string, unknown>>) {
      if (typeof item !== 'object' || item === null) continue;
      if (typeof item.fileId === 'string') {
        converted.push(item);
        continue;
      }
      if (typeof item.path !== 'string') continue;
      const relative = path.relative(dataDir, path.resolve(item.path));
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) continue;
      const id = `stg_${randomBytes(16).toString('base64url')}`;
      const name = typeof item.fileName === 'string' ? item.fileName : path.basename(item.path);
      const mediaType = (media.get(item.path) as { media_type: string } | undefined)?.media_type ?? 'application/octet-stream';
      insert.run(id, item.path, name, mediaType, now);
      converted.push({ ...Object.fromEntries(Object.entries(item).filter(([key]) => key !== 'path')), fileId: id });
    }
    return JSON.stringify(converted);
  };
  for (const table of ['drafts', 'packages'] as const) {
    const rows = database.prepare(`SELECT id, attachments FROM ${table}`).all() as Array<{ id: string; attachments: string }>;
    const update = database.prepare(`UPDATE ${table} SET attachments = ? WHERE id = ?`);
    for (const row of rows) update.run(convert(row.attachments), row.id);
  }
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', up: (database) => database.exec(initial) },
  { version: 2, name: 'package-sources', up: (database) => database.exec(packageSources) },
  { version: 3, name: 'offline-lists', up: (database) => database.exec(offlineLists) },
  { version: 4, name: 'outbox-queue', up: (database) => database.exec(outboxQueue) },
  { version: 5, name: 'file-handles', up: fileHandles },
];
