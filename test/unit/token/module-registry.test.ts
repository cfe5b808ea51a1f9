import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownModules, moduleCandidates, modulesToLoad } from '../../../src/main/token/module-registry';
import { readSettings, writeSettings } from '../../../src/main/services/settings';
import { LocalTokenService } from '../../../src/main/token/token-service';
import { AppError } from '../../../src/shared/errors';

describe('PKCS#11 module discovery', () => {
  it('knows the registry of vendors with Windows and Linux paths, SoftHSM verified', () => {
    const ids = knownModules().map((module) => module.id);
    expect(ids).toEqual(expect.arrayContaining(['softhsm2', 'opensc', 'rutoken', 'jacarta', 'etoken']));
    for (const module of knownModules()) {
      expect(module.paths.linux?.length).toBeGreaterThan(0);
      expect(module.paths.win32?.length).toBeGreaterThan(0);
    }
    expect(knownModules().find((module) => module.id === 'softhsm2')?.verified).toBe(true);
  });

  it('orders the argument, NEDRADESK_PKCS11_MODULE and the settings before the registry, and loads only existing files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-modules-'));
    const userModule = path.join(dir, 'librtpkcs11ecp.so');
    writeFileSync(userModule, 'not really a library');
    await writeSettings(dir, { pkcs11Modules: [userModule, path.join(dir, 'missing.so')] });
    const search = { userPaths: readSettings(dir).pkcs11Modules, environment: { NEDRADESK_PKCS11_MODULE: '/opt/env/module.so' }, explicit: '/opt/arg/module.so' };
    const candidates = moduleCandidates(search);
    expect(candidates.slice(0, 4).map((candidate) => [candidate.source, candidate.path, candidate.exists])).toEqual([
      ['argument', '/opt/arg/module.so', false],
      ['environment', '/opt/env/module.so', false],
      ['settings', userModule, true],
      ['settings', path.join(dir, 'missing.so'), false],
    ]);
    // A path the user named is used alone, even if it turns out broken: the error then names it.
    expect(modulesToLoad(search)).toEqual(['/opt/arg/module.so']);
    expect(modulesToLoad({ userPaths: [userModule], environment: {} })[0]).toBe(userModule);
  });

  it('says MODULE_NOT_FOUND when no library exists anywhere, and MODULE_LOAD_FAILED for a file that is not one', () => {
    let caught: unknown;
    try {
      LocalTokenService.open({ environment: {}, platform: 'win32', fileExists: () => false });
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).code).toBe('MODULE_NOT_FOUND');
    const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-modules-'));
    const bogus = path.join(dir, 'bogus.so');
    writeFileSync(bogus, 'text');
    try {
      LocalTokenService.open({ explicit: bogus });
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).code).toBe('MODULE_LOAD_FAILED');
    expect((caught as AppError).details?.path).toBe(bogus);
  });
});
