/**
 * GOST R 34.10-2012 on a token: SoftHSM built with GOST (test/fixtures/softhsm-gost.ts), a key pair
 * generated on the token and a certificate for it issued by OpenSSL's gost engine. NedraDesk lists
 * the key and certificate, signs through its token service (Streebog-256 in software, raw
 * CKM_GOSTR3410 chosen from the token's mechanism list) in this process and in the supervised token
 * process, and the value verifies with NedraDesk's gost3410 module and with `openssl dgst -engine gost -verify`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gostPublicKeyFromSpki, gostPublicKeyFromXY, gostVerify, gostVerifyDigest } from '../../../src/main/core/crypto/gost/gost3410';
import { createStreebog } from '../../../src/main/core/crypto/streebog/streebog';
import { AppError } from '../../../src/shared/errors';
import { Pkcs11Library } from '../../../src/main/token/pkcs11-library';
import { CKK_GOSTR3410, CKM_GOSTR3410 } from '../../../src/main/core/crypto/pkcs11-gost';
import { LocalTokenService } from '../../../src/main/token/token-service';
import { cryptoProAOid, GostTokenFactory, runOpensslGost, type GostToken } from '../../fixtures/softhsm-gost';
import { sourceTokenSupervisor } from '../../support/token-process';

const pin = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));
const userPin = '246810';

let factory: GostTokenFactory;
let token: GostToken;
let service: LocalTokenService;
const savedEnv = { SOFTHSM2_CONF: process.env.SOFTHSM2_CONF, OPENSSL_ENGINES: process.env.OPENSSL_ENGINES };

beforeAll(async () => {
  factory = await GostTokenFactory.create();
  token = factory.createGostToken({ label: 'ГОСТ токен', userPin, idHex: '6f01', keyLabel: 'Сидоров ГОСТ' });
  // SoftHSM reads its configuration, and OpenSSL the gost engine's folder, from the environment.
  Object.assign(process.env, factory.env);
  service = LocalTokenService.open({ explicit: factory.module });
}, 120_000);

afterAll(async () => {
  await service?.close();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  factory?.dispose();
});

/** `openssl dgst -md_gost12_256 -verify`: true for «Verified OK», false for «Verification failure». */
function opensslVerifies(publicKeyPem: string, signature: Uint8Array, data: Uint8Array, name: string): boolean {
  const dir = path.join(factory.rootDir, 'verify');
  mkdirSync(dir, { recursive: true });
  const dataFile = path.join(dir, `${name}.txt`);
  const signatureFile = path.join(dir, `${name}.sig`);
  writeFileSync(dataFile, data);
  writeFileSync(signatureFile, signature);
  const result = spawnSync('openssl', ['dgst', ...factory.openssl.engineArgs, '-md_gost12_256', '-verify', publicKeyPem, '-signature', signatureFile, dataFile], {
    env: factory.openssl.env,
    encoding: 'utf8',
  });
  if (result.stdout.includes('Verified OK')) return true;
  if (result.stdout.includes('Verification failure') || result.stderr.includes('Verification failure')) return false;
  throw new Error(`openssl dgst -verify gave no verdict: ${result.stderr}`);
}

/** SubjectPublicKeyInfo of the certificate as OpenSSL exports it. */
function certificatePublicKeyPem(): string {
  const file = path.join(factory.rootDir, 'certificate-key.pub.pem');
  runOpensslGost(factory.openssl, ['x509', '-in', token.certificatePem, '-pubkey', '-noout', '-out', file]);
  return file;
}

/** The layouts a raw GOST value could have; only s‖r with big-endian halves is GOST's (RFC 9215 §5). */
function otherLayouts(signature: Uint8Array): { swapped: Uint8Array; littleEndian: Uint8Array } {
  return {
    swapped: new Uint8Array([...signature.subarray(32), ...signature.subarray(0, 32)]),
    littleEndian: new Uint8Array([...signature.slice(0, 32).reverse(), ...signature.slice(32).reverse()]),
  };
}

describe('the SoftHSM-GOST token itself', () => {
  it('offers raw CKM_GOSTR3410; its value over a Streebog-256 digest is s‖r with big-endian halves, as gost3410 and openssl read it', () => {
    // A second handle on the module the service loaded: C_Initialize answers ALREADY_INITIALIZED,
    // which Pkcs11Library tolerates; the service's close finalises it.
    const { api } = Pkcs11Library.load(factory.module);
    const slot = api.C_GetSlotList(true).find((candidate) => api.C_GetTokenInfo(candidate).label.trim() === 'ГОСТ токен');
    if (slot === undefined) throw new Error('GOST token not found');
    expect(api.C_GetMechanismList(slot)).toContain(CKM_GOSTR3410);
    const session = api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    let raw: Buffer;
    const data = Buffer.from('Заявление на продление лицензии, подписано на токене ГОСТ\n');
    const digest = createStreebog(256).update(data).digest();
    try {
      api.C_Login(session, pkcs11js.CKU_USER, userPin);
      api.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from('6f01', 'hex') },
      ]);
      const [key] = api.C_FindObjects(session, 2);
      api.C_FindObjectsFinal(session);
      if (key === undefined) throw new Error('GOST private key not found');
      const [keyType] = api.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_KEY_TYPE }]);
      expect(Buffer.from(keyType?.value as Buffer).readUInt32LE(0)).toBe(CKK_GOSTR3410);
      // The hash code goes in as Streebog returns it (the byte order `openssl dgst` prints).
      api.C_SignInit(session, { mechanism: CKM_GOSTR3410 }, key);
      raw = api.C_Sign(session, Buffer.from(digest), Buffer.alloc(128));
    } finally {
      api.C_CloseSession(session);
    }
    expect(raw).toHaveLength(64);
    const signature = new Uint8Array(raw);
    const tokenKey = gostPublicKeyFromXY(cryptoProAOid, token.publicValue);
    expect(gostVerifyDigest(tokenKey, digest, signature)).toBe(true);
    expect(gostVerify(tokenKey, data, signature)).toBe(true);
    const { swapped, littleEndian } = otherLayouts(signature);
    expect(gostVerifyDigest(tokenKey, digest, swapped)).toBe(false);
    expect(gostVerifyDigest(tokenKey, digest, littleEndian)).toBe(false);
    // `openssl dgst -verify` takes the same 64 bytes as its raw signature file.
    expect(opensslVerifies(token.publicKeyPem, signature, data, 'raw-token')).toBe(true);
    expect(opensslVerifies(token.publicKeyPem, swapped, data, 'raw-swapped')).toBe(false);
    expect(opensslVerifies(token.publicKeyPem, littleEndian, data, 'raw-little-endian')).toBe(false);
  });

  it('carries the key OpenSSL certified: CKA_VALUE (X‖Y little-endian) is the point in the certificate', () => {
    const tokenKey = gostPublicKeyFromXY(cryptoProAOid, token.publicValue);
    const certificateKey = gostPublicKeyFromSpki(new Uint8Array(Buffer.from(readFileSync(certificatePublicKeyPem(), 'utf8').replace(/-----[^-]+-----|\s+/g, ''), 'base64')));
    expect(certificateKey?.parameterSetOid).toBe(cryptoProAOid);
    expect(certificateKey?.point.equals(tokenKey.point)).toBe(true);
  });
});

