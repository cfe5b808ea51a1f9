/**
 * Inspecting a package from disk, as the cabinet does before accepting it: the central directory
 * is checked first (names, count, declared sizes, ratios, encryption, links) before any data is
 * read; data is then streamed with the inflated bytes counted, so a header that lies cannot get
 * past; every document's signature is verified against its streamed SHA-256, and the manifest's
 * hashes must match. Files are extracted only when asked and only when the package passed: into a
 * temporary folder next to the destination first, renamed into place after every entry was written.
 */
import { createHash } from 'node:crypto';
import { close as closeDescriptor } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rename, rm, rmdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../../../shared/errors';
import { packageProblemTexts, type PackageDocumentReport, type PackageManifest, type PackageProblem, type PackageProblemCode, type PackageReport } from '../../../shared/packages';
import type { Indication } from '../../../shared/verification';
import { verifyCades, type VerifyOptions } from '../crypto/verify';
import { openRegularDescriptor } from '../files/regular-file';
import { endsInDotOrSpace, isWindowsReservedName, manifestName } from './container';

export const packageLimits = {
  maxEntries: 1000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 100,
  /** Ratios are judged only for entries above this size: a tiny text file may shrink a lot. */
  ratioFloorBytes: 1024 * 1024,
  maxSignatureBytes: 16 * 1024 * 1024,
  maxManifestBytes: 4 * 1024 * 1024,
};

export interface InspectOptions extends Pick<VerifyOptions, 'trustAnchors' | 'intermediates' | 'crls' | 'requireRevocation' | 'now'> {
  /**
   * Write the documents and signatures into this folder (never outside it). It must not exist or be
   * empty; it appears, whole, only when the package's verdict allows (`extractWhen`).
   */
  extractTo?: string | undefined;
  /**
   * Which verdicts allow extraction: `passed` (default) only TOTAL_PASSED; `not-failed` also
   * INDETERMINATE (a sound package whose signer's chain is not trusted here).
   */
  extractWhen?: 'passed' | 'not-failed';
}

interface EntryInfo {
  entry: yauzl.Entry;
  name: string;
}

function problem(code: PackageProblemCode, entry?: string, detail?: string): PackageProblem {
  return { code, message: detail === undefined ? packageProblemTexts[code] : `${packageProblemTexts[code]} ${detail}`, entry };
}

/**
 * Opens the package through one descriptor checked to be a regular file (regular-file.ts): a FIFO
 * or a device given as a package is refused instead of hanging or reading without end. yauzl owns
 * the descriptor from here and closes it with the zip.
 */
async function openZip(file: string): Promise<yauzl.ZipFile> {
  const { fd } = await openRegularDescriptor(file);
  return new Promise((resolve, reject) => {
    yauzl.fromFd(fd, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (error, zip) => {
      if (error || zip === undefined) {
        closeDescriptor(fd, () => undefined);
        reject(error ?? new Error('no zip'));
        return;
      }
      resolve(zip);
    });
  });
}

/** The central directory, without reading any data; stops early past the entry limit. */
function readDirectory(zip: yauzl.ZipFile): Promise<{ entries: yauzl.Entry[]; tooMany: boolean }> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      if (entries.length > packageLimits.maxEntries) resolve({ entries, tooMany: true });
      else zip.readEntry();
    });
    zip.on('end', () => resolve({ entries, tooMany: false }));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Decodes an entry name: UTF-8 when flagged (bit 11), else only plain ASCII is accepted. */
function entryName(entry: yauzl.Entry): string | undefined {
  const raw = entry.fileNameRaw ?? Buffer.from(String(entry.fileName));
  const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
  if (!utf8 && raw.some((byte) => byte > 0x7e)) return undefined;
  const name = raw.toString('utf8');
  if (name.includes('\uFFFD')) return undefined;
  return name;
}

/** Checks one name; the first problem found, if any, with a detail for the person. */
function nameProblem(name: string): { code: PackageProblemCode; detail?: string } | undefined {
  if (name.endsWith('/') || name.endsWith('\\')) return { code: 'ZIP_FOLDER_ENTRY' };
  if (name.split(/[\\/]/).includes('..') || name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name)) return { code: 'ZIP_PATH_TRAVERSAL' };
  if (name.includes('/') || name.includes('\\')) return { code: 'ZIP_FOLDER_ENTRY' };
   
  if (name === '' || name === '.' || /[\u0000-\u001f\u007f<>:"|?*]/.test(name) || name.length > 255) return { code: 'ZIP_BAD_NAME' };
  // On Windows `NUL.pdf` is the null device and `отчёт.pdf.` silently becomes `отчёт.pdf`: such
  // names would extract as something other than what was checked, whatever system reads them now.
  if (isWindowsReservedName(name)) return { code: 'ZIP_BAD_NAME', detail: 'Имя зарезервировано в Windows для устройства (CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9).' };
  if (endsInDotOrSpace(name)) return { code: 'ZIP_BAD_NAME', detail: 'Имя оканчивается точкой или пробелом.' };
  return undefined;
}

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error || stream === undefined ? reject(error ?? new Error('no stream')) : resolve(stream))));
}

