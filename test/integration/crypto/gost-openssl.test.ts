/**
 * GOST CAdES/CMS signatures made by OpenSSL with the gost engine, verified by NedraDesk, with the
 * verdict held against `openssl cms -verify` on the same files: a GOST PKI from `openssl ca`
 * (a TC26 256-A root, a TC26 512-C intermediate, signers on CryptoPro-A 256 and TC26 512-B),
 * detached and attached, with and without -cades, tampered content, a signature by another key
 * under the same certificate, a GOST CRL, and a co-signature of a GOST and an RSA signer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explicit, objectIdentifier, sequence, smallInteger, tlv, unsignedInteger } from '../../../src/main/core/crypto/asn1';
import { certificateIssuerAndSerial, cmsOids, parseSignedData } from '../../../src/main/core/crypto/cms';
import { verifyCades } from '../../../src/main/core/crypto/verify';
import { extensionSets, OpensslPki, type OpensslIdentity } from '../../fixtures/openssl-pki';
import { findOpensslGost } from '../../support/openssl-gost';

const openssl = findOpensslGost();
const unavailable = 'unavailable' in openssl ? openssl.unavailable : undefined;
const gost = 'unavailable' in openssl ? undefined : openssl;

interface World {
  pki: OpensslPki;
  root: OpensslIdentity;
  intermediate: OpensslIdentity;
  signer256: OpensslIdentity;
  signer512: OpensslIdentity;
  revoked: OpensslIdentity;
  rsaRoot: OpensslIdentity;
  rsaSigner: OpensslIdentity;
  document: string;
  rootsBundle: string;
}

let world: World | undefined;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-gost-cms-'));
  if ('unavailable' in openssl) {
    process.stdout.write(`gost-openssl: skipped, ${openssl.unavailable}\n`);
    return;
  }
  const pki = new OpensslPki(dir, gost);
  const root = pki.issue('gost-root', { commonName: 'ГОСТ корневой УЦ', extensions: [...extensionSets.root], key: { gost: 'gost2012_256', paramset: 'TCA' } });
  const intermediate = pki.issue('gost-ca', { commonName: 'ГОСТ УЦ 512', issuer: root, extensions: [...extensionSets.ca], key: { gost: 'gost2012_512', paramset: 'C' } });
  const signer256 = pki.issue('gost-signer-256', { commonName: 'Иванов Иван (256)', issuer: intermediate, extensions: [...extensionSets.endEntity], key: { gost: 'gost2012_256', paramset: 'A' } });
  const signer512 = pki.issue('gost-signer-512', { commonName: 'Петрова Анна (512)', issuer: root, extensions: [...extensionSets.endEntity], key: { gost: 'gost2012_512', paramset: 'B' } });
  const revoked = pki.issue('gost-revoked', { commonName: 'Сидоров (отозван)', issuer: root, extensions: [...extensionSets.endEntity], key: { gost: 'gost2012_256', paramset: 'TCB' } });
  const rsaRoot = pki.issue('rsa-root', { commonName: 'RSA root', extensions: [...extensionSets.root] });
  const rsaSigner = pki.issue('rsa-signer', { commonName: 'RSA co-signer', issuer: rsaRoot, extensions: [...extensionSets.endEntity] });
  const document = path.join(dir, 'report.xml');
  writeFileSync(document, '<?xml version="1.0" encoding="UTF-8"?><Отчёт>добыча 1200 т</Отчёт>\n');
  world = { pki, root, intermediate, signer256, signer512, revoked, rsaRoot, rsaSigner, document, rootsBundle: pki.bundle('roots', [root, rsaRoot]) };
}, 180_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** `openssl cms -verify` with the gost engine: whether OpenSSL accepts the signature. */
function opensslAccepts(current: World, signature: Buffer, contentPath: string | undefined, extra: string[] = []): boolean {
  const signaturePath = path.join(dir, `check-${Math.random().toString(16).slice(2)}.p7s`);
  writeFileSync(signaturePath, signature);
  const args = ['cms', '-verify', ...(gost?.engineArgs ?? []), '-binary', '-inform', 'DER', '-in', signaturePath, '-CAfile', current.rootsBundle, '-purpose', 'any', '-out', path.join(dir, 'out.bin'), ...extra];
  if (contentPath !== undefined) args.push('-content', contentPath);
  const result = spawnSync('openssl', args, { env: gost?.env ?? process.env, encoding: 'utf8' });
  return result.status === 0;
}

function need(context: { skip: (note?: string) => void }): World | undefined {
  if (world === undefined) context.skip(unavailable);
  return world;
}

