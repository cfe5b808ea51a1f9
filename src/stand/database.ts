/**
 * The training stand's own SQLite database: people, organisations and roles, licenses, deadlines,
 * orders with their history, notifications, the journal, and the identity provider's state.
 * Seeded with demo data on first start; the people match the test PKI and the demo tokens.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Role } from '../shared/cabinet';
import { preparePrivateDatabaseFile } from '../main/core/files/private-files';
import { migrate } from '../main/store/database';
import type { Migration } from '../main/store/migrations';

export type StandDatabase = Database.Database;

/** The training password of every demo person (the stand is for practice only). */
export const demoPassword = 'Nedra-2026!';

/** Migration 1 (see standMigrations): tables as the stand had them before migrations were numbered; changes come as the next migration. */
const schema = `
CREATE TABLE IF NOT EXISTS persons (
  oid TEXT PRIMARY KEY, surname TEXT NOT NULL, given_name TEXT NOT NULL, snils TEXT NOT NULL UNIQUE,
  inn TEXT NOT NULL, email TEXT NOT NULL UNIQUE, phone TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS organisations (
  oid TEXT PRIMARY KEY, full_name TEXT NOT NULL, inn TEXT NOT NULL UNIQUE, ogrn TEXT NOT NULL UNIQUE, address TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  person_oid TEXT NOT NULL REFERENCES persons(oid), organisation_oid TEXT NOT NULL REFERENCES organisations(oid),
  role TEXT NOT NULL CHECK (role IN ('admin','head','employee','auditor')), expires_at TEXT,
  PRIMARY KEY (person_oid, organisation_oid)
);
CREATE TABLE IF NOT EXISTS licenses (
  id TEXT PRIMARY KEY, organisation_oid TEXT NOT NULL REFERENCES organisations(oid), number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL, mineral TEXT NOT NULL, area TEXT NOT NULL, status TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deadlines (
  id TEXT PRIMARY KEY, organisation_oid TEXT NOT NULL REFERENCES organisations(oid), service_code TEXT NOT NULL,
  title TEXT NOT NULL, due_date TEXT NOT NULL, license_number TEXT
);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, organisation_oid TEXT NOT NULL REFERENCES organisations(oid), person_oid TEXT NOT NULL REFERENCES persons(oid),
  service_code TEXT NOT NULL, title TEXT NOT NULL, idempotency_key TEXT, status TEXT NOT NULL, registration_number TEXT,
  package_path TEXT, scenario TEXT, remarks TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE (person_oid, idempotency_key)
);
CREATE INDEX IF NOT EXISTS orders_updated ON orders(organisation_oid, updated_at);
CREATE TABLE IF NOT EXISTS order_history (
  order_id TEXT NOT NULL REFERENCES orders(id), status TEXT NOT NULL, at TEXT NOT NULL, comment TEXT
);
CREATE TABLE IF NOT EXISTS order_files (
  order_id TEXT NOT NULL REFERENCES orders(id), name TEXT NOT NULL, media_type TEXT NOT NULL, content BLOB NOT NULL,
  PRIMARY KEY (order_id, name)
);
CREATE TABLE IF NOT EXISTS upload_chunks (
  order_id TEXT NOT NULL REFERENCES orders(id), upload_id TEXT NOT NULL, chunk_index INTEGER NOT NULL, total INTEGER NOT NULL,
  content BLOB NOT NULL, started_at TEXT NOT NULL, PRIMARY KEY (order_id, upload_id, chunk_index)
);
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY, organisation_oid TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL,
  read INTEGER NOT NULL DEFAULT 0, order_id TEXT
);
CREATE TABLE IF NOT EXISTS journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, person_oid TEXT, organisation_oid TEXT, action TEXT NOT NULL,
  object TEXT, result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_attempts (
  id TEXT PRIMARY KEY, person_oid TEXT NOT NULL, code_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL, failures INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL, state_param TEXT, code_challenge TEXT NOT NULL, login TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS authorization_codes (
  code TEXT PRIMARY KEY, person_oid TEXT NOT NULL, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL, expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY, person_oid TEXT NOT NULL, client_id TEXT NOT NULL, expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
);
-- Signature login: the nonce issued for each challenge, good once and for five minutes. The table
-- of an earlier version held server-chosen text to sign; its rows are short-lived and are dropped.
DROP TABLE IF EXISTS challenges;
CREATE TABLE IF NOT EXISTS login_challenges (
  id TEXT PRIMARY KEY, nonce TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL, issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * A role's expiry as the stand keeps it: an RFC 3339 date-time (docs/cabinet-api.yaml, `format:
 * date-time`) in UTC with milliseconds, the form `Date#toISOString` writes, so that SQL compares
 * expiries as text in time order. Undefined for anything else (a date without a time, `31.12.2025`):
 * a role whose end cannot be read is not a role that never ends.
 */
