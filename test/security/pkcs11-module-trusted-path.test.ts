/**
 * A PKCS#11 library runs its code as the user when loaded. Only a library no one else could have
 * placed or changed is loaded: outside the data folder (which the app fills on the renderer's
 * behalf), a regular file, owned by root or the user, not writable by group or others — checked
 * again every time the token process starts (src/main/token/module-trust.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../../src/main/services/app-services';
import { trustedModulePath } from '../../src/main/token/module-trust';
import { childProcessLauncher } from '../../src/main/token/token-supervisor';
import { LocalTokenService } from '../../src/main/token/token-service';
import { AppError } from '../../src/shared/errors';
import { TokenFactory } from '../fixtures/softhsm';
import { call, failure, until } from '../support/app-workplace';
import { sourceTokenSupervisor } from '../support/token-process';

let factory: TokenFactory;
let root: string;
let dataDir: string;
let outside: string;

function refusal(work: () => unknown): AppError {
  let caught: unknown;
  try {
    work();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  return caught as AppError;
}

beforeAll(async () => {
  factory = await TokenFactory.create();
  await factory.createToken({ label: 'Модули', userPin: '12345678' });
  root = mkdtempSync(path.join(tmpdir(), 'nedradesk-module-trust-'));
  dataDir = path.join(root, 'data');
  outside = path.join(root, 'outside');
  mkdirSync(path.join(dataDir, 'staged'), { recursive: true });
  mkdirSync(outside);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('PKCS#11 libraries load only from trusted places', () => {
  it('refuses a copy of the SoftHSM library staged into the data folder, as the token service loads it', () => {
    const staged = path.join(dataDir, 'staged', 'libsofthsm2.so');
    copyFileSync(factory.module, staged);
    chmodSync(staged, 0o644);
    const error = refusal(() => LocalTokenService.open({ explicit: staged, untrustedFolders: [dataDir] }));
    expect(error.code).toBe('MODULE_UNTRUSTED');
    expect(error.details?.reason).toBe('inside-data-folder');
    expect(error.message).toMatch(/Библиотека PKCS#11 .* не загружена: файл лежит в папке данных NedraDesk/);
  });

  it('refuses a copy that group or others may write', () => {
    const writable = path.join(outside, 'group-writable.so');
    copyFileSync(factory.module, writable);
    chmodSync(writable, 0o664);
    expect(refusal(() => trustedModulePath(writable, { untrustedFolders: [dataDir] })).details?.reason).toBe('writable-by-others');
    chmodSync(writable, 0o646);
    expect(refusal(() => LocalTokenService.open({ explicit: writable, untrustedFolders: [dataDir] })).code).toBe('MODULE_UNTRUSTED');
  });

  it('refuses a symbolic link placed outside that leads into the data folder', () => {
    const target = path.join(dataDir, 'staged', 'linked.so');
    copyFileSync(factory.module, target);
    chmodSync(target, 0o644);
    const link = path.join(outside, 'vendor-pkcs11.so');
    symlinkSync(target, link);
    const error = refusal(() => LocalTokenService.open({ explicit: link, untrustedFolders: [dataDir] }));
    expect(error.code).toBe('MODULE_UNTRUSTED');
    expect(error.details?.reason).toBe('inside-data-folder');
  });

  it('refuses what is not a regular file: a named pipe, a directory, a device', () => {
    const pipe = path.join(outside, 'pipe.so');
    expect(spawnSync('mkfifo', ['-m', '0600', pipe]).status).toBe(0);
    expect(refusal(() => trustedModulePath(pipe)).details?.reason).toBe('not-regular-file');
    const folder = path.join(outside, 'folder.so');
    mkdirSync(folder, { mode: 0o755 });
    expect(refusal(() => trustedModulePath(folder)).details?.reason).toBe('not-regular-file');
    expect(refusal(() => LocalTokenService.open({ explicit: '/dev/null' })).code).toBe('MODULE_UNTRUSTED');
  });

  it('refuses a library owned by another user', () => {
    const foreign = path.join(outside, 'foreign.so');
    copyFileSync(factory.module, foreign);
    chmodSync(foreign, 0o644);
    // As root the copy is handed to another user; otherwise the check is told the app runs as another user.
    if (process.getuid?.() === 0) {
      chownSync(foreign, 4242, 4242);
      expect(refusal(() => trustedModulePath(foreign)).details?.reason).toBe('foreign-owner');
    } else {
      expect(refusal(() => trustedModulePath(foreign, { uid: 4242 })).details?.reason).toBe('foreign-owner');
    }
  });

  it('accepts the system SoftHSM library and lists its token', async () => {
    // /usr/lib/softhsm/libsofthsm2.so is a link into the multiarch folder: its real path is what loads.
    expect(trustedModulePath(factory.module, { untrustedFolders: [dataDir] })).toBe(realpathSync(factory.module));
    process.env.SOFTHSM2_CONF = factory.confPath;
    const service = LocalTokenService.open({ explicit: factory.module, untrustedFolders: [dataDir] });
    try {
      expect((await service.listTokens()).map((token) => token.label)).toContain('Модули');
    } finally {
      await service.close();
    }
  });

  it('checks again at every start of the token process: a library made group-writable is refused after a restart', async () => {
    const copy = path.join(outside, 'restart.so');
    copyFileSync(factory.module, copy);
    chmodSync(copy, 0o644);
    const supervisor = sourceTokenSupervisor(factory.confPath, copy, { modules: { explicit: copy, untrustedFolders: [dataDir] }, configurationRetryMs: 0 });
    try {
      expect((await supervisor.listTokens()).map((token) => token.label)).toContain('Модули');
      const pid = supervisor.pid;
      expect(pid).toBeDefined();
      chmodSync(copy, 0o664);
      process.kill(pid as number, 'SIGKILL');
      const refused = await until(() => supervisor.listTokens().then(() => undefined, (error: unknown) => (error instanceof AppError && error.code === 'MODULE_UNTRUSTED' ? error : undefined)));
      expect(refused.details?.reason).toBe('writable-by-others');
      expect(supervisor.starts).toBeGreaterThanOrEqual(2);
    } finally {
      await supervisor.close();
    }
  });

  it('the app never loads a library from its data folder, named by the environment or picked in the dialog', async () => {
    const staged = path.join(dataDir, 'staged', 'app.so');
    copyFileSync(factory.module, staged);
    chmodSync(staged, 0o644);
    let picked = staged;
    const app = createAppServices({
      mode: 'electron',
      version: 'test',
      dataDir,
      emit: () => undefined,
      launchTokenProcess: childProcessLauncher({ entry: path.join(process.cwd(), 'src/main/token/token-process.ts'), execArgv: ['--import', 'tsx'], env: { ...process.env, SOFTHSM2_CONF: factory.confPath, NEDRADESK_PKCS11_MODULE: staged } }),
      dialogs: { openFile: async () => picked },
      cabinet: { startStand: () => Promise.reject(new Error('no stand in this test')) },
    });
    try {
      expect((await failure(call(app, 'tokens:list', {}))).code).toBe('MODULE_UNTRUSTED');
      const chosen = await failure(call(app, 'settings:choose-pkcs11-module', {}));
      expect(chosen.code).toBe('MODULE_UNTRUSTED');
      expect((await call(app, 'settings:get', {})).pkcs11Modules).toEqual([]);
      picked = factory.module;
      expect((await call(app, 'settings:choose-pkcs11-module', {})).pkcs11Modules).toEqual([realpathSync(factory.module)]);
      expect((await call(app, 'settings:remove-pkcs11-module', { index: 0 })).pkcs11Modules).toEqual([]);
      // The renderer cannot name a library: settings:set takes no paths.
      expect((await failure(call(app, 'settings:set', { pkcs11Modules: [staged] }))).code).toBe('INVALID_INPUT');
    } finally {
      await app.close();
    }
  });

  it('browser mode, which has no system dialog, says how to name a library instead', async () => {
    const app = createAppServices({ mode: 'browser', version: 'test', dataDir: path.join(root, 'browser-data'), emit: () => undefined, tokens: LocalTokenService.open({ explicit: factory.module }), cabinet: { startStand: () => Promise.reject(new Error('no stand in this test')) } });
    try {
      const error = await failure(call(app, 'settings:choose-pkcs11-module', {}));
      expect(error.code).toBe('NATIVE_DIALOG_UNAVAILABLE');
      expect(error.message).toContain('NEDRADESK_PKCS11_MODULE');
    } finally {
      await app.tokens.close();
      await app.close();
    }
  });
});
