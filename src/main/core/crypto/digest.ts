/**
 * Streaming file digests: large chunks, the next read in flight while the current chunk is hashed
 * (reads run on libuv's pool, hashing on this thread), two buffers reused, so memory stays flat
 * whatever the file size. Progress is reported in bytes.
 */
import { AppError } from '../../../shared/errors';
import { assertUnchanged, fileError, openRegularFile, snapshotOf, type FileSnapshot } from '../files/regular-file';
import { createDigest, type DigestName } from './algorithms';

/** Progress of a long operation, in bytes. */
export interface ByteProgress {
  done: number;
  total: number;
}

export interface DigestFileOptions {
  digests?: readonly DigestName[];
  chunkSize?: number;
  onProgress?: (progress: ByteProgress) => void;
  signal?: AbortSignal;
}

const defaultChunkSize = 4 * 1024 * 1024;

export { fileError } from '../files/regular-file';

/**
 * Digests of a file's bytes (SHA-256 by default), keyed by digest name, plus its size and the
 * status it had while read. A file that changed while it was read (size, modification or change
 * time differ after the last byte) is refused with FILE_CHANGED: its digest names no version of it.
 */
export async function digestFile(path: string, options: DigestFileOptions = {}): Promise<{ digests: Map<DigestName, Uint8Array>; size: number; snapshot: FileSnapshot }> {
  const names = options.digests ?? ['sha256'];
  // Streebog (GOST R 34.11-2012) streams through its WebAssembly module like SHA-2 through node:crypto.
  const hashes = names.map((name) => createDigest(name));
  const chunkSize = options.chunkSize ?? defaultChunkSize;
  // One descriptor, checked to be a regular file: a device or a FIFO would never end or never start.
  const { handle, stats } = await openRegularFile(path);
  try {
    const before = await snapshotOf(handle);
    const total = stats.size;
    // Small files get small buffers: verifying a thousand 10 KB files must not allocate 8 MiB each.
    const bufferSize = Math.max(64 * 1024, Math.min(chunkSize, total + 1));
    const buffers = [Buffer.allocUnsafe(bufferSize), Buffer.allocUnsafe(bufferSize)];
    let position = 0;
    let current = 0;
    let pending = handle.read(buffers[0] as Buffer, 0, bufferSize, 0);
    let lastReport = 0;
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      position += bytesRead;
      const filled = buffers[current] as Buffer;
      current = 1 - current;
      // Start the next read before hashing this chunk: disk and CPU work side by side.
      pending = handle.read(buffers[current] as Buffer, 0, bufferSize, position);
      const view = filled.subarray(0, bytesRead);
      for (const hash of hashes) hash.update(view);
      if (options.signal?.aborted === true) {
        await pending.catch(() => undefined);
        throw new AppError('OPERATION_CANCELLED');
      }
      if (options.onProgress !== undefined && (position - lastReport >= 16 * bufferSize || position >= total)) {
        lastReport = position;
        options.onProgress({ done: position, total });
      }
    }
    await assertUnchanged(handle, path, before, position);
    const digests = new Map<DigestName, Uint8Array>();
    names.forEach((name, index) => digests.set(name, (hashes[index] ?? createDigest(name)).digest()));
    return { digests, size: position, snapshot: before };
  } catch (error) {
    throw error instanceof AppError ? error : fileError(error, path);
  } finally {
    await handle.close();
  }
}
