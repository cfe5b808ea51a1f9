import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { TokenFactory } from '../fixtures/softhsm';

const require = createRequire(import.meta.url);
type Pkcs11Module = typeof import('pkcs11js');
const pkcs11js = require('pkcs11js') as Pkcs11Module;

let pki: TestPki;
beforeAll(async () => {
  pki = await loadTestPki();
});

function openssl(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('test PKI', () => {
  it('issues certificates whose subjects carry the qualified fields, shown by name by openssl', () => {
    const text = execFileSync('openssl', ['x509', '-in', pki.rsaSigner.certPath, '-noout', '-text', '-nameopt', 'multiline,utf8,-esc_msb'], { encoding: 'utf8' });
    expect(text).toContain('Иванова Мария Петровна');
    expect(text).toMatch(/SNILS\s+= \d{11}/);
    expect(text).toMatch(/INN\s+= \d{12}/);
    expect(text).toMatch(/OGRN\s+= \d{13}/);
    expect(text).toContain('1.2.643.100.4');
    expect(text).toContain('Digital Signature, Non Repudiation');
  });

  it('encodes SNILS, INN, OGRN and INNLE as NumericString and names as UTF8String', () => {
    const dump = execFileSync('openssl', ['asn1parse', '-in', pki.ecSigner.certPath], { encoding: 'utf8' });
    const numeric = dump.split('\n').filter((line) => line.includes('NUMERICSTRING'));
    expect(numeric).toHaveLength(4);
    expect(dump).toMatch(/UTF8STRING\s+:Петров Сергей Андреевич/);
  });

  it('builds chains that openssl verifies, and refuses expired and revoked certificates', () => {
    const chainArgs = ['verify', '-CAfile', pki.rootPath, '-untrusted', pki.intermediatePath];
    expect(openssl([...chainArgs, pki.rsaSigner.certPath]).status).toBe(0);
    expect(openssl([...chainArgs, pki.ecP384Signer.certPath]).status).toBe(0);
    const expired = openssl([...chainArgs, pki.expired.certPath]);
    expect(expired.status).not.toBe(0);
    expect(expired.output).toContain('certificate has expired');
    const notYet = openssl([...chainArgs, pki.notYetValid.certPath]);
    expect(notYet.output).toContain('certificate is not yet valid');
    const revoked = openssl([...chainArgs, '-crl_check', '-CRLfile', pki.crlPemPath, pki.revoked.certPath]);
    expect(revoked.output).toContain('certificate revoked');
    expect(openssl([...chainArgs, '-crl_check', '-CRLfile', pki.crlPemPath, pki.rsaSigner.certPath]).status).toBe(0);
  });

  it('marks the certificate without digitalSignature by its key usage only', () => {
    const certificate = new X509Certificate(pki.noDigitalSignature.certDer);
    const text = execFileSync('openssl', ['x509', '-in', pki.noDigitalSignature.certPath, '-noout', '-ext', 'keyUsage'], { encoding: 'utf8' });
    expect(text).toContain('Key Encipherment');
    expect(text).not.toContain('Digital Signature');
    expect(certificate.checkIssued(new X509Certificate(pki.intermediate.certDer))).toBe(true);
  });

  it('writes PKCS#12 files that openssl opens with the test password', () => {
    const result = spawnSync('openssl', ['pkcs12', '-in', pki.ecSigner.p12Path, '-nokeys', '-passin', 'env:P12_PASSWORD'], {
      env: { ...process.env, P12_PASSWORD: 'nedra-p12' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('BEGIN CERTIFICATE');
  });
});

describe('SoftHSM token factory', () => {
  let factory: TokenFactory;
  beforeAll(async () => {
    factory = await TokenFactory.create();
  });
  afterAll(() => factory.dispose());

  /** Signs with the token key `idHex` in a fresh process-local module instance. */
  function signOnToken(tokenLabel: string, pin: string, idHex: string, data: Buffer, keyType: 'rsa' | 'ec'): Buffer | { slots: number } {
    process.env.SOFTHSM2_CONF = factory.confPath;
    const pkcs11 = new pkcs11js.PKCS11();
    pkcs11.load(factory.module);
    pkcs11.C_Initialize();
    try {
      const slot = pkcs11.C_GetSlotList(true).find((candidate) => pkcs11.C_GetTokenInfo(candidate).label.trim() === tokenLabel);
      if (slot === undefined) return { slots: pkcs11.C_GetSlotList(true).length };
      const session = pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      pkcs11.C_Login(session, pkcs11js.CKU_USER, pin);
      pkcs11.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(idHex, 'hex') },
      ]);
      const key = pkcs11.C_FindObjects(session);
      pkcs11.C_FindObjectsFinal(session);
      if (key === null) throw new Error('key not found');
      if (keyType === 'rsa') {
        pkcs11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
        return pkcs11.C_Sign(session, data, Buffer.alloc(512));
      }
      pkcs11.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key);
      return pkcs11.C_Sign(session, createHash('sha256').update(data).digest(), Buffer.alloc(132));
    } finally {
      pkcs11.C_Finalize();
    }
  }

  it('signs with imported RSA and EC keys on two coexisting tokens, verifiable with node:crypto', async () => {
    const first = await factory.createToken({ label: 'Бухгалтерия', userPin: '1111' });
    const second = await factory.createToken({ label: 'Директор', userPin: '2222' });
    expect(first.serial).not.toBe(second.serial);
    await factory.importIdentity('Бухгалтерия', '1111', pki.rsaSigner, { idHex: 'a1', label: 'Иванова' });
    await factory.importIdentity('Бухгалтерия', '1111', pki.ecSigner, { idHex: 'b2', label: 'Петров' });
    await factory.importIdentity('Директор', '2222', pki.rsaSigner2, { idHex: 'c3', label: 'Сидоров' });
    const data = Buffer.from('Отчёт о добыче за 2026 год');

    const rsa = signOnToken('Бухгалтерия', '1111', 'a1', data, 'rsa');
    expect(Buffer.isBuffer(rsa)).toBe(true);
    expect(verify('sha256', data, createPublicKey(pki.rsaSigner.certPem), rsa as Buffer)).toBe(true);

    const ec = signOnToken('Бухгалтерия', '1111', 'b2', data, 'ec');
    expect(verify('sha256', data, { key: createPublicKey(pki.ecSigner.certPem), dsaEncoding: 'ieee-p1363' }, ec as Buffer)).toBe(true);

    const director = signOnToken('Директор', '2222', 'c3', data, 'rsa');
    expect(verify('sha256', data, createPublicKey(pki.rsaSigner2.certPem), director as Buffer)).toBe(true);
    expect(verify('sha256', data, createPublicKey(pki.rsaSigner.certPem), director as Buffer)).toBe(false);
  });

  it('makes a removed token disappear from the slot list', async () => {
    const token = await factory.createToken({ label: 'Временный', userPin: '3333' });
    await factory.importIdentity('Временный', '3333', pki.ecP384Signer, { idHex: 'd4', label: 'Кузнецова' });
    expect(Buffer.isBuffer(signOnToken('Временный', '3333', 'd4', Buffer.from('x'), 'ec'))).toBe(true);
    factory.removeToken(token.serial);
    expect(signOnToken('Временный', '3333', 'd4', Buffer.from('x'), 'ec')).toEqual({ slots: expect.any(Number) });
  });
});
