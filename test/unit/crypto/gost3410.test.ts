import { describe, expect, it } from 'vitest';
import { gostParameterSets } from '../../../src/main/core/crypto/gost/gost-params';
import {
  bigIntToBigEndian,
  digestToE,
  encodeSignature,
  generateGostKey,
  gostCurve,
  gostPkcs8,
  gostPrivateKeyFromPkcs8,
  gostPublicFromPrivate,
  gostPublicKeyFromSpki,
  gostSignDigest,
  gostSignWithK,
  gostSpki,
  gostVerifyDigest,
  gostVerifyRS,
} from '../../../src/main/core/crypto/gost/gost3410';

const hex = (value: string): bigint => BigInt(`0x${value}`);

/**
 * GOST R 34.10-2012 Appendix A, reproduced in RFC 7091 §7.1: the 256-bit test curve
 * (id-GostR3410-2001-TestParamSet, 1.2.643.2.2.35.0), e given as an integer, k fixed.
 */
const example256 = {
  curve: gostCurve({
    name: 'GOST R 34.10-2012 A.1 example',
    bits: 256,
    p: hex('8000000000000000000000000000000000000000000000000000000000000431'),
    a: 7n,
    b: hex('5FBFF498AA938CE739B8E022FBAFEF40563F6E6A3472FC2A514C0CE9DAE23B7E'),
    q: hex('8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3'),
    x: 2n,
    y: hex('08E2A8A0E65147D4BD6316030E16D19C85C97F0A9CA267122B96ABBCEA7E8FC8'),
    h: 1n,
  }),
  d: hex('7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28'),
  qx: hex('7F2B49E270DB6D90D8595BEC458B50C58585BA1D4E9B788F6689DBD8E56FD80B'),
  qy: hex('26F1B489D6701DD185C8413A977B3CBBAF64D1C593D26627DFFB101A87FF77DA'),
  e: hex('2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5'),
  k: hex('77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3'),
  r: hex('41AA28D2F1AB148280CD9ED56FEDA41974053554A42767B83AD043FD39DC0493'),
  s: hex('01456C64BA4642A1653C235A98A60249BCD6D3F746B631DF928014F6C5BF9C40'),
};

/** GOST R 34.10-2012 Appendix A.2, RFC 7091 §7.2: the 512-bit test curve. */
const example512 = {
  curve: gostCurve({
    name: 'GOST R 34.10-2012 A.2 example',
    bits: 512,
    p: 3623986102229003635907788753683874306021320925534678605086546150450856166624002482588482022271496854025090823603058735163734263822371964987228582907372403n,
    a: 7n,
    b: 1518655069210828534508950034714043154928747527740206436194018823352809982443793732829756914785974674866041605397883677596626326413990136959047435811826396n,
    q: 3623986102229003635907788753683874306021320925534678605086546150450856166623969164898305032863068499961404079437936585455865192212970734808812618120619743n,
    x: 1928356944067022849399309401243137598997786635459507974357075491307766592685835441065557681003184874819658004903212332884252335830250729527632383493573274n,
    y: 2288728693371972859970012155529478416353562327329506180314497425931102860301572814141997072271708807066593850650334152381857347798885864807605098724013854n,
    h: 1n,
  }),
  d: hex('0BA6048AADAE241BA40936D47756D7C93091A0E8514669700EE7508E508B102072E8123B2200A0563322DAD2827E2714A2636B7BFD18AADFC62967821FA18DD4'),
  e: hex('3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C5917184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C'),
  k: hex('0359E7F4B1410FEACC570456C6801496946312120B39D019D455986E364F365886748ED7A44B3E794434006011842286212273A6D14CF70EA3AF71BB1AE679F1'),
  r: hex('2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD35492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36'),
  s: hex('1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A'),
};

describe('GOST R 34.10-2012: the standard’s examples (RFC 7091 §7)', () => {
  it('derives Q and produces (r, s) of the 256-bit example with its k, and verifies it', () => {
    const { curve, d, e, k, r, s } = example256;
    const publicKey = gostPublicFromPrivate(curve, d, 'example');
    expect(publicKey.point.x).toBe(example256.qx);
    expect(publicKey.point.y).toBe(example256.qy);
    expect(gostSignWithK(curve, d, e, k)).toEqual({ r, s });
    expect(gostVerifyRS(curve, publicKey.point, e, r, s)).toBe(true);
    expect(gostVerifyRS(curve, publicKey.point, e + 1n, r, s)).toBe(false);
    expect(gostVerifyRS(curve, publicKey.point, e, r, s + 1n)).toBe(false);
  });

  it('produces (r, s) of the 512-bit example with its k, and verifies it', () => {
    const { curve, d, e, k, r, s } = example512;
    const publicKey = gostPublicFromPrivate(curve, d, 'example');
    expect(gostSignWithK(curve, d, e, k)).toEqual({ r, s });
    expect(gostVerifyRS(curve, publicKey.point, e, r, s)).toBe(true);
    expect(gostVerifyRS(curve, publicKey.point, e, s, r)).toBe(false);
  });

  it('reads the digest as a little-endian integer and lays the value out as s‖r, big-endian halves', () => {
    const { curve, d, e, r, s } = example256;
    const publicKey = gostPublicFromPrivate(curve, d, 'example');
    // The hash code whose little-endian reading is e: e's big-endian bytes reversed.
    const digest = bigIntToBigEndian(e, 32).reverse();
    expect(digestToE(curve, digest)).toBe(e);
    const value = encodeSignature(curve, r, s);
    expect(Buffer.from(value).toString('hex')).toBe('01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40' + '41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493');
    expect(gostVerifyDigest(publicKey, digest, value)).toBe(true);
    expect(gostVerifyDigest(publicKey, bigIntToBigEndian(e, 32), value)).toBe(false);
  });

  it('takes e = 1 when the digest is 0 mod q (RFC 7091 §6.1 step 2)', () => {
    expect(digestToE(example256.curve, new Uint8Array(32))).toBe(1n);
  });
});

describe('GOST R 34.10-2012 parameter sets', () => {
  for (const [oid, parameters] of gostParameterSets) {
    it(`${parameters.name} (${oid}): P lies on the curve with order q; random keys sign and verify; keys round-trip`, () => {
      const curve = gostCurve(parameters);
      const { p, a, b, x, y } = parameters;
      expect((y * y - (x * x * x + a * x + b)) % p).toBe(0n);
      expect(curve.Point.BASE.multiplyUnsafe(parameters.q - 1n).add(curve.Point.BASE).is0()).toBe(true);
      const key = generateGostKey(oid);
      const digest = new Uint8Array(curve.size).map((_, index) => index * 7 + 1);
      const value = gostSignDigest(key, digest);
      expect(value).toHaveLength(curve.size * 2);
      expect(gostVerifyDigest(key.publicKey, digest, value)).toBe(true);
      digest[0] = (digest[0] ?? 0) ^ 1;
      expect(gostVerifyDigest(key.publicKey, digest, value)).toBe(false);
      const reread = gostPrivateKeyFromPkcs8(gostPkcs8(key));
      expect(reread?.d).toBe(key.d);
      expect(gostPublicKeyFromSpki(gostSpki(key.publicKey))?.point.equals(key.publicKey.point)).toBe(true);
    });
  }
});
