/**
 * Licenses, report deadlines and notifications stay visible offline: fetched live they are kept in
 * the local database for the organisation; after a restart with no session and the cabinet out of
 * reach they come from that copy, the same as the cabinet showed them; a notification marked read
 * offline is told to the cabinet after the next login.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../src/main/services/app-services';
import { loadTrustAnchors } from '../../../src/main/services/trust-store';
import { markNotificationRead, pendingReadMarks, storeCabinetList, storedCabinetList } from '../../../src/main/store/cabinet-lists';
import { openStore } from '../../../src/main/store/database';
import { upsertOrganisation } from '../../../src/main/store/repositories';
import type { LocalTokenService } from '../../../src/main/token/token-service';
import { AppError } from '../../../src/shared/errors';
import { startStand, type RunningStand } from '../../../src/stand/server';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { call, expectNoSecretsIn, failure, makeToken, stage, until, loginWithSignature } from '../../support/app-workplace';

const pin = '592846';
/** ООО «Недра Севера»: the only organisation of Иванова on the stand. */
const sever = '2000001';
let pki: TestPki;
let tokens: LocalTokenService;
let dataDir: string;
/** Whether the embedded stand can be reached; while false, starting it fails as a missing network would. */
let online = true;
let stand: RunningStand | undefined;
let stopStand: (() => Promise<void>) | undefined;
const opened: AppServices[] = [];

/** The app's services over the one data folder, as a restart of the app makes them. */
function open(): AppServices {
  const services = createAppServices({
    mode: 'browser',
    version: 'test',
    dataDir,
    tokens,
    emit: () => undefined,
    environment: {},
    cabinet: {
      syncIntervalMs: 200,
      outboxBaseDelayMs: 50,
      startStand: async () => {
        if (!online) throw new AppError('CABINET_UNREACHABLE', { reason: 'no network (test)' });
        const running = await startStand({ dataDir: path.join(dataDir, 'stand'), trustAnchors: await loadTrustAnchors(dataDir), log: () => undefined, stepDelayMs: 150, scenario: 'approved' });
        let closing: Promise<void> | undefined;
        const close = (): Promise<void> => (closing ??= running.close());
        stand = running;
        stopStand = close;
        return { url: running.url, close };
      },
    },
  });
  opened.push(services);
  return services;
}

const lists = async (app: AppServices) => ({
  licenses: await call(app, 'licenses:list', {}),
  deadlines: await call(app, 'deadlines:list', {}),
  notifications: await call(app, 'notifications:list', {}),
});

beforeAll(async () => {
  pki = await loadTestPki();
  ({ tokens } = await makeToken({
    label: 'Бухгалтерия',
    pin,
    identities: [{ identity: pki.rsaSigner, idHex: '01', label: 'Иванова' }],
    certificates: [{ identity: pki.intermediate, idHex: 'ca', label: 'УЦ' }],
  }));
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'nedradesk-offline-lists-')), 'data');
});

afterAll(async () => {
  for (const services of opened) await services.close();
  await tokens?.close();
});

describe('the kept copy in the local database', () => {
  it('replaces an organisation\'s list in one go and keeps a read mark not yet sent through a refresh', () => {
    const database = openStore({ dataDir: mkdtempSync(path.join(tmpdir(), 'nedradesk-lists-store-')) });
    upsertOrganisation(database, { oid: 'org', inn: '1101012340', name: 'ООО «Недра Севера»' });
    const notification = (id: string, read = false) => ({ id, organisationOid: 'org', title: id, body: 'текст', at: '2026-11-01T00:00:00.000Z', read, orderId: undefined });
    expect(storedCabinetList(database, 'org', 'notifications')).toBeUndefined();
    storeCabinetList(database, 'org', 'notifications', [notification('a'), notification('b')]);
    expect(markNotificationRead(database, 'org', 'a', true)).toBe(true);
    expect(markNotificationRead(database, 'org', 'zzz', true)).toBe(false);
    // The cabinet still says unread: the mark made here stays, pending.
    storeCabinetList(database, 'org', 'notifications', [notification('a'), notification('c')]);
    expect(storedCabinetList(database, 'org', 'notifications')?.items.map((item) => [item.id, item.read])).toEqual([['a', true], ['c', false]]);
    expect(pendingReadMarks(database, 'org')).toEqual(['a']);
    // Once the cabinet lists it read, nothing is pending.
    storeCabinetList(database, 'org', 'notifications', [notification('a', true)]);
    expect(pendingReadMarks(database, 'org')).toEqual([]);
    // An empty answer is a list, not «never fetched».
    storeCabinetList(database, 'org', 'licenses', []);
    expect(storedCabinetList(database, 'org', 'licenses')?.items).toEqual([]);
    database.close();
  });
});

