/**
 * Keys in PKCS#12 files (.pfx/.p12) for people without a token, and for tests: RSA and EC.
 * node-forge decrypts the container (PBES2/AES and the legacy PBE schemes, SHA-1/SHA-256 MACs);
 * keys and certificates it cannot model itself (EC) are taken as their DER and handed to
 * node:crypto, which does all signing.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { AppError } from '../../shared/errors';
import { KeySigner } from '../core/crypto/key-signer';

interface Pkcs12Contents {
  key: KeyObject;
  certificate: Uint8Array;
  chain: Uint8Array[];
}

function derOf(node: forge.asn1.Asn1): Uint8Array {
  return new Uint8Array(Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary'));
}

/** Opens a PKCS#12 file's bytes with its password; the password buffer is wiped. */
export function readPkcs12(bytes: Uint8Array, password: Uint8Array): Pkcs12Contents {
  const text = Buffer.from(password).toString('utf8');
  password.fill(0);
  let container: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
    container = forge.pkcs12.pkcs12FromAsn1(asn1, false, text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|MAC could not be verified|decrypt/i.test(message)) throw new AppError('PKCS12_PASSWORD_INCORRECT', undefined, { cause: error });
    throw new AppError('PKCS12_INVALID', { reason: message }, { cause: error });
  }
  const keyBags = [
    ...(container.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag ?? '' })[forge.pki.oids.pkcs8ShroudedKeyBag ?? ''] ?? []),
    ...(container.getBags({ bagType: forge.pki.oids.keyBag ?? '' })[forge.pki.oids.keyBag ?? ''] ?? []),
  ];
  const certificateBags = container.getBags({ bagType: forge.pki.oids.certBag ?? '' })[forge.pki.oids.certBag ?? ''] ?? [];
  const keyBag = keyBags[0];
  if (keyBag === undefined) throw new AppError('PKCS12_INVALID', { reason: 'no private key' });
  const keyDer = keyBag.key ? derOf(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))) : keyBag.asn1 ? derOf(keyBag.asn1) : undefined;
  if (keyDer === undefined) throw new AppError('PKCS12_INVALID', { reason: 'unreadable private key' });
  const key = createPrivateKey({ key: Buffer.from(keyDer), format: 'der', type: 'pkcs8' });
  const certificates = certificateBags.flatMap((bag) => {
    if (bag.cert) return [derOf(forge.pki.certificateToAsn1(bag.cert))];
    return bag.asn1 ? [derOf(bag.asn1)] : [];
  });
  // The signer's certificate is the one whose public key matches the private key.
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const index = certificates.findIndex((der) => new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }).equals(publicKey));
  const certificate = certificates[index];
  if (certificate === undefined) throw new AppError('PKCS12_INVALID', { reason: 'no certificate for the private key' });
  return { key, certificate, chain: certificates.filter((_, position) => position !== index) };
}

/** A signer over a PKCS#12 file's key. */
export function openPkcs12Signer(bytes: Uint8Array, password: Uint8Array, rsaPadding: 'pkcs1' | 'pss' = 'pkcs1'): KeySigner {
  const contents = readPkcs12(bytes, password);
  return new KeySigner(contents.key, contents.certificate, contents.chain, rsaPadding);
}
