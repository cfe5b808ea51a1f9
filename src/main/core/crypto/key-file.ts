/**
 * Signing with a private key file and its certificate (CI signing without a token): PKCS#8 in PEM
 * or DER, plain or encrypted (PBES2, RFC 8018 §6.2), GOST R 34.10-2012 keys as OpenSSL's gost engine
 * writes them, and RSA/EC keys through node:crypto. The certificate file (DER or PEM) gives the
 * signer's certificate — the one whose public key is the key's — and any others become the chain.
 */
import { createDecipheriv, createPrivateKey, createPublicKey, pbkdf2Sync, X509Certificate } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { Signer } from './algorithms';
import { readWhole } from './asn1';
import { bigEndianToBigInt, gostPrivateKeyFromPkcs8, gostPublicKeyFromSpki } from './gost/gost3410';
import { GostKeySigner, KeySigner } from './key-signer';
import { parseCertificate, pemBlocks } from './x509';

const pbes2Oid = '1.2.840.113549.1.5.13';
const pbkdf2Oid = '1.2.840.113549.1.5.12';
/** PBKDF2 PRFs (RFC 8018 Appendix B.1); HMAC-SHA1 is the DEFAULT. */
const prfDigests: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
/** AES-CBC encryption schemes (NIST CSOR; RFC 8018 Appendix B.2.5). */
const aesCiphers: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
};

function derOfKey(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  const [pem] = [...pemBlocks(text, 'ENCRYPTED PRIVATE KEY'), ...pemBlocks(text, 'PRIVATE KEY')];
  return pem ?? bytes;
}

/** EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2, or undefined when the DER is not one. */
function encryptedInfo(der: Uint8Array): { algorithm: string; parameters: Uint8Array; data: Uint8Array } | undefined {
  try {
    const { reader, root } = readWhole(der);
    const [algorithm, data] = reader.children(reader.expect(root, 0x30, 'EncryptedPrivateKeyInfo'));
    if (algorithm?.tag !== 0x30 || data?.tag !== 0x04) return undefined;
    const [oid, parameters] = reader.children(algorithm);
    return { algorithm: reader.oid(reader.expect(oid, 0x06, 'encryptionAlgorithm')), parameters: reader.raw(reader.expect(parameters, 0x30, 'parameters')), data: reader.content(data) };
  } catch {
    return undefined;
  }
}

/** PBES2 decryption (RFC 8018 §6.2.2) with PBKDF2 and AES-CBC, the scheme OpenSSL 3 writes by default. */
function decryptPbes2(info: { algorithm: string; parameters: Uint8Array; data: Uint8Array }, password: Uint8Array): Uint8Array {
  if (info.algorithm !== pbes2Oid) throw new AppError('INVALID_INPUT', { field: 'key', reason: `key encryption ${info.algorithm} is not supported: re-encrypt the key with PBES2/AES (openssl pkcs8 -topk8 -v2 aes-256-cbc)` });
  const { reader, root } = readWhole(info.parameters);
  const [kdf, scheme] = reader.children(reader.expect(root, 0x30, 'PBES2-params'));
  const [kdfOid, kdfParameters] = reader.children(reader.expect(kdf, 0x30, 'keyDerivationFunc'));
  if (reader.oid(reader.expect(kdfOid, 0x06, 'kdf')) !== pbkdf2Oid) throw new AppError('INVALID_INPUT', { field: 'key', reason: 'only PBKDF2 key derivation is supported' });
  const fields = reader.children(reader.expect(kdfParameters, 0x30, 'PBKDF2-params'));
  const salt = reader.content(reader.expect(fields[0], 0x04, 'salt'));
  const iterations = Number(bigEndianToBigInt(reader.unsigned(reader.expect(fields[1], 0x02, 'iterationCount'))));
  // A hostile file must not keep the signer busy for hours (OpenSSL writes 2048 by default).
  if (iterations < 1 || iterations > 10_000_000) throw new AppError('INVALID_INPUT', { field: 'key', reason: `PBKDF2 iteration count ${iterations} out of range` });
  const prfNode = fields.slice(2).find((field) => field.tag === 0x30);
  const prf = prfNode === undefined ? 'sha1' : prfDigests[reader.oid(reader.expect(reader.children(prfNode)[0], 0x06, 'prf'))];
  const [schemeOid, ivNode] = reader.children(reader.expect(scheme, 0x30, 'encryptionScheme'));
  const cipher = aesCiphers[reader.oid(reader.expect(schemeOid, 0x06, 'encryptionScheme'))];
  if (prf === undefined || cipher === undefined) throw new AppError('INVALID_INPUT', { field: 'key', reason: 'key encrypted with an unsupported PRF or cipher: re-encrypt it with PBES2/AES (openssl pkcs8 -topk8 -v2 aes-256-cbc)' });
  const key = pbkdf2Sync(Buffer.from(password), Buffer.from(salt), iterations, cipher.keyLength, prf);
  try {
    const decipher = createDecipheriv(cipher.name, key, Buffer.from(reader.content(reader.expect(ivNode, 0x04, 'iv'))));
    return new Uint8Array(Buffer.concat([decipher.update(info.data), decipher.final()]));
  } catch (error) {
    // A wrong password shows as bad padding (or, rarely, as garbage that is not a PrivateKeyInfo).
    throw new AppError('KEY_FILE_PASSWORD_INCORRECT', undefined, { cause: error });
  } finally {
    key.fill(0);
  }
}

