import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { createAppServices, standOptionsFromEnvironment, type AppServices } from '../../../src/main/services/app-services';
import { insertPackage, upsertOrganisation } from '../../../src/main/store/repositories';
import type { LocalTokenService } from '../../../src/main/token/token-service';
import type { ApiEventName } from '../../../src/shared/api';
import type { PackageStatus } from '../../../src/shared/cabinet';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { call, failure, makeToken, stage, until, loginWithSignature } from '../../support/app-workplace';
import { sampleData } from '../../unit/catalog/sample-forms';

// A PIN no timestamp, id or registration number would contain by chance.
const pin = '735126';
let pki: TestPki;
let tokens: LocalTokenService;
let dir: string;
let dataDir: string;
let app: AppServices;
let reportXml: string;
const events: Array<{ event: ApiEventName; payload: unknown }> = [];

beforeAll(async () => {
  pki = await loadTestPki();
  ({ tokens } = await makeToken({
    label: 'Организация',
    pin,
    identities: [{ identity: pki.rsaSigner, idHex: '01', label: 'Иванова' }],
    certificates: [{ identity: pki.intermediate, idHex: 'ca', label: 'УЦ' }],
  }));
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-records-'));
  dataDir = path.join(dir, 'data');
  reportXml = path.join(dir, 'report.xml');
  writeFileSync(reportXml, '<?xml version="1.0" encoding="UTF-8"?><report><extracted unit="т">1250.5</extracted></report>');
  app = createAppServices({
    mode: 'browser',
    version: 'test',
    dataDir,
    tokens,
    emit: (event, payload) => events.push({ event, payload }),
    cabinet: { syncIntervalMs: 200, outboxBaseDelayMs: 50 },
    // The embedded stand processes in fractions of a second, as the e2e tests set it.
    environment: { NEDRADESK_STAND_STEP_MS: '150' },
  });
  attached = [{ role: 'report-file', fileId: await stage(app, reportXml), fileName: 'Отчёт о добыче.xml' }];
});

afterAll(async () => {
  await app?.close();
  await tokens?.close();
});

const entry = findCatalogEntry('report.extraction');
const formData = () => (entry === undefined ? {} : sampleData(entry));
// The report staged once, as the UI stages a dropped file: drafts and packages keep its handle.
let attached: Array<{ role: string; fileId: string; fileName: string }> = [];
const files = () => attached;

