import { describe, expect, it } from 'vitest';
import { bitString, explicit, numericString, objectIdentifier, octetString, sequence, set, smallInteger, time, unsignedInteger, utf8String } from '../../../src/main/core/crypto/asn1';
import { certificateStatus, summarizeCertificate } from '../../../src/main/core/crypto/x509';
import { AppError } from '../../../src/shared/errors';

const attribute = (oid: string, value: Buffer): Buffer => set(sequence(objectIdentifier(oid), value));

/** A GOST R 34.10-2012 certificate as Russian CAs issue them (the signature itself is not checked here). */
function gostCertificate(): Buffer {
  const gostSignature = sequence(objectIdentifier('1.2.643.7.1.1.3.2'));
  const issuer = sequence(attribute('2.5.4.3', utf8String('Тестовый УЦ ГОСТ')), attribute('1.2.643.100.1', numericString('1027700132195')));
  const subject = sequence(
    attribute('2.5.4.4', utf8String('Кузнецова')),
    attribute('2.5.4.42', utf8String('Ольга Игоревна')),
    attribute('2.5.4.3', utf8String('ИП Кузнецова Ольга Игоревна')),
    attribute('1.2.643.100.3', numericString('11223344595')),
    attribute('1.2.643.3.131.1.1', numericString('500100732259')),
    attribute('1.2.643.100.5', numericString('304500116000157')),
  );
  const publicKey = sequence(
    sequence(objectIdentifier('1.2.643.7.1.1.1.1'), sequence(objectIdentifier('1.2.643.7.1.2.1.1.1'))),
    bitString(octetString(Buffer.alloc(64, 0x5a))),
  );
  // keyUsage: digitalSignature + nonRepudiation (bits 0 and 1), 6 unused bits.
  const keyUsage = sequence(objectIdentifier('2.5.29.15'), Buffer.from([0x01, 0x01, 0xff]), octetString(bitString(Buffer.from([0xc0]), 6)));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(Buffer.from('01a2b3c4d5', 'hex')),
    gostSignature,
    issuer,
    sequence(time(new Date('2026-01-01T00:00:00Z')), time(new Date('2027-04-01T00:00:00Z'))),
    subject,
    publicKey,
    explicit(3, sequence(keyUsage)),
  );
  return sequence(tbs, gostSignature, bitString(Buffer.alloc(64, 0x11)));
}

describe('certificate summaries', () => {
  it('names GOST keys and reads OGRNIP, SNILS and INN of an individual entrepreneur', () => {
    const summary = summarizeCertificate(gostCertificate(), new Date('2026-11-22T00:00:00Z'));
    expect(summary.keyAlgorithm).toBe('ГОСТ Р 34.10-2012');
    expect(summary.keySize).toBe(256);
    expect(summary.curve).toBe('id-tc26-gost-3410-2012-256-paramSetA');
    expect(summary.keySize).toBe(256);
    expect(summary.curve).toBe('id-tc26-gost-3410-2012-256-paramSetA');
    expect(summary.owner).toBe('ИП Кузнецова Ольга Игоревна');
    expect([summary.surname, summary.givenName]).toEqual(['Кузнецова', 'Ольга Игоревна']);
    expect([summary.snils, summary.inn, summary.ogrnip]).toEqual(['11223344595', '500100732259', '304500116000157']);
    expect(summary.issuer).toBe('ОГРН=1027700132195, CN=Тестовый УЦ ГОСТ');
    expect(summary.serialHex).toBe('01a2b3c4d5');
    expect(summary.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(summary.canSign).toBe(true);
    expect(summary.daysLeft).toBe(130);
    expect(certificateStatus(summary, true, new Date('2026-11-22T00:00:00Z'))).toBe('valid');
    expect(certificateStatus(summary, true, new Date('2027-05-01T00:00:00Z'))).toBe('expired');
    expect(certificateStatus(summary, false, new Date('2026-11-22T00:00:00Z'))).toBe('no-private-key');
  });

  it('refuses bytes that are not a certificate with CERT_INVALID', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('не сертификат'), gostCertificate().subarray(0, 100)]) {
      let caught: unknown;
      try {
        summarizeCertificate(bytes);
      } catch (error) {
        caught = error;
      }
      expect((caught as AppError).code).toBe('CERT_INVALID');
    }
  });
});