/** Certificates from a file's bytes: every CERTIFICATE block of a PEM, or one DER certificate. */
export function certificatesFromFile(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  return text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text, 'CERTIFICATE') : [bytes];
}

/**
 * A Signer over a key file and a certificate file. `password` is asked only for an encrypted key;
 * its buffer is wiped after use. The certificate whose public key is the key's is the signer's.
 */
export async function openKeyFileSigner(keyBytes: Uint8Array, certificateBytes: Uint8Array, password: () => Promise<Uint8Array>, rsaPadding: 'pkcs1' | 'pss' = 'pkcs1'): Promise<Signer> {
  let der = derOfKey(keyBytes);
  const encrypted = encryptedInfo(der);
  if (encrypted !== undefined) {
    const secret = await password();
    try {
      der = decryptPbes2(encrypted, secret);
    } finally {
      secret.fill(0);
    }
  }
  const certificates = certificatesFromFile(certificateBytes);
  let gostKey;
  try {
    gostKey = gostPrivateKeyFromPkcs8(der);
  } catch (error) {
    if (encrypted !== undefined) throw new AppError('KEY_FILE_PASSWORD_INCORRECT', undefined, { cause: error });
    throw error instanceof AppError ? error : new AppError('INVALID_INPUT', { field: 'key', reason: 'not a PKCS#8 private key' }, { cause: error });
  }
  if (gostKey !== undefined) {
    const key = gostKey;
    const index = certificates.findIndex((certificate) => {
      try {
        const parsed = parseCertificate(certificate);
        return gostPublicKeyFromSpki(parsed.reader.raw(parsed.subjectPublicKeyInfo))?.point.equals(key.publicKey.point) === true;
      } catch {
        return false;
      }
    });
    const certificate = certificates[index];
    if (certificate === undefined) throw new AppError('CERT_NOT_FOUND', { reason: 'no certificate in the certificate file has the key’s public key' });
    return new GostKeySigner(key, certificate, certificates.filter((_, position) => position !== index));
  }
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new AppError('INVALID_INPUT', { field: 'key', reason: 'unreadable private key' }, { cause: error });
  }
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const index = certificates.findIndex((certificate) => {
    try {
      return new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' }).equals(spki);
    } catch {
      return false;
    }
  });
  const certificate = certificates[index];
  if (certificate === undefined) throw new AppError('CERT_NOT_FOUND', { reason: 'no certificate in the certificate file has the key’s public key' });
  return new KeySigner(privateKey, certificate, certificates.filter((_, position) => position !== index), rsaPadding);
}
