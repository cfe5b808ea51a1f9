/**
 * Offline work: the organisation chosen at the last login is remembered in the local database, so
 * after a restart with no network (the stand unreachable, nobody logged in) forms render and
 * packages are signed with its requisites and queued; after the next login the package goes out
 * exactly once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { createAppServices, type AppServices } from '../../../src/main/services/app-services';
import { loadTrustAnchors } from '../../../src/main/services/trust-store';
import type { LocalTokenService } from '../../../src/main/token/token-service';
import { AppError } from '../../../src/shared/errors';
import { startStand, type RunningStand } from '../../../src/stand/server';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { call, expectNoSecretsIn, failure, makeToken, readBack, stage, until, loginWithSignature } from '../../support/app-workplace';
import { sampleData } from '../../unit/catalog/sample-forms';

const pin = '481627';
const ural = { oid: '2000002', inn: '6670123457', ogrn: '1066670004565', name: 'АО «Уральские недра»' };
let pki: TestPki;
let tokens: LocalTokenService;
let dir: string;
let dataDir: string;
let reportXml: string;
/** Whether the embedded stand can be reached; while false, starting it fails as a missing network would. */
let online = true;
let stand: RunningStand | undefined;
const opened: AppServices[] = [];

/** The app's services over the one data folder, as a restart of the app makes them. */
function open(folder = dataDir): AppServices {
  const services = createAppServices({
    mode: 'browser',
    version: 'test',
    dataDir: folder,
    tokens,
    emit: () => undefined,
    environment: {},
    cabinet: {
      syncIntervalMs: 200,
      outboxBaseDelayMs: 50,
      startStand: async () => {
        if (!online) throw new AppError('CABINET_UNREACHABLE', { reason: 'no network (test)' });
        stand = await startStand({ dataDir: path.join(folder, 'stand'), trustAnchors: await loadTrustAnchors(folder), log: () => undefined, stepDelayMs: 150, scenario: 'approved' });
        const running = stand;
        return { url: running.url, close: () => running.close() };
      },
    },
  });
  opened.push(services);
  return services;
}

beforeAll(async () => {
  pki = await loadTestPki();
  ({ tokens } = await makeToken({
    label: 'Геолог',
    pin,
    identities: [
      // Кузнецова works for two organisations: АО «Уральские недра» (employee) and ООО «Недра Севера» (auditor).
      { identity: pki.ecP384Signer, idHex: '02', label: 'Кузнецова' },
      { identity: pki.rsaSigner, idHex: '01', label: 'Иванова' },
    ],
    certificates: [{ identity: pki.intermediate, idHex: 'ca', label: 'УЦ' }],
  }));
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-offline-'));
  dataDir = path.join(dir, 'data');
  reportXml = path.join(dir, 'report.xml');
  writeFileSync(reportXml, '<?xml version="1.0" encoding="UTF-8"?><report><extracted unit="т">310.0</extracted></report>');
});

afterAll(async () => {
  for (const services of opened) await services.close();
  await tokens?.close();
});

const entry = findCatalogEntry('report.extraction');
const formData = () => (entry === undefined ? {} : sampleData(entry));
const files = async (app: AppServices) => [{ role: 'report-file', fileId: await stage(app, reportXml), fileName: 'Отчёт о добыче.xml' }];
const title = 'Отчёт о добыче (подготовлен без сети)';

