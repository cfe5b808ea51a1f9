/**
 * CAdES-BES / baseline-B signatures (ETSI EN 319 122-1) as NedraDesk makes them (design §3):
 * CMS SignedData v1, SignerInfo v1 with issuerAndSerialNumber, the digest of the signer's
 * algorithm row (SHA-256, or Streebog of the GOST key's size), signed attributes content-type
 * (id-data), message-digest, signing-time and signing-certificate-v2 (RFC 5035, ESSCertIDv2 with
 * issuerSerial; hashAlgorithm omitted as the SHA-256 DEFAULT, written out when it is Streebog-256
 * for GOST keys), sorted as a DER SET; the signer certificate and its chain in `certificates`.
 * Detached by default.
 */
import { AppError } from '../../../shared/errors';
import { digestBytes, digestLengths, digestOids, pssParameters, type DigestName, type SignatureAlgorithm, type Signer } from './algorithms';
import { explicit, nullValue, objectIdentifier, octetString, sequence, set, smallInteger, tlv, unsignedInteger, time } from './asn1';
import { certificateIssuerAndSerial, cmsOids, parseSignedData } from './cms';

/**
 * What to sign: the content's digest with the signer's algorithm digest (`signer.algorithm.digest`:
 * SHA-256, Streebog-256 or -512), and the content itself for an attached signature.
 */
export interface CadesSignRequest {
  signer: Signer;
  contentDigest: Uint8Array;
  /** Put the content inside the signature (attached). */
  content?: Uint8Array | undefined;
  signingTime?: Date;
}

const pssHashAlgorithm = sequence(objectIdentifier(digestOids.sha256));

/** AlgorithmIdentifier for `SignerInfo.signatureAlgorithm` (RFC 4055 §3.1, RFC 5754, RFC 5758). */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): Buffer {
  switch (algorithm.id) {
    case 'rsa-pkcs1-sha256':
      return sequence(objectIdentifier(algorithm.signatureOid), nullValue());
    case 'rsa-pss-sha256':
      return sequence(
        objectIdentifier(algorithm.signatureOid),
        sequence(
          explicit(0, pssHashAlgorithm),
          explicit(1, sequence(objectIdentifier('1.2.840.113549.1.1.8'), pssHashAlgorithm)),
          explicit(2, smallInteger(pssParameters.saltLength)),
        ),
      );
    case 'ecdsa-sha256':
      return sequence(objectIdentifier(algorithm.signatureOid));
    case 'gost2012-256':
    case 'gost2012-512':
      // The key OID with NULL parameters, as OpenSSL's gost engine writes it (RFC 9215 §3).
      return sequence(objectIdentifier(algorithm.signatureOid), nullValue());
  }
}

/** DigestAlgorithmIdentifier: the digest OID, parameters absent (RFC 5754 §2, RFC 9215 §3). */
const digestAlgorithmIdentifier = (digest: DigestName): Buffer => sequence(objectIdentifier(digestOids[digest]));

function attribute(oid: string, value: Uint8Array): Buffer {
  return sequence(objectIdentifier(oid), set(value));
}

/** signing-certificate-v2 over the signer certificate (RFC 5035 §3, §5.4). */
function signingCertificateV2(certificate: Uint8Array, hash: DigestName): Buffer {
  const { issuer, serial } = certificateIssuerAndSerial(certificate);
  const certHash = digestBytes(hash, certificate);
  // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber } with directoryName [4] EXPLICIT Name.
  const issuerSerial = sequence(sequence(tlv(0xa4, issuer)), unsignedInteger(serial));
  // hashAlgorithm DEFAULT id-sha256: DER leaves the default out and writes any other (X.690 §11.5).
  const hashAlgorithm = hash === 'sha256' ? [] : [digestAlgorithmIdentifier(hash)];
  return sequence(sequence(sequence(...hashAlgorithm, octetString(certHash), issuerSerial)));
}

/** The DER SET OF signed attributes (hashed and signed with tag 0x31, stored as [0]). */
export function signedAttributes(request: { contentDigest: Uint8Array; certificate: Uint8Array; signingTime: Date; certificateHash?: DigestName }): Buffer {
  return set(
    attribute(cmsOids.contentType, objectIdentifier(cmsOids.data)),
    attribute(cmsOids.signingTime, time(request.signingTime)),
    attribute(cmsOids.messageDigest, octetString(request.contentDigest)),
    attribute(cmsOids.signingCertificateV2, signingCertificateV2(request.certificate, request.certificateHash ?? 'sha256')),
  );
}