describe('the app services over the local database', () => {
  it('reads the embedded stand pace and scenario from the environment, ignoring nonsense', () => {
    expect(standOptionsFromEnvironment({ NEDRADESK_STAND_STEP_MS: '200', NEDRADESK_STAND_SCENARIO: 'needs-rework' })).toEqual({ stepDelayMs: 200, scenario: 'needs-rework' });
    expect(standOptionsFromEnvironment({ NEDRADESK_STAND_STEP_MS: 'быстро', NEDRADESK_STAND_SCENARIO: 'maybe' })).toEqual({});
    expect(standOptionsFromEnvironment({})).toEqual({});
  });

  it('imports a CA certificate as a trust anchor, refuses a personal certificate, and removes an anchor', async () => {
    const imported = await call(app, 'trust:import', { fileId: await stage(app, pki.rootPath) });
    expect(imported.trustAnchors).toHaveLength(1);
    expect(imported.trustAnchors[0]?.subject).toContain('CN=');
    expect(Date.parse(imported.trustAnchors[0]?.notAfter ?? '')).toBeGreaterThan(Date.now());
    const refused = await failure(call(app, 'trust:import', { fileId: await stage(app, pki.rsaSigner.certPath) }));
    expect(refused.code).toBe('TRUST_ANCHOR_NOT_CA');
    expect(refused.message).toMatch(/удостоверяющего центра/);
    const withIntermediate = await call(app, 'trust:import', { fileId: await stage(app, pki.intermediatePath) });
    expect(withIntermediate.trustAnchors).toHaveLength(2);
    const intermediate = withIntermediate.trustAnchors.find((anchor) => anchor.sha256 !== imported.trustAnchors[0]?.sha256);
    const removed = await call(app, 'trust:remove', { sha256: intermediate?.sha256 ?? '' });
    expect(removed.trustAnchors.map((anchor) => anchor.sha256)).toEqual(imported.trustAnchors.map((anchor) => anchor.sha256));
  });

  it('keeps settings in the local database across a round trip', async () => {
    expect(await call(app, 'settings:get', {})).toMatchObject({ firstRunDone: false, locale: 'ru', pkcs11Modules: [] });
    const changed = await call(app, 'settings:set', { firstRunDone: true, locale: 'en' });
    expect(changed).toMatchObject({ firstRunDone: true, locale: 'en', pkcs11Modules: [] });
    expect(changed.trustAnchors).toHaveLength(1);
    expect(await call(app, 'settings:get', {})).toMatchObject({ firstRunDone: true, locale: 'en' });
    expect(existsSync(path.join(dataDir, 'settings.json'))).toBe(false);
    expect(await call(app, 'settings:set', { locale: 'ru' })).toMatchObject({ firstRunDone: true, locale: 'ru' });
  });

  it('journals a wrong PIN as a failed login, then logs in by signature at the embedded stand', async () => {
    const wrong = await failure(loginWithSignature(app, { certificate: 'id:01', pin: '000000' }));
    expect(wrong.code).toBe('PIN_INCORRECT');
    const state = await loginWithSignature(app, { certificate: 'id:01', pin });
    expect(state.organisation?.fullName).toBe('ООО «Недра Севера»');
    const logins = await call(app, 'journal:list', { action: 'login.signature' });
    expect(logins.items.map((item) => [item.result, item.details.error])).toEqual([
      ['ok', undefined],
      ['error', 'PIN_INCORRECT'],
    ]);
    expect(logins.items[0]?.actor).toBe('Иванова Мария Петровна');
  });

  let firstId = '';
  it('records a built package with its form data and removes the draft it came from', async () => {
    const draft = await call(app, 'drafts:save', { typeCode: 'report.extraction', title: 'Отчёт о добыче за 2025 год', data: formData(), files: files() });
    const autosaved = await call(app, 'drafts:save', { id: draft.id, typeCode: 'report.extraction', title: 'Отчёт о добыче за 2025 год', data: { ...formData(), note: 'черновик' }, files: files() });
    expect(autosaved.id).toBe(draft.id);
    expect((await call(app, 'drafts:get', { id: draft.id })).data.note).toBe('черновик');
    expect((await call(app, 'drafts:list', {})).map((item) => item.id)).toEqual([draft.id]);
    const built = await call(app, 'packages:build', { typeCode: 'report.extraction', title: 'Отчёт о добыче за 2025 год', data: formData(), files: files(), certificate: 'id:01', pin, draftId: draft.id });
    firstId = built.packageId;
    expect(built.packageId).toBe(built.manifest.packageId);
    const details = await call(app, 'packages:get', { id: built.packageId });
    expect(details.package).toMatchObject({ status: 'signed', version: 1, typeCode: 'report.extraction', title: 'Отчёт о добыче за 2025 год', filePath: expect.stringContaining(dataDir) as unknown, organisationOid: '2000001', replacesPackageId: undefined });
    expect(details.history.map((line) => line.status)).toEqual(['signed']);
    expect(details.order).toBeUndefined();
    expect(await call(app, 'drafts:list', {})).toEqual([]);
    expect((await failure(call(app, 'drafts:get', { id: draft.id }))).code).toBe('DRAFT_NOT_FOUND');
  });

  it('follows a submitted package through the status sync to «Требуется доработка» with the remarks', async () => {
    const details = await call(app, 'packages:get', { id: firstId });
    const item = await call(app, 'outbox:submit', { packageId: firstId, typeCode: 'report.extraction', title: details.package.title, trainingOutcome: 'needs-rework' });
    expect(item.state).toBe('waiting');
    const reworked = await until(async () => {
      const current = await call(app, 'packages:get', { id: firstId });
      return current.package.status === 'needs-rework' ? current : undefined;
    });
    expect(reworked.package.registrationNumber).toMatch(/^РН-\d{4}-\d{6}$/);
    expect(reworked.package.orderId).toBeDefined();
    expect(reworked.history.map((line) => line.status)).toEqual(['signed', 'queued', 'sent', 'accepted', 'processing', 'needs-rework']);
    expect(reworked.history.at(-1)?.remark).toMatch(/Требуется доработка[\s\S]*отчётный период|Требуется доработка[\s\S]*разделы/);
    // Logged in: the cabinet's order comes with the package.
    expect(reworked.order?.orderId).toBe(reworked.package.orderId);
    expect(reworked.order?.remarks.length).toBeGreaterThan(0);
    const byNumber = await call(app, 'packages:list', { search: reworked.package.registrationNumber ?? '' });
    expect(byNumber.items.map((record) => record.id)).toEqual([firstId]);
    expect(events.some((event) => event.event === 'package:status' && (event.payload as { status: PackageStatus }).status === 'needs-rework')).toBe(true);
  });

  it('revises a package into a linked draft whose rebuilt package is version 2 of the same application', async () => {
    const draft = await call(app, 'packages:revise', { id: firstId });
    expect(draft.replacesPackageId).toBe(firstId);
    expect(draft.data).toEqual(formData());
    expect(draft.files).toEqual(files());
    const rebuilt = await call(app, 'packages:build', { typeCode: draft.typeCode, title: draft.title, data: draft.data, files: draft.files, certificate: 'id:01', pin, draftId: draft.id, replacesPackageId: firstId });
    const details = await call(app, 'packages:get', { id: rebuilt.packageId });
    expect(details.package).toMatchObject({ version: 2, replacesPackageId: firstId, status: 'signed' });
    expect(details.versions.map((version) => [version.id, version.version])).toEqual([
      [firstId, 1],
      [rebuilt.packageId, 2],
    ]);
    expect((await call(app, 'packages:get', { id: firstId })).versions).toHaveLength(2);
    const page = await call(app, 'packages:list', {});
    expect(page.total).toBe(2);
    expect(page.counts).toEqual({ 'needs-rework': 1, signed: 1 });
    expect((await call(app, 'packages:list', { status: 'signed' })).items.map((record) => record.id)).toEqual([rebuilt.packageId]);
    expect((await failure(call(app, 'packages:revise', { id: 'no-such-package' }))).code).toBe('PACKAGE_NOT_FOUND');
  });

  it('journals every action that matters and never the PIN, in the rows or the database file', async () => {
    const all = await call(app, 'journal:list', { limit: 500 });
    const actions = new Set(all.items.map((item) => item.action));
    for (const action of ['trust.import', 'trust.remove', 'settings.change', 'login.signature', 'package.build', 'package.submit', 'package.status']) expect(actions).toContain(action);
    expect(all.items.filter((item) => item.action === 'package.status').map((item) => item.details.status)).toEqual(['needs-rework', 'processing', 'accepted', 'sent']);
    expect(all.items.find((item) => item.action === 'package.build')?.details).toMatchObject({ type: 'report.extraction', documents: 3 });
    expect(JSON.stringify(all.items)).not.toContain(pin);
    // Newest first.
    expect([...all.items].sort((left, right) => right.at.localeCompare(left.at) || right.id - left.id)).toEqual(all.items);
    for (const name of readdirSync(dataDir).filter((file) => file.startsWith('nedradesk.db'))) {
      expect(readFileSync(path.join(dataDir, name)).includes(Buffer.from(pin)), name).toBe(false);
    }
  });

  it('filters the journal by action and period, pages it and exports it as CSV', async () => {
    const builds = await call(app, 'journal:list', { action: 'package.build' });
    expect(builds.total).toBe(2);
    const total = (await call(app, 'journal:list', {})).total;
    const first = await call(app, 'journal:list', { offset: 0, limit: 3 });
    const second = await call(app, 'journal:list', { offset: 3, limit: 3 });
    expect(first.total).toBe(total);
    expect(first.items).toHaveLength(3);
    expect(new Set([...first.items, ...second.items].map((item) => item.id)).size).toBe(first.items.length + second.items.length);
    expect((await call(app, 'journal:list', { from: '2999-01-01T00:00:00.000Z' })).total).toBe(0);
    expect((await call(app, 'journal:list', { to: '2000-01-01T00:00:00.000Z' })).total).toBe(0);
    const exported = await call(app, 'journal:export', { action: 'package.build' });
    expect(exported.fileName).toMatch(/^journal-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = exported.csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('Формирование и подписание пакета');
    expect(exported.csv).not.toContain(pin);
  });

  it('reads files main produced by their handles only: not a path, not a handle it never gave, not through a link pointing out', async () => {
    const built = await call(app, 'packages:build', { typeCode: 'report.extraction', title: 'Ещё один отчёт', data: formData(), files: files(), certificate: 'id:01', pin });
    const read = await call(app, 'files:read', { fileId: built.fileId });
    expect(read.mediaType).toBe('application/zip');
    expect(Buffer.from(read.contentBase64, 'base64').subarray(0, 2).toString('latin1')).toBe('PK');
    const outside = path.join(dir, 'private.txt');
    writeFileSync(outside, 'не для чужих глаз');
    expect((await failure(call(app, 'files:read', { path: outside }))).code).toBe('INVALID_INPUT');
    expect((await failure(call(app, 'files:read', { fileId: outside }))).code).toBe('INVALID_INPUT');
    const unknown = await failure(call(app, 'files:read', { fileId: 'out_AAAAAAAAAAAAAAAAAAAAAA' }));
    expect(unknown.code).toBe('FILE_HANDLE_UNKNOWN');
    expect(unknown.message).toMatch(/Выберите или перетащите файл заново/);
    // A file main wrote, replaced afterwards by a link pointing out of the data folder, is not followed.
    const copy = await call(app, 'packages:stamped-copy', { id: built.packageId });
    const copyPath = path.join(dataDir, 'copies');
    const [written] = readdirSync(copyPath, { recursive: true, withFileTypes: true }).filter((item) => item.isFile());
    expect(written).toBeDefined();
    const writtenPath = path.join(written?.parentPath ?? '', written?.name ?? '');
    rmSync(writtenPath);
    symlinkSync(outside, writtenPath);
    const refused = await failure(call(app, 'files:read', { fileId: copy.fileId }));
    expect(refused.code).toBe('FILE_OUTSIDE_DATA_FOLDER');
    expect(refused.message).toMatch(/вне папки данных/);
  });

  it('writes the logout to the journal with the person who left', async () => {
    await call(app, 'cabinet:logout', {});
    const [logout] = (await call(app, 'journal:list', { action: 'logout' })).items;
    expect(logout?.actor).toBe('Иванова Мария Петровна');
    // No session: the package's order is simply not there.
    expect((await call(app, 'packages:get', { id: firstId })).order).toBeUndefined();
  });
});

describe('the package list over a few thousand packages', () => {
  it('pages, filters, searches and counts by status across organisations when none is chosen', async () => {
    const services = createAppServices({ mode: 'browser', version: 'test', dataDir: path.join(dir, 'many'), tokens, emit: () => undefined, environment: {} });
    try {
      const statuses: PackageStatus[] = ['signed', 'queued', 'sent', 'accepted', 'processing', 'approved', 'needs-rework', 'rejected'];
      const base = Date.parse('2026-01-01T00:00:00Z');
      upsertOrganisation(services.store, { oid: 'org-1', inn: '1101012340', name: 'ООО «Недра Севера»' });
      upsertOrganisation(services.store, { oid: 'org-2', inn: '6670123457', name: 'АО «Уральские недра»' });
      services.store.transaction(() => {
        for (let index = 0; index < 3000; index += 1) {
          insertPackage(services.store, { id: `p${String(index).padStart(4, '0')}`, organisationOid: index % 3 === 0 ? 'org-2' : 'org-1', typeCode: 'report.extraction', title: index % 4 === 0 ? `Отчёт о добыче №${index}` : `Заявление №${index}`, status: statuses[index % statuses.length] ?? 'signed', filePath: null }, new Date(base + index * 60_000));
        }
      })();
      const first = await call(services, 'packages:list', { limit: 200 });
      expect(first.total).toBe(3000);
      expect(first.items).toHaveLength(200);
      expect(first.items[0]?.id).toBe('p2999');
      expect(Object.values(first.counts).reduce((sum, count) => sum + count, 0)).toBe(3000);
      expect(first.counts.approved).toBe(375);
      const last = await call(services, 'packages:list', { offset: 2900, limit: 200 });
      expect(last.items.map((record) => record.id).at(-1)).toBe('p0000');
      expect(last.items).toHaveLength(100);
      const approved = await call(services, 'packages:list', { status: 'approved', limit: 10 });
      expect(approved.total).toBe(375);
      expect(approved.items.every((record) => record.status === 'approved')).toBe(true);
      const reports = await call(services, 'packages:list', { search: 'Отчёт о добыче', limit: 5 });
      expect(reports.total).toBe(750);
      expect((await call(services, 'packages:list', { search: '100%' })).total).toBe(0);
      // An order the app cannot ask about (nobody logged in) is no error.
      services.store.prepare("UPDATE packages SET order_id = 'order-1' WHERE id = 'p0001'").run();
      expect((await call(services, 'packages:get', { id: 'p0001' })).order).toBeUndefined();
    } finally {
      await services.close();
    }
  });
});
