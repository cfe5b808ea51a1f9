/**
 * The Streebog bench's hashing program: `node streebog-hash.cjs <256|512> <file>` prints the
 * GOST R 34.11-2012 hash of the file in hex. The bench bundles it with esbuild as scripts/build.mjs
 * bundles the app (module bytes embedded), so it measures what the app runs.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createStreebog } from '../src/main/core/crypto/streebog/streebog';

const [bitsText, file] = process.argv.slice(2);
const bits = bitsText === '512' ? 512 : 256;
if (file === undefined) throw new Error('usage: streebog-hash <256|512> <file>');
const hasher = createStreebog(bits);
// 4 MiB reads, the app's file-digest chunk (digest.ts)
const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
const descriptor = openSync(file, 'r');
for (;;) {
  const read = readSync(descriptor, buffer, 0, buffer.length, null);
  if (read === 0) break;
  hasher.update(buffer.subarray(0, read));
}
closeSync(descriptor);
process.stdout.write(`${Buffer.from(hasher.digest()).toString('hex')}\n`);
