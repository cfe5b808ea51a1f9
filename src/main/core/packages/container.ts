/**
 * The package container (design §4, EPGU convention): a flat ZIP, each document followed by its
 * detached signature `<name>.sig`, then `manifest.json` and `manifest.json.sig`.
 * Deterministic: fixed entry order, timestamps from the package's creation time, fixed mode and
 * compression, so the same inputs give the same bytes apart from the signatures.
 * Names keep their Cyrillic letters (UTF-8 flag, APPNOTE 6.3 §4.4.4 bit 11): people recognise their
 * documents, and the EPGU accepts UTF-8 names; characters Windows forbids are replaced.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import type { PackageManifest } from '../../../shared/packages';
import { temporaryNameFor } from '../files/atomic-write';
import { assertUnchanged, openRegularFile, snapshotOf, type FileSnapshot } from '../files/regular-file';

export const manifestName = 'manifest.json';
/** A single upload to the cabinet is at most this size (EPGU); larger packages go in chunks. */
export const singleUploadLimit = 50_000_000;

/**
 * Device names Windows reserves in every folder, with any extension and in any case: `NUL.txt` or
 * `con .pdf` opens the device, not a file (Microsoft, «Naming Files, Paths, and Namespaces»).
 * COM0/LPT0 and the superscript digits are on the same list.
 */
const windowsReservedStem = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])$/i;

/** Whether Windows would take `name` for a device (the part before the first dot, trailing spaces ignored, names the device). */
export function isWindowsReservedName(name: string): boolean {
  const stem = name.split('.', 1)[0] ?? '';
  return windowsReservedStem.test(stem.replace(/[ ]+$/, ''));
}

/** Whether `name` ends in a dot or a space, which Windows strips silently (two names would become one). */
export function endsInDotOrSpace(name: string): boolean {
  return /[. ]$/.test(name);
}

/** A file name safe inside a flat package: no folders, no characters or device names Windows refuses, bounded. */
export function safeEntryName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const trim = (text: string): string => text.replace(/^[.\s]+|[.\s]+$/g, '');
   
  let cleaned = trim(base.normalize('NFC').replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_'));
  if (cleaned === '') cleaned = 'документ';
  if (cleaned.toLowerCase() === manifestName) cleaned = 'manifest (документ).json';
  // A document named like a signature would be taken for one.
  if (cleaned.toLowerCase().endsWith('.sig')) cleaned = `${cleaned}.bin`;
  if (cleaned.length > 120) {
    const extension = path.extname(cleaned).slice(0, 10);
    cleaned = `${trim(cleaned.slice(0, 120 - extension.length))}${extension}`;
  }
  if (isWindowsReservedName(cleaned)) cleaned = `_${cleaned}`;
  return cleaned;
}

/** Makes names unique without regard to case (Windows file systems), keeping extensions. */
export function uniqueEntryNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = safeEntryName(name);
    const extension = path.extname(candidate);
    const stem = candidate.slice(0, candidate.length - extension.length);
    for (let index = 2; seen.has(candidate.toLowerCase()); index += 1) candidate = `${stem} (${index})${extension}`;
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/** The manifest's bytes: JSON with a fixed key order, UTF-8, newline-terminated. */
export function manifestBytes(manifest: PackageManifest): Buffer {
  const ordered: PackageManifest = {
    format: manifest.format,
    packageId: manifest.packageId,
    typeCode: manifest.typeCode,
    ...(manifest.title !== undefined ? { title: manifest.title } : {}),
    organisation: { inn: manifest.organisation.inn, ...(manifest.organisation.ogrn ? { ogrn: manifest.organisation.ogrn } : {}), ...(manifest.organisation.name ? { name: manifest.organisation.name } : {}) },
    ...(manifest.license !== undefined ? { license: manifest.license } : {}),
    ...(manifest.period !== undefined ? { period: manifest.period } : {}),
    createdAt: manifest.createdAt,
    documents: manifest.documents.map((document) => ({ role: document.role, fileName: document.fileName, size: document.size, sha256: document.sha256, mediaType: document.mediaType })),
  };
  return Buffer.from(`${JSON.stringify(ordered, null, 2)}\n`, 'utf8');
}

/**
 * One entry of the ZIP: bytes in memory or a file on disk. A file hashed and signed before comes
 * with the snapshot taken while it was hashed: its bytes are copied only if it is still that file.
 */
export type ContainerEntry = { name: string; bytes: Uint8Array } | { name: string; path: string; snapshot?: FileSnapshot };

/** Writes the entries, in order, as a ZIP at `target` (temporary name, fsync, rename). */
export async function writeContainer(target: string, entries: readonly ContainerEntry[], createdAt: Date): Promise<number> {
  const zip = new yazl.ZipFile();
  // DOS time has two-second steps; whole seconds keep repeated builds identical.
  const mtime = new Date(Math.floor(createdAt.getTime() / 2000) * 2000);
  const options = { mtime, mode: 0o100644, compress: true, compressionLevel: 6, forceZip64Format: false };
  // Each document is opened once (a regular file, regular-file.ts) and compared with its snapshot
  // before the first byte is copied and again before the package is renamed into place: a
  // document changed since it was signed leaves no package behind (FILE_CHANGED).
  const sources: Array<{ handle: FileHandle; path: string; snapshot: FileSnapshot }> = [];
  const closeSources = async (): Promise<void> => {
    await Promise.all(sources.map((source) => source.handle.close().catch(() => undefined)));
  };
  try {
    for (const entry of entries) {
      if ('bytes' in entry) continue;
      const { handle } = await openRegularFile(entry.path);
      const snapshot = entry.snapshot ?? (await snapshotOf(handle));
      sources.push({ handle, path: entry.path, snapshot });
      await assertUnchanged(handle, entry.path, snapshot);
    }
  } catch (error) {
    await closeSources();
    throw error;
  }
  let next = 0;
  for (const entry of entries) {
    if ('bytes' in entry) zip.addBuffer(Buffer.from(entry.bytes), entry.name, options);
    else zip.addReadStream((sources[next++] as { handle: FileHandle }).handle.createReadStream({ start: 0, autoClose: false }), entry.name, options);
  }
  zip.end();
  const temporary = temporaryNameFor(target);
  let handle: FileHandle;
  try {
    handle = await open(temporary, 'wx', 0o644);
  } catch (error) {
    await closeSources();
    throw error;
  }
  try {
    let size = 0;
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) {
      await handle.write(chunk);
      size += chunk.length;
    }
    await handle.sync();
    await handle.close();
    for (const source of sources) await assertUnchanged(source.handle, source.path, source.snapshot);
    await rename(temporary, target);
    return size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  } finally {
    await closeSources();
  }
}
