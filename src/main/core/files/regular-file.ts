/**
 * Every file the user names is opened once and read through that one descriptor: opened without
 * blocking (a FIFO would otherwise hang the open itself until a writer comes), checked with fstat
 * on the descriptor to be a regular file, and read with a cap. A device (/dev/zero reports size 0
 * and never ends), a FIFO, a socket or a folder is refused with FILE_NOT_REGULAR; nothing is read
 * by path after the check, so the thing checked is the thing read (no check-then-open race).
 */
import { close, constants, fstat, open as openDescriptor, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';

/** Cap for the small inputs read whole (certificates, CRLs, key files, forms). */
export const smallInputLimit = 64 * 1024 * 1024;

/** Maps file-system failures to the user's errors. */
export function fileError(error: unknown, path: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new AppError('FILE_NOT_FOUND', { path }, { cause: error });
  return new AppError('FILE_UNREADABLE', { path, reason: code }, { cause: error });
}

/** What kind of file system object `stats` describes, for the refusal's details. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'directory';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isCharacterDevice()) return 'character-device';
  if (stats.isBlockDevice()) return 'block-device';
  if (stats.isSocket()) return 'socket';
  return 'other';
}

/** An open regular file and its status at opening. */
export interface OpenedFile {
  handle: FileHandle;
  stats: Stats;
}

/** Opens `path` for reading without blocking and makes sure it is a regular file (fstat on the descriptor). */
export async function openRegularFile(path: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer (POSIX open(2)); it changes
    // nothing for a regular file. Windows has no such flag (and no FIFOs at a path).
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw fileError(error, path);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new AppError('FILE_NOT_REGULAR', { path, kind: kindOf(stats) });
    return { handle, stats };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw fileError(error, path);
  }
}

/**
 * Like `openRegularFile`, for a library that takes a plain descriptor and closes it itself
 * (yauzl.fromFd): a FileHandle would close the number again when collected.
 */
export async function openRegularDescriptor(path: string): Promise<{ fd: number; stats: Stats }> {
  let fd: number;
  try {
    fd = await promisify(openDescriptor)(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw fileError(error, path);
  }
  try {
    const stats = await promisify(fstat)(fd);
    if (!stats.isFile()) throw new AppError('FILE_NOT_REGULAR', { path, kind: kindOf(stats) });
    return { fd, stats };
  } catch (error) {
    close(fd, () => undefined);
    throw fileError(error, path);
  }
}

/** What tells that a file changed: the same inode, size, modification and change times. */
export interface FileSnapshot {
  dev: number;
  ino: number;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** The snapshot of an open file's status (nanosecond times where the file system keeps them). */
export async function snapshotOf(handle: FileHandle): Promise<FileSnapshot> {
  const stats = await handle.stat({ bigint: true });
  return { dev: Number(stats.dev), ino: Number(stats.ino), size: Number(stats.size), mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs };
}

/**
 * Refuses with FILE_CHANGED when the open file's status differs from `before`: a file written
 * to, truncated or appended while it was read would be signed over bytes it no longer holds.
 */
export async function assertUnchanged(handle: FileHandle, path: string, before: FileSnapshot, bytesRead?: number): Promise<void> {
  const after = await snapshotOf(handle);
  const changed =
    after.dev !== before.dev || after.ino !== before.ino || after.size !== before.size || after.mtimeNs !== before.mtimeNs || after.ctimeNs !== before.ctimeNs || (bytesRead !== undefined && bytesRead !== before.size);
  if (changed) throw new AppError('FILE_CHANGED', { path, sizeBefore: before.size, sizeAfter: after.size });
}

/** Reads a whole regular file of at most `limit` bytes through one descriptor. */
export async function readRegularFile(path: string, limit: number): Promise<Buffer> {
  const { handle, stats } = await openRegularFile(path);
  try {
    const before = await snapshotOf(handle);
    if (stats.size > limit) throw new AppError('FILE_TOO_LARGE', { path, size: stats.size, limit });
    // A file that grows while it is read stops at the cap, one byte past it tells it grew too far.
    let buffer = Buffer.allocUnsafe(Math.min(stats.size, limit) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        if (length > limit) throw new AppError('FILE_TOO_LARGE', { path, size: length, limit });
        buffer = Buffer.concat([buffer, Buffer.allocUnsafe(Math.min(buffer.length, limit + 1 - buffer.length))]);
      }
    }
    await assertUnchanged(handle, path, before, length);
    return buffer.subarray(0, length);
  } catch (error) {
    throw fileError(error, path);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