describe('work without a session, for the organisation chosen at the last login', () => {
  let packageId = '';

  it('has nothing to fall back on before any organisation was chosen', async () => {
    const app = open();
    const state = await call(app, 'cabinet:state', {});
    expect(state.organisation).toBeUndefined();
    expect(state.offlineOrganisation).toBeUndefined();
    expect((await failure(call(app, 'forms:render', { typeCode: 'report.extraction', data: formData(), files: await files(app) }))).code).toBe('ORGANISATION_NOT_CHOSEN');
    await call(app, 'trust:import', { fileId: await stage(app, pki.rootPath) });
    // Logged in with two organisations and none chosen yet: still none (the person chooses).
    const loggedIn = await loginWithSignature(app, { certificate: 'id:02', pin });
    expect(loggedIn.roles).toHaveLength(2);
    expect(loggedIn.organisation).toBeUndefined();
    expect(loggedIn.offlineOrganisation).toBeUndefined();
    expect((await failure(call(app, 'forms:render', { typeCode: 'report.extraction', data: formData(), files: await files(app) }))).code).toBe('ORGANISATION_NOT_CHOSEN');
    const chosen = await call(app, 'cabinet:choose-organisation', { organisationOid: ural.oid });
    expect(chosen.organisation).toMatchObject({ organisationOid: ural.oid, inn: ural.inn, role: 'employee' });
    // Logged in: the organisation is live, not the offline one.
    expect(chosen.offlineOrganisation).toBeUndefined();
    await app.close();
  });

  it('after a restart with no network renders and signs with the remembered requisites and queues the package', async () => {
    online = false;
    stand = undefined;
    const app = open();
    const state = await call(app, 'cabinet:state', {});
    expect(state.person).toBeUndefined();
    expect(state.organisation).toBeUndefined();
    expect(state.standRunning).toBe(false);
    expect(state.offlineOrganisation).toMatchObject({ organisationOid: ural.oid, fullName: ural.name, inn: ural.inn, ogrn: ural.ogrn, role: 'employee', expiresAt: undefined });
    expect(state.offlineOrganisation?.address).toContain('Екатеринбург');
    // The cabinet really is out of reach.
    expect((await failure(loginWithSignature(app, { certificate: 'id:02', pin }))).code).toBe('CABINET_UNREACHABLE');

    const rendered = await call(app, 'forms:render', { typeCode: 'report.extraction', data: formData(), files: await files(app) });
    const xml = (await readBack(app, rendered.xmlFileId)).toString('utf8');
    expect(xml).toContain(ural.inn);
    expect(xml).toContain(ural.ogrn);

    const built = await call(app, 'packages:build', { typeCode: 'report.extraction', title, data: formData(), files: await files(app), certificate: 'id:02', pin });
    packageId = built.packageId;
    expect(built.manifest.organisation).toMatchObject({ inn: ural.inn, ogrn: ural.ogrn, name: ural.name });
    const inspected = await call(app, 'packages:inspect', { fileId: built.fileId });
    expect(inspected.manifest?.organisation.inn).toBe(ural.inn);
    expect(inspected.problems).toEqual([]);
    expect((await call(app, 'packages:get', { id: packageId })).package).toMatchObject({ status: 'signed', organisationOid: ural.oid });
    // The offline organisation's packages are the ones listed.
    expect((await call(app, 'packages:list', {})).items.map((item) => item.id)).toEqual([packageId]);

    const item = await call(app, 'outbox:submit', { packageId: built.packageId, typeCode: 'report.extraction', title });
    expect(item).toMatchObject({ state: 'waiting', organisationOid: ural.oid, attempts: 0 });
    // Queued twice is one item.
    expect((await call(app, 'outbox:submit', { packageId: built.packageId, typeCode: 'report.extraction', title })).id).toBe(item.id);
    await app.cabinet.outbox.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await call(app, 'outbox:list', {})).toMatchObject([{ id: item.id, state: 'waiting', attempts: 0, orderId: undefined }]);
    expect((await call(app, 'packages:get', { id: packageId })).package.status).toBe('queued');
    const journal = await call(app, 'journal:list', { action: 'package.build' });
    expect(journal.items[0]?.organisationOid).toBe(ural.oid);
    expect(stand).toBeUndefined();
    await app.close();
  });

  it('remembers requisites and role only: no token or PIN in the data folder', () => {
    expectNoSecretsIn(dataDir, pin);
  });

  it('after the next login to that organisation the package goes out exactly once', async () => {
    online = true;
    const app = open();
    expect((await call(app, 'outbox:list', {})).map((item) => item.state)).toEqual(['waiting']);
    const loggedIn = await loginWithSignature(app, { certificate: 'id:02', pin });
    // Two organisations: the person chooses again; until then the package waits.
    expect(loggedIn.organisation).toBeUndefined();
    expect(loggedIn.offlineOrganisation).toBeUndefined();
    await app.cabinet.outbox.idle();
    expect((await call(app, 'outbox:list', {}))[0]?.attempts).toBe(0);
    // Working for the other organisation, the package signed for АО «Уральские недра» is not sent in its name.
    await call(app, 'cabinet:choose-organisation', { organisationOid: '2000001' });
    const mismatch = await failure(call(app, 'outbox:submit', { packageId, typeCode: 'report.extraction', title }));
    expect(mismatch.code).toBe('ORGANISATION_MISMATCH');
    expect(mismatch.message).toContain(`ИНН ${ural.inn}`);
    expect(mismatch.message).toContain('Выберите организацию пакета');
    await call(app, 'cabinet:choose-organisation', { organisationOid: ural.oid });
    const approved = await until(async () => {
      const details = await call(app, 'packages:get', { id: packageId });
      return details.package.status === 'approved' ? details : undefined;
    });
    expect(approved.package.registrationNumber).toMatch(/^РН-\d{4}-\d{6}$/);
    expect(approved.history.map((line) => line.status)).toEqual(['signed', 'queued', 'sent', 'accepted', 'processing', 'approved']);
    const [item] = await call(app, 'outbox:list', {});
    expect(item).toMatchObject({ state: 'done', attempts: 1, orderId: approved.package.orderId });
    const orders = stand?.database.prepare('SELECT id, organisation_oid, title FROM orders WHERE idempotency_key = ?').all(packageId);
    expect(orders).toEqual([{ id: approved.package.orderId, organisation_oid: ural.oid, title }]);
    expect((await call(app, 'orders:list', {})).filter((order) => order.title === title)).toHaveLength(1);
    await app.close();
  });

  it('remembers the only organisation the cabinet chose at login, per cabinet', async () => {
    online = true;
    const folder = path.join(dir, 'single');
    const first = open(folder);
    await call(first, 'trust:import', { fileId: await stage(first, pki.rootPath) });
    const loggedIn = await loginWithSignature(first, { certificate: 'id:01', pin });
    expect(loggedIn.organisation?.fullName).toBe('ООО «Недра Севера»');
    await call(first, 'cabinet:logout', {});
    // Logged out: the remembered organisation is offered for work without a session.
    expect((await call(first, 'cabinet:state', {})).offlineOrganisation).toMatchObject({ organisationOid: '2000001', inn: '1101012340', role: 'admin' });
    await first.close();
    online = false;
    const second = open(folder);
    expect((await call(second, 'cabinet:state', {})).offlineOrganisation?.fullName).toBe('ООО «Недра Севера»');
    // Another cabinet knows nothing of the stand's organisation.
    const elsewhere = await call(second, 'cabinet:set-profile', { kind: 'url', url: 'http://127.0.0.1:9/' });
    expect(elsewhere.offlineOrganisation).toBeUndefined();
    expect((await failure(call(second, 'forms:render', { typeCode: 'report.extraction', data: formData(), files: await files(second) }))).code).toBe('ORGANISATION_NOT_CHOSEN');
    expect((await call(second, 'cabinet:set-profile', { kind: 'stand' })).offlineOrganisation?.inn).toBe('1101012340');
    await second.close();
  });
});
