/**
 * Signers over a private key held in memory: node:crypto keys (PKCS#12 files, the training
 * stand's keys), producing the same values as a token (DER ECDSA, PKCS#1 v1.5 or PSS (salt 32)
 * RSA), and GOST R 34.10-2012 keys from PKCS#8 files (`GostKeySigner`), which node:crypto cannot use.
 */
import { constants, sign, type KeyObject } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { digestBytes, pssParameters, signatureAlgorithms, type SignatureAlgorithm, type Signer } from './algorithms';
import { gostSignDigest, type GostPrivateKey } from './gost/gost3410';

/** Picks the algorithm row for a key. */
export function algorithmForKey(key: KeyObject, rsaPadding: 'pkcs1' | 'pss' = 'pkcs1'): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'ec') return signatureAlgorithms['ecdsa-sha256'];
  if (key.asymmetricKeyType === 'rsa') return signatureAlgorithms[rsaPadding === 'pss' ? 'rsa-pss-sha256' : 'rsa-pkcs1-sha256'];
  throw new AppError('MECHANISM_NOT_SUPPORTED', { keyType: key.asymmetricKeyType });
}

/** A Signer over a node:crypto private key. */
export class KeySigner implements Signer {
  readonly algorithm: SignatureAlgorithm;

  constructor(
    private readonly key: KeyObject,
    readonly certificate: Uint8Array,
    readonly chain: readonly Uint8Array[] = [],
    rsaPadding: 'pkcs1' | 'pss' = 'pkcs1',
  ) {
    this.algorithm = algorithmForKey(key, rsaPadding);
  }

  async sign(bytesToBeSigned: Uint8Array): Promise<Uint8Array> {
    switch (this.algorithm.id) {
      case 'ecdsa-sha256':
        return new Uint8Array(sign('sha256', bytesToBeSigned, { key: this.key, dsaEncoding: 'der' }));
      case 'rsa-pss-sha256':
        return new Uint8Array(sign('sha256', bytesToBeSigned, { key: this.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssParameters.saltLength }));
      case 'rsa-pkcs1-sha256':
        return new Uint8Array(sign('sha256', bytesToBeSigned, this.key));
      case 'gost2012-256':
      case 'gost2012-512':
        // algorithmForKey never picks a GOST row for a node:crypto key.
        throw new AppError('MECHANISM_NOT_SUPPORTED', { keyType: this.key.asymmetricKeyType });
    }
  }
}

/**
 * A Signer over a GOST R 34.10-2012 private key (PKCS#8 from OpenSSL's gost engine): Streebog of
 * the key's size over the signed attributes, then the signature s‖r (RFC 7091 §6.1, RFC 9215 §5).
 */
export class GostKeySigner implements Signer {
  readonly algorithm: SignatureAlgorithm;

  constructor(
    private readonly key: GostPrivateKey,
    readonly certificate: Uint8Array,
    readonly chain: readonly Uint8Array[] = [],
  ) {
    this.algorithm = signatureAlgorithms[key.curve.parameters.bits === 512 ? 'gost2012-512' : 'gost2012-256'];
  }

  sign(bytesToBeSigned: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(gostSignDigest(this.key, digestBytes(this.algorithm.digest, bytesToBeSigned)));
  }
}