function readLocalHeader(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<yauzl.LocalFileHeader> {
  return new Promise((resolve, reject) => zip.readLocalFileHeader(entry, (error, header) => (error ? reject(error) : resolve(header))));
}

/** Thrown when an entry's bytes contradict its headers. */
class InconsistentEntry extends Error {}

/** A write into the extraction folder failed (disk full …): the caller's problem, not the package's. */
class ExtractionWriteFailed extends Error {}

/** Streams an entry: SHA-256 and size always, the bytes when `keep` allows (capped), and into `sink` when given. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, keep: number, sink?: FileHandle): Promise<{ sha256: string; size: number; bytes: Buffer | undefined }> {
  // The local header must name the same file as the central directory: tools that read local
  // headers would otherwise extract something else than what was checked (APPNOTE §4.3.7).
  const local = await readLocalHeader(zip, entry);
  if (!local.fileName.equals(entry.fileNameRaw)) throw new InconsistentEntry('local header names another file');
  const hasDescriptor = (local.generalPurposeBitFlag & 0x8) !== 0;
  if (!hasDescriptor && (local.crc32 !== entry.crc32 || local.compressedSize !== entry.compressedSize || local.uncompressedSize !== entry.uncompressedSize)) {
    throw new InconsistentEntry('local header disagrees with the central directory');
  }
  const stream = await openStream(zip, entry);
  const hash = createHash('sha256');
  let crc = 0;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    // yauzl stops at the declared size (validateEntrySizes); this guards the declared size itself.
    if (size > entry.uncompressedSize || size > packageLimits.maxTotalBytes) {
      stream.destroy();
      throw new AppError('FILE_TOO_LARGE', { entry: entry.fileName });
    }
    hash.update(chunk);
    crc = crc32(chunk, crc);
    if (size <= keep) chunks.push(chunk);
    if (sink !== undefined) await sink.write(chunk).catch((cause: unknown) => Promise.reject(new ExtractionWriteFailed('write failed', { cause })));
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) throw new InconsistentEntry('CRC-32 mismatch');
  await sink?.sync().catch((cause: unknown) => Promise.reject(new ExtractionWriteFailed('sync failed', { cause })));
  return { sha256: hash.digest('hex'), size, bytes: size <= keep ? Buffer.concat(chunks) : undefined };
}

function parseManifest(bytes: Buffer): PackageManifest | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as PackageManifest;
    if (value.format !== 'nedradesk-package/1' || !Array.isArray(value.documents)) return undefined;
    const valid = value.documents.every((document) => typeof document.fileName === 'string' && typeof document.sha256 === 'string' && typeof document.size === 'number');
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}

function overall(problems: readonly PackageProblem[], documents: readonly PackageDocumentReport[]): Indication {
  const fatal = problems.some((item) => item.code !== 'SIGNATURE_UNDETERMINED');
  if (fatal || documents.some((document) => document.indication === 'TOTAL_FAILED')) return 'TOTAL_FAILED';
  if (problems.length > 0 || documents.some((document) => document.indication !== 'TOTAL_PASSED')) return 'INDETERMINATE';
  return 'TOTAL_PASSED';
}

/**
 * Where extraction will land: an absent or empty folder (its parent is created). A folder with files
 * is refused before anything is read, so that the final rename replaces nothing of the person's.
 */
async function extractionDestination(folder: string): Promise<string> {
  const destination = path.resolve(folder);
  const present = await readdir(destination).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new AppError('INVALID_INPUT', { extractTo: folder, reason: 'not a folder' }, { cause: error });
    throw error;
  });
  if (present === undefined) await mkdir(path.dirname(destination), { recursive: true });
  else if (present.length > 0) throw new AppError('INVALID_INPUT', { extractTo: folder, reason: 'the folder to extract into must be new or empty' });
  return destination;
}

/** Renames the staging folder to the destination; an empty destination is replaced (Windows cannot rename over it). */
async function moveIntoPlace(staging: string, destination: string): Promise<void> {
  try {
    await rename(staging, destination);
  } catch (error) {
    // rmdir removes only an empty folder: files that appeared meanwhile are never replaced.
    await rmdir(destination).catch(() => {
      throw new AppError('INVALID_INPUT', { extractTo: destination, reason: 'the folder to extract into is no longer empty' }, { cause: error });
    });
    await rename(staging, destination);
  }
}

