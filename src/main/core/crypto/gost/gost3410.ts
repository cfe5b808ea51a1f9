/**
 * GOST R 34.10-2012 digital signatures (RFC 7091), 256 and 512 bits, on every parameter set of
 * gost-params.ts. Point arithmetic is @noble/curves' short-Weierstrass machinery; the signature
 * equations of GOST R 34.10-2012 §6 are written here.
 *
 * Byte layouts, as OpenSSL's gost engine, CryptoPro CSP and tokens use them:
 * - the digest h (a Streebog hash code, byte string as streebog.ts returns it) is read as a
 *   little-endian integer: α = Σ h[i]·256^i, e = α mod q, e = 1 when 0 (RFC 7091 §6.1 step 2);
 * - the signature is s‖r, each half big-endian and as long as the key (32 or 64 bytes)
 *   (RFC 9215 §5; RFC 4491 §2.2.2 for certificates);
 * - the public key is the DER OCTET STRING of X‖Y, each little-endian (RFC 9215 §4, R 1323565.1.023);
 * - the private key in PKCS#8 is a little-endian OCTET STRING (what OpenSSL 3's gost engine
 *   writes), also accepted wrapped in a DER OCTET STRING or as a DER INTEGER (R 1323565.1.023 §5).
 */
import { randomBytes } from 'node:crypto';
import { weierstrass, type WeierstrassPoint, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { AppError } from '../../../../shared/errors';
import { octetString, objectIdentifier, readWhole, sequence, smallInteger, tlv } from '../asn1';
import { createStreebog } from '../streebog/streebog';
import { gostKeyOids, gostParameterSets, streebogOids, type GostCurveParameters } from './gost-params';

/** A curve ready for arithmetic. */
export interface GostCurve {
  parameters: GostCurveParameters;
  Point: WeierstrassPointCons<bigint>;
  /** Bytes of each coordinate and of each signature half: bits / 8. */
  size: number;
}

export interface GostPublicKey {
  readonly kind: 'gost';
  readonly curve: GostCurve;
  readonly point: WeierstrassPoint<bigint>;
  /** OID of the parameter set the key names. */
  readonly parameterSetOid: string;
}

export interface GostPrivateKey {
  readonly kind: 'gost-private';
  readonly curve: GostCurve;
  readonly d: bigint;
  readonly parameterSetOid: string;
  readonly publicKey: GostPublicKey;
}

const curves = new Map<GostCurveParameters, GostCurve>();

/** The curve of a parameter set (built once: noble precomputes tables for the base point). */
export function gostCurve(parameters: GostCurveParameters): GostCurve {
  let curve = curves.get(parameters);
  if (curve === undefined) {
    const Point = weierstrass({ p: parameters.p, n: parameters.q, h: parameters.h, a: parameters.a, b: parameters.b, Gx: parameters.x, Gy: parameters.y });
    curve = { parameters, Point, size: parameters.bits / 8 };
    curves.set(parameters, curve);
  }
  return curve;
}

/** The curve named by a parameter-set OID, or GOST_PARAMETERS_UNKNOWN. */
export function gostCurveByOid(oid: string): GostCurve {
  const parameters = gostParameterSets.get(oid);
  if (parameters === undefined) throw new AppError('INVALID_INPUT', { field: 'publicKeyParamSet', reason: `unknown GOST R 34.10-2012 parameter set ${oid}` });
  return gostCurve(parameters);
}

const mod = (value: bigint, modulus: bigint): bigint => {
  const rest = value % modulus;
  return rest < 0n ? rest + modulus : rest;
};

/** Modular inverse by the extended Euclidean algorithm (q is prime, v ≠ 0). */
function inverse(value: bigint, modulus: bigint): bigint {
  let [oldR, r] = [mod(value, modulus), modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return mod(oldS, modulus);
}

export function bigEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

export function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let index = bytes.length - 1; index >= 0; index -= 1) value = (value << 8n) | BigInt(bytes[index] ?? 0);
  return value;
}

