/**
 * `files:read`: the UI shows and saves files main produced — rendered forms, decision documents,
 * packages, verification reports — and nothing else. A path is read only when its real path (links
 * resolved) lies inside the data folder, so a crafted path or a symbolic link cannot reach other files.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { fileError } from '../core/crypto/digest';

/** The largest file handed to the UI in one piece (a package is at most 50,000,000 bytes, design §4). */
export const maxReadableBytes = 50 * 1024 * 1024;

const mediaTypes: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
  '.sig': 'application/pkcs7-signature',
  '.p7s': 'application/pkcs7-signature',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The media type a file name suggests (the content is what inspection trusts). */
export function mediaTypeOf(name: string): string {
  return mediaTypes[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** Whether `candidate` is `folder` or lies under it (both already real paths). */
function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The bytes of a file in the data folder as base64, with its name and media type. */
export async function readDataFile(dataDir: string, file: string): Promise<{ name: string; mediaType: string; contentBase64: string }> {
  const folder = await realpath(dataDir);
  const resolved = path.resolve(file);
  // Refused before touching the file: the answer never tells whether a file outside exists.
  if (!isInside(path.resolve(dataDir), resolved) && !isInside(folder, resolved)) throw new AppError('FILE_OUTSIDE_DATA_FOLDER', { path: file });
  const real = await realpath(resolved).catch((error: unknown) => {
    throw fileError(error, file);
  });
  if (!isInside(folder, real)) throw new AppError('FILE_OUTSIDE_DATA_FOLDER', { path: file });
  // The embedded training stand's folder is the stand's, not the user's: its database (password
  // hashes, the token-signing key) and the training CA's private key are never handed to the UI.
  const standFolder = path.join(folder, 'stand');
  if (real === standFolder || isInside(standFolder, real)) throw new AppError('FILE_OUTSIDE_DATA_FOLDER', { path: file });
  const info = await stat(real);
  if (!info.isFile()) throw new AppError('FILE_UNREADABLE', { path: file, reason: 'not a file' });
  if (info.size > maxReadableBytes) throw new AppError('FILE_TOO_LARGE', { path: file, size: info.size, limit: maxReadableBytes });
  const bytes = await readFile(real).catch((error: unknown) => {
    throw fileError(error, file);
  });
  return { name: path.basename(real), mediaType: mediaTypeOf(real), contentBase64: bytes.toString('base64') };
}
