/**
 * Verifies CAdES/CMS signatures (design §3): format, message digest, signature value,
 * signing-certificate(-v2) match, certificate validity at signing time, key usage, chain to the
 * configured trust anchors and revocation from CRLs. Never throws on bad input: every problem is
 * a verdict. Parsed certificates are cached by their bytes, so verifying many files signed by the
 * same people costs little more than the public-key operations.
 */
import { constants, createHash, verify as verifySignature, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateSummary } from '../../../shared/tokens';
import {
  indicationTexts,
  subIndicationTexts,
  type ChainLink,
  type CheckName,
  type CheckOutcome,
  type Indication,
  type SignerVerification,
  type SubIndication,
  type VerificationReport,
} from '../../../shared/verification';
import { digestBytes, digestOids, gostAlgorithmForOid, type DigestName } from './algorithms';
import { Asn1Error, readWhole, type Asn1Reader, type Node } from './asn1';
import { gostPublicKeyFromSpki, gostVerifyDigest, type GostPublicKey } from './gost/gost3410';
import { certificateIssuerAndSerial, cmsOids, parseSignedData, type ParsedSignedData, type ParsedSignerInfo } from './cms';
import { signatureBytesFrom } from './cades';
import { certificateConstraints, isCertificationAuthority, parseCertificate, summarizeCertificate, type CertificateConstraints } from './x509';

/**
 * A certificate's public key: node:crypto's for RSA and EC; NedraDesk's own for GOST R 34.10-2012,
 * which neither Node's OpenSSL nor Electron's BoringSSL can decode (RFC 9215 §4).
 */
type PublicKey = KeyObject | GostPublicKey | UnusableKey;

/**
 * A key NedraDesk cannot use: a GOST parameter set it does not know, GOST R 34.10-2001 (1.2.643.2.2.19),
 * a GOST point off its curve. The certificate is still read and shown; signatures by such a key are
 * INDETERMINATE (CRYPTO_CONSTRAINTS_FAILURE), never TOTAL_FAILED, since nothing proves them wrong.
 */
interface UnusableKey {
  readonly kind: 'unusable';
  readonly algorithm: string;
}

const isGostKey = (key: PublicKey): key is GostPublicKey => 'kind' in key && key.kind === 'gost';
const isUnusableKey = (key: PublicKey): key is UnusableKey => 'kind' in key && key.kind === 'unusable';

/** The certificate's key: GOST read here, RSA/EC by node:crypto, anything else unusable. */
function publicKeyOf(x509: X509Certificate, spki: Uint8Array, algorithm: string): PublicKey {
  try {
    return gostPublicKeyFromSpki(spki) ?? x509.publicKey;
  } catch {
    return { kind: 'unusable', algorithm };
  }
}

export interface VerifyOptions {
  /**
   * The document the signature must be over, or its digests computed while streaming: required
   * for detached signatures; an attached signature must then carry exactly these bytes.
   */
  content?: Uint8Array | undefined;
  contentDigests?: ReadonlyMap<DigestName, Uint8Array> | undefined;
  trustAnchors?: readonly Uint8Array[];
  /** Further CA certificates that may complete chains. */
  intermediates?: readonly Uint8Array[];
  crls?: readonly Uint8Array[];
  /** Without a CRL for every certificate of the chain, answer INDETERMINATE/TRY_LATER. */
  requireRevocation?: boolean;
  now?: Date;
}

const digestNamesByOid = new Map<string, DigestName>(Object.entries(digestOids).map(([name, oid]) => [oid, name as DigestName]));

interface CertificateInfo {
  /** SHA-256 of the DER, base64: the cache key. */
  id: string;
  der: Uint8Array;
  x509: X509Certificate;
  publicKey: PublicKey;
  /** TBSCertificate bytes, signatureAlgorithm and signature value, for issuer checks that node:crypto cannot do (GOST). */
  signed: SignedPart;
  issuer: Uint8Array;
  subject: Uint8Array;
  serial: Uint8Array;
  summary: CertificateSummary;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints, keyUsage, key identifiers and critical extensions (RFC 5280 §4.2). */
  constraints: CertificateConstraints;
}

const certificateCache = new Map<string, CertificateInfo | null>();
const maxCachedCertificates = 512;