/** Builds one SignerInfo by asking the signer to sign the attributes. */
async function signerInfo(request: CadesSignRequest): Promise<Buffer> {
  const { signer } = request;
  const { digest, certificateHash } = signer.algorithm;
  if (request.contentDigest.length !== digestLengths[digest]) throw new AppError('INVALID_INPUT', { field: 'contentDigest', reason: `${digest} digest expected` });
  const attributes = signedAttributes({ contentDigest: request.contentDigest, certificate: signer.certificate, signingTime: request.signingTime ?? new Date(), certificateHash });
  const signature = await signer.sign(attributes);
  const { issuer, serial } = certificateIssuerAndSerial(signer.certificate);
  const implicitAttributes = Buffer.from(attributes);
  implicitAttributes[0] = 0xa0; // [0] IMPLICIT SET OF Attribute (RFC 5652 §5.3)
  return sequence(
    smallInteger(1),
    sequence(issuer, unsignedInteger(serial)),
    digestAlgorithmIdentifier(digest),
    implicitAttributes,
    signatureAlgorithmIdentifier(signer.algorithm),
    octetString(signature),
  );
}

function signedData(parts: { digestAlgorithms: Uint8Array[]; encapsulatedContentInfo: Uint8Array; certificates: Uint8Array[]; signerInfos: Uint8Array[] }): Uint8Array {
  const certificates = parts.certificates.length > 0 ? [tlv(0xa0, ...parts.certificates)] : [];
  const body = sequence(
    smallInteger(1),
    set(...parts.digestAlgorithms),
    parts.encapsulatedContentInfo,
    ...certificates,
    // In the order signers were added (as OpenSSL appends), so a report lists the first signer first.
    tlv(0x31, ...parts.signerInfos),
  );
  return new Uint8Array(sequence(objectIdentifier(cmsOids.signedData), explicit(0, body)));
}

function uniqueBytes(items: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = Buffer.from(item).toString('base64');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A new CAdES-BES signature (DER). */
export async function createCadesSignature(request: CadesSignRequest): Promise<Uint8Array> {
  const info = await signerInfo(request);
  const encapsulatedContentInfo =
    request.content === undefined ? sequence(objectIdentifier(cmsOids.data)) : sequence(objectIdentifier(cmsOids.data), explicit(0, octetString(request.content)));
  return signedData({
    digestAlgorithms: [digestAlgorithmIdentifier(request.signer.algorithm.digest)],
    encapsulatedContentInfo,
    certificates: uniqueBytes([request.signer.certificate, ...request.signer.chain]),
    signerInfos: [info],
  });
}

/**
 * Adds a SignerInfo to an existing signature (co-signature). The existing signers, certificates
 * and content are carried over byte for byte, so their signatures stay valid.
 */
export async function addCadesSigner(existing: Uint8Array, request: Omit<CadesSignRequest, 'content'>): Promise<Uint8Array> {
  let parsed;
  try {
    parsed = parseSignedData(existing);
  } catch (error) {
    throw new AppError('SIGNATURE_FORMAT', { reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  if (parsed.crls !== undefined) throw new AppError('SIGNATURE_FORMAT', { reason: 'signatures carrying CRLs cannot be co-signed yet' });
  const { reader } = parsed;
  const info = await signerInfo(request);
  return signedData({
    digestAlgorithms: uniqueBytes([...parsed.digestAlgorithms.map((node) => reader.raw(node)), digestAlgorithmIdentifier(request.signer.algorithm.digest)]),
    encapsulatedContentInfo: reader.raw(parsed.encapsulatedContentInfo),
    certificates: uniqueBytes([...parsed.certificates, request.signer.certificate, ...request.signer.chain]),
    signerInfos: [...parsed.signerInfos.map((signer) => reader.raw(signer.node)), info],
  });
}

/** PEM armour for a signature (`-----BEGIN CMS-----`, as OpenSSL writes and reads with -inform PEM). */
export function signatureToPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CMS-----\n${lines.join('\n')}\n-----END CMS-----\n`;
}

/** DER from DER, PEM (CMS/PKCS7/SIGNATURE labels) or bare base64. */
export function signatureBytesFrom(input: Uint8Array): Uint8Array {
  const first = input[0];
  if (first === 0x30) return input;
  const text = Buffer.from(input.subarray(0, Math.min(input.length, 64 * 1024 * 1024))).toString('latin1');
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  const body = pem !== null ? (pem[2] ?? '') : text;
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return input;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