describe('licenses, report deadlines and notifications without a session or network', () => {
  let live: Awaited<ReturnType<typeof lists>>;

  it('with nothing ever fetched keeps the cabinet error', async () => {
    online = false;
    const app = open();
    for (const method of ['licenses:list', 'deadlines:list', 'notifications:list', 'notifications:read'] as const) {
      expect((await failure(call(app, method, method === 'notifications:read' ? { id: 'N-1' } : {}))).code).toBe('CABINET_LOGIN_REQUIRED');
    }
    await app.close();
  });

  it('keeps what the cabinet lists for the organisation, and answers from it when the cabinet goes away mid-session', async () => {
    online = true;
    const app = open();
    await call(app, 'trust:import', { fileId: await stage(app, pki.rootPath) });
    const state = await loginWithSignature(app, { certificate: 'id:01', pin });
    expect(state.organisation?.organisationOid).toBe(sever);
    live = await lists(app);
    expect(live.licenses.map((license) => license.number)).toEqual(['СЫК 00999 ТР', 'СЫК 01234 ТЭ', 'СЫК 05678 НЭ']);
    expect(live.deadlines.map((deadline) => deadline.id)).toEqual(['D-1', 'D-2']);
    expect(live.notifications.find((notification) => notification.id === 'N-1')).toMatchObject({ read: false, orderId: undefined });
    // Replaced in the organisation's rows, in the cabinet's order.
    const count = (table: string) => (app.store.prepare(`SELECT count(*) AS n FROM ${table} WHERE organisation_oid = ?`).get(sever) as { n: number }).n;
    expect([count('licenses'), count('deadlines'), count('notifications')]).toEqual([3, 2, live.notifications.length]);
    expect(app.store.prepare("SELECT key FROM settings WHERE key LIKE 'cabinet.fetched-at:%' ORDER BY key").all()).toEqual(
      ['deadlines', 'licenses', 'notifications'].map((list) => ({ key: `cabinet.fetched-at:${list}:${sever}` })),
    );
    // Listing again replaces, never duplicates.
    await lists(app);
    expect(count('licenses')).toBe(3);

    // The network drops with the session still open: the kept copy answers.
    await stopStand?.();
    expect((await failure(app.cabinet.requireClient().licenses())).code).toBe('CABINET_UNREACHABLE');
    expect(await lists(app)).toEqual(live);
    await app.close();
  });

  it('after a restart with no session and the cabinet unreachable lists the kept copy and marks a notification read locally', async () => {
    online = false;
    stand = undefined;
    const app = open();
    const state = await call(app, 'cabinet:state', {});
    expect(state.person).toBeUndefined();
    expect(state.offlineOrganisation?.organisationOid).toBe(sever);
    expect((await failure(loginWithSignature(app, { certificate: 'id:01', pin }))).code).toBe('CABINET_UNREACHABLE');
    expect(await lists(app)).toEqual(live);

    expect(await call(app, 'notifications:read', { id: 'N-1' })).toBeNull();
    const notifications = await call(app, 'notifications:list', {});
    expect(notifications.find((notification) => notification.id === 'N-1')?.read).toBe(true);
    expect(notifications.filter((notification) => notification.id !== 'N-1')).toEqual(live.notifications.filter((notification) => notification.id !== 'N-1'));
    expect(app.store.prepare('SELECT read, read_pending FROM notifications WHERE organisation_oid = ? AND id = ?').get(sever, 'N-1')).toEqual({ read: 1, read_pending: 1 });
    // A notification the copy does not know cannot be marked: the cabinet's error stays.
    expect((await failure(call(app, 'notifications:read', { id: 'N-404' }))).code).toBe('CABINET_LOGIN_REQUIRED');
    expect(stand).toBeUndefined();
    await app.close();
  });

  it('keeps no token or PIN in the data folder', () => {
    expectNoSecretsIn(dataDir, pin);
  });

  it('after the next login the read mark reaches the cabinet', async () => {
    online = true;
    const app = open();
    await loginWithSignature(app, { certificate: 'id:01', pin });
    const running = stand as RunningStand;
    await until(() => ((running.database.prepare('SELECT read FROM notifications WHERE id = ?').get('N-1') as { read: number }).read === 1 ? true : undefined));
    await until(() => ((app.store.prepare('SELECT read_pending FROM notifications WHERE organisation_oid = ? AND id = ?').get(sever, 'N-1') as { read_pending: number }).read_pending === 0 ? true : undefined));
    // The cabinet itself now lists it read.
    expect((await app.cabinet.requireClient().notifications()).find((notification) => notification.id === 'N-1')?.read).toBe(true);
    expect((await call(app, 'notifications:list', {})).find((notification) => notification.id === 'N-1')?.read).toBe(true);

    // Online, a mark goes to the cabinet and the copy at once.
    running.database.prepare('INSERT INTO notifications (id, organisation_oid, title, body, at, read, order_id) VALUES (?, ?, ?, ?, ?, 0, NULL)').run('N-online', sever, 'Новое уведомление', 'Проверка', new Date().toISOString());
    expect((await call(app, 'notifications:list', {})).find((notification) => notification.id === 'N-online')?.read).toBe(false);
    await call(app, 'notifications:read', { id: 'N-online' });
    expect((running.database.prepare('SELECT read FROM notifications WHERE id = ?').get('N-online') as { read: number }).read).toBe(1);
    expect(app.store.prepare('SELECT read, read_pending FROM notifications WHERE organisation_oid = ? AND id = ?').get(sever, 'N-online')).toEqual({ read: 1, read_pending: 0 });
    await app.close();
  });
});