function certificateInfo(der: Uint8Array): CertificateInfo | undefined {
  const key = createHash('sha256').update(der).digest('base64');
  const cached = certificateCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let info: CertificateInfo | null = null;
  try {
    const x509 = new X509Certificate(der);
    const names = certificateIssuerAndSerial(der);
    const parsed = parseCertificate(der);
    info = {
      id: key,
      der,
      x509,
      publicKey: publicKeyOf(x509, parsed.reader.raw(parsed.subjectPublicKeyInfo), parsed.publicKeyAlgorithm),
      signed: signedPart(der, 'Certificate'),
      ...names,
      summary: summarizeCertificate(der),
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      constraints: certificateConstraints(der),
    };
  } catch {
    info = null;
  }
  if (certificateCache.size >= maxCachedCertificates) {
    certificateCache.clear();
    issuedCache.clear();
  }
  certificateCache.set(key, info);
  return info ?? undefined;
}

/** Whether `issuer` signed `subject`, remembered per pair: the same chains recur file after file. */
const issuedCache = new Map<string, boolean>();

/**
 * RFC 5280 §6.1.3 (a)(1), (a)(4): the issuer's name is the subject's issuer name and its key
 * verifies the subject's signature. Where both key identifiers are present they must agree
 * (§4.2.1.1): a CA that re-keyed under the same name is told apart before any signature is checked.
 * Whether the issuer may issue at all is judged on the built path (`pathProblem`), to say why not.
 */
function isIssuedBy(subject: CertificateInfo, issuer: CertificateInfo): boolean {
  const key = `${subject.id}>${issuer.id}`;
  let issued = issuedCache.get(key);
  if (issued === undefined) {
    const authorityKeyId = subject.constraints.authorityKeyIdentifier;
    const issuerKeyId = issuer.constraints.subjectKeyIdentifier;
    issued =
      Buffer.compare(subject.issuer, issuer.subject) === 0 &&
      (authorityKeyId === undefined || issuerKeyId === undefined || sameBytes(authorityKeyId, issuerKeyId)) &&
      verifiesCertificate(subject, issuer.publicKey);
    issuedCache.set(key, issued);
  }
  return issued;
}

function sameBytes(left: Uint8Array | undefined, right: Uint8Array | undefined): boolean {
  return left !== undefined && right !== undefined && Buffer.compare(left, right) === 0;
}

/** The signed part of a certificate or CRL (RFC 5280 §4.1, §5.1): what is signed, how, and the value. */
interface SignedPart {
  tbs: Uint8Array;
  algorithm: string;
  algorithmParameters: Uint8Array | undefined;
  signature: Uint8Array;
}

function signedPart(der: Uint8Array, what: string): SignedPart {
  const { reader, root } = readWhole(der);
  const [tbs, algorithmNode, signatureNode] = reader.children(reader.expect(root, 0x30, what));
  const [algorithmOid, algorithmParameters] = reader.children(reader.expect(algorithmNode, 0x30, `${what} signatureAlgorithm`));
  const bits = reader.content(reader.expect(signatureNode, 0x03, `${what} signature`));
  return {
    tbs: reader.raw(reader.expect(tbs, 0x30, `${what} tbs`)),
    algorithm: reader.oid(reader.expect(algorithmOid, 0x06, 'algorithm')),
    algorithmParameters: algorithmParameters && reader.raw(algorithmParameters),
    signature: bits.subarray(1),
  };
}

/**
 * Whether `key` verifies a certificate's signature. GOST-signed certificates are checked here
 * (the signature BIT STRING holds s‖r as in CMS, RFC 4491 §2.2.2); the others by node:crypto.
 */
function verifiesCertificate(subject: CertificateInfo, key: PublicKey): boolean {
  const { signed } = subject;
  if (isUnusableKey(key)) return false;
  if (gostAlgorithmForOid(signed.algorithm) !== undefined || isGostKey(key)) {
    return checkSignatureValue(signed.algorithm, signed.algorithmParameters, undefined, key, signed.tbs, signed.signature) === true;
  }
  return safeVerify(subject.x509, key);
}

/**
 * GOST R 34.10-2012 with GOST R 34.11-2012 (RFC 9215 §3, §5): the key OID or the "with" OID names
 * the algorithm, parameters absent or NULL; the digest is the Streebog of the key's size, and a
 * SignerInfo naming another digest does not verify. The value is s‖r.
 */
