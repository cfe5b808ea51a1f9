/**
 * GOST R 34.10-2012 against OpenSSL's gost engine, both ways, for every parameter set the engine
 * knows: keys made by `openssl genpkey`, signatures by `openssl dgst -sign` verified by NedraDesk,
 * NedraDesk's signatures (from the same PKCS#8 key file) verified by `openssl dgst -verify`, and
 * the engine's SubjectPublicKeyInfo read to the same point.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gostPrivateKeyFromPkcs8, gostPublicKeyFromSpki, gostSign, gostVerify } from '../../../src/main/core/crypto/gost/gost3410';
import { findOpensslGost, type OpensslGost } from '../../support/openssl-gost';

const openssl = findOpensslGost();
const unavailable = 'unavailable' in openssl ? openssl.unavailable : undefined;
let dir: string;

function run(gost: OpensslGost, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [command, ...rest] = args;
  const result = spawnSync('openssl', [command ?? '', ...gost.engineArgs, ...rest], { env: gost.env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function pemBody(file: string): Uint8Array {
  return new Uint8Array(Buffer.from(readFileSync(file, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

/** The engine's paramset names and the OIDs they write (R 1323565.1.024-2019, RFC 4357). */
const cases = [
  { algorithm: 'gost2012_256', paramset: 'A', oid: '1.2.643.2.2.35.1' },
  { algorithm: 'gost2012_256', paramset: 'B', oid: '1.2.643.2.2.35.2' },
  { algorithm: 'gost2012_256', paramset: 'C', oid: '1.2.643.2.2.35.3' },
  { algorithm: 'gost2012_256', paramset: 'XA', oid: '1.2.643.2.2.36.0' },
  { algorithm: 'gost2012_256', paramset: 'XB', oid: '1.2.643.2.2.36.1' },
  { algorithm: 'gost2012_256', paramset: 'TCA', oid: '1.2.643.7.1.2.1.1.1' },
  { algorithm: 'gost2012_256', paramset: 'TCB', oid: '1.2.643.7.1.2.1.1.2' },
  { algorithm: 'gost2012_256', paramset: 'TCC', oid: '1.2.643.7.1.2.1.1.3' },
  { algorithm: 'gost2012_256', paramset: 'TCD', oid: '1.2.643.7.1.2.1.1.4' },
  { algorithm: 'gost2012_512', paramset: 'A', oid: '1.2.643.7.1.2.1.2.1' },
  { algorithm: 'gost2012_512', paramset: 'B', oid: '1.2.643.7.1.2.1.2.2' },
  { algorithm: 'gost2012_512', paramset: 'C', oid: '1.2.643.7.1.2.1.2.3' },
] as const;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-gost3410-'));
  if (unavailable !== undefined) process.stdout.write(`gost3410-openssl: skipped, ${unavailable}\n`);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('GOST R 34.10-2012 agrees with openssl and the gost engine', () => {
  for (const { algorithm, paramset, oid } of cases) {
    it(`${algorithm} paramset ${paramset} (${oid}): openssl signs → NedraDesk verifies; NedraDesk signs → openssl verifies`, (context) => {
      if ('unavailable' in openssl) {
        context.skip(unavailable);
        return;
      }
      const bits = algorithm === 'gost2012_512' ? 512 : 256;
      const base = path.join(dir, `${algorithm}-${paramset}`);
      const keyFile = `${base}.key.pem`;
      const publicFile = `${base}.pub.pem`;
      const dataFile = `${base}.txt`;
      writeFileSync(dataFile, `Отчёт о добыче, параметры ${paramset}, ${bits} бит\n`);
      expect(run(openssl, ['genpkey', '-algorithm', algorithm, '-pkeyopt', `paramset:${paramset}`, '-out', keyFile]).status).toBe(0);
      expect(run(openssl, ['pkey', '-in', keyFile, '-pubout', '-out', publicFile]).status).toBe(0);

      const privateKey = gostPrivateKeyFromPkcs8(pemBody(keyFile));
      const publicKey = gostPublicKeyFromSpki(pemBody(publicFile));
      expect(privateKey?.parameterSetOid).toBe(oid);
      expect(publicKey?.parameterSetOid).toBe(oid);
      if (privateKey === undefined || publicKey === undefined) return;
      expect(publicKey.point.equals(privateKey.publicKey.point), 'Q = dP matches the engine’s public key').toBe(true);

      const data = readFileSync(dataFile);
      // openssl → NedraDesk
      const opensslSignature = `${base}.openssl.sig`;
      const signed = run(openssl, ['dgst', `-md_gost12_${bits}`, '-sign', keyFile, '-out', opensslSignature, dataFile]);
      expect(signed.status, signed.stderr).toBe(0);
      const value = readFileSync(opensslSignature);
      expect(value).toHaveLength(bits / 4);
      expect(gostVerify(publicKey, data, value)).toBe(true);
      expect(gostVerify(publicKey, Buffer.concat([data, Buffer.from('!')]), value), 'another document').toBe(false);

      // NedraDesk → openssl
      const ours = `${base}.nedradesk.sig`;
      writeFileSync(ours, gostSign(privateKey, data));
      const verified = run(openssl, ['dgst', `-md_gost12_${bits}`, '-verify', publicFile, '-signature', ours, dataFile]);
      expect(verified.stdout + verified.stderr).toContain('Verified OK');
      expect(verified.status).toBe(0);
      // A flipped bit is refused by OpenSSL too: the check above is not vacuous.
      const flipped = Buffer.from(readFileSync(ours));
      flipped[5] = (flipped[5] ?? 0) ^ 1;
      writeFileSync(ours, flipped);
      expect(run(openssl, ['dgst', `-md_gost12_${bits}`, '-verify', publicFile, '-signature', ours, dataFile]).status).not.toBe(0);
    }, 60_000);
  }
});
