/**
 * Idempotency keys are scoped by organisation: the stand looked an Idempotency-Key up per person,
 * so a person in two organisations who sent a key under the second organisation got back the order
 * of the first — its id, title, status and organisation — instead of a new order. Now the key is
 * unique per (organisation, key), in the stand's schema (migration 3, which also upgrades the
 * database of an earlier stand) and in the lookup. A real stand process with its own SQLite file.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginWithSignature } from '../../src/main/cabinet/identity-client';
import { migrate } from '../../src/main/store/database';
import { hashPassword, seedPersons, standMigrations } from '../../src/stand/database';
import { loadTestPki, testPersons, type TestIdentity, type TestPki } from '../fixtures/pki';
import { keySignerFor } from '../support/signers';
import { freePort, startStandProcess, type StandProcess } from '../support/stand-process';

const north = '2000001';
const ural = '2000002';
let pki: TestPki;
let dir: string;
const stands: StandProcess[] = [];

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-idempotency-'));
});

afterAll(async () => {
  await Promise.all(stands.map((stand) => stand.stop()));
});

async function startStand(dataDir: string): Promise<string> {
  const stand = await startStandProcess({ port: await freePort(), dataDir, stepMs: 600_000, trust: [pki.rootPath], fromSource: true });
  stands.push(stand);
  return stand.url;
}

type Call = (method: string, route: string, organisationOid: string, init?: { json?: unknown; key?: string }) => Promise<{ status: number; body: Record<string, unknown> }>;

async function person(url: string, identity: TestIdentity): Promise<Call> {
  const session = await loginWithSignature(url, keySignerFor(pki, identity));
  return async (method, route, organisationOid, init = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${await session.accessToken()}`, 'x-organization-id': organisationOid };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    if (init.key !== undefined) headers['idempotency-key'] = init.key;
    const response = await fetch(new URL(route, url), { method, headers, body: init.json === undefined ? null : JSON.stringify(init.json) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

describe('the Idempotency-Key of an order', () => {
  it('under another organisation makes that organisation its own order, never the first one’s answer', async () => {
    const url = await startStand(path.join(dir, 'stand'));
    // Кузнецова sends for «Уральские недра»; the administrator of «Недра Севера» makes her an employee there too.
    const admin = await person(url, pki.rsaSigner);
    expect((await admin('POST', '/api/v1/employees', north, { json: { snils: testPersons.ecP384Signer.snils, role: 'employee' } })).status).toBe(201);
    const kuznetsova = await person(url, pki.ecP384Signer);

    const first = await kuznetsova('POST', '/api/v1/orders', ural, { key: 'package-7f3a', json: { serviceCode: 'report.financial', title: 'Отчёт о финансовых показателях (Уральские недра)' } });
    expect(first.status).toBe(201);
    const second = await kuznetsova('POST', '/api/v1/orders', north, { key: 'package-7f3a', json: { serviceCode: 'report.extraction', title: 'Отчёт о добыче (Недра Севера)' } });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ organisationOid: north, title: 'Отчёт о добыче (Недра Севера)' });
    expect(second.body.orderId).not.toBe(first.body.orderId);

    // A retry answers the order of its own organisation, each time.
    const retryNorth = await kuznetsova('POST', '/api/v1/orders', north, { key: 'package-7f3a', json: { serviceCode: 'report.extraction', title: 'Отчёт о добыче (Недра Севера)' } });
    expect(retryNorth).toMatchObject({ status: 200, body: { orderId: second.body.orderId, organisationOid: north } });
    const retryUral = await kuznetsova('POST', '/api/v1/orders', ural, { key: 'package-7f3a', json: { serviceCode: 'report.financial', title: 'Отчёт о финансовых показателях (Уральские недра)' } });
    expect(retryUral).toMatchObject({ status: 200, body: { orderId: first.body.orderId, organisationOid: ural } });
    // Each organisation sees its own order only.
    const northOrders = (await admin('GET', '/api/v1/orders', north)).body.orders as Array<{ orderId: string }>;
    expect(northOrders.map((order) => order.orderId)).toContain(second.body.orderId);
    expect(northOrders.map((order) => order.orderId)).not.toContain(first.body.orderId);
  });

  it('upgrades an earlier stand’s database: one order per (organisation, key), the older keeping a key two people shared', async () => {
    // The database as an earlier stand left it (migrations 1 and 2): two people of one organisation
    // with the same key, which the old per-person constraint allowed.
    const dataDir = path.join(dir, 'earlier-stand');
    mkdirSync(dataDir);
    const file = new Database(path.join(dataDir, 'stand.db'));
    migrate(file, standMigrations.slice(0, 2));
    // Its organisation and the two people (the stand seeds a database only once).
    file.prepare('INSERT INTO organisations (oid, full_name, inn, ogrn, address) VALUES (?, ?, ?, ?, ?)').run(north, 'ООО «Недра Севера»', '1101012340', '1021100001230', 'г. Сыктывкар');
    for (const seeded of seedPersons.filter((item) => item.oid === '1000001' || item.oid === '1000003')) {
      file.prepare('INSERT INTO persons (oid, surname, given_name, snils, inn, email, phone, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(seeded.oid, seeded.surname, seeded.givenName, seeded.snils, seeded.inn, seeded.email, seeded.phone, hashPassword('Nedra-2026!'));
      file.prepare('INSERT INTO members (person_oid, organisation_oid, role, expires_at) VALUES (?, ?, ?, NULL)').run(seeded.oid, north, seeded.oid === '1000001' ? 'admin' : 'head');
    }
    file.prepare("INSERT INTO settings (key, value) VALUES ('seeded', '2026-01-01T00:00:00.000Z')").run();
    const insert = file.prepare("INSERT INTO orders (id, organisation_oid, person_oid, service_code, title, idempotency_key, status, created_at, updated_at) VALUES (?, ?, ?, 'report.extraction', ?, 'shared-key', 'created', ?, ?)");
    insert.run('order-older', north, '1000001', 'Старшее', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    insert.run('order-newer', north, '1000003', 'Младшее', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
    file.close();

    const url = await startStand(dataDir);
    const upgraded = new Database(path.join(dataDir, 'stand.db'), { readonly: true });
    expect(upgraded.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(3);
    expect(upgraded.prepare("SELECT id, idempotency_key AS key FROM orders WHERE id LIKE 'order-%' ORDER BY id").all()).toEqual([
      { id: 'order-newer', key: null },
      { id: 'order-older', key: 'shared-key' },
    ]);
    upgraded.close();
    const sidorov = await person(url, pki.rsaSigner2);
    const answered = await sidorov('POST', '/api/v1/orders', north, { key: 'shared-key', json: { serviceCode: 'report.extraction', title: 'Повтор' } });
    expect(answered).toMatchObject({ status: 200, body: { orderId: 'order-older' } });
  });
});