/** Inspects a package file. Structural refusals and signature verdicts are in the report; only an unreadable file throws. */
export async function inspectPackage(file: string, options: InspectOptions = {}): Promise<PackageReport> {
  const destination = options.extractTo === undefined ? undefined : await extractionDestination(options.extractTo);
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('FILE_NOT_FOUND', { path: file }, { cause: error });
    if (code === 'EACCES' || code === 'EISDIR') throw new AppError('FILE_UNREADABLE', { path: file }, { cause: error });
    return { indication: 'TOTAL_FAILED', problems: [problem('ZIP_UNREADABLE', undefined, error instanceof Error ? `(${error.message})` : undefined)], manifest: undefined, documents: [], entries: 0 };
  }
  // Entries are written into a staging folder beside the destination (same file system, so the
  // final rename is atomic), and the folder is renamed into place only when the verdict allows:
  // a refused package leaves nothing behind, not even the entries written before the refusal.
  let staging: string | undefined;
  try {
    if (destination !== undefined) staging = await mkdtemp(path.join(path.dirname(destination), '.nedradesk-extract-'));
    const report = await inspectOpen(zip, options, staging);
    const allowed = report.indication === 'TOTAL_PASSED' || (options.extractWhen === 'not-failed' && report.indication === 'INDETERMINATE');
    if (staging !== undefined && destination !== undefined && allowed) {
      await moveIntoPlace(staging, destination);
      staging = undefined;
    }
    return report;
  } finally {
    zip.close();
    if (staging !== undefined) await rm(staging, { recursive: true, force: true });
  }
}

