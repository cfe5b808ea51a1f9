/**
 * Reading X.509 certificates (RFC 5280) for people and for the verifier: the qualified-certificate
 * subject fields Russian CAs put in (SNILS, INN, OGRN…, order of the FNS of Russia on the form of
 * a qualified certificate), key algorithm and size, key usage, thumbprints, validity.
 * Parsed with NedraDesk's own bounded ASN.1 reader, so RSA, EC and GOST certificates all parse;
 * key sizes of RSA/EC come from node:crypto, GOST keys are only named.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, BasicConstraints, Certificate, KeyUsage, SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import { AppError } from '../../../shared/errors';
import type { CertificateStatus, CertificateSummary } from '../../../shared/tokens';
import { readWhole, type Asn1Reader, type Node } from './asn1';
import { gostParameterSets } from './gost/gost-params';

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
  // The size goes in keySize (the card and `nedradesk certs` print "ГОСТ Р 34.10-2012 256").
  '1.2.643.7.1.1.1.1': 'ГОСТ Р 34.10-2012',
  '1.2.643.7.1.1.1.2': 'ГОСТ Р 34.10-2012',
  '1.2.643.2.2.19': 'ГОСТ Р 34.10-2001',
};
const gostKeySizes: Record<string, number> = { '1.2.643.7.1.1.1.1': 256, '1.2.643.7.1.1.1.2': 512, '1.2.643.2.2.19': 256 };

/** KeyUsage bits in BIT STRING order (RFC 5280 §4.2.1.3): bit 0 is the first octet's high bit. */
const keyUsageNames = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

const dayMs = 86_400_000;

/** The parts of a certificate NedraDesk reads, as offsets into its DER. */
export interface ParsedCertificate {
  reader: Asn1Reader;
  serial: Uint8Array;
  issuer: Node;
  subject: Node;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfo: Node;
  publicKeyAlgorithm: string;
  extensions: Map<string, Uint8Array>;
}

/** Parses DER; a broken certificate is CERT_INVALID. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    const { reader, root } = readWhole(der);
    const [tbs] = reader.children(reader.expect(root, 0x30, 'Certificate'));
    const fields = reader.children(reader.expect(tbs, 0x30, 'TBSCertificate'));
    let index = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = reader.unsigned(reader.expect(fields[index++], 0x02, 'serialNumber'));
    index += 1; // signature AlgorithmIdentifier
    const issuer = reader.expect(fields[index++], 0x30, 'issuer');
    const [notBefore, notAfter] = reader.children(reader.expect(fields[index++], 0x30, 'validity'));
    const subject = reader.expect(fields[index++], 0x30, 'subject');
    const subjectPublicKeyInfo = reader.expect(fields[index++], 0x30, 'subjectPublicKeyInfo');
    const [algorithm] = reader.children(subjectPublicKeyInfo);
    const [algorithmOid] = reader.children(reader.expect(algorithm, 0x30, 'algorithm'));
    const extensions = new Map<string, Uint8Array>();
    const wrapper = fields.slice(index).find((field) => field.tag === 0xa3);
    if (wrapper !== undefined) {
      const [list] = reader.children(wrapper);
      for (const extension of reader.children(reader.expect(list, 0x30, 'extensions'))) {
        const parts = reader.children(reader.expect(extension, 0x30, 'extension'));
        const value = parts[parts.length - 1];
        extensions.set(reader.oid(reader.expect(parts[0], 0x06, 'extnID')), reader.content(reader.expect(value, 0x04, 'extnValue')));
      }
    }
    return {
      reader,
      serial,
      issuer,
      subject,
      notBefore: reader.time(notBefore as Node),
      notAfter: reader.time(notAfter as Node),
      subjectPublicKeyInfo,
      publicKeyAlgorithm: reader.oid(reader.expect(algorithmOid, 0x06, 'algorithm OID')),
      extensions,
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('CERT_INVALID', { length: der.byteLength, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
}

/** Decodes a directory string of any ASN.1 string type (X.520, RFC 5280 §4.1.2.4). */
function stringValue(reader: Asn1Reader, node: Node): string {
  const bytes = Buffer.from(reader.content(node));
  switch (node.tag) {
    case 0x1e: // BMPString: UTF-16BE
      return bytes.swap16().toString('utf16le');
    case 0x1c: {
      // UniversalString: UTF-32BE
      let text = '';
      for (let offset = 0; offset + 4 <= bytes.length; offset += 4) text += String.fromCodePoint(bytes.readUInt32BE(offset));
      return text;
    }
    case 0x0c:
      return bytes.toString('utf8');
    default: // PrintableString, NumericString, IA5String, VisibleString, TeletexString
      return bytes.toString('latin1');
  }
}