export function bigIntToBigEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let index = length - 1; index >= 0; index -= 1) {
    out[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new RangeError(`integer does not fit in ${length} bytes`);
  return out;
}

export function bigIntToLittleEndian(value: bigint, length: number): Uint8Array {
  return bigIntToBigEndian(value, length).reverse();
}

/** e of RFC 7091 §6.1 step 2 from a hash code: little-endian integer mod q, 1 instead of 0. */
export function digestToE(curve: GostCurve, digest: Uint8Array): bigint {
  const e = mod(littleEndianToBigInt(digest), curve.parameters.q);
  return e === 0n ? 1n : e;
}

/** Q = dP (GOST R 34.10-2012 §6.1). */
export function gostPublicFromPrivate(curve: GostCurve, d: bigint, parameterSetOid: string): GostPublicKey {
  if (d <= 0n || d >= curve.parameters.q) throw new AppError('INVALID_INPUT', { field: 'privateKey', reason: 'GOST private key out of range 0 < d < q' });
  return { kind: 'gost', curve, point: curve.Point.BASE.multiply(d), parameterSetOid };
}

/**
 * Signature with a given k (RFC 7091 §6.1 steps 3–6): C = kP, r = x_C mod q, s = (rd + ke) mod q.
 * Returns undefined when r or s is 0 (the caller draws another k). Exposed for the standard's
 * example, where k is given; signing proper draws k at random (`gostSignDigest`).
 */
export function gostSignWithK(curve: GostCurve, d: bigint, e: bigint, k: bigint): { r: bigint; s: bigint } | undefined {
  const { q } = curve.parameters;
  const r = mod(curve.Point.BASE.multiply(k).x, q);
  if (r === 0n) return undefined;
  const s = mod(r * d + k * e, q);
  if (s === 0n) return undefined;
  return { r, s };
}

/** How often each public key point has verified; see `withTable`. */
const verifications = new WeakMap<WeierstrassPoint<bigint>, number>();
/** Uses after which a key gets its own table: it costs about eight plain multiplications once. */
const tableAfter = 8;

/**
 * The same point, with a window table (4-bit wNAF) for its multiplications once it has verified
 * `tableAfter` times. The verifier keeps the keys of the certificates it has seen, so a batch of
 * files by the same signer pays for the table once and then multiplies about four times faster;
 * a key seen once costs nothing extra. The base point P has noble's table from the start.
 */
function withTable(point: WeierstrassPoint<bigint>): WeierstrassPoint<bigint> {
  const count = (verifications.get(point) ?? 0) + 1;
  verifications.set(point, count);
  if (count === tableAfter) point.precompute(4, false);
  return point;
}

/**
 * Verification (RFC 7091 §6.2): 0 < r, s < q; v = e⁻¹ mod q; z1 = sv, z2 = −rv mod q;
 * C = z1·P + z2·Q; valid when x_C mod q = r. The scalars are public: variable-time multiplication is fine.
 */
export function gostVerifyRS(curve: GostCurve, point: WeierstrassPoint<bigint>, e: bigint, r: bigint, s: bigint): boolean {
  const { q } = curve.parameters;
  if (r <= 0n || r >= q || s <= 0n || s >= q) return false;
  const v = inverse(e, q);
  const z1 = mod(s * v, q);
  const z2 = mod(-r * v, q);
  try {
    const c = curve.Point.BASE.multiplyUnsafe(z1).add(withTable(point).multiplyUnsafe(z2));
    if (c.is0()) return false;
    return mod(c.x, q) === r;
  } catch {
    return false;
  }
}

/** A uniformly random k, 0 < k < q, by rejection sampling over node:crypto's CSPRNG. */
function randomScalar(q: bigint): bigint {
  const bits = q.toString(2).length;
  const length = Math.ceil(bits / 8);
  const excess = BigInt(length * 8 - bits);
  for (;;) {
    const k = bigEndianToBigInt(randomBytes(length)) >> excess;
    if (k > 0n && k < q) return k;
  }
}

/** Signs a hash code; the value is s‖r, big-endian halves (RFC 7091 §6.1, RFC 9215 §5). */
export function gostSignDigest(key: GostPrivateKey, digest: Uint8Array): Uint8Array {
  const { curve } = key;
  if (digest.length !== curve.size) throw new AppError('INVALID_INPUT', { field: 'digest', reason: `GOST R 34.11-2012 hash of ${curve.size} bytes expected` });
  const e = digestToE(curve, digest);
  for (;;) {
    const signed = gostSignWithK(curve, key.d, e, randomScalar(curve.parameters.q));
    if (signed !== undefined) return encodeSignature(curve, signed.r, signed.s);
  }
}

export function encodeSignature(curve: GostCurve, r: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(curve.size * 2);
  out.set(bigIntToBigEndian(s, curve.size), 0);
  out.set(bigIntToBigEndian(r, curve.size), curve.size);
  return out;
}

/** Verifies s‖r over a hash code. A value of the wrong length is simply invalid. */
export function gostVerifyDigest(key: GostPublicKey, digest: Uint8Array, signature: Uint8Array): boolean {
  const { curve } = key;
  if (signature.length !== curve.size * 2 || digest.length !== curve.size) return false;
  const s = bigEndianToBigInt(signature.subarray(0, curve.size));
  const r = bigEndianToBigInt(signature.subarray(curve.size));
  return gostVerifyRS(curve, key.point, digestToE(curve, digest), r, s);
}

/** Streebog of the key's size (RFC 9215 §3: 256-bit keys with Streebog-256, 512 with 512). */
export function streebogFor(key: { curve: GostCurve }, data: Uint8Array): Uint8Array {
  return createStreebog(key.curve.parameters.bits).update(data).digest();
}

/** GOST R 34.10-2012 with GOST R 34.11-2012 over data (hashes with the key-sized Streebog). */
export function gostVerify(key: GostPublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  return gostVerifyDigest(key, streebogFor(key, data), signature);
}

export function gostSign(key: GostPrivateKey, data: Uint8Array): Uint8Array {
  return gostSignDigest(key, streebogFor(key, data));
}

/** Builds a public key from X‖Y little-endian (the OCTET STRING's content); refuses points off the curve. */
export function gostPublicKeyFromXY(parameterSetOid: string, xy: Uint8Array): GostPublicKey {
  const curve = gostCurveByOid(parameterSetOid);
  if (xy.length !== curve.size * 2) throw new AppError('INVALID_INPUT', { field: 'publicKey', reason: `GOST public key of ${curve.size * 2} bytes expected, got ${xy.length}` });
  const x = littleEndianToBigInt(xy.subarray(0, curve.size));
  const y = littleEndianToBigInt(xy.subarray(curve.size));
  let point: WeierstrassPoint<bigint>;
  try {
    point = curve.Point.fromAffine({ x, y });
    point.assertValidity(); // on the curve, not the neutral point, in the subgroup of order q
  } catch (error) {
    throw new AppError('INVALID_INPUT', { field: 'publicKey', reason: 'GOST public key is not a point of its curve' }, { cause: error });
  }
  return { kind: 'gost', curve, point, parameterSetOid };
}

/** X‖Y little-endian of a public key. */
export function gostPublicKeyXY(key: GostPublicKey): Uint8Array {
  const out = new Uint8Array(key.curve.size * 2);
  out.set(bigIntToLittleEndian(key.point.x, key.curve.size), 0);
  out.set(bigIntToLittleEndian(key.point.y, key.curve.size), key.curve.size);
  return out;
}

/** Key algorithm OIDs that carry GOST R 34.10-2012 keys. */
export const isGostKeyOid = (oid: string): boolean => oid === gostKeyOids.gost2012_256 || oid === gostKeyOids.gost2012_512;

/**
 * GostR3410-2012-PublicKeyParameters (RFC 9215 §4): SEQUENCE { publicKeyParamSet OID,
 * digestParamSet OID OPTIONAL }. Returns the parameter set.
 */
function parameterSetFrom(keyOid: string, parameters: Uint8Array | undefined): string {
  if (parameters === undefined) throw new AppError('INVALID_INPUT', { field: 'publicKeyParamSet', reason: 'GOST key without parameters' });
  const { reader, root } = readWhole(parameters);
  const [paramSet] = reader.children(reader.expect(root, 0x30, 'GostR3410-2012-PublicKeyParameters'));
  const oid = reader.oid(reader.expect(paramSet, 0x06, 'publicKeyParamSet'));
  const curve = gostCurveByOid(oid);
  const expectedBits = keyOid === gostKeyOids.gost2012_512 ? 512 : 256;
  if (curve.parameters.bits !== expectedBits) throw new AppError('INVALID_INPUT', { field: 'publicKeyParamSet', reason: `parameter set ${oid} does not fit a ${expectedBits}-bit key` });
  return oid;
}

/** A GOST public key from SubjectPublicKeyInfo DER (RFC 9215 §4); undefined for other algorithms. */
export function gostPublicKeyFromSpki(spki: Uint8Array): GostPublicKey | undefined {
  const { reader, root } = readWhole(spki);
  const [algorithm, bits] = reader.children(reader.expect(root, 0x30, 'SubjectPublicKeyInfo'));
  const [oidNode, parametersNode] = reader.children(reader.expect(algorithm, 0x30, 'AlgorithmIdentifier'));
  const keyOid = reader.oid(reader.expect(oidNode, 0x06, 'algorithm'));
  if (!isGostKeyOid(keyOid)) return undefined;
  const parameterSetOid = parameterSetFrom(keyOid, parametersNode && reader.raw(parametersNode));
  const bitString = reader.content(reader.expect(bits, 0x03, 'subjectPublicKey'));
  if (bitString[0] !== 0) throw new AppError('INVALID_INPUT', { field: 'publicKey', reason: 'GOST public key BIT STRING with unused bits' });
  const inner = readWhole(bitString.subarray(1));
  return gostPublicKeyFromXY(parameterSetOid, inner.reader.content(inner.reader.expect(inner.root, 0x04, 'GostR3410-2012-PublicKey')));
}

/** SubjectPublicKeyInfo DER of a key (parameters with the digest OID for 256-bit keys, RFC 9215 §4). */
export function gostSpki(key: GostPublicKey): Uint8Array {
  const bits = key.curve.parameters.bits;
  const keyOid = bits === 512 ? gostKeyOids.gost2012_512 : gostKeyOids.gost2012_256;
  const parameters = bits === 512 ? sequence(objectIdentifier(key.parameterSetOid)) : sequence(objectIdentifier(key.parameterSetOid), objectIdentifier(streebogOids.streebog256));
  const inner = octetString(gostPublicKeyXY(key));
  return new Uint8Array(sequence(sequence(objectIdentifier(keyOid), parameters), tlv(0x03, Buffer.from([0]), inner)));
}

function privateScalar(curve: GostCurve, bytes: Uint8Array): bigint {
  // The bare little-endian octets, as OpenSSL 3's gost engine writes them.
  if (bytes.length === curve.size) return littleEndianToBigInt(bytes);
  const { reader, root } = readWhole(bytes);
  if (root.tag === 0x04) return littleEndianToBigInt(reader.content(root));
  if (root.tag === 0x02) return bigEndianToBigInt(reader.unsigned(root));
  throw new AppError('INVALID_INPUT', { field: 'privateKey', reason: 'GOST private key is neither an OCTET STRING nor an INTEGER' });
}

/** A GOST private key from an unencrypted PKCS#8 PrivateKeyInfo (DER); undefined for other algorithms. */
export function gostPrivateKeyFromPkcs8(der: Uint8Array): GostPrivateKey | undefined {
  const { reader, root } = readWhole(der);
  const [version, algorithm, privateKey] = reader.children(reader.expect(root, 0x30, 'PrivateKeyInfo'));
  reader.expect(version, 0x02, 'version');
  const [oidNode, parametersNode] = reader.children(reader.expect(algorithm, 0x30, 'privateKeyAlgorithm'));
  const keyOid = reader.oid(reader.expect(oidNode, 0x06, 'algorithm'));
  if (!isGostKeyOid(keyOid)) return undefined;
  const parameterSetOid = parameterSetFrom(keyOid, parametersNode && reader.raw(parametersNode));
  const curve = gostCurveByOid(parameterSetOid);
  const d = privateScalar(curve, reader.content(reader.expect(privateKey, 0x04, 'privateKey')));
  return { kind: 'gost-private', curve, d, parameterSetOid, publicKey: gostPublicFromPrivate(curve, d, parameterSetOid) };
}

/** PKCS#8 PrivateKeyInfo DER of a key, as the gost engine writes it (bare little-endian octets). */
export function gostPkcs8(key: GostPrivateKey): Uint8Array {
  const bits = key.curve.parameters.bits;
  const keyOid = bits === 512 ? gostKeyOids.gost2012_512 : gostKeyOids.gost2012_256;
  const parameters = bits === 512 ? sequence(objectIdentifier(key.parameterSetOid)) : sequence(objectIdentifier(key.parameterSetOid), objectIdentifier(streebogOids.streebog256));
  return new Uint8Array(sequence(smallInteger(0), sequence(objectIdentifier(keyOid), parameters), octetString(bigIntToLittleEndian(key.d, key.curve.size))));
}

/** A fresh key on a parameter set (tests and the training stand). */
export function generateGostKey(parameterSetOid: string): GostPrivateKey {
  const curve = gostCurveByOid(parameterSetOid);
  const d = randomScalar(curve.parameters.q);
  return { kind: 'gost-private', curve, d, parameterSetOid, publicKey: gostPublicFromPrivate(curve, d, parameterSetOid) };
}