function checkGostSignatureValue(algorithmOid: string, parameters: Uint8Array | undefined, digestOid: string | undefined, key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean | 'unsupported' {
  const row = gostAlgorithmForOid(algorithmOid);
  if (row === undefined) return 'unsupported';
  if (parameters !== undefined && !(parameters.length === 2 && parameters[0] === 0x05 && parameters[1] === 0x00)) return 'unsupported';
  if (!isGostKey(key) || key.curve.parameters.bits !== (row.id === 'gost2012-512' ? 512 : 256)) return false;
  if (digestOid !== undefined && digestOid !== digestOids[row.digest]) return false;
  return gostVerifyDigest(key, digestBytes(row.digest, data), signature);
}

/** Verifies a signature value with the named algorithm (RFC 5754, RFC 4056, RFC 5758, RFC 9215). */
function checkSignatureValue(
  algorithmOid: string,
  parameters: Uint8Array | undefined,
  digestOid: string | undefined,
  key: PublicKey,
  data: Uint8Array,
  signature: Uint8Array,
): boolean | 'unsupported' {
  if (isUnusableKey(key)) return 'unsupported';
  if (algorithmOid.startsWith('1.2.643.')) return checkGostSignatureValue(algorithmOid, parameters, digestOid, key, data, signature);
  if (isGostKey(key)) return false;
  const byOid: Record<string, DigestName> = {
    '1.2.840.113549.1.1.11': 'sha256',
    '1.2.840.113549.1.1.12': 'sha384',
    '1.2.840.10045.4.3.2': 'sha256',
    '1.2.840.10045.4.3.3': 'sha384',
  };
  const signerDigest = digestOid === undefined ? undefined : digestNamesByOid.get(digestOid);
  const keyType = key.asymmetricKeyType;
  if (algorithmOid === '1.2.840.113549.1.1.10') {
    if (keyType !== 'rsa' && keyType !== 'rsa-pss') return false;
    const pss = pssParametersOf(parameters);
    if (pss === undefined) return 'unsupported';
    return verifySignature(pss.digest, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, signature);
  }
  // rsaEncryption / ecPublicKey as the signature algorithm: the digest comes from the SignerInfo.
  const digest = byOid[algorithmOid] ?? (algorithmOid === '1.2.840.113549.1.1.1' || algorithmOid === '1.2.840.10045.2.1' ? signerDigest : undefined);
  if (digest === undefined) return 'unsupported';
  if (algorithmOid.startsWith('1.2.840.10045')) {
    if (keyType !== 'ec') return false;
    return verifySignature(digest, data, { key, dsaEncoding: 'der' }, signature);
  }
  if (keyType !== 'rsa') return false;
  return verifySignature(digest, data, key, signature);
}

/** RSASSA-PSS-params (RFC 4055 §3.1): hash and salt length; trailer must be the default. */
function pssParametersOf(parameters: Uint8Array | undefined): { digest: DigestName; saltLength: number } | undefined {
  if (parameters === undefined) return undefined;
  try {
    const { reader, root } = readWhole(parameters);
    let digest: DigestName | undefined = undefined;
    let saltLength = 20;
    for (const field of reader.children(reader.expect(root, 0x30, 'RSASSA-PSS-params'))) {
      const [inner] = reader.children(field);
      if (inner === undefined) continue;
      if (field.tag === 0xa0) {
        const [oid] = reader.children(inner);
        digest = oid === undefined ? undefined : digestNamesByOid.get(reader.oid(oid));
      } else if (field.tag === 0xa2) {
        saltLength = reader.smallInteger(inner);
      }
    }
    return digest === undefined ? undefined : { digest, saltLength };
  } catch {
    return undefined;
  }
}

interface CrlInfo {
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  revoked: Map<string, Date>;
  tbs: Uint8Array;
  algorithm: string;
  algorithmParameters: Uint8Array | undefined;
  signature: Uint8Array;
}

/** Parses a CRL (RFC 5280 §5.1), DER or PEM. */
export function parseCrl(input: Uint8Array): CrlInfo {
  const der = signatureBytesFrom(input);
  const { reader, root } = readWhole(der);
  const [tbsNode, algorithmNode, signatureNode] = reader.children(reader.expect(root, 0x30, 'CertificateList'));
  const tbs = reader.expect(tbsNode, 0x30, 'TBSCertList');
  const fields = reader.children(tbs);
  let index = fields[0]?.tag === 0x02 ? 1 : 0;
  index += 1; // signature AlgorithmIdentifier
  const issuer = reader.raw(reader.expect(fields[index++], 0x30, 'CRL issuer'));
  const thisUpdate = reader.time(fields[index++] as Node);
  let nextUpdate: Date | undefined;
  if (fields[index]?.tag === 0x17 || fields[index]?.tag === 0x18) nextUpdate = reader.time(fields[index++] as Node);
  const revoked = new Map<string, Date>();
  if (fields[index]?.tag === 0x30) {
    for (const entry of reader.children(fields[index++] as Node)) {
      const [serial, date] = reader.children(entry);
      revoked.set(Buffer.from(reader.unsigned(reader.expect(serial, 0x02, 'revoked serial'))).toString('hex'), reader.time(date as Node));
    }
  }
  const [algorithmOid, algorithmParameters] = reader.children(reader.expect(algorithmNode, 0x30, 'CRL signatureAlgorithm'));
  const signatureBits = reader.content(reader.expect(signatureNode, 0x03, 'CRL signature'));
  return {
    issuer,
    thisUpdate,
    nextUpdate,
    revoked,
    tbs: reader.raw(tbs),
    algorithm: reader.oid(algorithmOid as Node),
    algorithmParameters: algorithmParameters && reader.raw(algorithmParameters),
    signature: signatureBits.subarray(1),
  };
}

function chainLink(info: CertificateInfo, trustAnchor: boolean): ChainLink {
  return { owner: info.summary.owner, issuer: info.summary.issuer, serialHex: info.summary.serialHex, notBefore: info.summary.notBefore, notAfter: info.summary.notAfter, trustAnchor };
}

const allNotChecked = (): Record<CheckName, CheckOutcome> => ({
  format: 'not-checked',
  digest: 'not-checked',
  signature: 'not-checked',
  signingCertificate: 'not-checked',
  validity: 'not-checked',
  keyUsage: 'not-checked',
  chain: 'not-checked',
  revocation: 'not-checked',
});

const indicationOf: Record<SubIndication, Indication> = {
  FORMAT_FAILURE: 'TOTAL_FAILED',
  HASH_FAILURE: 'TOTAL_FAILED',
  SIG_CRYPTO_FAILURE: 'TOTAL_FAILED',
  EXPIRED: 'TOTAL_FAILED',
  NOT_YET_VALID: 'TOTAL_FAILED',
  REVOKED: 'TOTAL_FAILED',
  SIG_CONSTRAINTS_FAILURE: 'TOTAL_FAILED',
  NO_SIGNING_CERTIFICATE_FOUND: 'INDETERMINATE',
  NO_CERTIFICATE_CHAIN_FOUND: 'INDETERMINATE',
  CHAIN_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  TRY_LATER: 'INDETERMINATE',
  CRYPTO_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  SIGNED_DATA_NOT_FOUND: 'INDETERMINATE',
};

function formatDate(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

class SignerCheck {
  readonly checks = allNotChecked();
  readonly reasons: string[] = [];
  readonly warnings: string[] = [];
  subIndication: SubIndication | undefined;

  fail(check: CheckName, subIndication: SubIndication, detail?: string): void {
    this.checks[check] = indicationOf[subIndication] === 'TOTAL_FAILED' ? 'failed' : 'indeterminate';
    this.reasons.push(detail === undefined ? subIndicationTexts[subIndication] : `${subIndicationTexts[subIndication]} ${detail}`);
    // The first failure decides; TOTAL_FAILED outranks INDETERMINATE.
    if (this.subIndication === undefined || (indicationOf[this.subIndication] === 'INDETERMINATE' && indicationOf[subIndication] === 'TOTAL_FAILED')) {
      this.subIndication = subIndication;
    }
  }

  get indication(): Indication {
    return this.subIndication === undefined ? 'TOTAL_PASSED' : indicationOf[this.subIndication];
  }
}

interface Context {
  options: VerifyOptions;
  now: Date;
  anchors: CertificateInfo[];
  pool: CertificateInfo[];
  crls: CrlInfo[];
}

function attributeValue(signer: ParsedSignerInfo, oid: string): Node | undefined {
  const values = signer.signedAttributes.get(oid);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new Asn1Error(`attribute ${oid} must have one value`, values[0]?.start ?? 0);
  return values[0];
}

function checkSigningCertificate(reader: Asn1Reader, signer: ParsedSignerInfo, certificate: CertificateInfo, check: SignerCheck): void {
  const v2 = attributeValue(signer, cmsOids.signingCertificateV2);
  const v1 = attributeValue(signer, cmsOids.signingCertificate);
  const value = v2 ?? v1;
  if (value === undefined) {
    check.warnings.push('В подписи нет атрибута signing-certificate-v2: это подпись CMS, но не CAdES-BES.');
    check.checks.signingCertificate = 'not-checked';
    return;
  }
  const [certs] = reader.children(reader.expect(value, 0x30, 'SigningCertificate'));
  const [first] = reader.children(reader.expect(certs, 0x30, 'certs'));
  const fields = reader.children(reader.expect(first, 0x30, 'ESSCertID'));
  let digest: DigestName | 'sha1' = v2 !== undefined ? 'sha256' : 'sha1';
  let position = 0;
  if (v2 !== undefined && fields[0]?.tag === 0x30) {
    const [oid] = reader.children(fields[0]);
    const named = oid === undefined ? undefined : digestNamesByOid.get(reader.oid(oid));
    if (named === undefined) throw new Asn1Error('unsupported ESSCertIDv2 hash', fields[0].start);
    digest = named;
    position = 1;
  }
  const certHash = reader.content(reader.expect(fields[position], 0x04, 'certHash'));
  const expected = digest === 'sha1' ? createHash('sha1').update(certificate.der).digest() : digestBytes(digest, certificate.der);
  if (!sameBytes(certHash, expected)) {
    check.fail('signingCertificate', 'NO_SIGNING_CERTIFICATE_FOUND', 'Хеш сертификата в атрибуте signing-certificate не совпадает с сертификатом в подписи.');
    return;
  }
  const issuerSerial = fields[position + 1];
  if (issuerSerial !== undefined) {
    const [, serial] = reader.children(reader.expect(issuerSerial, 0x30, 'IssuerSerial'));
    if (!sameBytes(reader.unsigned(reader.expect(serial, 0x02, 'IssuerSerial serial')), certificate.serial)) {
      check.fail('signingCertificate', 'NO_SIGNING_CERTIFICATE_FOUND', 'Серийный номер в атрибуте signing-certificate не совпадает с сертификатом.');
      return;
    }
  }
  check.checks.signingCertificate = 'passed';
}

/**
 * Builds the chain from the signer up to a trust anchor: nearest first, anchor last. Among the
 * certificates that issued the current one, anchors come first, then CA certificates.
 */
function buildChain(certificate: CertificateInfo, context: Context): { chain: CertificateInfo[]; anchored: boolean } {
  const chain = [certificate];
  let current = certificate;
  for (let depth = 0; depth < 10; depth += 1) {
    if (context.anchors.some((anchor) => sameBytes(anchor.der, current.der))) return { chain, anchored: true };
    const issuers = [...context.anchors, ...context.pool].filter((candidate) => !chain.includes(candidate) && isIssuedBy(current, candidate));
    const issuer = issuers.find((candidate) => isCertificationAuthority(candidate.constraints)) ?? issuers[0];
    if (issuer === undefined) return { chain, anchored: false };
    chain.push(issuer);
    current = issuer;
  }
  return { chain, anchored: false };
}

/**
 * The first reason the path [signer, …, anchor] breaks RFC 5280 §6.1, or undefined. Every
 * certificate, the signer's and the anchor's included, is refused for a critical extension
 * NedraDesk does not recognise (§4.2, as OpenSSL does) and for nameConstraints, which NedraDesk
 * does not enforce (§4.2.1.10: a path it cannot check is not accepted). Every certificate that
 * issued another must be a CA: basicConstraints cA TRUE (§6.1.4 (k)), keyCertSign where keyUsage
 * is present (§6.1.4 (n)), and no more non-self-issued intermediates below it than its
 * pathLenConstraint allows (§6.1.4 (l), (m)). A trust anchor without basicConstraints (an X.509 v1
 * root) is a CA by configuration (§6.1.1 (d)).
 */
function pathProblem(chain: readonly CertificateInfo[], anchored: boolean): string | undefined {
  let intermediatesBelow = 0;
  for (const [index, link] of chain.entries()) {
    const { constraints } = link;
    const name = `«${link.summary.owner}»`;
    if (constraints.unrecognisedCritical.length > 0) return `Сертификат ${name} содержит неизвестное критическое расширение ${constraints.unrecognisedCritical.join(', ')}.`;
    if (constraints.nameConstraints) return `Сертификат ${name} ограничивает имена (nameConstraints), а NedraDesk такие ограничения не проверяет.`;
    if (index === 0) continue;
    const issued = `«${chain[index - 1]?.summary.owner ?? ''}»`;
    const anchor = anchored && index === chain.length - 1;
    const basic = constraints.basicConstraints;
    if (basic?.cA !== true && !(anchor && basic === undefined)) return `Сертификат ${name} не является сертификатом удостоверяющего центра (basicConstraints), но им подписан сертификат ${issued}.`;
    if (constraints.keyUsage !== undefined && !constraints.keyUsage.has('keyCertSign')) return `Назначение ключа сертификата ${name} не допускает выпуск сертификатов (keyCertSign), но им подписан сертификат ${issued}.`;
    const limit = basic?.pathLenConstraint;
    if (limit !== undefined && intermediatesBelow > limit) return `Удостоверяющий центр ${name} допускает не более ${limit} промежуточных УЦ под собой (pathLenConstraint), а в цепочке их ${intermediatesBelow}.`;
    if (!constraints.selfIssued) intermediatesBelow += 1;
  }
  return undefined;
}

function safeVerify(certificate: X509Certificate, key: KeyObject): boolean {
  // An EC or RSA key that node:crypto could not check against this algorithm is simply not the issuer.
  try {
    return certificate.verify(key);
  } catch {
    return false;
  }
}

function checkRevocation(chain: CertificateInfo[], context: Context, check: SignerCheck): void {
  let missing = false;
  for (let index = 0; index < chain.length - 1; index += 1) {
    const subject = chain[index] as CertificateInfo;
    const issuer = chain[index + 1] as CertificateInfo;
    const crl = context.crls.find(
      (candidate) =>
        sameBytes(candidate.issuer, subject.issuer) &&
        checkSignatureValue(candidate.algorithm, candidate.algorithmParameters, undefined, issuer.publicKey, candidate.tbs, candidate.signature) === true,
    );
    if (crl === undefined || (crl.nextUpdate !== undefined && crl.nextUpdate.getTime() < context.now.getTime())) {
      missing = true;
      continue;
    }
    const revokedAt = crl.revoked.get(Buffer.from(subject.serial).toString('hex'));
    if (revokedAt !== undefined) {
      check.fail('revocation', 'REVOKED', `Сертификат «${subject.summary.owner}» отозван ${formatDate(revokedAt)}.`);
      return;
    }
  }
  if (missing) {
    if (context.options.requireRevocation === true) check.fail('revocation', 'TRY_LATER');
    else {
      check.checks.revocation = 'not-checked';
      if (context.crls.length > 0) check.warnings.push('Для части сертификатов цепочки нет актуального списка отзыва; отзыв не проверен.');
    }
    return;
  }
  check.checks.revocation = 'passed';
}

function verifySigner(
  parsed: ParsedSignedData,
  signer: ParsedSignerInfo,
  index: number,
  context: Context,
  digests: ReadonlyMap<DigestName, Uint8Array> | undefined,
  contentMismatch: string | undefined,
): SignerVerification {
  const check = new SignerCheck();
  const { reader } = parsed;
  let certificate: CertificateInfo | undefined;
  let signingTime: Date | undefined;
  let chain: ChainLink[] = [];
  try {
    // RFC 5652 §5.1: digestAlgorithms lists the signers' digest algorithms.
    if (!parsed.digestAlgorithmOids.includes(signer.digestAlgorithm)) throw new Asn1Error('digest algorithm not listed in digestAlgorithms', signer.node.start);
    if (signer.signedAttributesDer === undefined) throw new Asn1Error('no signed attributes (CAdES requires them)', signer.node.start);
    const contentType = attributeValue(signer, cmsOids.contentType);
    const messageDigest = attributeValue(signer, cmsOids.messageDigest);
    if (contentType === undefined || messageDigest === undefined) throw new Asn1Error('content-type or message-digest attribute missing', signer.node.start);
    if (reader.oid(contentType) !== parsed.encapsulatedContentType) throw new Asn1Error('content-type attribute differs from eContentType', contentType.start);
    const signingTimeNode = attributeValue(signer, cmsOids.signingTime);
    signingTime = signingTimeNode === undefined ? undefined : reader.time(signingTimeNode);
    check.checks.format = 'passed';

    // Message digest (RFC 5652 §5.4, §11.2).
    const digestName = digestNamesByOid.get(signer.digestAlgorithm);
    const claimed = reader.content(reader.expect(messageDigest, 0x04, 'message-digest'));
    if (contentMismatch !== undefined) check.fail('digest', 'HASH_FAILURE', contentMismatch);
    else if (digestName === undefined) check.fail('digest', 'CRYPTO_CONSTRAINTS_FAILURE', `Алгоритм хеширования ${signer.digestAlgorithm}.`);
    else {
      const actual = digests?.get(digestName);
      if (actual === undefined) check.fail('digest', 'SIGNED_DATA_NOT_FOUND');
      else if (!sameBytes(actual, claimed)) check.fail('digest', 'HASH_FAILURE');
      else check.checks.digest = 'passed';
    }

    // The signer's certificate: by issuerAndSerialNumber, or subjectKeyIdentifier.
    certificate = parsed.certificates
      .map((der) => certificateInfo(der))
      .find((candidate) => candidate !== undefined && (signer.serial !== undefined ? sameBytes(candidate.serial, signer.serial) && sameBytes(candidate.issuer, signer.issuer) : subjectKeyIdentifierMatches(candidate, signer.subjectKeyIdentifier)));
    if (certificate === undefined) {
      check.fail('signingCertificate', 'NO_SIGNING_CERTIFICATE_FOUND');
    } else {
      checkSigningCertificate(reader, signer, certificate, check);
      const valid = checkSignatureValue(signer.signatureAlgorithm, signer.signatureParameters, signer.digestAlgorithm, certificate.publicKey, signer.signedAttributesDer, signer.signature);
      if (valid === 'unsupported') check.fail('signature', 'CRYPTO_CONSTRAINTS_FAILURE', `Алгоритм ${signer.signatureAlgorithm}.`);
      else if (!valid) check.fail('signature', 'SIG_CRYPTO_FAILURE');
      else check.checks.signature = 'passed';

      // Validity at the claimed signing time (no time-stamp in CAdES-B: the claim, else now).
      const at = signingTime !== undefined && signingTime.getTime() <= context.now.getTime() + 5 * 60_000 ? signingTime : context.now;
      if (at.getTime() > certificate.notAfter.getTime()) check.fail('validity', 'EXPIRED', `Сертификат действовал до ${formatDate(certificate.notAfter)}, подпись создана ${formatDate(at)}.`);
      else if (at.getTime() < certificate.notBefore.getTime()) check.fail('validity', 'NOT_YET_VALID', `Сертификат действует с ${formatDate(certificate.notBefore)}, подпись создана ${formatDate(at)}.`);
      else check.checks.validity = 'passed';
      if (certificate.notAfter.getTime() < context.now.getTime() && check.checks.validity === 'passed') {
        check.warnings.push(`Срок действия сертификата истёк ${formatDate(certificate.notAfter)}, после подписания.`);
      }

      if (!certificate.summary.canSign) check.fail('keyUsage', 'SIG_CONSTRAINTS_FAILURE', `Назначение ключа: ${certificate.summary.keyUsage.join(', ')}.`);
      else check.checks.keyUsage = 'passed';

      const built = buildChain(certificate, context);
      chain = built.chain.map((link) => chainLink(link, context.anchors.includes(link)));
      const broken = built.anchored ? pathProblem(built.chain, true) : undefined;
      if (!built.anchored) check.fail('chain', 'NO_CERTIFICATE_CHAIN_FOUND');
      else if (broken !== undefined) check.fail('chain', 'CHAIN_CONSTRAINTS_FAILURE', broken);
      else {
        check.checks.chain = 'passed';
        for (const link of built.chain.slice(1)) {
          if (link.notAfter.getTime() < at.getTime() || link.notBefore.getTime() > at.getTime()) {
            check.fail('chain', link.notAfter.getTime() < at.getTime() ? 'EXPIRED' : 'NOT_YET_VALID', `Сертификат удостоверяющего центра «${link.summary.owner}» не действовал в момент подписания.`);
          }
        }
        checkRevocation(built.chain, context, check);
      }
    }
  } catch (error) {
    check.checks.format = 'failed';
    check.fail('format', 'FORMAT_FAILURE', error instanceof Error ? `(${error.message})` : undefined);
  }
  return {
    index,
    indication: check.indication,
    subIndication: check.subIndication,
    reasons: check.reasons,
    warnings: check.warnings,
    signer: certificate?.summary,
    signingTime: signingTime?.toISOString(),
    algorithm: signer.signatureAlgorithm,
    chain,
    checks: check.checks,
  };
}

/** A SignerInfo's subjectKeyIdentifier sid (RFC 5652 §5.3) against the certificate's extension (RFC 5280 §4.2.1.2). */
function subjectKeyIdentifierMatches(certificate: CertificateInfo, identifier: Uint8Array | undefined): boolean {
  return identifier !== undefined && sameBytes(certificate.constraints.subjectKeyIdentifier, identifier);
}

function failedReport(detail: string, now: Date): VerificationReport {
  return {
    indication: 'TOTAL_FAILED',
    subIndication: 'FORMAT_FAILURE',
    reasons: [`${subIndicationTexts.FORMAT_FAILURE} (${detail})`],
    signers: [],
    attached: false,
    contentSha256: undefined,
    checkedAt: now.toISOString(),
  };
}

/** The named digests of some bytes (SHA-256 always: reports name the document by it). */
function digestsOf(bytes: Uint8Array, names: readonly DigestName[]): Map<DigestName, Uint8Array> {
  const computed = new Map<DigestName, Uint8Array>();
  for (const name of new Set<DigestName>(['sha256', ...names])) computed.set(name, digestBytes(name, bytes));
  return computed;
}

/** The digests a parsed signature's signers use. */
function signerDigestNames(parsed: ParsedSignedData): DigestName[] {
  const names = new Set<DigestName>();
  for (const signer of parsed.signerInfos) {
    const name = digestNamesByOid.get(signer.digestAlgorithm);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/**
 * Why the attached content is not the document the caller named, or undefined when it is: every
 * digest the caller gave must equal the attached content's (a caller that gave none proves nothing).
 */
function attachedContentMismatch(embedded: ReadonlyMap<DigestName, Uint8Array>, supplied: ReadonlyMap<DigestName, Uint8Array>): string | undefined {
  const compared = [...supplied].filter(([name]) => embedded.has(name));
  if (compared.length > 0 && compared.every(([name, digest]) => sameBytes(digest, embedded.get(name)))) return undefined;
  const hex = (digest: Uint8Array | undefined): string => (digest === undefined ? 'неизвестен' : Buffer.from(digest).toString('hex'));
  return `В файл подписи вложен другой документ (SHA-256 ${hex(embedded.get('sha256'))}), а не проверяемый (SHA-256 ${hex(supplied.get('sha256'))}).`;
}

/**
 * Verifies a signature given as DER, BER, PEM or base64. Never throws. With `content` or
 * `contentDigests` the signature must be over exactly that document, attached or not.
 */
export function verifyCades(signature: Uint8Array, options: VerifyOptions = {}): VerificationReport {
  const now = options.now ?? new Date();
  let parsed: ParsedSignedData;
  try {
    parsed = parseSignedData(signatureBytesFrom(signature));
    if (parsed.signerInfos.length === 0) return failedReport('в подписи нет ни одного подписавшего', now);
    if (parsed.certificates.some((der) => certificateInfo(der) === undefined)) return failedReport('сертификат внутри подписи повреждён', now);
  } catch (error) {
    return failedReport(error instanceof Error ? error.message : 'не удалось разобрать', now);
  }
  const loadAll = (items: readonly Uint8Array[] | undefined): CertificateInfo[] =>
    (items ?? []).map((item) => certificateInfo(signatureBytesFrom(item))).filter((item): item is CertificateInfo => item !== undefined);
  const crls: CrlInfo[] = [];
  for (const item of options.crls ?? []) {
    try {
      crls.push(parseCrl(item));
    } catch {
      // An unreadable CRL is as good as none; revocation then stays unchecked.
    }
  }
  const context: Context = {
    options,
    now,
    anchors: loadAll(options.trustAnchors),
    pool: [...loadAll(parsed.certificates), ...loadAll(options.intermediates)],
    crls,
  };
  // What the caller names as the signed document: its bytes, or its digests computed while streaming.
  const used = signerDigestNames(parsed);
  const supplied = options.content !== undefined ? digestsOf(options.content, used) : options.contentDigests;
  const embedded = parsed.content === undefined ? undefined : digestsOf(parsed.content, used);
  // RFC 5652 §5.4 hashes one content. When the signature carries its own copy and the caller names
  // a document too, both must be the same bytes: otherwise a signature of one document, renamed,
  // would pass as a signature of another (OpenSSL `cms -verify -content` fails it the same way).
  const contentMismatch = supplied !== undefined && embedded !== undefined ? attachedContentMismatch(embedded, supplied) : undefined;
  const digests = contentMismatch === undefined ? (embedded ?? supplied) : supplied;
  const signers = parsed.signerInfos.map((signer, index) => verifySigner(parsed, signer, index, context, digests, contentMismatch));
  const failed = signers.find((signer) => signer.indication === 'TOTAL_FAILED');
  const indeterminate = signers.find((signer) => signer.indication === 'INDETERMINATE');
  const decisive = failed ?? indeterminate;
  // The bytes the verdict is about: the document the caller named, else the attached content.
  const verifiedSha256 = supplied?.get('sha256') ?? embedded?.get('sha256');
  const contentSha256 = verifiedSha256 === undefined ? undefined : Buffer.from(verifiedSha256).toString('hex');
  return {
    indication: decisive?.indication ?? 'TOTAL_PASSED',
    subIndication: decisive?.subIndication,
    reasons: signers.flatMap((signer) => signer.reasons.map((reason) => (signers.length > 1 ? `Подпись ${signer.index + 1}: ${reason}` : reason))),
    signers,
    attached: parsed.content !== undefined,
    contentSha256,
    checkedAt: now.toISOString(),
  };
}

/** The digest algorithms a signature's signers use (to stream the content once). */
export function signatureDigestNames(signature: Uint8Array): DigestName[] {
  try {
    const names = signerDigestNames(parseSignedData(signatureBytesFrom(signature)));
    return names.length > 0 ? names : ['sha256'];
  } catch {
    return ['sha256'];
  }
}

/** A one-line summary of a verdict for people. */
export function verdictLine(report: VerificationReport): string {
  return indicationTexts[report.indication];
}