describe('GOST CMS/CAdES signatures made by OpenSSL with the gost engine', () => {
  const variants = [
    { bits: 256, attached: false, cades: true },
    { bits: 256, attached: true, cades: true },
    { bits: 256, attached: false, cades: false },
    { bits: 512, attached: false, cades: true },
    { bits: 512, attached: true, cades: false },
  ] as const;
  for (const { bits, attached, cades } of variants) {
    it(`GOST 2012-${bits}, ${attached ? 'attached' : 'detached'}${cades ? ', -cades' : ''}: TOTAL_PASSED, as openssl cms -verify`, (context) => {
      const current = need(context);
      if (current === undefined) return;
      const signer = bits === 256 ? current.signer256 : current.signer512;
      const chain = bits === 256 ? [current.intermediate] : [];
      const signature = current.pki.sign(current.document, signer, chain, { attached, cades });
      const content = readFileSync(current.document);
      expect(opensslAccepts(current, signature, attached ? undefined : current.document)).toBe(true);
      const report = verifyCades(signature, { content, trustAnchors: [current.root.der] });
      expect(report.reasons).toEqual([]);
      expect(report.indication).toBe('TOTAL_PASSED');
      const [first] = report.signers;
      expect(first?.checks.signature).toBe('passed');
      expect(first?.checks.chain).toBe('passed');
      expect(first?.checks.signingCertificate).toBe(cades ? 'passed' : 'not-checked');
      expect(first?.chain.length).toBe(bits === 256 ? 3 : 2);
      // The certificate card's key line: algorithm, size and parameter set.
      expect(first?.signer?.keyAlgorithm).toBe('ГОСТ Р 34.10-2012');
      expect(first?.signer?.keySize).toBe(bits);
      expect(first?.signer?.curve).toBe(bits === 256 ? 'id-GostR3410-2001-CryptoPro-A-ParamSet' : 'id-tc26-gost-3410-12-512-paramSetB');
      if (attached) expect(verifyCades(signature, { trustAnchors: [current.root.der] }).indication).toBe('TOTAL_PASSED');
    }, 60_000);
  }

  it('tampered content: HASH_FAILURE, and OpenSSL refuses it too', (context) => {
    const current = need(context);
    if (current === undefined) return;
    const signature = current.pki.sign(current.document, current.signer256, [current.intermediate], { cades: true });
    const tampered = path.join(dir, 'report-tampered.xml');
    writeFileSync(tampered, readFileSync(current.document, 'utf8').replace('1200', '1300'));
    expect(opensslAccepts(current, signature, tampered)).toBe(false);
    const report = verifyCades(signature, { content: readFileSync(tampered), trustAnchors: [current.root.der] });
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('HASH_FAILURE');
  }, 60_000);

  for (const bits of [256, 512] as const) {
    it(`GOST 2012-${bits} signature by another key under the signer's certificate: SIG_CRYPTO_FAILURE, and OpenSSL refuses it too`, (context) => {
      const current = need(context);
      if (current === undefined) return;
      const signer = bits === 256 ? current.signer256 : current.signer512;
      const impostorKey = current.pki.gostKey(`impostor-${bits}`, bits === 256 ? 'gost2012_256' : 'gost2012_512', bits === 256 ? 'A' : 'B');
      // OpenSSL checks that key and certificate match before signing: sign with the impostor's own
      // certificate, then put the signer's certificate and name in its place.
      const impostor = current.pki.issue(`impostor-cert-${bits}`, { commonName: signer === current.signer256 ? 'Иванов Иван (256)' : 'Петрова Анна (512)', issuer: current.root, extensions: [...extensionSets.endEntity], keyPath: impostorKey });
      const forged = current.pki.sign(current.document, impostor, [], { cades: false });
      const swapped = swapCertificate(forged, impostor.der, signer.der);
      const chain = bits === 256 ? [`-certfile`, current.pki.bundle('intermediate', [current.intermediate])] : [];
      expect(opensslAccepts(current, swapped, current.document, chain)).toBe(false);
      const report = verifyCades(swapped, { content: readFileSync(current.document), trustAnchors: [current.root.der], intermediates: [current.intermediate.der] });
      expect(report.indication).toBe('TOTAL_FAILED');
      expect(report.subIndication).toBe('SIG_CRYPTO_FAILURE');
      expect(report.signers[0]?.checks.digest).toBe('passed');
    }, 60_000);
  }

  it('a GOST certificate whose CA signature is broken chains to nothing: NO_CERTIFICATE_CHAIN_FOUND, and OpenSSL refuses it too', (context) => {
    const current = need(context);
    if (current === undefined) return;
    const signature = current.pki.sign(current.document, current.signer512, [], { cades: false });
    // The certificate ends with its signature BIT STRING (s‖r): change the last byte of r.
    const broken = Buffer.from(current.signer512.der);
    broken[broken.length - 1] = (broken[broken.length - 1] ?? 0) ^ 0x01;
    const swapped = swapCertificate(signature, current.signer512.der, broken);
    expect(opensslAccepts(current, swapped, current.document)).toBe(false);
    const report = verifyCades(swapped, { content: readFileSync(current.document), trustAnchors: [current.root.der] });
    expect(report.signers[0]?.checks.signature).toBe('passed');
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  }, 60_000);

  it('a GOST key on a parameter set NedraDesk does not know: INDETERMINATE (CRYPTO_CONSTRAINTS_FAILURE), not TOTAL_FAILED', (context) => {
    const current = need(context);
    if (current === undefined) return;
    const signature = current.pki.sign(current.document, current.signer256, [current.intermediate], { cades: false });
    // CryptoPro-A (1.2.643.2.2.35.1) → the 2001 test set (1.2.643.2.2.35.0), same length.
    const cryptoProA = Buffer.from('06072a850302022301', 'hex');
    const at = current.signer256.der.indexOf(cryptoProA);
    expect(at).toBeGreaterThan(0);
    const unknown = Buffer.from(current.signer256.der);
    unknown[at + cryptoProA.length - 1] = 0x00;
    const report = verifyCades(swapCertificate(signature, current.signer256.der, unknown), { content: readFileSync(current.document), trustAnchors: [current.root.der] });
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('CRYPTO_CONSTRAINTS_FAILURE');
    expect(report.signers[0]?.checks.signature).toBe('indeterminate');
    expect(report.signers[0]?.checks.digest).toBe('passed');
  }, 60_000);

  it('a certificate revoked by a GOST-signed CRL: REVOKED, as openssl cms -verify -crl_check', (context) => {
    const current = need(context);
    if (current === undefined) return;
    current.pki.revoke(current.root, current.revoked);
    const crlPath = current.pki.crl(current.root);
    const signature = current.pki.sign(current.document, current.revoked, [], { cades: true });
    expect(opensslAccepts(current, signature, current.document, ['-CRLfile', crlPath, '-crl_check'])).toBe(false);
    expect(opensslAccepts(current, signature, current.document)).toBe(true);
    const report = verifyCades(signature, { content: readFileSync(current.document), trustAnchors: [current.root.der], crls: [readFileSync(crlPath)] });
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('REVOKED');
    // The same CRL says nothing against the 512-bit signer: revocation checked and passed.
    const good = current.pki.sign(current.document, current.signer512, [], { cades: true });
    const passed = verifyCades(good, { content: readFileSync(current.document), trustAnchors: [current.root.der], crls: [readFileSync(crlPath)] });
    expect(passed.indication).toBe('TOTAL_PASSED');
    expect(passed.signers[0]?.checks.revocation).toBe('passed');
  }, 60_000);

  // `openssl cms -resign` copies the message digest from a signer with the same digest algorithm
  // ("no matching digest" otherwise), so it cannot add an RSA/SHA-256 signer beside a Streebog one;
  // `openssl cms -sign` with two -signer options makes the mixed co-signature, each signer with
  // its key's default digest.
  it('a GOST signer and an RSA co-signer on one file (openssl cms -sign with two signers): both TOTAL_PASSED, as OpenSSL', (context) => {
    const current = need(context);
    if (current === undefined) return;
    const both = path.join(dir, 'both.p7s');
    current.pki.run(['cms', '-sign', '-binary', '-cades', '-in', current.document, '-signer', current.signer256.certPath, '-inkey', current.signer256.keyPath, '-signer', current.rsaSigner.certPath, '-inkey', current.rsaSigner.keyPath, '-certfile', current.pki.bundle('intermediate', [current.intermediate]), '-outform', 'DER', '-out', both]);
    const signature = readFileSync(both);
    expect(opensslAccepts(current, signature, current.document)).toBe(true);
    const report = verifyCades(signature, { content: readFileSync(current.document), trustAnchors: [current.root.der, current.rsaRoot.der] });
    expect(report.reasons).toEqual([]);
    expect(report.signers.map((signer) => signer.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(report.signers.map((signer) => signer.algorithm)).toEqual(['1.2.643.7.1.1.1.1', '1.2.840.113549.1.1.1']);
    expect(report.indication).toBe('TOTAL_PASSED');
  }, 60_000);
});

/**
 * The same SignerInfo (attributes and signature value byte for byte) attributed to another
 * certificate: its issuerAndSerialNumber in the sid, its DER in place of the first in `certificates`.
 */
function swapCertificate(signature: Buffer, from: Buffer, to: Buffer): Buffer {
  const parsed = parseSignedData(signature);
  const { reader } = parsed;
  const target = certificateIssuerAndSerial(to);
  const [signer] = parsed.signerInfos;
  if (signer === undefined) throw new Error('no signer');
  const fields = reader.children(signer.node);
  const signerInfo = sequence(...fields.map((field, index) => (index === 1 ? sequence(target.issuer, unsignedInteger(target.serial)) : reader.raw(field))));
  const certificates = parsed.certificates.map((der) => (Buffer.compare(Buffer.from(der), from) === 0 ? to : der));
  const body = sequence(smallInteger(parsed.version), tlv(0x31, ...parsed.digestAlgorithms.map((node) => reader.raw(node))), reader.raw(parsed.encapsulatedContentInfo), tlv(0xa0, ...certificates), tlv(0x31, signerInfo));
  return sequence(objectIdentifier(cmsOids.signedData), explicit(0, body));
}
