/**
 * `nedradesk sign|cosign --key FILE --cert-file FILE` with GOST R 34.10-2012 keys as OpenSSL's gost
 * engine writes them (CI signing without a token), verified by `openssl cms -verify -cades` with
 * the gost engine: 256- and 512-bit keys, detached and attached, a PBES2/AES-encrypted key whose
 * password comes from --pin-env, and a GOST co-signature added to an OpenSSL RSA signature.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOids } from '../../../src/main/core/crypto/algorithms';
import type { Node } from '../../../src/main/core/crypto/asn1';
import { parseSignedData } from '../../../src/main/core/crypto/cms';
import { verifyCades } from '../../../src/main/core/crypto/verify';
import { exitCodes } from '../../../src/main/cli/output';
import { extensionSets, OpensslPki, type OpensslIdentity } from '../../fixtures/openssl-pki';
import { runCli } from '../../support/cli';
import { findOpensslGost } from '../../support/openssl-gost';

const openssl = findOpensslGost();
const gost = 'unavailable' in openssl ? undefined : openssl;
const keyPassword = 'ключ-для-CI';

interface World {
  pki: OpensslPki;
  root: OpensslIdentity;
  signer256: OpensslIdentity;
  signer512: OpensslIdentity;
  encryptedKey512: string;
  rsaRoot: OpensslIdentity;
  rsaSigner: OpensslIdentity;
  roots: string;
  document: string;
}

let dir: string;
let world: World | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cli-gost-'));
  if (gost === undefined) return;
  const pki = new OpensslPki(dir, gost);
  const root = pki.issue('root', { commonName: 'ГОСТ УЦ', extensions: [...extensionSets.root], key: { gost: 'gost2012_256', paramset: 'TCA' } });
  const signer256 = pki.issue('signer-256', { commonName: 'Бухгалтер (256)', issuer: root, extensions: [...extensionSets.endEntity], key: { gost: 'gost2012_256', paramset: 'A' } });
  const signer512 = pki.issue('signer-512', { commonName: 'Руководитель (512)', issuer: root, extensions: [...extensionSets.endEntity], key: { gost: 'gost2012_512', paramset: 'C' } });
  const encryptedKey512 = path.join(dir, 'signer-512.enc.pem');
  // PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, OpenSSL 3's default; the password from the environment.
  const encrypted = spawnSync('openssl', ['pkcs8', ...gost.engineArgs, '-topk8', '-v2', 'aes-256-cbc', '-in', signer512.keyPath, '-out', encryptedKey512, '-passout', 'env:KEY_PASSWORD'], { env: { ...gost.env, KEY_PASSWORD: keyPassword }, encoding: 'utf8' });
  if (encrypted.status !== 0) throw new Error(`openssl pkcs8 -topk8: ${encrypted.stderr}`);
  const rsaRoot = pki.issue('rsa-root', { commonName: 'RSA root', extensions: [...extensionSets.root] });
  const rsaSigner = pki.issue('rsa-signer', { commonName: 'RSA signer', issuer: rsaRoot, extensions: [...extensionSets.endEntity] });
  const document = path.join(dir, 'отчёт.pdf');
  writeFileSync(document, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 0x5a), Buffer.from('\n%%EOF\n')]));
  world = { pki, root, signer256, signer512, encryptedKey512, rsaRoot, rsaSigner, roots: pki.bundle('roots', [root, rsaRoot]), document };
}, 180_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function need(context: { skip: (note?: string) => void }): World | undefined {
  if (world === undefined) context.skip('unavailable' in openssl ? openssl.unavailable : 'no PKI');
  return world;
}

/** `openssl cms -verify -cades` with the gost engine (signing-certificate-v2 checked by OpenSSL too). */
function opensslVerifies(current: World, signaturePath: string, contentPath: string | undefined): { ok: boolean; output: string } {
  const args = ['cms', '-verify', ...(gost?.engineArgs ?? []), '-cades', '-binary', '-inform', 'DER', '-in', signaturePath, '-CAfile', current.roots, '-purpose', 'any', '-out', path.join(dir, 'out.bin')];
  if (contentPath !== undefined) args.push('-content', contentPath);
  const result = spawnSync('openssl', args, { env: gost?.env ?? process.env, encoding: 'utf8' });
  return { ok: result.status === 0, output: result.stderr + result.stdout };
}

/** The SignerInfo fields that carry the GOST profile. */
function profileOf(signature: Uint8Array, index = 0): { digest: string; signatureAlgorithm: string; essHash: string | undefined } {
  const parsed = parseSignedData(signature);
  const signer = parsed.signerInfos[index];
  if (signer === undefined) throw new Error('no signer');
  const { reader } = parsed;
  const [value] = signer.signedAttributes.get('1.2.840.113549.1.9.16.2.47') ?? [];
  let essHash: string | undefined;
  if (value !== undefined) {
    const [certs] = reader.children(value);
    const [first] = reader.children(certs as Node);
    const [hashAlgorithm] = reader.children(first as Node);
    essHash = hashAlgorithm?.tag === 0x30 ? reader.oid(reader.children(hashAlgorithm)[0] as Node) : undefined;
  }
  return { digest: signer.digestAlgorithm, signatureAlgorithm: signer.signatureAlgorithm, essHash };
}

