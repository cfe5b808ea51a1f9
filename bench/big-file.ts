/**
 * The big input file the hashing and signing benches share: random 16 MiB blocks (each a little
 * different, so nothing can deduplicate them), written without holding the file in memory.
 */
import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes `megabytes` MiB of random bytes to `file`. */
export function writeRandomFile(file: string, megabytes: number): void {
  const chunk = randomFillSync(Buffer.alloc(16 * 1024 * 1024));
  const descriptor = openSync(file, 'w');
  try {
    for (let written = 0; written < megabytes; written += 16) {
      chunk[0] = written & 0xff;
      writeSync(descriptor, chunk, 0, Math.min(16, megabytes - written) * 1024 * 1024);
    }
  } finally {
    closeSync(descriptor);
  }
}