async function inspectOpen(zip: yauzl.ZipFile, options: InspectOptions, staging: string | undefined): Promise<PackageReport> {
  const problems: PackageProblem[] = [];
  const refuse = (code: PackageProblemCode, entry?: string, detail?: string): PackageReport => ({
    indication: 'TOTAL_FAILED',
    problems: [...problems, problem(code, entry, detail)],
    manifest: undefined,
    documents: [],
    entries: zip.entryCount,
  });
  let directory;
  try {
    directory = await readDirectory(zip);
  } catch (error) {
    return refuse('ZIP_UNREADABLE', undefined, error instanceof Error ? `(${error.message})` : undefined);
  }
  if (directory.tooMany || zip.entryCount > packageLimits.maxEntries) return refuse('ZIP_TOO_MANY_ENTRIES', undefined, `Файлов: ${zip.entryCount}.`);

  // 1. The central directory alone: names, duplicates, sizes, ratios, encryption, links.
  const entries: EntryInfo[] = [];
  const seen = new Set<string>();
  let declaredTotal = 0;
  for (const entry of directory.entries) {
    const name = entryName(entry);
    if (name === undefined) return refuse('ZIP_BAD_NAME', entry.fileNameRaw?.toString('latin1'));
    const bad = nameProblem(name);
    if (bad !== undefined) return refuse(bad.code, name, bad.detail);
    if (seen.has(name.toLowerCase())) return refuse('ZIP_DUPLICATE_ENTRY', name);
    seen.add(name.toLowerCase());
    if (entry.isEncrypted()) return refuse('ZIP_ENCRYPTED', name);
    const unixType = (entry.externalFileAttributes >>> 16) & 0o170000;
    if (unixType === 0o120000) return refuse('ZIP_SYMLINK', name);
    if (!entry.canDecodeFileData()) return refuse('ZIP_UNREADABLE', name, 'Неподдерживаемый метод сжатия.');
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > packageLimits.maxTotalBytes) return refuse('ZIP_TOO_LARGE');
    if (entry.uncompressedSize > packageLimits.ratioFloorBytes && entry.uncompressedSize > packageLimits.maxRatio * Math.max(1, entry.compressedSize)) {
      return refuse('ZIP_BOMB', name, `Сжатие в ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} раз.`);
    }
    entries.push({ entry, name });
  }

  // 2. Structure: every file has its signature, nothing but signatures is unpaired.
  const byName = new Map(entries.map((item) => [item.name, item]));
  const documents = entries.filter((item) => !item.name.toLowerCase().endsWith('.sig'));
  for (const item of entries) {
    if (item.name.toLowerCase().endsWith('.sig') && !byName.has(item.name.slice(0, -4))) problems.push(problem('INVALID_FILES_STRUCTURE', item.name, 'Подпись без подписанного файла.'));
  }
  for (const document of documents) {
    if (!byName.has(`${document.name}.sig`)) problems.push(problem('SIGNATURE_MISSING', document.name));
  }
  if (!byName.has(manifestName)) problems.push(problem('MANIFEST_MISSING'));

  // 3. Data: stream every entry once, in directory order.
  const hashes = new Map<string, { sha256: string; size: number }>();
  const signatures = new Map<string, Buffer>();
  let manifest: PackageManifest | undefined;
  for (const { entry, name } of entries) {
    const isSignature = name.toLowerCase().endsWith('.sig');
    const keep = isSignature ? packageLimits.maxSignatureBytes : name === manifestName ? packageLimits.maxManifestBytes : 0;
    let sink: FileHandle | undefined;
    if (staging !== undefined) {
      // Names were checked above (no separators, no ..); resolve once more and confirm containment.
      const target = path.resolve(staging, name);
      if (path.dirname(target) !== staging) return refuse('ZIP_PATH_TRAVERSAL', name);
      sink = await open(target, 'wx', 0o644);
    }
    let read;
    try {
      read = await readEntry(zip, entry, keep, sink);
    } catch (error) {
      if (error instanceof ExtractionWriteFailed) throw error.cause;
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof AppError && error.code === 'FILE_TOO_LARGE' ? 'ZIP_BOMB' : /too many|too few|expected/i.test(message) && !(error instanceof InconsistentEntry) ? 'ZIP_BOMB' : 'ZIP_UNREADABLE';
      return refuse(code, name, code === 'ZIP_UNREADABLE' ? `(${message})` : undefined);
    } finally {
      await sink?.close();
    }
    hashes.set(name, { sha256: read.sha256, size: read.size });
    if (isSignature && read.bytes !== undefined) signatures.set(name, read.bytes);
    if (name === manifestName && read.bytes !== undefined) {
      manifest = parseManifest(read.bytes);
      if (manifest === undefined) problems.push(problem('MANIFEST_INVALID'));
    }
  }

  // 4. Manifest against the files.
  const roles = new Map<string, string>();
  if (manifest !== undefined) {
    const listed = new Set<string>();
    for (const document of manifest.documents) {
      listed.add(document.fileName);
      roles.set(document.fileName, document.role);
      const actual = hashes.get(document.fileName);
      if (actual === undefined) problems.push(problem('MANIFEST_MISMATCH', document.fileName, 'Файл указан в описи, но его нет в архиве.'));
      else if (actual.sha256 !== document.sha256.toLowerCase() || actual.size !== document.size) problems.push(problem('MANIFEST_MISMATCH', document.fileName));
    }
    for (const document of documents) {
      if (document.name !== manifestName && !listed.has(document.name)) problems.push(problem('FILE_NOT_IN_MANIFEST', document.name));
    }
  }

  // 5. Signatures against the streamed digests: an attached signature must carry exactly this entry's
  // bytes (the verifier compares the SHA-256 given here with its content), so a signature of another
  // document cannot stand in for this one.
  const reports: PackageDocumentReport[] = [];
  for (const document of documents) {
    const hash = hashes.get(document.name) as { sha256: string; size: number };
    const signature = signatures.get(`${document.name}.sig`);
    if (signature === undefined) {
      reports.push({ fileName: document.name, role: roles.get(document.name), size: hash.size, sha256: hash.sha256, indication: undefined, subIndication: undefined, signers: [], signerSnils: [] });
      continue;
    }
    const verdict = verifyCades(signature, {
      contentDigests: new Map([['sha256', new Uint8Array(Buffer.from(hash.sha256, 'hex'))]]),
      trustAnchors: options.trustAnchors ?? [],
      intermediates: options.intermediates ?? [],
      crls: options.crls ?? [],
      requireRevocation: options.requireRevocation ?? false,
      ...(options.now ? { now: options.now } : {}),
    });
    if (verdict.indication === 'TOTAL_FAILED') problems.push(problem('SIGNATURE_INVALID', document.name, verdict.reasons.join(' ')));
    else if (verdict.indication === 'INDETERMINATE') problems.push(problem('SIGNATURE_UNDETERMINED', document.name, verdict.reasons.join(' ')));
    reports.push({
      fileName: document.name,
      role: roles.get(document.name),
      size: hash.size,
      sha256: hash.sha256,
      indication: verdict.indication,
      subIndication: verdict.subIndication,
      signers: verdict.signers.map((signer) => signer.signer?.owner ?? '—'),
      signerSnils: verdict.signers.map((signer) => signer.signer?.snils),
    });
  }
  return { indication: overall(problems, reports), problems, manifest, documents: reports, entries: entries.length };
}