describe('nedradesk sign with a GOST key file, verified by openssl cms -verify -cades and the gost engine', () => {
  it('GOST 2012-256, detached: Streebog-256 digest, key OID, ESSCertIDv2 over Streebog-256 written out', async (context) => {
    const current = need(context);
    if (current === undefined) return;
    const out = path.join(dir, 'out-256');
    const result = await runCli(['sign', current.document, '--key', current.signer256.keyPath, '--cert-file', current.signer256.certPath, '--out-dir', out, '--json'], gost?.env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const signaturePath = path.join(out, `${path.basename(current.document)}.sig`);
    const checked = opensslVerifies(current, signaturePath, current.document);
    expect(checked.output).toContain('Verification successful');
    expect(checked.ok).toBe(true);
    const signature = readFileSync(signaturePath);
    expect(profileOf(signature)).toEqual({ digest: digestOids.streebog256, signatureAlgorithm: '1.2.643.7.1.1.1.1', essHash: digestOids.streebog256 });
    expect(verifyCades(signature, { content: readFileSync(current.document), trustAnchors: [current.root.der] }).indication).toBe('TOTAL_PASSED');
  }, 120_000);

  it('GOST 2012-512 from an encrypted PKCS#8 key (password from --pin-env), attached: Streebog-512 digest, ESSCertIDv2 still Streebog-256', async (context) => {
    const current = need(context);
    if (current === undefined) return;
    const out = path.join(dir, 'out-512');
    const result = await runCli(['sign', current.document, '--key', current.encryptedKey512, '--cert-file', current.signer512.certPath, '--pin-env', 'NEDRADESK_KEY_PASSWORD', '--attached', '--out-dir', out], { ...gost?.env, NEDRADESK_KEY_PASSWORD: keyPassword });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const signaturePath = path.join(out, `${path.basename(current.document)}.sig`);
    const checked = opensslVerifies(current, signaturePath, undefined);
    expect(checked.output).toContain('Verification successful');
    expect(readFileSync(path.join(dir, 'out.bin')).equals(readFileSync(current.document))).toBe(true);
    expect(profileOf(readFileSync(signaturePath))).toEqual({ digest: digestOids.streebog512, signatureAlgorithm: '1.2.643.7.1.1.1.2', essHash: digestOids.streebog256 });
  }, 120_000);

  it('a wrong password for the encrypted key: KEY_FILE_PASSWORD_INCORRECT, nothing signed', async (context) => {
    const current = need(context);
    if (current === undefined) return;
    const out = path.join(dir, 'out-wrong');
    const result = await runCli(['sign', current.document, '--key', current.encryptedKey512, '--cert-file', current.signer512.certPath, '--pin-env', 'NEDRADESK_KEY_PASSWORD', '--out-dir', out], { ...gost?.env, NEDRADESK_KEY_PASSWORD: 'не тот' });
    expect(result.status).toBe(exitCodes.denied);
    expect(result.stderr).toContain('Неверный пароль к файлу закрытого ключа');
    expect(() => readFileSync(path.join(out, `${path.basename(current.document)}.sig`))).toThrow();
  }, 120_000);

  it('a key with the certificate of another key: refused (CERT_NOT_FOUND)', async (context) => {
    const current = need(context);
    if (current === undefined) return;
    const result = await runCli(['sign', current.document, '--key', current.signer256.keyPath, '--cert-file', current.signer512.certPath, '--out-dir', path.join(dir, 'out-mismatch')], gost?.env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Сертификат не найден');
  }, 120_000);

  it('nedradesk cosign adds a GOST 2012-256 signer to an OpenSSL RSA signature: OpenSSL verifies both signers', async (context) => {
    const current = need(context);
    if (current === undefined) return;
    const rsaSignature = path.join(dir, 'rsa.sig');
    writeFileSync(rsaSignature, current.pki.sign(current.document, current.rsaSigner, [], { cades: true }));
    const result = await runCli(['cosign', rsaSignature, '--content', current.document, '--key', current.signer256.keyPath, '--cert-file', current.signer256.certPath], gost?.env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const checked = opensslVerifies(current, rsaSignature, current.document);
    expect(checked.output).toContain('Verification successful');
    const signature = readFileSync(rsaSignature);
    expect(profileOf(signature, 1)).toEqual({ digest: digestOids.streebog256, signatureAlgorithm: '1.2.643.7.1.1.1.1', essHash: digestOids.streebog256 });
    const report = verifyCades(signature, { content: readFileSync(current.document), trustAnchors: [current.root.der, current.rsaRoot.der] });
    expect(report.signers.map((signer) => signer.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
  }, 120_000);
});
