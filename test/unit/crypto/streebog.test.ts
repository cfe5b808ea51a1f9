import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStreebog, streebog, type StreebogBits } from '../../../src/main/core/crypto/streebog/streebog';

/**
 * RFC 6986 §10 prints messages and hash codes as hexadecimal numbers, most significant digit
 * first; as byte strings (file order, OpenSSL's order) they read backwards.
 */
function rfcNumberToBytes(printed: string): Buffer {
  return Buffer.from(printed.replace(/\s+/g, ''), 'hex').reverse();
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// §10.1, M1: 504 bits, the ASCII text "012345678901234567890123456789012345678901234567890123456789012".
const m1 = rfcNumberToBytes(`32313039383736353433323130393837 36353433323130393837363534333231
  30393837363534333231303938373635 343332313039383736353433323130`);
// §10.2, M2: 576 bits (more than one block).
const m2 = rfcNumberToBytes(`fbe2e5f0eee3c820fbeafaebef20fffb f0e1e0f0f520e0ed20e8ece0ebe5f0f2
  f120fff0eeec20f120faf2fee5e2202c e8f6f3ede220e8e6eee1e8f0f2d1202c e8f0f2e5e220e5d1`);

const examples: { name: string; message: Buffer; bits: StreebogBits; hash: string }[] = [
  {
    name: '§10.1.1 M1, 512 bits',
    message: m1,
    bits: 512,
    hash: `486f64c1917879417fef082b3381a4e2 11c324f074654c38823a7b76f830ad00
      fa1fbae42b1285c0352f227524bc9ab1 6254288dd6863dccd5b9f54a1ad0541b`,
  },
  { name: '§10.1.2 M1, 256 bits', message: m1, bits: 256, hash: '00557be5e584fd52a449b16b0251d05d 27f94ab76cbaa6da890b59d8ef1e159d' },
  {
    name: '§10.2.1 M2, 512 bits',
    message: m2,
    bits: 512,
    hash: `28fbc9bada033b1460642bdcddb90c3f b3e56c497ccd0f62b8a2ad4935e85f03
      7613966de4ee00531ae60f3b5a47f8da e06915d5f2f194996fcabf2622e6881e`,
  },
  { name: '§10.2.2 M2, 256 bits', message: m2, bits: 256, hash: '508f7e553c06501d749a66fc28c6cac0 b005746d97537fa85d9e40904efed29d' },
];

describe('Streebog (GOST R 34.11-2012) against the examples of RFC 6986', () => {
  it('reads M1 as the ASCII digits, i.e. the RFC number backwards', () => {
    expect(m1.toString('latin1')).toBe('012345678901234567890123456789012345678901234567890123456789012');
    expect(m2.length).toBe(72);
  });

  for (const example of examples) {
    it(`gives the hash code of ${example.name}, as a byte string`, () => {
      expect(hex(streebog(example.bits, example.message))).toBe(hex(rfcNumberToBytes(example.hash)));
    });
  }

  it('prints the 256-bit hash of M1 in the order OpenSSL prints it', () => {
    // `printf 0123…012 | openssl dgst -engine gost -md_gost12_256`
    expect(hex(streebog(256, m1))).toBe('9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500');
  });
});

describe('Streebog messages of every shape', () => {
  it('hashes the empty message', () => {
    // Step 3 alone: m = 0^511 || 1; values as OpenSSL's gost engine prints them for an empty file.
    expect(hex(streebog(256, new Uint8Array(0)))).toBe('3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb');
    expect(hex(streebog(512, new Uint8Array(0)))).toBe(
      '8e945da209aa869f0455928529bcae4679e9873ab707b55315f56ceb98bef0a7362f715528356ee83cda5f2aac4c6ad2ba3a715c1bcd81cb8e9f90bf4c1c1a8a',
    );
    expect(hex(createStreebog(256).update(new Uint8Array(0)).update(new Uint8Array(0)).digest())).toBe(hex(streebog(256, new Uint8Array(0))));
  });

  it('gives the same hash for a message of exactly one block streamed or whole (step 2 then an empty step 3)', () => {
    const block = randomBytes(64);
    expect(hex(createStreebog(512).update(block.subarray(0, 1)).update(block.subarray(1)).digest())).toBe(hex(streebog(512, block)));
    expect(hex(streebog(512, block))).not.toBe(hex(streebog(512, block.subarray(0, 63))));
  });

  for (const bits of [256, 512] as const) {
    it(`gives the same ${bits}-bit hash however the message is cut into chunks`, () => {
      const message = randomBytes(3 * 65536 + 1000);
      const whole = hex(streebog(bits, message));
      for (const sizes of [[1], [63, 1, 65], [7, 64, 129], [65535, 2], [65536], [65537, 3], [200_000]]) {
        const hasher = createStreebog(bits);
        let offset = 0;
        let turn = 0;
        while (offset < message.length) {
          const size = sizes[turn % sizes.length] as number;
          hasher.update(message.subarray(offset, offset + size));
          offset += size;
          turn += 1;
        }
        expect(hex(hasher.digest()), `chunks of ${sizes.join(', ')}`).toBe(whole);
      }
    });
  }

  it('keeps several hashes in progress at once apart', () => {
    const first = createStreebog(256);
    const second = createStreebog(512);
    const third = createStreebog(256);
    first.update(m1.subarray(0, 10));
    second.update(m2.subarray(0, 70));
    third.update(m2.subarray(0, 1));
    first.update(m1.subarray(10));
    third.update(m2.subarray(1));
    second.update(m2.subarray(70));
    expect(hex(first.digest())).toBe(hex(rfcNumberToBytes(examples[1]?.hash ?? '')));
    expect(hex(third.digest())).toBe(hex(rfcNumberToBytes(examples[3]?.hash ?? '')));
    expect(hex(second.digest())).toBe(hex(rfcNumberToBytes(examples[2]?.hash ?? '')));
  });

  it('refuses a second digest() and a length other than 256 or 512', () => {
    const hasher = createStreebog(256);
    hasher.digest();
    expect(() => hasher.digest()).toThrow(/already/);
    expect(() => hasher.update(m1)).toThrow(/already/);
    expect(() => createStreebog(384 as StreebogBits)).toThrow(/256 or 512/);
  });
});