/** The attributes of a name in order, as [oid, text] pairs. */
export function nameAttributes(reader: Asn1Reader, name: Node): Array<[string, string]> {
  const attributes: Array<[string, string]> = [];
  for (const rdn of reader.children(name)) {
    for (const attribute of reader.children(rdn)) {
      const [type, value] = reader.children(attribute);
      if (type === undefined || value === undefined) continue;
      attributes.push([reader.oid(type), stringValue(reader, value)]);
    }
  }
  return attributes;
}

/** A name as one readable line: `CN=…, O=…, ИНН ЮЛ=…`, most specific first. */
export function formatName(reader: Asn1Reader, name: Node): string {
  return nameAttributes(reader, name)
    .reverse()
    .map(([oid, text]) => `${shortNames[oid] ?? oid}=${text}`)
    .join(', ');
}

/**
 * The GOST parameter set a key names (publicKeyParamSet, RFC 9215 §4), by its TC26 name, or the
 * OID when NedraDesk does not know it; undefined when the parameters are absent or unreadable.
 */
function gostParameterSetName(certificate: ParsedCertificate): string | undefined {
  try {
    const { reader } = certificate;
    const [algorithm] = reader.children(certificate.subjectPublicKeyInfo);
    const [, parameters] = reader.children(reader.expect(algorithm, 0x30, 'algorithm'));
    if (parameters?.tag !== 0x30) return undefined;
    const [paramSet] = reader.children(parameters);
    const oid = reader.oid(reader.expect(paramSet, 0x06, 'publicKeyParamSet'));
    return gostParameterSets.get(oid)?.name ?? oid;
  } catch {
    return undefined;
  }
}

/** Key usage names, or undefined when the certificate has no KeyUsage extension. */
function keyUsageOf(certificate: ParsedCertificate): string[] | undefined {
  const value = certificate.extensions.get('2.5.29.15');
  if (value === undefined) return undefined;
  const { reader, root } = readWhole(value);
  const bits = reader.content(reader.expect(root, 0x03, 'KeyUsage'));
  return keyUsageNames.filter((_, bit) => (((bits[1 + Math.floor(bit / 8)] ?? 0) >> (7 - (bit % 8))) & 1) === 1);
}

