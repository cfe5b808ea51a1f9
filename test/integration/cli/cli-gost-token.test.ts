/**
 * CAdES with GOST R 34.10-2012 made on a token through the normal signing path: `nedradesk sign
 * --module <SoftHSM-GOST>` (SoftHSM finds the gost engine through OPENSSL_ENGINES), accepted by
 * `openssl cms -verify -engine gost` and by `nedradesk verify`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GostTokenFactory, type GostToken } from '../../fixtures/softhsm-gost';
import { runCli } from '../../support/cli';

const userPin = '135790';
let factory: GostTokenFactory;
let token: GostToken;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  factory = await GostTokenFactory.create();
  token = factory.createGostToken({ label: 'ГОСТ бухгалтерия', userPin, idHex: '6f02', keyLabel: 'Кузнецова ГОСТ' });
  env = { ...factory.env, NEDRADESK_PKCS11_MODULE: factory.module, TOKEN_PIN: userPin };
}, 120_000);

afterAll(() => factory?.dispose());

/** `openssl cms -verify` with the gost engine: its exit status. */
function opensslCmsVerify(signature: string, content: string, extra: string[] = []): { status: number | null; stderr: string } {
  const result = spawnSync(
    'openssl',
    ['cms', '-verify', ...factory.openssl.engineArgs, ...extra, '-binary', '-inform', 'DER', '-in', signature, '-content', content, '-CAfile', token.caCertificatePem, '-out', '/dev/null'],
    { env: factory.openssl.env, encoding: 'utf8' },
  );
  return { status: result.status, stderr: result.stderr };
}

describe('nedradesk sign on a GOST token', () => {
  it('writes a detached CAdES-BES GOST 2012-256 signature that openssl cms -verify -engine gost and nedradesk verify accept', async () => {
    const file = path.join(factory.rootDir, 'отчёт о добыче.xml');
    writeFileSync(file, '<?xml version="1.0" encoding="UTF-8"?><report>добыча, III квартал</report>\n');
    const signed = await runCli(['sign', file, '--module', factory.module, '--cert', 'id:6f02', '--pin-env', 'TOKEN_PIN', '--chain', token.caCertificatePem], env);
    expect(signed.stderr).toBe('');
    expect(signed.status).toBe(0);
    expect(existsSync(`${file}.sig`)).toBe(true);

    // Streebog-256 digest and the GOST 2012-256 key OID as signatureAlgorithm, as OpenSSL reads them.
    const printed = spawnSync('openssl', ['cms', '-cmsout', '-print', ...factory.openssl.engineArgs, '-inform', 'DER', '-in', `${file}.sig`], { env: factory.openssl.env, encoding: 'utf8' });
    expect(printed.stdout).toMatch(/digestAlgorithm:\s*\n\s*algorithm: [^\n]*\(1\.2\.643\.7\.1\.1\.2\.2\)/);
    expect(printed.stdout).toMatch(/signatureAlgorithm:\s*\n\s*algorithm: [^\n]*\(1\.2\.643\.7\.1\.1\.1\.1\)/);

    const plain = opensslCmsVerify(`${file}.sig`, file);
    expect(plain.stderr).toContain('Verification successful');
    expect(plain.status).toBe(0);
    const cades = opensslCmsVerify(`${file}.sig`, file, ['-cades']);
    expect(cades.stderr).toContain('Verification successful');
    expect(cades.status).toBe(0);

    const verified = await runCli(['verify', `${file}.sig`, '--trust', token.caCertificatePem], env);
    expect(verified.stdout).toContain('Подпись действительна');
    expect(verified.status).toBe(0);

    const tampered = path.join(factory.rootDir, 'tampered.xml');
    writeFileSync(tampered, '<?xml version="1.0" encoding="UTF-8"?><report>добыча, IV квартал</report>\n');
    expect(opensslCmsVerify(`${file}.sig`, tampered).status).not.toBe(0);
    // Two CLI starts and four OpenSSL runs: a bound for a busy 2-core machine, not a wait.
  }, 120_000);
});
