import { randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreebog } from '../../../src/main/core/crypto/streebog/streebog';
import { findOpensslGost, opensslStreebogHex } from '../../support/openssl-gost';

const openssl = findOpensslGost();
const unavailable = 'unavailable' in openssl ? openssl.unavailable : undefined;
let dir: string;

/** A file of random bytes written in 16 MiB pieces. */
function writeRandomFile(file: string, size: number): void {
  const piece = Buffer.alloc(16 * 1024 * 1024);
  const descriptor = openSync(file, 'w');
  for (let written = 0; written < size; written += piece.length) {
    randomFillSync(piece);
    writeSync(descriptor, piece, 0, Math.min(piece.length, size - written));
  }
  closeSync(descriptor);
}

/** Our Streebog of a file, streamed in 4 MiB reads like the app's file digests. */
function streebogFile(bits: 256 | 512, file: string): string {
  const hasher = createStreebog(bits);
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  const descriptor = openSync(file, 'r');
  try {
    for (;;) {
      const read = readSync(descriptor, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hasher.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(descriptor);
  }
  return Buffer.from(hasher.digest()).toString('hex');
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-streebog-'));
  if (unavailable !== undefined) process.stdout.write(`streebog-openssl: skipped, ${unavailable}\n`);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('Streebog agrees with openssl dgst and the gost engine', () => {
  const files = [
    { name: '64 MiB random file', size: 64 * 1024 * 1024 },
    { name: 'random file of 1 MiB + 37 bytes (a partial last block)', size: 1024 * 1024 + 37 },
  ];
  for (const { name, size } of files) {
    it(`gives the same 256- and 512-bit hashes of a ${name}`, (context) => {
      if (unavailable !== undefined || 'unavailable' in openssl) {
        context.skip(unavailable);
        return;
      }
      const file = path.join(dir, `random-${size}.bin`);
      writeRandomFile(file, size);
      for (const bits of [256, 512] as const) {
        const ours = streebogFile(bits, file);
        expect(ours).toHaveLength(bits / 4);
        expect(ours, `md_gost12_${bits}`).toBe(opensslStreebogHex(openssl, bits, file));
      }
      rmSync(file);
    }, 180_000);
  }
});