function publicKeyDetails(certificate: ParsedCertificate): { algorithm: string; size: number | undefined; curve: string | undefined } {
  const oid = certificate.publicKeyAlgorithm;
  const algorithm = keyAlgorithms[oid] ?? oid;
  if (gostKeySizes[oid] !== undefined) return { algorithm, size: gostKeySizes[oid], curve: gostParameterSetName(certificate) };
  try {
    const key = createPublicKey({ key: Buffer.from(certificate.reader.raw(certificate.subjectPublicKeyInfo)), format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails;
    const curve = details?.namedCurve;
    const curveSizes: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
    return { algorithm, size: details?.modulusLength ?? (curve === undefined ? undefined : curveSizes[curve]), curve };
  } catch {
    return { algorithm, size: undefined, curve: undefined };
  }
}

/** Everything a person needs to recognise a certificate. */
export function summarizeCertificate(der: Uint8Array, now: Date = new Date()): CertificateSummary {
  const certificate = parseCertificate(der);
  const subject = new Map(nameAttributes(certificate.reader, certificate.subject));
  const { notBefore, notAfter } = certificate;
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
    issuer: formatName(certificate.reader, certificate.issuer),
    serialHex: Buffer.from(certificate.serial).toString('hex'),
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

/** Extension OIDs (RFC 5280 §4.2). */
export const extensionOids = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
} as const;

/**
 * Critical extensions NedraDesk recognises (RFC 5280 §4.2: a certificate with any other critical
 * extension MUST be rejected). The policy extensions are accepted as OpenSSL accepts them by
 * default, without a policy tree (§6.1 with initial-policy-set anyPolicy and no explicit policy
 * required). nameConstraints is recognised here only so that the verifier can refuse a path that
 * carries it (it does not enforce name constraints). The Russian qualified-certificate extensions
 * (order of the FSB of Russia No. 795: subjectSignTool, issuerSignTool, IdentificationKind) are
 * defined as non-critical; they only describe the signing tool, so one marked critical is still read.
 */
const recognisedCriticalExtensions = new Set<string>([
  extensionOids.basicConstraints,
  extensionOids.keyUsage,
  extensionOids.extKeyUsage,
  extensionOids.certificatePolicies,
  extensionOids.nameConstraints,
  extensionOids.policyConstraints,
  extensionOids.inhibitAnyPolicy,
  extensionOids.subjectAltName,
  '1.2.643.100.111',
  '1.2.643.100.112',
  '1.2.643.100.114',
]);

/** What path validation (RFC 5280 §6.1) needs of a certificate, read from its extensions. */
export interface CertificateConstraints {
  /** basicConstraints (§4.2.1.9), undefined when absent. */
  basicConstraints: { cA: boolean; pathLenConstraint: number | undefined } | undefined;
  /** keyUsage bit names (§4.2.1.3, `crlSign` spelt as the schema does), undefined when absent. */
  keyUsage: ReadonlySet<string> | undefined;
  /** subjectKeyIdentifier (§4.2.1.2). */
  subjectKeyIdentifier: Uint8Array | undefined;
  /** authorityKeyIdentifier's keyIdentifier (§4.2.1.1). */
  authorityKeyIdentifier: Uint8Array | undefined;
  /** OIDs of critical extensions NedraDesk does not recognise, or recognises but cannot read. */
  unrecognisedCritical: string[];
  /** Whether nameConstraints (§4.2.1.10) is present. */
  nameConstraints: boolean;
  /** Issuer and subject names are the same (§6.1: self-issued certificates do not count in pathLen). */
  selfIssued: boolean;
}

/**
 * Reads the extensions path validation needs with the `@peculiar/asn1-x509` schemas. A broken
 * certificate is CERT_INVALID; a critical extension that cannot be read counts as unrecognised,
 * a non-critical one as absent.
 */
export function certificateConstraints(der: Uint8Array): CertificateConstraints {
  let certificate: Certificate;
  try {
    certificate = AsnConvert.parse(der, Certificate);
  } catch (error) {
    throw new AppError('CERT_INVALID', { length: der.byteLength, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  const tbs = certificate.tbsCertificate;
  const constraints: CertificateConstraints = {
    basicConstraints: undefined,
    keyUsage: undefined,
    subjectKeyIdentifier: undefined,
    authorityKeyIdentifier: undefined,
    unrecognisedCritical: [],
    nameConstraints: false,
    selfIssued: Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(Buffer.from(AsnConvert.serialize(tbs.subject))),
  };
  const seen = new Set<string>();
  for (const extension of tbs.extensions ?? []) {
    const value = extension.extnValue.buffer;
    // §4.2: a certificate MUST NOT include more than one instance of a particular extension.
    if (seen.has(extension.extnID)) throw new AppError('CERT_INVALID', { reason: `extension ${extension.extnID} repeated` });
    seen.add(extension.extnID);
    try {
      switch (extension.extnID) {
        case extensionOids.basicConstraints: {
          const parsed = AsnConvert.parse(value, BasicConstraints);
          constraints.basicConstraints = { cA: parsed.cA, pathLenConstraint: parsed.pathLenConstraint };
          break;
        }
        case extensionOids.keyUsage:
          constraints.keyUsage = new Set(AsnConvert.parse(value, KeyUsage).toJSON());
          break;
        case extensionOids.subjectKeyIdentifier:
          constraints.subjectKeyIdentifier = new Uint8Array(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
          break;
        case extensionOids.authorityKeyIdentifier: {
          const keyIdentifier = AsnConvert.parse(value, AuthorityKeyIdentifier).keyIdentifier;
          constraints.authorityKeyIdentifier = keyIdentifier === undefined ? undefined : new Uint8Array(keyIdentifier.buffer);
          break;
        }
        case extensionOids.nameConstraints:
          constraints.nameConstraints = true;
          break;
        default:
          if (extension.critical && !recognisedCriticalExtensions.has(extension.extnID)) constraints.unrecognisedCritical.push(extension.extnID);
      }
    } catch {
      if (extension.critical) constraints.unrecognisedCritical.push(extension.extnID);
    }
  }
  return constraints;
}

/** Whether a certificate may issue certificates: basicConstraints cA TRUE (RFC 5280 §4.2.1.9), and keyCertSign where keyUsage is present (§4.2.1.3). */
export function isCertificationAuthority(constraints: CertificateConstraints): boolean {
  return constraints.basicConstraints?.cA === true && (constraints.keyUsage === undefined || constraints.keyUsage.has('keyCertSign'));
}
