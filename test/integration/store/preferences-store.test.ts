import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../src/main/services/app-services';
import { writeSettings } from '../../../src/main/services/settings';
import { LocalTokenService } from '../../../src/main/token/token-service';
import type { ApiMethod, ApiOutput } from '../../../src/shared/api';
import { AppError } from '../../../src/shared/errors';
import { TokenFactory } from '../../fixtures/softhsm';

let tokens: LocalTokenService;
let root: string;
const open: AppServices[] = [];

function start(dataDir: string): AppServices {
  // The stand is never started here: the profile is only chosen and read back.
  const app = createAppServices({ mode: 'browser', version: 'test', dataDir, tokens, emit: () => undefined, cabinet: { startStand: () => Promise.reject(new Error('no stand in this test')) } });
  open.push(app);
  return app;
}

async function stop(app: AppServices): Promise<void> {
  await app.close();
  open.splice(open.indexOf(app), 1);
}

async function call<M extends ApiMethod>(app: AppServices, method: M, input: unknown): Promise<ApiOutput<M>> {
  const result = await app.dispatch(method, input);
  if (!result.ok) throw AppError.fromData(result.error);
  return result.value as ApiOutput<M>;
}

function settingRows(dataDir: string): Record<string, string> {
  const database = new Database(path.join(dataDir, 'nedradesk.db'), { readonly: true });
  try {
    const rows = database.prepare("SELECT key, value FROM settings WHERE key LIKE 'user.%' OR key = 'cabinet.active-profile'").all() as Array<{ key: string; value: string }>;
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  } finally {
    database.close();
  }
}

let count = 0;
const newDataDir = () => path.join(root, `data-${++count}`);

beforeAll(async () => {
  const factory = await TokenFactory.create();
  process.env.SOFTHSM2_CONF = factory.confPath;
  tokens = LocalTokenService.open({ explicit: factory.module });
  root = mkdtempSync(path.join(tmpdir(), 'nedradesk-preferences-'));
});

afterEach(async () => {
  await Promise.all([...open].map((app) => stop(app)));
});

afterAll(async () => {
  await tokens?.close();
});

