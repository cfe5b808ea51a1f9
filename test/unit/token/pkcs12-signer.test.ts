import { constants, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors';
import { openPkcs12Signer } from '../../../src/main/token/pkcs12-signer';
import { loadTestPki, TEST_P12_PASSWORD, type TestPki } from '../../fixtures/pki';

let pki: TestPki;
beforeAll(async () => {
  pki = await loadTestPki();
});

const password = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

describe('PKCS#12 signer', () => {
  it('signs with an RSA key from an OpenSSL 3 .p12 like a token does (PKCS#1 v1.5 and PSS)', async () => {
    const data = Buffer.from('Заявление о продлении лицензии');
    const signer = openPkcs12Signer(readFileSync(pki.rsaSigner.p12Path), password(TEST_P12_PASSWORD));
    expect(Buffer.from(signer.certificate).equals(pki.rsaSigner.certDer)).toBe(true);
    expect(signer.chain).toHaveLength(2);
    expect(signer.algorithm.id).toBe('rsa-pkcs1-sha256');
    expect(verify('sha256', data, createPublicKey(pki.rsaSigner.certPem), await signer.sign(data))).toBe(true);
    const pss = openPkcs12Signer(readFileSync(pki.rsaSigner.p12Path), password(TEST_P12_PASSWORD), 'pss');
    const value = await pss.sign(data);
    expect(verify('sha256', data, { key: createPublicKey(pki.rsaSigner.certPem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, value)).toBe(true);
  });

  it('signs with an EC key, giving DER ECDSA values', async () => {
    const data = Buffer.from('Отчёт об улове рыбы');
    const signer = openPkcs12Signer(readFileSync(pki.ecSigner.p12Path), password(TEST_P12_PASSWORD));
    expect(signer.algorithm.id).toBe('ecdsa-sha256');
    const value = await signer.sign(data);
    expect(value[0]).toBe(0x30);
    expect(verify('sha256', data, { key: createPublicKey(pki.ecSigner.certPem), dsaEncoding: 'der' }, value)).toBe(true);
  });

  it('refuses a wrong password with PKCS12_PASSWORD_INCORRECT and wipes the password bytes', () => {
    const wrong = password('не тот пароль');
    let caught: unknown;
    try {
      openPkcs12Signer(readFileSync(pki.rsaSigner.p12Path), wrong);
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).code).toBe('PKCS12_PASSWORD_INCORRECT');
    expect(wrong.every((byte) => byte === 0)).toBe(true);
  });

  it('refuses a file that is not PKCS#12 with PKCS12_INVALID', () => {
    let caught: unknown;
    try {
      openPkcs12Signer(readFileSync(pki.rsaSigner.certDerPath), password(TEST_P12_PASSWORD));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('PKCS12_INVALID');
  });
});
