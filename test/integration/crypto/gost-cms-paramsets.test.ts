/**
 * The CMS interop matrix over every GOST R 34.10-2012 parameter set the gost engine knows: for each,
 * a self-signed certificate from `openssl req -x509`, then NedraDesk's CAdES-BES (detached and
 * attached, from the engine's PKCS#8 key) verified by `openssl cms -verify -cades`, and
 * `openssl cms -sign -cades` (detached and attached) verified TOTAL_PASSED by NedraDesk.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestBytes } from '../../../src/main/core/crypto/algorithms';
import { createCadesSignature } from '../../../src/main/core/crypto/cades';
import { openKeyFileSigner } from '../../../src/main/core/crypto/key-file';
import { verifyCades } from '../../../src/main/core/crypto/verify';
import { findOpensslGost } from '../../support/openssl-gost';

const openssl = findOpensslGost();
const gost = 'unavailable' in openssl ? undefined : openssl;
let dir: string;

const paramsets = [
  ...['A', 'B', 'C', 'XA', 'XB', 'TCA', 'TCB', 'TCC', 'TCD'].map((paramset) => ({ algorithm: 'gost2012_256', paramset, bits: 256 as const })),
  ...['A', 'B', 'C'].map((paramset) => ({ algorithm: 'gost2012_512', paramset, bits: 512 as const })),
];

function run(args: string[]): { status: number | null; output: string } {
  const [command = '', ...rest] = args;
  const result = spawnSync('openssl', [command, ...(gost?.engineArgs ?? []), ...rest], { env: gost?.env ?? process.env, encoding: 'utf8' });
  return { status: result.status, output: result.stderr + result.stdout };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-gost-matrix-'));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('GOST CMS both ways with openssl cms and the gost engine, every parameter set', () => {
  for (const { algorithm, paramset, bits } of paramsets) {
    it(`${algorithm} paramset ${paramset}: NedraDesk → openssl and openssl → NedraDesk, detached and attached`, async (context) => {
      if (gost === undefined) {
        context.skip('unavailable' in openssl ? openssl.unavailable : undefined);
        return;
      }
      const base = path.join(dir, `${algorithm}-${paramset}`);
      const keyPath = `${base}.key.pem`;
      const certPath = `${base}.crt.pem`;
      const document = `${base}.txt`;
      writeFileSync(document, `Справка о запасах, ${algorithm} ${paramset}\n`);
      expect(run(['genpkey', '-algorithm', algorithm, '-pkeyopt', `paramset:${paramset}`, '-out', keyPath]).status).toBe(0);
      const made = run(['req', '-x509', '-new', '-key', keyPath, `-md_gost12_${bits}`, '-subj', `/CN=Подписант ${paramset}`, '-days', '30', '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation', '-out', certPath]);
      expect(made.status, made.output).toBe(0);
      const certificate = readFileSync(certPath);
      const der = new Uint8Array(Buffer.from(certificate.toString('latin1').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
      const content = readFileSync(document);
      const signer = await openKeyFileSigner(readFileSync(keyPath), certificate, () => Promise.reject(new Error('not encrypted')));
      expect(signer.algorithm.id).toBe(bits === 512 ? 'gost2012-512' : 'gost2012-256');

      for (const attached of [false, true]) {
        const how = attached ? 'attached' : 'detached';
        // NedraDesk → OpenSSL
        const ours = `${base}.${how}.nedradesk.p7s`;
        writeFileSync(ours, await createCadesSignature({ signer, contentDigest: digestBytes(signer.algorithm.digest, content), ...(attached ? { content } : {}) }));
        const verified = run(['cms', '-verify', '-cades', '-binary', '-inform', 'DER', '-in', ours, '-CAfile', certPath, '-purpose', 'any', '-out', `${base}.out`, ...(attached ? [] : ['-content', document])]);
        expect(verified.output, `openssl cms -verify of NedraDesk's ${how} signature`).toContain('Verification successful');
        // OpenSSL → NedraDesk
        const theirs = `${base}.${how}.openssl.p7s`;
        const signed = run(['cms', '-sign', '-cades', '-binary', '-md', `md_gost12_${bits}`, '-in', document, '-signer', certPath, '-inkey', keyPath, '-outform', 'DER', '-out', theirs, ...(attached ? ['-nodetach'] : [])]);
        expect(signed.status, signed.output).toBe(0);
        const report = verifyCades(readFileSync(theirs), { content, trustAnchors: [der] });
        expect(report.reasons, `NedraDesk on OpenSSL's ${how} signature`).toEqual([]);
        expect(report.indication).toBe('TOTAL_PASSED');
      }
    }, 60_000);
  }
});
