/**
 * Signers over the test PKI's keys (node:crypto), for tests of the signature code that do not
 * need a token. Token-backed signers are tested separately against SoftHSM.
 */
import { createPrivateKey } from 'node:crypto';
import { KeySigner } from '../../src/main/core/crypto/key-signer';
import type { TestIdentity, TestPki } from '../fixtures/pki';

/** A signer for a test identity, with the intermediate CA as its chain. */
export function keySignerFor(pki: TestPki, identity: TestIdentity, rsaPadding: 'pkcs1' | 'pss' = 'pkcs1'): KeySigner {
  return new KeySigner(createPrivateKey(identity.keyPem), identity.certDer, [pki.intermediate.certDer], rsaPadding);
}
