/**
 * Signature algorithms as a table (design §3): each row says which digest is used, which OIDs
 * name the signature in CMS, which PKCS#11 mechanisms produce it, and how the token's output is
 * encoded into the CMS `signature` field. GOST R 34.10-2012 with GOST R 34.11-2012 (Streebog)
 * are rows too (RFC 9215 §3, OIDs of the TC26 registry).
 */
import { createHash } from 'node:crypto';
import { gostKeyOids, gostSignatureOids } from './gost/gost-params';
import { createStreebog } from './streebog/streebog';
import { CKM_GOSTR3410, CKM_GOSTR3410_512, CKM_GOSTR3410_WITH_GOSTR3411_12_256, CKM_GOSTR3410_WITH_GOSTR3411_12_512 } from './pkcs11-gost';

/** Digest algorithms NedraDesk computes. */
export type DigestName = 'sha256' | 'sha384' | 'streebog256' | 'streebog512';

export const digestOids: Record<DigestName, string> = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  // GOST R 34.11-2012 (RFC 6986), id-tc26-gost3411-12-256 / -512 (RFC 9215 §3).
  streebog256: '1.2.643.7.1.1.2.2',
  streebog512: '1.2.643.7.1.1.2.3',
};

/** Hash-code length in bytes of each digest. */
export const digestLengths: Record<DigestName, number> = { sha256: 32, sha384: 48, streebog256: 32, streebog512: 64 };

