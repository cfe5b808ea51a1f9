import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pkcs11Mechanisms } from '../../../src/main/core/crypto/algorithms';
import { digestInfo, ecdsaRawToDer } from '../../../src/main/core/crypto/signature-value';
import { planMechanism } from '../../../src/main/token/pkcs11-library';
import {
  CKK_GOSTR3410,
  CKK_GOSTR3410_512,
  CKM_GOSTR3410,
  CKM_GOSTR3410_512,
  CKM_GOSTR3410_WITH_GOSTR3411,
  CKM_GOSTR3410_WITH_GOSTR3411_12_256,
  CKM_GOSTR3410_WITH_GOSTR3411_12_512,
} from '../../../src/main/core/crypto/pkcs11-gost';
import { AppError } from '../../../src/shared/errors';

const CKK_RSA = 0;
const CKK_EC = 3;
const all = new Set<number>(Object.values(pkcs11Mechanisms));

describe('mechanism choice from the key type and C_GetMechanismList', () => {
  it('prefers hashing on the token, and falls back to CKM_RSA_PKCS over a DigestInfo', () => {
    expect(planMechanism(CKK_RSA, 'pkcs1', all)).toMatchObject({ mechanism: { mechanism: pkcs11Mechanisms.CKM_SHA256_RSA_PKCS }, input: 'data' });
    expect(planMechanism(CKK_RSA, 'pkcs1', new Set([pkcs11Mechanisms.CKM_RSA_PKCS]))).toMatchObject({ mechanism: { mechanism: pkcs11Mechanisms.CKM_RSA_PKCS }, input: 'digest-info' });
  });

  it('uses CKM_SHA256_RSA_PKCS_PSS with MGF1-SHA-256 and salt 32 for PSS, and CKM_ECDSA over the digest for EC', () => {
    const pss = planMechanism(CKK_RSA, 'pss', all);
    expect(pss.algorithm.id).toBe('rsa-pss-sha256');
    expect(pss.mechanism.parameter).toMatchObject({ hashAlg: pkcs11Mechanisms.CKM_SHA256, mgf: pkcs11Mechanisms.CKG_MGF1_SHA256, saltLen: 32 });
    expect(planMechanism(CKK_EC, 'pkcs1', all)).toMatchObject({ mechanism: { mechanism: pkcs11Mechanisms.CKM_ECDSA }, input: 'digest' });
  });

  it('signs GOST keys with the raw mechanism over a software Streebog digest, the hashing one only when raw is absent', () => {
    const gostAll = new Set([CKM_GOSTR3410, CKM_GOSTR3410_512, CKM_GOSTR3410_WITH_GOSTR3411_12_256, CKM_GOSTR3410_WITH_GOSTR3411_12_512]);
    const plan256 = planMechanism(CKK_GOSTR3410, 'pkcs1', gostAll);
    expect(plan256).toMatchObject({ mechanism: { mechanism: 0x1201 }, input: 'digest' });
    expect(plan256.algorithm).toMatchObject({ id: 'gost2012-256', digest: 'streebog256' });
    const plan512 = planMechanism(CKK_GOSTR3410_512, 'pkcs1', gostAll);
    expect(plan512).toMatchObject({ mechanism: { mechanism: 0xd4321006 }, input: 'digest' });
    expect(plan512.algorithm).toMatchObject({ id: 'gost2012-512', digest: 'streebog512' });
    expect(planMechanism(CKK_GOSTR3410, 'pkcs1', new Set([CKM_GOSTR3410_WITH_GOSTR3411_12_256]))).toMatchObject({ mechanism: { mechanism: 0xd4321008 }, input: 'data' });
    expect(planMechanism(CKK_GOSTR3410_512, 'pkcs1', new Set([CKM_GOSTR3410_WITH_GOSTR3411_12_512]))).toMatchObject({ mechanism: { mechanism: 0xd4321009 }, input: 'data' });
  });

  it('answers MECHANISM_NOT_SUPPORTED when the token offers nothing usable', () => {
    for (const [keyType, padding, offered] of [
      [CKK_RSA, 'pkcs1', new Set<number>()],
      [CKK_RSA, 'pss', new Set([pkcs11Mechanisms.CKM_SHA256_RSA_PKCS])],
      [CKK_EC, 'pkcs1', new Set([pkcs11Mechanisms.CKM_SHA256_RSA_PKCS])],
      [0x31, 'pkcs1', all], // CKK_GOSTR3411: not a signature key
      // A 256-bit GOST key on a token with only 512-bit or GOST R 34.11-94 mechanisms, and the reverse.
      [CKK_GOSTR3410, 'pkcs1', new Set([CKM_GOSTR3410_512, CKM_GOSTR3410_WITH_GOSTR3411_12_512, CKM_GOSTR3410_WITH_GOSTR3411])],
      [CKK_GOSTR3410_512, 'pkcs1', new Set([CKM_GOSTR3410, CKM_GOSTR3410_WITH_GOSTR3411_12_256])],
    ] as const) {
      let caught: unknown;
      try {
        planMechanism(keyType, padding, offered);
      } catch (error) {
        caught = error;
      }
      expect((caught as AppError).code).toBe('MECHANISM_NOT_SUPPORTED');
    }
  });
});

describe('signature value encodings', () => {
  it('builds the RFC 8017 DigestInfo for SHA-256', () => {
    const hash = createHash('sha256').update('отчёт').digest();
    expect(Buffer.from(digestInfo('sha256', hash)).toString('hex')).toBe(`3031300d060960864801650304020105000420${hash.toString('hex')}`);
  });

  it('re-encodes r‖s as DER, adding sign octets and dropping leading zeros', () => {
    const raw = Buffer.concat([Buffer.from([0x80, ...Array(31).fill(1)]), Buffer.from([0x00, 0x00, 0x7f, ...Array(29).fill(2)])]);
    const der = Buffer.from(ecdsaRawToDer(raw));
    expect(der.subarray(0, 5).toString('hex')).toBe('3043022100'); // r gets a 0x00 sign octet: 35 + 32 = 0x43 bytes
    expect(der.subarray(2 + 2 + 33, 2 + 2 + 33 + 2).toString('hex')).toBe('021e'); // s loses two leading zeros
  });
});
