/**
 * Issuing X.509 certificates (RFC 5280) with NedraDesk's DER writer: the training stand's CA and
 * the test PKI. Subjects carry the Russian qualified-certificate fields with their proper string
 * types (NumericString for SNILS, INN, OGRN, INNLE; UTF8String for names).
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { bitString, booleanTrue, explicit, ia5String, nullValue, numericString, objectIdentifier, octetString, printableString, sequence, set, smallInteger, time, tlv, unsignedInteger, utf8String } from './asn1';
import { nameOids } from './x509';

const keyUsageBits = {
  digitalSignature: 0x80,
  nonRepudiation: 0x40,
  keyEncipherment: 0x20,
  keyCertSign: 0x04,
  cRLSign: 0x02,
} as const;
export type KeyUsageName = keyof typeof keyUsageBits;

/** An Extension (RFC 5280 §4.1). */
export function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(objectIdentifier(oid), booleanTrue(), octetString(value)) : sequence(objectIdentifier(oid), octetString(value));
}

/** The KeyUsage extension with the fewest unused bits (DER, X.690 §11.2.2). */
export function keyUsageExtension(usages: readonly KeyUsageName[]): Buffer {
  const byte = usages.reduce((bits, usage) => bits | keyUsageBits[usage], 0);
  let unused = 0;
  while (unused < 7 && ((byte >> unused) & 1) === 0) unused += 1;
  return extension('2.5.29.15', true, bitString(Buffer.from([byte]), unused));
}

/** One RDN with one attribute. */
export function nameAttribute(oid: string, value: Buffer): Buffer {
  return set(sequence(objectIdentifier(oid), value));
}

/** The subject of a person's qualified certificate. */
export interface PersonName {
  commonName: string;
  surname: string;
  givenName: string;
  title: string;
  organization: string;
  locality: string;
  email: string;
  snils: string;
  inn: string;
  ogrn: string;
  innle: string;
}

/** A person's Name, in the order Russian CAs write it. */
export function personName(subject: PersonName): Buffer {
  return sequence(
    nameAttribute(nameOids.country, printableString('RU')),
    nameAttribute(nameOids.locality, utf8String(subject.locality)),
    nameAttribute(nameOids.organization, utf8String(subject.organization)),
    nameAttribute(nameOids.title, utf8String(subject.title)),
    nameAttribute(nameOids.surname, utf8String(subject.surname)),
    nameAttribute(nameOids.givenName, utf8String(subject.givenName)),
    nameAttribute(nameOids.commonName, utf8String(subject.commonName)),
    nameAttribute(nameOids.email, ia5String(subject.email)),
    nameAttribute(nameOids.snils, numericString(subject.snils)),
    nameAttribute(nameOids.inn, numericString(subject.inn)),
    nameAttribute(nameOids.ogrn, numericString(subject.ogrn)),
    nameAttribute(nameOids.innLe, numericString(subject.innle)),
  );
}

/** A CA's Name. */
export function caName(commonName: string, organization: string): Buffer {
  return sequence(nameAttribute(nameOids.country, printableString('RU')), nameAttribute(nameOids.organization, utf8String(organization)), nameAttribute(nameOids.commonName, utf8String(commonName)));
}

function signatureAlgorithmFor(key: KeyObject): Buffer {
  return key.asymmetricKeyType === 'rsa' ? sequence(objectIdentifier('1.2.840.113549.1.1.11'), nullValue()) : sequence(objectIdentifier('1.2.840.10045.4.3.2'));
}

/** tbs signed by `key`: Certificate or CertificateList. */
export function signStructure(tbs: Buffer, key: KeyObject): Buffer {
  return sequence(tbs, signatureAlgorithmFor(key), bitString(sign('sha256', tbs, key)));
}

/** The algorithm identifier a key signs with (sha256WithRSAEncryption or ecdsa-with-SHA256). */
export { signatureAlgorithmFor };

/** Who signs a certificate. */
export interface Issuer {
  name: Buffer;
  key: KeyObject;
  keyId: Buffer;
}

export interface CertificateRequest {
  subjectName: Buffer;
  publicKey: KeyObject;
  issuer: Issuer | 'self';
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  keyUsage: readonly KeyUsageName[];
  /** subjectSignTool (1.2.643.100.111): the signing tool, as qualified certificates name it. */
  signTool?: string | undefined;
}

/** Issues a certificate; returns its DER, serial and subject key identifier. */
export function issueCertificate(request: CertificateRequest): { der: Buffer; serial: Buffer; keyId: Buffer } {
  const spki = request.publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  const issuer: Issuer = request.issuer === 'self' ? { name: request.subjectName, key: request.privateKey, keyId } : request.issuer;
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10;
  const extensions = [
    extension('2.5.29.19', true, request.ca ? sequence(booleanTrue()) : sequence()),
    keyUsageExtension(request.keyUsage),
    extension('2.5.29.14', false, octetString(keyId)),
    extension('2.5.29.35', false, sequence(tlv(0x80, issuer.keyId))),
  ];
  if (request.signTool !== undefined) extensions.push(extension('1.2.643.100.111', false, utf8String(request.signTool)));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    signatureAlgorithmFor(issuer.key),
    issuer.name,
    sequence(time(request.notBefore), time(request.notAfter)),
    request.subjectName,
    spki,
    explicit(3, sequence(...extensions)),
  );
  return { der: signStructure(tbs, issuer.key), serial, keyId };
}

/** DER as PEM with the given label. */
export function toPem(der: Uint8Array, label: string): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
