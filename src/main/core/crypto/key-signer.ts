/**
 * A signer over a private key held in memory (node:crypto): PKCS#12 files, the training stand's
 * keys. Produces the same values as a token: DER ECDSA, PKCS#1 v1.5 or PSS (salt 32) RSA.
 */
import { constants, sign, type KeyObject } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { pssParameters, signatureAlgorithms, type SignatureAlgorithm, type Signer } from './algorithms';

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
    }
  }
}