describe('GOST R 34.10-2012 on a SoftHSM token', () => {
  it('lists the GOST key with its OpenSSL-issued certificate', async () => {
    const certificates = await service.listCertificates({ token: 'ГОСТ токен' });
    expect(certificates).toHaveLength(1);
    const [certificate] = certificates;
    expect(certificate?.idHex).toBe('6f01');
    expect(certificate?.label).toBe('Сидоров ГОСТ');
    expect(certificate?.hasPrivateKey).toBe(true);
    expect(certificate?.status).toBe('valid');
    expect(certificate?.summary.keyAlgorithm).toMatch(/ГОСТ Р 34\.10-2012/);
    expect(certificate?.summary.keySize).toBe(256);
    expect(Buffer.from(certificate?.derBase64 ?? '', 'base64').equals(token.certificateDer)).toBe(true);
  });

  it('signs through the token service with raw CKM_GOSTR3410 over Streebog-256; the value verifies with gost3410 and with openssl', async () => {
    const data = new Uint8Array(Buffer.from('Отчёт о добыче за III квартал, подписан на токене ГОСТ\n'));
    const signer = await service.openSigner({ certificate: 'id:6f01', token: 'ГОСТ токен', pin: pin(userPin) });
    let signature: Uint8Array;
    try {
      expect(signer.algorithm.id).toBe('gost2012-256');
      signature = await signer.sign(data);
    } finally {
      await signer.close();
    }
    expect(signature).toHaveLength(64);

    const tokenKey = gostPublicKeyFromXY(cryptoProAOid, token.publicValue);
    // NedraDesk's verifier: s‖r, big-endian halves, over the Streebog-256 digest read little-endian.
    expect(gostVerify(tokenKey, data, signature)).toBe(true);
    const digest = createStreebog(256).update(data).digest();
    expect(gostVerifyDigest(tokenKey, digest, signature)).toBe(true);
    // The other layouts do not verify: r‖s, and s‖r with little-endian halves.
    const { swapped, littleEndian } = otherLayouts(signature);
    expect(gostVerify(tokenKey, data, swapped)).toBe(false);
    expect(gostVerify(tokenKey, data, littleEndian)).toBe(false);

    // OpenSSL's gost engine reads the same bytes as the raw signature file of `openssl dgst -verify`.
    expect(opensslVerifies(token.publicKeyPem, signature, data, 'token-key')).toBe(true);
    expect(opensslVerifies(certificatePublicKeyPem(), signature, data, 'certificate-key')).toBe(true);
    expect(opensslVerifies(token.publicKeyPem, swapped, data, 'swapped')).toBe(false);
    const tampered = new Uint8Array(data);
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(opensslVerifies(token.publicKeyPem, signature, tampered, 'tampered')).toBe(false);
    expect(gostVerify(tokenKey, tampered, signature)).toBe(false);
  });

  it('signs in GOST from the supervised token process as well (the app\'s path)', async () => {
    // The token process inherits OPENSSL_ENGINES from this process (set in beforeAll).
    const supervisor = sourceTokenSupervisor(factory.base.confPath, factory.module);
    try {
      const signer = await supervisor.openSigner({ certificate: 'id:6f01', token: 'ГОСТ токен', pin: pin(userPin) });
      const data = new Uint8Array(Buffer.from('Уведомление о начале работ, подписано из процесса токена\n'));
      let signature: Uint8Array;
      try {
        expect(signer.algorithm.id).toBe('gost2012-256');
        signature = await signer.sign(data);
      } finally {
        await signer.close();
      }
      expect(gostVerify(gostPublicKeyFromXY(cryptoProAOid, token.publicValue), data, signature)).toBe(true);
      expect(opensslVerifies(token.publicKeyPem, signature, data, 'supervised')).toBe(true);
    } finally {
      await supervisor.close();
    }
  });

  it('refuses a wrong PIN with PIN_INCORRECT', async () => {
    const wrong = pin('000000');
    const error = await service.openSigner({ certificate: 'id:6f01', token: 'ГОСТ токен', pin: wrong }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('PIN_INCORRECT');
    expect(wrong.every((byte) => byte === 0)).toBe(true);
  });
});