export function expiryInstant(value: string): string | undefined {
  // RFC 3339 §5.6 date-time: full date, T, time with optional fraction, Z or ±hh:mm.
  if (!/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * 2: role expiries in one form. Earlier stands stored whatever the employees call was given and
 * compared it with the time as text, so `31.12.2025` or `2026-12-04T23:00:00+10:00` never expired
 * in time. Each is rewritten as a UTC instant; one that cannot be read becomes the epoch (expired).
 */
function memberExpiryInUtc(database: StandDatabase): void {
  const rows = database.prepare('SELECT rowid AS id, expires_at AS expiresAt FROM members WHERE expires_at IS NOT NULL').all() as Array<{ id: number; expiresAt: string }>;
  const update = database.prepare('UPDATE members SET expires_at = ? WHERE rowid = ?');
  for (const row of rows) {
    const russianDate = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(row.expiresAt);
    // «до 31.12.2025» in the old free form: valid through that day (Moscow time, UTC+3).
    const instant = russianDate ? expiryInstant(`${russianDate[3]}-${russianDate[2]}-${russianDate[1]}T23:59:59.999+03:00`) : expiryInstant(row.expiresAt);
    update.run(instant ?? new Date(0).toISOString(), row.id);
  }
}

/**
 * 3: an idempotency key names one order per organisation, not per person. Keyed by person, the same
 * key sent under another organisation answered the first organisation's order (its id, title and
 * status). The table is rebuilt with UNIQUE (organisation_oid, idempotency_key); where two people
 * of one organisation had used the same key, the older order keeps it.
 */
function idempotencyPerOrganisation(database: StandDatabase): void {
  database.exec(`
UPDATE orders SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL AND rowid NOT IN (
  SELECT min(rowid) FROM orders WHERE idempotency_key IS NOT NULL GROUP BY organisation_oid, idempotency_key
);
CREATE TABLE orders_by_organisation (
  id TEXT PRIMARY KEY, organisation_oid TEXT NOT NULL REFERENCES organisations(oid), person_oid TEXT NOT NULL REFERENCES persons(oid),
  service_code TEXT NOT NULL, title TEXT NOT NULL, idempotency_key TEXT, status TEXT NOT NULL, registration_number TEXT,
  package_path TEXT, scenario TEXT, remarks TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE (organisation_oid, idempotency_key)
);
INSERT INTO orders_by_organisation (id, organisation_oid, person_oid, service_code, title, idempotency_key, status, registration_number, package_path, scenario, remarks, created_at, updated_at)
  SELECT id, organisation_oid, person_oid, service_code, title, idempotency_key, status, registration_number, package_path, scenario, remarks, created_at, updated_at FROM orders;
DROP TABLE orders;
ALTER TABLE orders_by_organisation RENAME TO orders;
CREATE INDEX orders_updated ON orders(organisation_oid, updated_at);
`);
  // order_history, order_files and upload_chunks refer to orders(id) by name: they point at the new table.
  const broken = database.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`migration 3 of the stand database left ${broken.length} broken references`);
}

/**
 * The stand database's numbered migrations (as the app's, recorded in `user_version`). A stand of
 * an earlier version has the tables of 1 already (they are created IF NOT EXISTS) at version 0.
 */
export const standMigrations: readonly Migration[] = [
  { version: 1, name: 'initial', up: (database) => database.exec(schema) },
  { version: 2, name: 'member-expiry-utc', up: memberExpiryInUtc },
  { version: 3, name: 'idempotency-per-organisation', up: idempotencyPerOrganisation },
];

/** scrypt password hash with its salt (`salt:hash`, hex). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`;
}

/** Whether a password matches its stored hash, in constant time. */
export function passwordMatches(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (salt === undefined || hash === undefined) return false;
  const actual = scryptSync(password, Buffer.from(salt, 'hex'), 32);
  return timingSafeEqual(actual, Buffer.from(hash, 'hex'));
}

interface SeedPerson {
  oid: string;
  surname: string;
  givenName: string;
  snils: string;
  inn: string;
  email: string;
  phone: string;
  memberships: Array<[organisationOid: string, role: Role]>;
}

/** Demo people: the same as the test PKI's certificate owners (SNILS and INN match). */
export const seedPersons: SeedPerson[] = [
  { oid: '1000001', surname: 'Иванова', givenName: 'Мария Петровна', snils: '11223344595', inn: '110112345605', email: 'ivanova@nedra-severa.test', phone: '+79000000001', memberships: [['2000001', 'admin']] },
  { oid: '1000002', surname: 'Петров', givenName: 'Сергей Андреевич', snils: '12345678964', inn: '110176543200', email: 'petrov@nedra-severa.test', phone: '+79000000002', memberships: [['2000001', 'employee']] },
  { oid: '1000003', surname: 'Сидоров', givenName: 'Алексей Викторович', snils: '98765432183', inn: '110198765447', email: 'sidorov@nedra-severa.test', phone: '+79000000003', memberships: [['2000001', 'head']] },
  { oid: '1000004', surname: 'Кузнецова', givenName: 'Ольга Игоревна', snils: '11122233372', inn: '667011122230', email: 'kuznetsova@uralnedra.test', phone: '+79000000004', memberships: [['2000002', 'employee'], ['2000001', 'auditor']] },
  { oid: '1000005', surname: 'Смирнов', givenName: 'Павел Олегович', snils: '22233344416', inn: '110122233386', email: 'smirnov@nedra-severa.test', phone: '+79000000005', memberships: [['2000001', 'employee']] },
  { oid: '1000006', surname: 'Волкова', givenName: 'Елена Дмитриевна', snils: '33344455561', inn: '110133344401', email: 'volkova@nedra-severa.test', phone: '+79000000006', memberships: [['2000001', 'employee']] },
  { oid: '1000007', surname: 'Орлов', givenName: 'Денис Ильич', snils: '44455566605', inn: '110144455512', email: 'orlov@nedra-severa.test', phone: '+79000000007', memberships: [['2000001', 'auditor']] },
  { oid: '1000008', surname: 'Лебедев', givenName: 'Игорь Станиславович', snils: '55566677750', inn: '110155566630', email: 'lebedev@nedra-severa.test', phone: '+79000000008', memberships: [['2000001', 'employee']] },
];

interface SeedOrganisation {
  oid: string;
  fullName: string;
  inn: string;
  ogrn: string;
  address: string;
}

/** Demo organisations (the README and the stand's start page list them from here: src/stand/demo-people.ts). */
export const seedOrganisations: SeedOrganisation[] = [
  { oid: '2000001', fullName: 'ООО «Недра Севера»', inn: '1101012340', ogrn: '1021100001230', address: '167000, Республика Коми, г. Сыктывкар, ул. Коммунистическая, д. 10' },
  { oid: '2000002', fullName: 'АО «Уральские недра»', inn: '6670123457', ogrn: '1066670004565', address: '620014, Свердловская обл., г. Екатеринбург, ул. Малышева, д. 5' },
];

const day = 86_400_000;
const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/** Fills an empty database with the demo organisations, people, licenses and deadlines. */
function seed(database: StandDatabase, now: Date): void {
  const organisation = database.prepare('INSERT INTO organisations (oid, full_name, inn, ogrn, address) VALUES (?, ?, ?, ?, ?)');
  for (const item of seedOrganisations) organisation.run(item.oid, item.fullName, item.inn, item.ogrn, item.address);
  const person = database.prepare('INSERT INTO persons (oid, surname, given_name, snils, inn, email, phone, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const member = database.prepare('INSERT INTO members (person_oid, organisation_oid, role, expires_at) VALUES (?, ?, ?, NULL)');
  const passwordHash = hashPassword(demoPassword);
  for (const item of seedPersons) {
    person.run(item.oid, item.surname, item.givenName, item.snils, item.inn, item.email, item.phone, passwordHash);
    for (const [organisationOid, role] of item.memberships) member.run(item.oid, organisationOid, role);
  }
  const license = database.prepare('INSERT INTO licenses (id, organisation_oid, number, kind, mineral, area, status, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const at = (days: number): string => isoDate(new Date(now.getTime() + days * day));
  license.run('L-1', '2000001', 'СЫК 01234 ТЭ', 'Разведка и добыча', 'Нефть', 'Южно-Ухтинский участок', 'active', at(-3600), at(60));
  license.run('L-2', '2000001', 'СЫК 05678 НЭ', 'Добыча', 'Газ', 'Вуктыльский участок', 'active', at(-1800), at(400));
  license.run('L-3', '2000001', 'СЫК 00999 ТР', 'Геологическое изучение', 'Уголь', 'Интинский участок', 'expired', at(-2000), at(-15));
  license.run('L-4', '2000002', 'ЕКБ 04321 ТЭ', 'Разведка и добыча', 'Медь', 'Северо-Уральский участок', 'active', at(-900), at(30));
  license.run('L-5', '2000002', 'ЕКБ 07777 ТП', 'Добыча', 'Щебень', 'Карьер «Горный»', 'suspended', at(-700), at(700));
  const deadline = database.prepare('INSERT INTO deadlines (id, organisation_oid, service_code, title, due_date, license_number) VALUES (?, ?, ?, ?, ?, ?)');
  deadline.run('D-1', '2000001', 'report.extraction', 'Отчёт о добыче за квартал', at(12), 'СЫК 01234 ТЭ');
  deadline.run('D-2', '2000001', 'report.environmental-compliance', 'Отчёт о соблюдении экологических требований', at(45), 'СЫК 05678 НЭ');
  deadline.run('D-3', '2000002', 'report.financial', 'Отчёт о финансовых показателях', at(20), 'ЕКБ 04321 ТЭ');
  const notification = database.prepare('INSERT INTO notifications (id, organisation_oid, title, body, at, read, order_id) VALUES (?, ?, ?, ?, ?, 0, NULL)');
  notification.run('N-1', '2000001', 'Срок действия лицензии истекает', 'Лицензия СЫК 01234 ТЭ действует до ' + at(60) + '. Подайте заявление о продлении заранее.', now.toISOString());
  notification.run('N-2', '2000002', 'Приближается срок отчётности', 'Отчёт о финансовых показателях нужно сдать до ' + at(20) + '.', now.toISOString());
}

/** Opens (and on first use creates and seeds) the stand's database. */
export function openStandDatabase(file: string, now: Date = new Date()): StandDatabase {
  // It holds password hashes and the identity provider's signing key: 0600, as its -wal and -shm.
  preparePrivateDatabaseFile(file);
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  // A migration that rebuilds a table runs with foreign keys off (better-sqlite3 turns them on by
  // default), as SQLite's procedure for table changes asks (https://sqlite.org/lang_altertable.html §7);
  // each such migration checks them itself before it commits. They are enforced from here on.
  database.pragma('foreign_keys = OFF');
  migrate(database, standMigrations);
  database.pragma('foreign_keys = ON');
  const seeded = database.prepare('SELECT value FROM settings WHERE key = ?').get('seeded') as { value: string } | undefined;
  if (seeded === undefined) {
    database.transaction(() => {
      seed(database, now);
      database.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('seeded', now.toISOString());
    })();
  }
  return database;
}
