import { constants, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors';
import { LocalTokenService } from '../../../src/main/token/token-service';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';

const pin = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

let pki: TestPki;
let factory: TokenFactory;
let service: LocalTokenService;

beforeAll(async () => {
  pki = await loadTestPki();
  factory = await TokenFactory.create();
  await factory.createToken({ label: 'Бухгалтерия', userPin: '123456' });
  await factory.importIdentity('Бухгалтерия', '123456', pki.rsaSigner, { idHex: '01', label: 'Иванова RSA' });
  await factory.importIdentity('Бухгалтерия', '123456', pki.ecSigner, { idHex: '02', label: 'Петров EC' });
  await factory.importCertificateOnly('Бухгалтерия', '123456', pki.rsaSigner2, { idHex: '03', label: 'Без ключа' });
  await factory.createToken({ label: 'Руководитель', userPin: '654321' });
  await factory.importIdentity('Руководитель', '654321', pki.ecP384Signer, { idHex: '11', label: 'P-384' });
  await factory.importIdentity('Руководитель', '654321', pki.expired, { idHex: '12', label: 'Истёкший' });
  process.env.SOFTHSM2_CONF = factory.confPath;
  service = LocalTokenService.open({ explicit: factory.module });
});

afterAll(async () => {
  await service?.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('local token service over SoftHSM', () => {
  it('lists both tokens with label, serial, manufacturer and login flags', async () => {
    const tokens = await service.listTokens();
    expect(tokens.map((token) => token.label).sort()).toEqual(['Бухгалтерия', 'Руководитель']);
    for (const token of tokens) {
      expect(token.serial).toMatch(/^[0-9a-f]{16}$/);
      expect(token.manufacturer).toBe('SoftHSM project');
      expect(token.loginRequired).toBe(true);
      expect(token.pinLocked).toBe(false);
    }
  });

  it('lists certificates with the qualified subject fields and marks the one without a key', async () => {
    const certificates = await service.listCertificates({ token: 'Бухгалтерия' });
    expect(certificates).toHaveLength(3);
    const rsa = certificates.find((item) => item.idHex === '01');
    expect(rsa?.summary.owner).toBe('Иванова Мария Петровна');
    expect(rsa?.summary.snils).toMatch(/^\d{11}$/);
    expect(rsa?.summary.inn).toMatch(/^\d{12}$/);
    expect(rsa?.summary.innLe).toMatch(/^\d{10}$/);
    expect(rsa?.summary.ogrn).toMatch(/^\d{13}$/);
    expect(rsa?.summary.keyAlgorithm).toBe('RSA');
    expect(rsa?.summary.keySize).toBe(2048);
    expect(rsa?.summary.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(rsa?.summary.sha1).toBe(new X509Certificate(pki.rsaSigner.certDer).fingerprint.replace(/:/g, '').toLowerCase());
    expect(rsa?.summary.sha256).toBe(new X509Certificate(pki.rsaSigner.certDer).fingerprint256.replace(/:/g, '').toLowerCase());
    expect(rsa?.summary.serialHex).toBe(pki.rsaSigner.serialHex.toLowerCase().replace(/^0+/, ''));
    expect(rsa?.status).toBe('valid');
    const ec = certificates.find((item) => item.idHex === '02');
    expect(ec?.summary.keyAlgorithm).toBe('EC');
    expect(ec?.summary.curve).toBe('prime256v1');
    const keyless = certificates.find((item) => item.idHex === '03');
    expect(keyless?.hasPrivateKey).toBe(false);
    expect(keyless?.status).toBe('no-private-key');
    const all = await service.listCertificates();
    expect(all.find((item) => item.idHex === '12')?.status).toBe('expired');
    expect(all.find((item) => item.idHex === '11')?.summary.keySize).toBe(384);
  });

  it('refuses a wrong PIN with PIN_INCORRECT and wipes the PIN bytes', async () => {
    const wrong = pin('000000');
    const error = await rejectionOf(service.openSigner({ certificate: 'id:01', token: 'Бухгалтерия', pin: wrong }));
    expect(error.code).toBe('PIN_INCORRECT');
    expect([...wrong].every((byte) => byte === 0)).toBe(true);
  });

  it('signs with RSA PKCS#1 v1.5, RSA-PSS and ECDSA P-256/P-384, verifiable by node:crypto', async () => {
    const data = Buffer.from('Отчёт о добыче за 2026 год');
    const rsaKey = createPublicKey(pki.rsaSigner.certPem);
    const rsa = await service.openSigner({ certificate: 'label:Иванова RSA', pin: pin('123456') });
    expect(rsa.algorithm.id).toBe('rsa-pkcs1-sha256');
    expect(verify('sha256', data, rsaKey, await rsa.sign(data))).toBe(true);
    await rsa.close();

    const pss = await service.openSigner({ certificate: 'id:01', pin: pin('123456'), rsaPadding: 'pss' });
    expect(pss.algorithm.id).toBe('rsa-pss-sha256');
    const pssValue = await pss.sign(data);
    expect(verify('sha256', data, { key: rsaKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pssValue)).toBe(true);
    await pss.close();

    for (const [idHex, identity, token, tokenPin] of [
      ['02', pki.ecSigner, 'Бухгалтерия', '123456'],
      ['11', pki.ecP384Signer, 'Руководитель', '654321'],
    ] as const) {
      const ec = await service.openSigner({ certificate: `id:${idHex}`, token, pin: pin(tokenPin) });
      const value = await ec.sign(data);
      expect(value[0]).toBe(0x30); // DER ECDSA-Sig-Value, not r‖s
      expect(verify('sha256', data, { key: createPublicKey(identity.certPem), dsaEncoding: 'der' }, value)).toBe(true);
      await ec.close();
    }
  });

  it('selects by SHA-1 and SHA-256 thumbprint and refuses certificates that cannot sign', async () => {
    const sha256 = new X509Certificate(pki.ecSigner.certDer).fingerprint256.replace(/:/g, '');
    const bySha256 = await service.openSigner({ certificate: sha256, pin: pin('123456') });
    expect(Buffer.from(bySha256.certificate).equals(pki.ecSigner.certDer)).toBe(true);
    await bySha256.close();
    expect((await rejectionOf(service.openSigner({ certificate: 'id:03', pin: pin('123456') }))).code).toBe('CERT_NO_PRIVATE_KEY');
    expect((await rejectionOf(service.openSigner({ certificate: 'id:12', pin: pin('654321') }))).code).toBe('CERT_EXPIRED');
    expect((await rejectionOf(service.openSigner({ certificate: 'id:ff', pin: pin('654321') }))).code).toBe('CERT_NOT_FOUND');
    expect((await rejectionOf(service.openSigner({ certificate: 'nonsense', pin: pin('654321') }))).code).toBe('INVALID_INPUT');
  });

  it('serialises 50 concurrent sign requests on one session, all valid', async () => {
    const signer = await service.openSigner({ certificate: 'id:01', pin: pin('123456') });
    const inputs = Array.from({ length: 50 }, (_, index) => Buffer.from(`документ ${index}`));
    const values = await Promise.all(inputs.map((input) => signer.sign(input)));
    const key = createPublicKey(pki.rsaSigner.certPem);
    expect(values.every((value, index) => verify('sha256', inputs[index] ?? Buffer.alloc(0), key, value))).toBe(true);
    await signer.close();
  });

  it('reports a token that is not present by name', async () => {
    expect((await rejectionOf(service.listCertificates({ token: 'Нет такого' }))).code).toBe('TOKEN_NOT_PRESENT');
  });

  it('gives MODULE_LOAD_FAILED with the path and the reason for a file that is not a PKCS#11 library', () => {
    let caught: unknown;
    try {
      LocalTokenService.open({ explicit: pki.rootPath });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('MODULE_LOAD_FAILED');
    expect((caught as AppError).details?.path).toBe(pki.rootPath);
    expect(String((caught as AppError).details?.reason)).toMatch(/invalid ELF header|file too short|cannot open/i);
  });
});
