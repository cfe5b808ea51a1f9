/**
 * Reading X.509 certificates (RFC 5280) for people and for the verifier: the qualified-certificate
 * subject fields Russian CAs put in (SNILS, INN, OGRN…, order of the FNS of Russia on the form of
 * a qualified certificate), key algorithm and size, key usage, thumbprints, validity.
 * Parsing is schema-based (@peculiar/asn1-x509), so RSA, EC and GOST certificates all parse;
 * key sizes of RSA/EC come from node:crypto, GOST keys are only named.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, KeyUsage, KeyUsageFlags, Name, id_ce_keyUsage } from '@peculiar/asn1-x509';
import { AppError } from '../../../shared/errors';
import type { CertificateStatus, CertificateSummary } from '../../../shared/tokens';

/** Attribute OIDs of names, with the short names Russian qualified certificates use. */
export const nameOids = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  street: '2.5.4.9',
  organization: '2.5.4.10',
  organizationUnit: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  email: '1.2.840.113549.1.9.1',
  ogrn: '1.2.643.100.1',
  snils: '1.2.643.100.3',
  innLe: '1.2.643.100.4',
  ogrnip: '1.2.643.100.5',
  inn: '1.2.643.3.131.1.1',
} as const;

const shortNames: Record<string, string> = {
  [nameOids.commonName]: 'CN',
  [nameOids.surname]: 'SN',
  [nameOids.givenName]: 'G',
  [nameOids.title]: 'T',
  [nameOids.organization]: 'O',
  [nameOids.organizationUnit]: 'OU',
  [nameOids.country]: 'C',
  [nameOids.state]: 'S',
  [nameOids.locality]: 'L',
  [nameOids.street]: 'STREET',
  [nameOids.email]: 'E',
  [nameOids.ogrn]: 'ОГРН',
  [nameOids.ogrnip]: 'ОГРНИП',
  [nameOids.snils]: 'СНИЛС',
  [nameOids.innLe]: 'ИНН ЮЛ',
  [nameOids.inn]: 'ИНН',
};

/** Public key algorithms by OID, GOST included (TC 26 registry, RFC 4491, RFC 9215). */
const keyAlgorithms: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.2.643.7.1.1.1.1': 'ГОСТ Р 34.10-2012 (256 бит)',
  '1.2.643.7.1.1.1.2': 'ГОСТ Р 34.10-2012 (512 бит)',
  '1.2.643.2.2.19': 'ГОСТ Р 34.10-2001',
};
const gostKeySizes: Record<string, number> = { '1.2.643.7.1.1.1.1': 256, '1.2.643.7.1.1.1.2': 512, '1.2.643.2.2.19': 256 };

