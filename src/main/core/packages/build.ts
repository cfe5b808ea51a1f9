/**
 * Building a signed package: documents hashed (streamed) → each signed with one signer (one
 * login) → manifest → manifest signed → flat ZIP, written atomically. Co-signing adds a second
 * person's signature to every document and to the manifest.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { PackageDocumentEntry, PackageManifest } from '../../../shared/packages';
import type { Signer } from '../crypto/algorithms';
import { addCadesSigner, createCadesSignature } from '../crypto/cades';
import { digestFile } from '../crypto/digest';
import { openRegularFile, type FileSnapshot } from '../files/regular-file';
import { manifestBytes, manifestName, uniqueEntryNames, writeContainer, type ContainerEntry } from './container';
import { inspectPackage } from './inspect';
import yauzl from 'yauzl';

/** A document to put in a package. */
export type PackageDocumentInput = { role: string; fileName: string; mediaType?: string } & ({ path: string } | { bytes: Uint8Array });

export interface BuildPackageRequest {
  typeCode: string;
  title?: string;
  organisation: PackageManifest['organisation'];
  license?: string | undefined;
  period?: string | undefined;
  documents: readonly PackageDocumentInput[];
  signer: Signer;
  outPath: string;
  /** Creation time (manifest, ZIP timestamps); the clock by default. */
  now?: Date;
  /** Stable package id (a draft's); derived from the contents when absent. */
  packageId?: string;
  onProgress?: (progress: { stage: 'hash' | 'sign' | 'write'; done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface BuiltPackage {
  path: string;
  size: number;
  manifest: PackageManifest;
}

/** Media type from the first bytes (design §4: by content, not by extension). */
export function sniffMediaType(head: Uint8Array): string {
  const text = Buffer.from(head.subarray(0, 16)).toString('latin1');
  if (text.startsWith('%PDF-')) return 'application/pdf';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (text.startsWith('\x89PNG\r\n\x1a\n')) return 'image/png';
  if (text.startsWith('PK\x03\x04')) return 'application/zip';
  const start = Buffer.from(head.subarray(0, 64)).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<?xml') || start.startsWith('<')) return 'application/xml';
  return 'application/octet-stream';
}

async function headOf(document: PackageDocumentInput): Promise<Uint8Array> {
  if ('bytes' in document) return document.bytes.subarray(0, 64);
  const { handle } = await openRegularFile(document.path);
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, 64, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Builds, signs and writes a package. */
export async function buildPackage(request: BuildPackageRequest): Promise<BuiltPackage> {
  if (request.documents.length === 0) throw new AppError('INVALID_INPUT', { reason: 'a package needs at least one document' });
  const now = request.now ?? new Date();
  const names = uniqueEntryNames(request.documents.map((document) => document.fileName));
  const cancelled = (): void => {
    if (request.signal?.aborted === true) throw new AppError('OPERATION_CANCELLED');
  };

  const entries: PackageDocumentEntry[] = [];
  const digests: Uint8Array[] = [];
  const snapshots: Array<FileSnapshot | undefined> = [];
  for (const [index, document] of request.documents.entries()) {
    cancelled();
    let digest: Uint8Array;
    let size: number;
    if ('bytes' in document) {
      digest = createHash('sha256').update(document.bytes).digest();
      size = document.bytes.length;
      snapshots.push(undefined);
    } else {
      const result = await digestFile(document.path, request.signal ? { signal: request.signal } : {});
      digest = result.digests.get('sha256') as Uint8Array;
      size = result.size;
      snapshots.push(result.snapshot);
    }
    digests.push(digest);
    entries.push({ role: document.role, fileName: names[index] as string, size, sha256: Buffer.from(digest).toString('hex'), mediaType: document.mediaType ?? sniffMediaType(await headOf(document)) });
    request.onProgress?.({ stage: 'hash', done: index + 1, total: request.documents.length });
  }

  const packageId =
    request.packageId ??
    createHash('sha256')
      .update(JSON.stringify([request.typeCode, request.organisation.inn, now.toISOString(), entries.map((entry) => entry.sha256)]))
      .digest('hex')
      .slice(0, 32)
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const manifest: PackageManifest = {
    format: 'nedradesk-package/1',
    packageId,
    typeCode: request.typeCode,
    ...(request.title !== undefined ? { title: request.title } : {}),
    organisation: request.organisation,
    ...(request.license !== undefined ? { license: request.license } : {}),
    ...(request.period !== undefined ? { period: request.period } : {}),
    createdAt: now.toISOString(),
    documents: entries,
  };
  const manifestContent = manifestBytes(manifest);

  const total = request.documents.length + 1;
  const container: ContainerEntry[] = [];
  for (const [index, document] of request.documents.entries()) {
    cancelled();
    const signature = await createCadesSignature({ signer: request.signer, contentDigest: digests[index] as Uint8Array, signingTime: now });
    const name = names[index] as string;
    const snapshot = snapshots[index];
    container.push('bytes' in document ? { name, bytes: document.bytes } : { name, path: document.path, ...(snapshot ? { snapshot } : {}) }, { name: `${name}.sig`, bytes: signature });
    request.onProgress?.({ stage: 'sign', done: index + 1, total });
  }
  const manifestSignature = await createCadesSignature({ signer: request.signer, contentDigest: createHash('sha256').update(manifestContent).digest(), signingTime: now });
  container.push({ name: manifestName, bytes: manifestContent }, { name: `${manifestName}.sig`, bytes: manifestSignature });
  request.onProgress?.({ stage: 'sign', done: total, total });
  cancelled();
  const size = await writeContainer(request.outPath, container, now);
  request.onProgress?.({ stage: 'write', done: size, total: size });
  return { path: request.outPath, size, manifest };
}

/** Reads every entry of a package we wrote (already inspected) into memory, in order. */
async function readEntries(file: string): Promise<Array<{ name: string; bytes: Buffer }>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (error, opened) => (error || !opened ? reject(error ?? new Error('zip')) : resolve(opened))),
  );
  return new Promise((resolve, reject) => {
    const result: Array<{ name: string; bytes: Buffer }> = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error ?? new Error('stream'));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          result.push({ name: entry.fileName, bytes: Buffer.concat(chunks) });
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => resolve(result));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * A second person signs every document and the manifest of a package: each `.sig` gets another
 * SignerInfo. The package must be structurally sound first (inspected without trust decisions).
 */
export async function cosignPackage(request: { packagePath: string; signer: Signer; outPath: string; now?: Date }): Promise<BuiltPackage> {
  const inspected = await inspectPackage(request.packagePath);
  const structural = inspected.problems.filter((item) => item.code !== 'SIGNATURE_UNDETERMINED');
  if (structural.length > 0 || inspected.manifest === undefined) {
    throw new AppError('SIGNATURE_FORMAT', { reason: 'package is not sound', problems: structural.map((item) => `${item.code}${item.entry ? `: ${item.entry}` : ''}`) });
  }
  const entries = await readEntries(request.packagePath);
  const byName = new Map(entries.map((entry) => [entry.name, entry.bytes]));
  // The second person signs exactly what was inspected: a file replaced in between is refused.
  const inspectedDigests = new Map(inspected.documents.map((document) => [document.fileName, document.sha256]));
  const now = request.now ?? new Date();
  const container: ContainerEntry[] = [];
  for (const entry of entries) {
    if (entry.name.toLowerCase().endsWith('.sig')) continue;
    const existing = byName.get(`${entry.name}.sig`);
    const digest = createHash('sha256').update(entry.bytes).digest();
    if (existing === undefined || inspectedDigests.get(entry.name) !== digest.toString('hex')) {
      throw new AppError('SIGNATURE_FORMAT', { reason: 'package changed while being co-signed', entry: entry.name });
    }
    const cosigned = await addCadesSigner(existing, { signer: request.signer, contentDigest: digest, signingTime: now });
    container.push({ name: entry.name, bytes: entry.bytes }, { name: `${entry.name}.sig`, bytes: cosigned });
  }
  const size = await writeContainer(request.outPath, container, new Date(inspected.manifest.createdAt));
  return { path: request.outPath, size, manifest: inspected.manifest };
}
