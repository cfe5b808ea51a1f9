/**
 * Threat: a cabinet address that is not a cabinet. Plain http to another computer lets anyone on
 * the network read and change what the app sends (login statements, packages, tokens); `smb:`,
 * `file:` or `javascript:` handed to the system browser leaks the user's Windows credentials or runs
 * code. One policy (src/shared/cabinet-address.ts) — https anywhere, http only to this computer,
 * nothing else — is asked by the settings schema, the cabinet service, the CLI and the Electron
 * window-open handler, before anything is fetched or opened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decideWindowOpen } from '../../src/main/app/security';
import { loginWithSignature, startBrowserLogin } from '../../src/main/cabinet/identity-client';
import { CabinetService } from '../../src/main/services/cabinet-service';
import { apiInputs } from '../../src/shared/api';
import { cabinetAddressProblem, type CabinetAddressProblem } from '../../src/shared/cabinet-address';
import { AppError } from '../../src/shared/errors';
import { loadTestPki } from '../fixtures/pki';
import { runCli } from '../support/cli';
import { keySignerFor } from '../support/signers';

const addresses: Array<[string, CabinetAddressProblem | undefined]> = [
  ['https://lk.rosnedra.example', undefined],
  ['https://lk.rosnedra.example:8443/cabinet/', undefined],
  ['HTTPS://LK.ROSNEDRA.EXAMPLE/', undefined],
  ['http://127.0.0.1:5790', undefined],
  ['http://localhost:5790/', undefined],
  ['http://[::1]:5790/', undefined],
  ['http://127.1:5790/', undefined],
  ['http://cabinet.example.ru', 'plain-http'],
  ['http://192.168.1.10:5790/', 'plain-http'],
  ['http://127.0.0.1.nip.io/', 'plain-http'],
  ['http://localhost@evil.example/', 'credentials'],
  ['http://evil.example#@127.0.0.1', 'plain-http'],
  ['http:/\\evil.example/', 'plain-http'],
  ['http://[::ffff:127.0.0.1]/', 'plain-http'],
  ['https://user:secret@lk.rosnedra.example/', 'credentials'],
  ['http://user@127.0.0.1:5790/', 'credentials'],
  ['smb://fileserver/share', 'scheme'],
  ['file:///etc/passwd', 'scheme'],
  ['file://fileserver/share/x.exe', 'scheme'],
  ['javascript:alert(1)', 'scheme'],
  ['data:text/html,<script>alert(1)</script>', 'scheme'],
  ['ftp://files.example/', 'scheme'],
  ['ws://127.0.0.1:5790/', 'scheme'],
  ['lk.rosnedra.example', 'not-a-url'],
  ['', 'not-a-url'],
  ['https://', 'not-a-url'],
  [`https://lk.rosnedra.example/${'a'.repeat(2000)}`, 'too-long'],
];

describe('the cabinet address policy', () => {
  it.each(addresses.map(([address, problem]) => [address.length > 80 ? `${address.slice(0, 60)}…` : address, problem, address] as const))('%s → %s', (_title, problem, address) => {
    expect(cabinetAddressProblem(address)).toBe(problem);
  });

  it('is the settings schema: cabinet:set-profile takes only allowed addresses', () => {
    const schema = apiInputs['cabinet:set-profile'];
    for (const [address, problem] of addresses) {
      const parsed = schema.safeParse({ kind: 'url', url: address });
      if (problem === undefined) expect(parsed.success, address).toBe(true);
      else expect(parsed.success, address).toBe(false);
    }
  });
});

describe('where an address is used', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-url-policy-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the cabinet service refuses to choose, or to use a kept, plain-http or smb: address', async () => {
    let kept: { kind: 'stand' | 'url'; url: string | undefined } | undefined = { kind: 'url', url: 'http://cabinet.example.ru/' };
    const cabinet = new CabinetService({ dataDir: path.join(dir, 'app'), profiles: { load: () => kept, save: (profile) => (kept = profile) } });
    try {
      // A profile an earlier version kept is checked when it is used.
      await expect(cabinet.baseUrl()).rejects.toMatchObject({ code: 'CABINET_ADDRESS_REFUSED' });
      await expect(cabinet.prepareSignatureLogin()).rejects.toMatchObject({ code: 'CABINET_ADDRESS_REFUSED' });
      await expect(cabinet.startPasswordLogin()).rejects.toMatchObject({ code: 'CABINET_ADDRESS_REFUSED' });
      await expect(cabinet.setProfile({ kind: 'url', url: 'smb://fileserver/share' })).rejects.toMatchObject({ code: 'CABINET_ADDRESS_REFUSED' });
      expect(kept).toEqual({ kind: 'url', url: 'http://cabinet.example.ru/' });
      await cabinet.setProfile({ kind: 'url', url: 'https://lk.rosnedra.example/' });
      expect(await cabinet.baseUrl()).toBe('https://lk.rosnedra.example/');
    } finally {
      await cabinet.close();
    }
  });

  it('the identity client signs nothing for and opens no login page of a refused address', async () => {
    const pki = await loadTestPki();
    const signer = keySignerFor(pki, pki.rsaSigner);
    const sign = vi.spyOn(signer, 'sign');
    for (const address of ['http://cabinet.example.ru', 'file:///etc/passwd']) {
      const error = await loginWithSignature(address, signer).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('CABINET_ADDRESS_REFUSED');
      await expect(startBrowserLogin(address)).rejects.toMatchObject({ code: 'CABINET_ADDRESS_REFUSED' });
    }
    expect(sign).not.toHaveBeenCalled();
  });

  it('the CLI refuses --cabinet and NEDRADESK_CABINET_URL addresses outside the policy, before asking for a PIN (exit 64)', async () => {
    const flag = await runCli(['login', '--cert', 'id:01', '--pin-env', 'NO_SUCH_PIN', '--cabinet', 'http://cabinet.example.ru']);
    expect(flag.status).toBe(64);
    expect(flag.stderr).toContain('Адрес кабинета не принят');
    const environment = await runCli(['status', '--cert', 'id:01', '--pin-env', 'NO_SUCH_PIN'], { NEDRADESK_CABINET_URL: 'smb://fileserver/share' });
    expect(environment.status).toBe(64);
    expect(environment.stderr).toContain('Адрес кабинета не принят');
    expect(`${flag.stderr}${environment.stderr}`).not.toContain('PIN');
  });

  it('the Electron window-open handler hands no refused address to shell.openExternal, even one the login check lets through', () => {
    const openExternal = vi.fn();
    const anyLoginPage = (): boolean => true;
    for (const [address, problem] of addresses) {
      openExternal.mockClear();
      expect(decideWindowOpen({ url: address }, openExternal, anyLoginPage)).toEqual({ action: 'deny' });
      if (problem === undefined) expect(openExternal, address).toHaveBeenCalledWith(address);
      else expect(openExternal, address).not.toHaveBeenCalled();
    }
  });
});