const keyUsageNames: Array<[KeyUsageFlags, string]> = [
  [KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [KeyUsageFlags.cRLSign, 'cRLSign'],
  [KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

const dayMs = 86_400_000;

/** Parses DER into the schema object; a broken certificate is CERT_INVALID. */
export function parseCertificate(der: Uint8Array): Certificate {
  try {
    return AsnConvert.parse(der, Certificate);
  } catch (error) {
    throw new AppError('CERT_INVALID', { length: der.byteLength }, { cause: error });
  }
}

/** Decodes a string attribute value whatever its ASN.1 string type (NumericString included). */
function attributeText(value: { toString(): string; anyValue?: ArrayBuffer; ia5String?: string }): string {
  if (value.anyValue !== undefined) {
    // NumericString (0x12), VisibleString (0x1a) and others the schema leaves as raw TLV.
    const bytes = new Uint8Array(value.anyValue);
    let offset = 1;
    const first = bytes[offset] ?? 0;
    offset += first & 0x80 ? 1 + (first & 0x7f) : 1;
    return Buffer.from(bytes.subarray(offset)).toString('utf8');
  }
  return value.toString();
}

/** The attributes of a name in order, as [oid, text] pairs. */
export function nameAttributes(name: Name): Array<[string, string]> {
  const attributes: Array<[string, string]> = [];
  for (const rdn of name) {
    for (const attribute of rdn) attributes.push([attribute.type, attributeText(attribute.value)]);
  }
  return attributes;
}

/** A name as one readable line: `CN=…, O=…, ИНН ЮЛ=…`, most specific first. */
export function formatName(name: Name): string {
  return nameAttributes(name)
    .reverse()
    .map(([oid, text]) => `${shortNames[oid] ?? oid}=${text}`)
    .join(', ');
}

function keyUsageOf(certificate: Certificate): string[] | undefined {
  const extension = certificate.tbsCertificate.extensions?.find((item) => item.extnID === id_ce_keyUsage);
  if (extension === undefined) return undefined;
  const flags = AsnConvert.parse(extension.extnValue, KeyUsage).toNumber();
  return keyUsageNames.filter(([flag]) => (flags & flag) !== 0).map(([, label]) => label);
}

function publicKeyDetails(certificate: Certificate): { algorithm: string; size: number | undefined; curve: string | undefined } {
  const spki = certificate.tbsCertificate.subjectPublicKeyInfo;
  const oid = spki.algorithm.algorithm;
  const algorithm = keyAlgorithms[oid] ?? oid;
  if (gostKeySizes[oid] !== undefined) return { algorithm, size: gostKeySizes[oid], curve: undefined };
  try {
    const key = createPublicKey({ key: Buffer.from(AsnConvert.serialize(spki)), format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails;
    const curve = details?.namedCurve;
    const curveSizes: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
    return { algorithm, size: details?.modulusLength ?? (curve === undefined ? undefined : curveSizes[curve]), curve };
  } catch {
    return { algorithm, size: undefined, curve: undefined };
  }
}

function hexOf(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

/** The certificate serial as lower-case hex without leading zero bytes. */
export function serialHexOf(certificate: Certificate): string {
  const bytes = new Uint8Array(certificate.tbsCertificate.serialNumber);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return hexOf(bytes.subarray(start));
}

/** Validity period of a certificate. */
export function validityOf(certificate: Certificate): { notBefore: Date; notAfter: Date } {
  const validity = certificate.tbsCertificate.validity;
  return { notBefore: validity.notBefore.getTime(), notAfter: validity.notAfter.getTime() };
}

/** Everything a person needs to recognise a certificate. */
export function summarizeCertificate(der: Uint8Array, now: Date = new Date()): CertificateSummary {
  const certificate = parseCertificate(der);
  const subject = new Map(nameAttributes(certificate.tbsCertificate.subject));
  const { notBefore, notAfter } = validityOf(certificate);
  const keyUsage = keyUsageOf(certificate);
  const key = publicKeyDetails(certificate);
  const surname = subject.get(nameOids.surname);
  const givenName = subject.get(nameOids.givenName);
  const owner = subject.get(nameOids.commonName) ?? [surname, givenName].filter(Boolean).join(' ');
  return {
    owner,
    surname,
    givenName,
    title: subject.get(nameOids.title),
    organization: subject.get(nameOids.organization),
    email: subject.get(nameOids.email),
    snils: subject.get(nameOids.snils),
    inn: subject.get(nameOids.inn),
    innLe: subject.get(nameOids.innLe),
    ogrn: subject.get(nameOids.ogrn),
    ogrnip: subject.get(nameOids.ogrnip),
    issuer: formatName(certificate.tbsCertificate.issuer),
    serialHex: serialHexOf(certificate),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    keyAlgorithm: key.algorithm,
    keySize: key.size,
    curve: key.curve,
    keyUsage: keyUsage ?? [],
    canSign: keyUsage === undefined || keyUsage.includes('digitalSignature') || keyUsage.includes('nonRepudiation'),
    sha1: createHash('sha1').update(der).digest('hex'),
    sha256: createHash('sha256').update(der).digest('hex'),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / dayMs),
  };
}

/** Whether the certificate can sign now, or the first reason it cannot. */
export function certificateStatus(summary: CertificateSummary, hasPrivateKey: boolean, now: Date = new Date()): CertificateStatus {
  if (!hasPrivateKey) return 'no-private-key';
  if (now.getTime() < Date.parse(summary.notBefore)) return 'not-yet-valid';
  if (now.getTime() > Date.parse(summary.notAfter)) return 'expired';
  if (!summary.canSign) return 'key-usage';
  return 'valid';
}

/** The AppError that explains a status other than `valid`. */
export function certificateStatusError(status: CertificateStatus, details: Record<string, unknown>): AppError | undefined {
  switch (status) {
    case 'valid':
      return undefined;
    case 'expired':
      return new AppError('CERT_EXPIRED', details);
    case 'not-yet-valid':
      return new AppError('CERT_NOT_YET_VALID', details);
    case 'no-private-key':
      return new AppError('CERT_NO_PRIVATE_KEY', details);
    case 'key-usage':
      return new AppError('CERT_KEY_USAGE', details);
  }
}

/** PEM or DER bytes → DER (the first certificate of a PEM file). */
export function certificateDerFrom(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64))).toString('latin1');
  if (!text.includes('-----BEGIN')) return bytes;
  const all = pemBlocks(Buffer.from(bytes).toString('latin1'), 'CERTIFICATE');
  const first = all[0];
  if (first === undefined) throw new AppError('CERT_INVALID', { reason: 'no PEM certificate' });
  return first;
}

/** Every PEM block with the given label, decoded. */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(pattern)].map((match) => new Uint8Array(Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64')));
}
