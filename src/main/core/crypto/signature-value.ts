/**
 * Encodings of signature values between what tokens return and what CMS carries.
 */
import { digestBytes, digestOids, type DigestName, type SignatureAlgorithm } from './algorithms';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derInteger(unsigned: Uint8Array): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start += 1;
  const trimmed = Buffer.from(unsigned.subarray(start));
  // A leading 1 bit would read as negative: prefix a zero byte (X.690 §8.3).
  const body = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}

/** PKCS#11 ECDSA output r‖s (two equal halves) → DER `ECDSA-Sig-Value` (RFC 5753 §2.1.1, RFC 3279). */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError(`ECDSA value of odd length ${raw.length}`);
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]));
}

/** The token's raw output encoded as `SignerInfo.signature` wants it. */
export function encodeSignatureValue(algorithm: SignatureAlgorithm, raw: Uint8Array): Uint8Array {
  return algorithm.valueEncoding === 'ecdsa-r-s-to-der' ? ecdsaRawToDer(raw) : raw;
}

/** DER `DigestInfo` for CKM_RSA_PKCS over a precomputed digest (RFC 8017 §9.2). */
export function digestInfo(digest: DigestName, hash: Uint8Array): Uint8Array {
  const oid = digestOids[digest].split('.').map(Number);
  const oidBody: number[] = [40 * (oid[0] ?? 0) + (oid[1] ?? 0)];
  for (const arc of oid.slice(2)) {
    const bytes = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) bytes.unshift((rest & 0x7f) | 0x80);
    oidBody.push(...bytes);
  }
  const algorithmIdentifier = Buffer.concat([Buffer.from([0x06, oidBody.length, ...oidBody]), Buffer.from([0x05, 0x00])]);
  const algorithm = Buffer.concat([Buffer.from([0x30]), derLength(algorithmIdentifier.length), algorithmIdentifier]);
  const octets = Buffer.concat([Buffer.from([0x04]), derLength(hash.length), Buffer.from(hash)]);
  const body = Buffer.concat([algorithm, octets]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]));
}

/** Hash of bytes with a named digest. */
export function digestOf(digest: DigestName, bytes: Uint8Array): Uint8Array {
  return digestBytes(digest, bytes);
}
