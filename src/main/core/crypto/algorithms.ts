/**
 * Signature algorithms as a table (design §3): each row says which digest is used, which OIDs
 * name the signature in CMS, which PKCS#11 mechanisms produce it, and how the token's output is
 * encoded into the CMS `signature` field. GOST R 34.10/34.11-2012 can be added as rows
 * (CKM_GOSTR3410 0x1201 over a 34.11-2012 digest, TC26 mechanisms 0xD4321008 / 0xD4321009,
 * OIDs 1.2.643.7.1.1.1.1, 1.2.643.7.1.1.2.2, 1.2.643.7.1.1.3.2) without touching the code using it.
 */

/** Digest algorithms NedraDesk computes. */
export type DigestName = 'sha256' | 'sha384';

export const digestOids: Record<DigestName, string> = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
};

/** PKCS#11 v2.40 mechanism numbers used by the signers (pkcs11js exports the same constants). */
export const pkcs11Mechanisms = {
  CKM_RSA_PKCS: 0x00000001,
  CKM_SHA256_RSA_PKCS: 0x00000040,
  CKM_SHA256_RSA_PKCS_PSS: 0x00000043,
  CKM_ECDSA: 0x00001041,
  CKM_ECDSA_SHA256: 0x00001044,
  CKM_SHA256: 0x00000250,
  CKG_MGF1_SHA256: 0x00000002,
} as const;

/** Identifier of a row of the table. */
export type SignatureAlgorithmId = 'rsa-pkcs1-sha256' | 'rsa-pss-sha256' | 'ecdsa-sha256';

/** How the raw signature value from a token becomes the CMS `SignerInfo.signature`. */
export type SignatureValueEncoding =
  /** RSA: the token's output is the value. */
  | 'raw'
  /** ECDSA: the token returns r‖s (PKCS#11 §2.3.1); CMS wants DER `ECDSA-Sig-Value` (RFC 5753 §2.1.1). */
  | 'ecdsa-r-s-to-der';

export interface SignatureAlgorithm {
  id: SignatureAlgorithmId;
  keyType: 'rsa' | 'ec';
  digest: DigestName;
  /** `SignerInfo.signatureAlgorithm` OID (RFC 5754 §3, RFC 4056, RFC 5758 §3.2). */
  signatureOid: string;
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
    displayName: 'ECDSA с SHA-256',
    valueEncoding: 'ecdsa-r-s-to-der',
    hashingMechanism: undefined,
    rawMechanism: pkcs11Mechanisms.CKM_ECDSA,
  },
};

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
