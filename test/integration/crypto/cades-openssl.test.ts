import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addCadesSigner, createCadesSignature, signatureToPem } from '../../../src/main/core/crypto/cades';
import { verifyCades } from '../../../src/main/core/crypto/verify';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
let dir: string;
let contentPath: string;
const content = Buffer.from('Отчёт о добыче полезных ископаемых за III квартал 2026 г.\n'.repeat(50));
const digest = createHash('sha256').update(content).digest();

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cades-'));
  contentPath = path.join(dir, 'report.txt');
  writeFileSync(contentPath, content);
});

function openssl(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function opensslVerify(signature: Uint8Array | string, options: { attached: boolean; pem: boolean }): { status: number | null; output: string } {
  const signaturePath = path.join(dir, `sig-${Math.random().toString(16).slice(2)}`);
  writeFileSync(signaturePath, signature);
  const args = ['cms', '-verify', '-cades', '-binary', '-inform', options.pem ? 'PEM' : 'DER', '-in', signaturePath, '-CAfile', pki.rootPath, '-out', path.join(dir, 'out.bin')];
  if (!options.attached) args.push('-content', contentPath);
  return openssl(args);
}

const algorithms = [
  { name: 'RSA PKCS#1 v1.5', identity: 'rsaSigner', second: 'rsaSigner2', padding: 'pkcs1' },
  { name: 'RSA-PSS', identity: 'rsaSigner', second: 'rsaSigner2', padding: 'pss' },
  { name: 'ECDSA P-256', identity: 'ecSigner', second: 'ecP384Signer', padding: 'pkcs1' },
] as const;

describe('CAdES-BES signatures checked by OpenSSL', () => {
  for (const algorithm of algorithms) {
    for (const attached of [false, true]) {
      for (const pem of [false, true]) {
        for (const signerCount of [1, 2]) {
          const title = `${algorithm.name}, ${attached ? 'attached' : 'detached'}, ${pem ? 'PEM' : 'DER'}, ${signerCount} signer(s)`;
          it(`${title}: passes openssl cms -verify -cades and our verifier`, async () => {
            const first = keySignerFor(pki, pki[algorithm.identity], algorithm.padding);
            let signature = await createCadesSignature({ signer: first, contentDigest: digest, content: attached ? content : undefined });
            if (signerCount === 2) signature = await addCadesSigner(signature, { signer: keySignerFor(pki, pki[algorithm.second], algorithm.padding), contentDigest: digest });
            const encoded = pem ? signatureToPem(signature) : signature;
            const result = opensslVerify(encoded, { attached, pem });
            expect(result.output).toContain('Verification successful');
            expect(result.status).toBe(0);
            if (attached) expect(readFileSync(path.join(dir, 'out.bin')).equals(content)).toBe(true);
            const report = verifyCades(typeof encoded === 'string' ? Buffer.from(encoded) : encoded, { content: attached ? undefined : content, trustAnchors: [pki.root.certDer] });
            expect(report.reasons).toEqual([]);
            expect(report.indication).toBe('TOTAL_PASSED');
            expect(report.signers).toHaveLength(signerCount);
            expect(report.attached).toBe(attached);
            expect(report.signers[0]?.signer?.owner).toBe(pki[algorithm.identity].subject.commonName);
            expect(report.signers[0]?.checks).toEqual({ format: 'passed', digest: 'passed', signature: 'passed', signingCertificate: 'passed', validity: 'passed', keyUsage: 'passed', chain: 'passed', revocation: 'not-checked' });
          });
        }
      }
    }
  }

  it('has the profile of design §3: SignerInfo v1, issuerAndSerialNumber, four DER-sorted signed attributes', async () => {
    const signature = await createCadesSignature({ signer: keySignerFor(pki, pki.rsaSigner), contentDigest: digest, signingTime: new Date('2026-11-20T10:00:00Z') });
    const signaturePath = path.join(dir, 'profile.sig');
    writeFileSync(signaturePath, signature);
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', signaturePath]).output;
    expect(printed).toMatch(/version: 1\s+d\.issuerAndSerialNumber/);
    expect(printed).toContain('object: contentType (1.2.840.113549.1.9.3)');
    expect(printed).toContain('object: signingTime (1.2.840.113549.1.9.5)');
    expect(printed).toContain('object: messageDigest (1.2.840.113549.1.9.4)');
    expect(printed).toContain('id-smime-aa-signingCertificateV2');
    expect(printed).toContain('UTCTIME:Nov 20 10:00:00 2026 GMT');
    expect(printed).toMatch(/eContent: <ABSENT>/);
  });
});

describe('signatures made by OpenSSL checked by NedraDesk', () => {
  for (const identity of ['rsaSigner', 'ecSigner'] as const) {
    it(`accepts openssl cms -sign -cades with an ${identity === 'rsaSigner' ? 'RSA' : 'EC'} key, detached and attached`, () => {
      for (const attached of [false, true]) {
        const signaturePath = path.join(dir, `openssl-${identity}-${attached}.sig`);
        const args = ['cms', '-sign', '-cades', '-binary', '-md', 'sha256', '-in', contentPath, '-signer', pki[identity].certPath, '-inkey', pki[identity].keyPath, '-certfile', pki.intermediatePath, '-outform', 'DER', '-out', signaturePath];
        if (attached) args.push('-nodetach');
        expect(openssl(args).status).toBe(0);
        const report = verifyCades(readFileSync(signaturePath), { content: attached ? undefined : content, trustAnchors: [pki.root.certDer] });
        expect(report.reasons).toEqual([]);
        expect(report.indication).toBe('TOTAL_PASSED');
        expect(report.signers[0]?.checks.signingCertificate).toBe('passed');
      }
    });
  }

  it('accepts a BER signature with indefinite lengths (openssl -stream)', () => {
    const signaturePath = path.join(dir, 'streamed.sig');
    const args = ['cms', '-sign', '-cades', '-binary', '-stream', '-nodetach', '-in', contentPath, '-signer', pki.rsaSigner.certPath, '-inkey', pki.rsaSigner.keyPath, '-certfile', pki.intermediatePath, '-outform', 'DER', '-out', signaturePath];
    expect(openssl(args).status).toBe(0);
    const bytes = readFileSync(signaturePath);
    expect(bytes[1]).toBe(0x80); // indefinite length at the top
    const report = verifyCades(bytes, { trustAnchors: [pki.root.certDer] });
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.attached).toBe(true);
  });

  it('keeps both signers valid for OpenSSL when NedraDesk co-signs an OpenSSL signature', async () => {
    const signaturePath = path.join(dir, 'first.sig');
    expect(openssl(['cms', '-sign', '-cades', '-binary', '-in', contentPath, '-signer', pki.rsaSigner.certPath, '-inkey', pki.rsaSigner.keyPath, '-certfile', pki.intermediatePath, '-outform', 'DER', '-out', signaturePath]).status).toBe(0);
    const cosigned = await addCadesSigner(readFileSync(signaturePath), { signer: keySignerFor(pki, pki.ecSigner), contentDigest: digest });
    expect(opensslVerify(cosigned, { attached: false, pem: false }).status).toBe(0);
    const report = verifyCades(cosigned, { content, trustAnchors: [pki.root.certDer] });
    expect(report.signers.map((signer) => signer.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
  });
});
