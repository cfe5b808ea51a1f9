/**
 * A member whose role has expired acts for the organisation no more: the stand compared role
 * expiries with the time as text, so an expiry written with a time-zone offset
 * (`…T03:00:00+12:00`, an hour ago) or in the Russian date form (`31.12.2025`) never expired, and
 * the person went on creating orders and pushing packages; a package signed by such a person was
 * accepted from a colleague. Now the expiry is kept as a UTC instant, compared as time when an
 * order is created and at every push, and refused with push_denied and a Russian reason.
 * A real stand process on loopback with its own SQLite file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CabinetClient } from '../../src/main/cabinet/cabinet-client';
import { loginWithSignature } from '../../src/main/cabinet/identity-client';
import { buildPackage } from '../../src/main/core/packages/build';
import type { AppError } from '../../src/shared/errors';
import { loadTestPki, testPersons, type TestIdentity, type TestPki } from '../fixtures/pki';
import { keySignerFor } from '../support/signers';
import { freePort, startStandProcess, type StandProcess } from '../support/stand-process';

const north = '2000001';
let pki: TestPki;
let dir: string;
let dataDir: string;
let port: number;
let stand: StandProcess | undefined;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-expired-role-'));
  dataDir = path.join(dir, 'stand');
  port = await freePort();
  stand = await startStandProcess({ port, dataDir, stepMs: 600_000, trust: [pki.rootPath], fromSource: true });
});

afterAll(async () => {
  await stand?.stop();
});

interface Member {
  client: CabinetClient;
  call(method: string, route: string, json?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

async function member(identity: TestIdentity): Promise<Member> {
  const url = stand?.url ?? '';
  const session = await loginWithSignature(url, keySignerFor(pki, identity));
  return {
    client: new CabinetClient({ baseUrl: url, session, organisationOid: north }),
    call: async (method, route, json) => {
      const headers: Record<string, string> = { authorization: `Bearer ${await session.accessToken()}`, 'x-organization-id': north };
      if (json !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(new URL(route, url), { method, headers, body: json === undefined ? null : JSON.stringify(json) });
      const text = await response.text();
      return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    },
  };
}

async function signedPackage(name: string, signer: TestIdentity): Promise<string> {
  const built = await buildPackage({
    typeCode: 'report.extraction',
    organisation: { inn: '1101012340' },
    documents: [{ role: 'report-file', fileName: 'отчёт.xml', bytes: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><report name="${name}"/>`) }],
    signer: keySignerFor(pki, signer),
    outPath: path.join(dir, `${name}.zip`),
  });
  return built.path;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error, 'the call should have been refused').toBeDefined();
  return error as AppError;
}

/** An instant `minutes` ago written with a +12:00 offset: later than now as text, earlier as time. */
function pastWithOffset(minutes: number): string {
  const local = new Date(Date.now() - minutes * 60_000 + 12 * 3_600_000);
  return `${local.toISOString().slice(0, 19)}+12:00`;
}

describe('a member whose role has expired', () => {
  it('cannot push to an order made while the role was valid, nor create another: push_denied with the reason in Russian', async () => {
    const petrov = await member(pki.ecSigner);
    const admin = await member(pki.rsaSigner);
    const order = await petrov.client.createOrder({ serviceCode: 'report.extraction', title: 'Отчёт до истечения роли', idempotencyKey: 'expired-role-1' });
    const packagePath = await signedPackage('petrov-1', pki.ecSigner);

    // The administrator ends Petrov's role an hour ago (an offset date-time, as docs/cabinet-api.yaml allows).
    const ended = await admin.call('POST', '/api/v1/employees', { snils: testPersons.ecSigner.snils, role: 'employee', expiresAt: pastWithOffset(60) });
    expect(ended.status).toBe(201);

    const pushed = await refusal(petrov.client.push(order.orderId, packagePath));
    expect(pushed.code).toBe('PUSH_DENIED');
    expect(pushed.details).toMatchObject({ status: 403, serverCode: 'push_denied', role: 'employee' });
    expect(pushed.message).toMatch(/^Срок вашей роли «Сотрудник» в этой организации истёк \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} \(МСК\)/);
    const again = await refusal(petrov.client.createOrder({ serviceCode: 'report.extraction', title: 'После истечения роли', idempotencyKey: 'expired-role-2' }));
    expect(again.code).toBe('PUSH_DENIED');
    expect(again.message).toContain('истёк');

    // Nothing was received: the order still waits for its package, and no second order exists.
    const orders = (await admin.client.ordersUpdatedAfter('1970-01-01T00:00:00.000Z')).orders;
    expect(orders.find((item) => item.orderId === order.orderId)?.status).toBe('sent');
    expect(orders.some((item) => item.title === 'После истечения роли')).toBe(false);
  });

  it('signs nothing in the organisation’s name: a colleague’s push of the package is refused', async () => {
    const admin = await member(pki.rsaSigner);
    const order = await admin.client.createOrder({ serviceCode: 'report.extraction', title: 'Подписан сотрудником с истёкшей ролью', idempotencyKey: 'expired-signer-1' });
    const refused = await refusal(admin.client.push(order.orderId, await signedPackage('petrov-2', pki.ecSigner)));
    expect(refused.code).toBe('FILES_VERIFICATION_FAILED');
    expect(refused.message).toContain('не состоит в организации');
  });

  it('refuses an expiry that is not an RFC 3339 date-time instead of keeping a role that never ends', async () => {
    const admin = await member(pki.rsaSigner);
    const refused = await admin.call('POST', '/api/v1/employees', { snils: testPersons.rsaSigner2.snils, role: 'head', expiresAt: `31.12.${new Date().getUTCFullYear() - 1}` });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'invalid_expiry' });
    expect(String(refused.body.message)).toContain('RFC 3339');
  });

  it('a role an earlier stand kept as «31.12.<last year>» is expired after the upgrade', async () => {
    await stand?.stop();
    const lastYear = new Date().getUTCFullYear() - 1;
    // The stand's database as an earlier version left it: free-form expiry, no migrations recorded.
    const file = new Database(path.join(dataDir, 'stand.db'));
    file.prepare("UPDATE members SET expires_at = ? WHERE person_oid = '1000003' AND organisation_oid = ?").run(`31.12.${lastYear}`, north);
    file.pragma('user_version = 0');
    file.close();
    stand = await startStandProcess({ port, dataDir, stepMs: 600_000, trust: [pki.rootPath], fromSource: true });

    const sidorov = await member(pki.rsaSigner2);
    const refused = await refusal(sidorov.client.createOrder({ serviceCode: 'report.extraction', title: 'Роль истекла в прошлом году', idempotencyKey: 'expired-role-3' }));
    expect(refused.code).toBe('PUSH_DENIED');
    expect(refused.message).toContain(`31.12.${lastYear}`);
    const employees = (await (await member(pki.rsaSigner)).call('GET', '/api/v1/employees')).body as unknown as Array<{ personOid: string; expiresAt: string | null }>;
    // Valid through that day, Moscow time (UTC+3), kept as a UTC instant.
    expect(employees.find((item) => item.personOid === '1000003')?.expiresAt).toBe(`${lastYear}-12-31T20:59:59.999Z`);
  });
});