/** A streaming hash, used like node:crypto's Hash. */
export interface StreamingDigest {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** The streaming implementation of a digest: node:crypto for SHA-2, WebAssembly for Streebog. */
export function createDigest(name: DigestName): StreamingDigest {
  if (name === 'streebog256') return createStreebog(256);
  if (name === 'streebog512') return createStreebog(512);
  const hash = createHash(name);
  return { update: (bytes) => hash.update(bytes), digest: () => new Uint8Array(hash.digest()) };
}

/** Digest of some bytes in one call. */
export function digestBytes(name: DigestName, bytes: Uint8Array): Uint8Array {
  const hash = createDigest(name);
  hash.update(bytes);
  return hash.digest();
}

/** PKCS#11 v2.40 mechanism numbers used by the signers (pkcs11js exports the same constants). */
export const pkcs11Mechanisms = {
  CKM_RSA_PKCS: 0x00000001,
  CKM_SHA256_RSA_PKCS: 0x00000040,
  CKM_SHA256_RSA_PKCS_PSS: 0x00000043,
  CKM_ECDSA: 0x00001041,
  CKM_ECDSA_SHA256: 0x00001044,
  CKM_SHA256: 0x00000250,
  CKG_MGF1_SHA256: 0x00000002,
  // GOST R 34.10: defined once, with their sources, in pkcs11-gost.ts.
  CKM_GOSTR3410,
  CKM_GOSTR3410_512,
  CKM_GOSTR3410_WITH_GOSTR3411_12_256,
  CKM_GOSTR3410_WITH_GOSTR3411_12_512,
} as const;

/** Identifier of a row of the table. */
export type SignatureAlgorithmId = 'rsa-pkcs1-sha256' | 'rsa-pss-sha256' | 'ecdsa-sha256' | 'gost2012-256' | 'gost2012-512';

/** How the raw signature value from a token becomes the CMS `SignerInfo.signature`. */
export type SignatureValueEncoding =
  /** RSA, and GOST R 34.10-2012 (s‖r, big-endian halves, RFC 9215 §5): the token's output is the value. */
  | 'raw'
  /** ECDSA: the token returns r‖s (PKCS#11 §2.3.1); CMS wants DER `ECDSA-Sig-Value` (RFC 5753 §2.1.1). */
  | 'ecdsa-r-s-to-der';

export interface SignatureAlgorithm {
  id: SignatureAlgorithmId;
  keyType: 'rsa' | 'ec' | 'gost';
  digest: DigestName;
  /** `SignerInfo.signatureAlgorithm` OID written (RFC 5754 §3, RFC 4056, RFC 5758 §3.2, RFC 9215 §3). */
  signatureOid: string;
  /** Further `signatureAlgorithm` OIDs accepted on input for this row. */
  acceptedSignatureOids: readonly string[];
  /** ESSCertIDv2 hashAlgorithm of signing-certificate-v2 (RFC 5035 §5.4): SHA-256 is the DEFAULT, left out. */
  certificateHash: DigestName;
  /** Human-readable name for reports and the UI. */
  displayName: string;
  valueEncoding: SignatureValueEncoding;
  /** PKCS#11 mechanism that hashes on the token, when one exists. */
  hashingMechanism: number | undefined;
  /** Fallback mechanism over a locally computed digest (CKM_RSA_PKCS takes a DER DigestInfo). */
  rawMechanism: number;
}

export const signatureAlgorithms: Record<SignatureAlgorithmId, SignatureAlgorithm> = {
  'rsa-pkcs1-sha256': {
    id: 'rsa-pkcs1-sha256',
    keyType: 'rsa',
    digest: 'sha256',
    signatureOid: '1.2.840.113549.1.1.11',
    acceptedSignatureOids: [],
    certificateHash: 'sha256',
    displayName: 'RSA PKCS#1 v1.5 с SHA-256',
    valueEncoding: 'raw',
    hashingMechanism: pkcs11Mechanisms.CKM_SHA256_RSA_PKCS,
    rawMechanism: pkcs11Mechanisms.CKM_RSA_PKCS,
  },
  'rsa-pss-sha256': {
    id: 'rsa-pss-sha256',
    keyType: 'rsa',
    digest: 'sha256',
    // id-RSASSA-PSS with parameters SHA-256 / MGF1-SHA-256 / salt 32 (RFC 4056 §3).
    signatureOid: '1.2.840.113549.1.1.10',
    acceptedSignatureOids: [],
    certificateHash: 'sha256',
    displayName: 'RSA-PSS с SHA-256',
    valueEncoding: 'raw',
    hashingMechanism: pkcs11Mechanisms.CKM_SHA256_RSA_PKCS_PSS,
    rawMechanism: pkcs11Mechanisms.CKM_SHA256_RSA_PKCS_PSS,
  },
  'ecdsa-sha256': {
    id: 'ecdsa-sha256',
    keyType: 'ec',
    digest: 'sha256',
    signatureOid: '1.2.840.10045.4.3.2',
    acceptedSignatureOids: [],
    certificateHash: 'sha256',
    displayName: 'ECDSA с SHA-256',
    valueEncoding: 'ecdsa-r-s-to-der',
    hashingMechanism: undefined,
    rawMechanism: pkcs11Mechanisms.CKM_ECDSA,
  },
  // GOST R 34.10-2012: signatureAlgorithm is the key OID (as OpenSSL writes and Russian signing
  // tools are required to), "GOST R 34.10-2012 with GOST R 34.11-2012" accepted on input.
  'gost2012-256': {
    id: 'gost2012-256',
    keyType: 'gost',
    digest: 'streebog256',
    signatureOid: gostKeyOids.gost2012_256,
    acceptedSignatureOids: [gostSignatureOids.gost2012_256],
    // Streebog-256 for both key sizes, written out: it is not the SHA-256 DEFAULT.
    certificateHash: 'streebog256',
    displayName: 'ГОСТ Р 34.10-2012 (256 бит) с ГОСТ Р 34.11-2012',
    valueEncoding: 'raw',
    hashingMechanism: pkcs11Mechanisms.CKM_GOSTR3410_WITH_GOSTR3411_12_256,
    rawMechanism: pkcs11Mechanisms.CKM_GOSTR3410,
  },
  'gost2012-512': {
    id: 'gost2012-512',
    keyType: 'gost',
    digest: 'streebog512',
    signatureOid: gostKeyOids.gost2012_512,
    acceptedSignatureOids: [gostSignatureOids.gost2012_512],
    certificateHash: 'streebog256',
    displayName: 'ГОСТ Р 34.10-2012 (512 бит) с ГОСТ Р 34.11-2012',
    valueEncoding: 'raw',
    hashingMechanism: pkcs11Mechanisms.CKM_GOSTR3410_WITH_GOSTR3411_12_512,
    rawMechanism: pkcs11Mechanisms.CKM_GOSTR3410_512,
  },
};

/** The GOST row a signatureAlgorithm OID names (key OID or "with" OID), if any. */
export function gostAlgorithmForOid(oid: string): SignatureAlgorithm | undefined {
  return [signatureAlgorithms['gost2012-256'], signatureAlgorithms['gost2012-512']].find((row) => row.signatureOid === oid || row.acceptedSignatureOids.includes(oid));
}

/** PSS parameters NedraDesk uses: SHA-256, MGF1 with SHA-256, salt length 32 (RFC 4055 §3.1). */
export const pssParameters = { hash: 'sha256', mgf1Hash: 'sha256', saltLength: 32 } as const;

/**
 * Something that can make a signature: a token key, a PKCS#12 file, a test key.
 * `sign` receives the bytes to be signed (for CAdES: the DER of the signed attributes), hashes them
 * with `algorithm.digest` (on the token where it can) and returns the value already encoded as CMS
 * wants it (`valueEncoding` applied).
 */
export interface Signer {
  /** DER of the signer's certificate. */
  readonly certificate: Uint8Array;
  /** Further certificates of the chain, nearest issuer first, when known. */
  readonly chain: readonly Uint8Array[];
  readonly algorithm: SignatureAlgorithm;
  sign(bytesToBeSigned: Uint8Array): Promise<Uint8Array>;
}