describe('settings and the cabinet profile in the local database', () => {
  it('keeps settings set through settings:set as rows of `settings` across a restart, with no settings.json', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    expect(await call(first, 'settings:get', {})).toMatchObject({ firstRunDone: false, locale: 'ru', pkcs11Modules: [] });
    // A library is added in the desktop app's open dialog (settings:choose-pkcs11-module); here it is written as that call does.
    await writeSettings(first.store, { pkcs11Modules: ['/opt/vendor/libpkcs11.so'] });
    const changed = await call(first, 'settings:set', { firstRunDone: true, locale: 'en' });
    expect(changed).toMatchObject({ firstRunDone: true, locale: 'en', pkcs11Modules: ['/opt/vendor/libpkcs11.so'] });
    // A part: the rest stays.
    expect(await call(first, 'settings:set', { locale: 'ru' })).toMatchObject({ firstRunDone: true, locale: 'ru', pkcs11Modules: ['/opt/vendor/libpkcs11.so'] });
    await stop(first);

    expect(existsSync(path.join(dataDir, 'settings.json'))).toBe(false);
    expect(settingRows(dataDir)).toMatchObject({ 'user.firstRunDone': 'true', 'user.locale': '"ru"', 'user.pkcs11Modules': '["/opt/vendor/libpkcs11.so"]' });
    const second = start(dataDir);
    expect(await call(second, 'settings:get', {})).toMatchObject({ firstRunDone: true, locale: 'ru', pkcs11Modules: ['/opt/vendor/libpkcs11.so'] });
  });

  it('keeps the cabinet chosen with cabinet:set-profile across a restart', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    expect((await call(first, 'cabinet:state', {})).profile.kind).toBe('stand');
    const chosen = await call(first, 'cabinet:set-profile', { kind: 'url', url: 'https://cabinet.example.test/' });
    expect(chosen.profile).toEqual({ kind: 'url', url: 'https://cabinet.example.test/' });
    await stop(first);
    expect(existsSync(path.join(dataDir, 'cabinet-profile.json'))).toBe(false);

    const second = start(dataDir);
    expect((await call(second, 'cabinet:state', {})).profile).toEqual({ kind: 'url', url: 'https://cabinet.example.test/' });
    expect((await call(second, 'cabinet:set-profile', { kind: 'stand' })).profile.kind).toBe('stand');
    await stop(second);

    const third = start(dataDir);
    expect((await call(third, 'cabinet:state', {})).profile.kind).toBe('stand');
    await stop(third);
    // Each cabinet used has its row; the active one is named by the settings key.
    const database = new Database(path.join(dataDir, 'nedradesk.db'), { readonly: true });
    try {
      expect(database.prepare('SELECT id, kind, url FROM cabinet_profiles ORDER BY id').all()).toEqual([
        { id: 'stand', kind: 'stand', url: null },
        { id: 'url:https://cabinet.example.test/', kind: 'url', url: 'https://cabinet.example.test/' },
      ]);
    } finally {
      database.close();
    }
    expect(settingRows(dataDir)['cabinet.active-profile']).toBe('stand');
  });

  it('imports settings.json and cabinet-profile.json of an earlier version once and renames them *.imported', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    await stop(first);
    const oldSettings = JSON.stringify({ pkcs11Modules: ['/usr/lib/librtpkcs11ecp.so'], firstRunDone: true, locale: 'en', windowBounds: { width: 1200 } }, null, 2);
    writeFileSync(path.join(dataDir, 'settings.json'), oldSettings);
    writeFileSync(path.join(dataDir, 'cabinet-profile.json'), JSON.stringify({ kind: 'url', url: 'https://lk.example.test/' }));

    const second = start(dataDir);
    expect(await call(second, 'settings:get', {})).toMatchObject({ pkcs11Modules: ['/usr/lib/librtpkcs11ecp.so'], firstRunDone: true, locale: 'en' });
    expect((await call(second, 'cabinet:state', {})).profile).toEqual({ kind: 'url', url: 'https://lk.example.test/' });
    expect(existsSync(path.join(dataDir, 'settings.json'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'cabinet-profile.json'))).toBe(false);
    expect(readFileSync(path.join(dataDir, 'settings.json.imported'), 'utf8')).toBe(oldSettings);
    expect(existsSync(path.join(dataDir, 'cabinet-profile.json.imported'))).toBe(true);
    // Unknown names are kept, not dropped.
    expect(settingRows(dataDir)['user.windowBounds']).toBe('{"width":1200}');
    // Changed after the import: the next start keeps the change (the renamed files are not read again).
    await call(second, 'settings:set', { locale: 'ru' });
    await call(second, 'cabinet:set-profile', { kind: 'stand' });
    await stop(second);

    const third = start(dataDir);
    expect(await call(third, 'settings:get', {})).toMatchObject({ locale: 'ru', firstRunDone: true });
    expect((await call(third, 'cabinet:state', {})).profile.kind).toBe('stand');
  });

  it('ignores damaged files with the defaults, as before, and leaves them in place', async () => {
    const dataDir = newDataDir();
    const first = start(dataDir);
    await stop(first);
    writeFileSync(path.join(dataDir, 'settings.json'), '{"firstRunDone": tru');
    writeFileSync(path.join(dataDir, 'cabinet-profile.json'), JSON.stringify({ kind: 'ftp', url: 'ftp://x' }));

    const second = start(dataDir);
    expect(await call(second, 'settings:get', {})).toMatchObject({ firstRunDone: false, locale: 'ru', pkcs11Modules: [] });
    expect((await call(second, 'cabinet:state', {})).profile.kind).toBe('stand');
    expect(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).toBe('{"firstRunDone": tru');
    expect(existsSync(path.join(dataDir, 'cabinet-profile.json'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'settings.json.imported'))).toBe(false);
    expect(settingRows(dataDir)).toEqual({});
    // Settings changed in the app still work and persist while the damaged files stay ignored.
    await call(second, 'settings:set', { firstRunDone: true });
    await stop(second);
    const third = start(dataDir);
    expect(await call(third, 'settings:get', {})).toMatchObject({ firstRunDone: true, locale: 'ru' });
  });

  it('imports a settings.json written before the very first start (how the UI bench skips the first run)', async () => {
    const dataDir = newDataDir();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ pkcs11Modules: [], firstRunDone: true, locale: 'ru' }));
    const app = start(dataDir);
    expect(await call(app, 'settings:get', {})).toMatchObject({ firstRunDone: true, locale: 'ru' });
    expect(existsSync(path.join(dataDir, 'settings.json.imported'))).toBe(true);
  });
});
