/**
 * Signing and verifying files: the use cases the app and the `nedradesk` command line share.
 * Content is streamed (flat memory for any size); `.sig` files appear whole or not at all.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { restsOnTrainingAuthority, type VerificationReport } from '../../shared/verification';
import { digestBytes, type DigestName, type Signer } from '../core/crypto/algorithms';
import { addCadesSigner, createCadesSignature, signatureBytesFrom, signatureToPem } from '../core/crypto/cades';
import { digestFile, fileError, type ByteProgress } from '../core/crypto/digest';
import { signatureDigestNames, verifyCades } from '../core/crypto/verify';
import { writeFileAtomic } from '../core/files/atomic-write';
import { readRegularFile } from '../core/files/regular-file';
import { makePrivateFolder, privateFileMode } from '../core/files/private-files';

/** Attached signatures carry the content in memory; beyond this, detached is the only sensible form. */
export const attachedContentLimit = 256 * 1024 * 1024;
/** A signature file larger than this is not a signature (attached content included). */
export const signatureFileLimit = attachedContentLimit + 16 * 1024 * 1024;

export interface FileProgress extends ByteProgress {
  file: string;
  index: number;
  count: number;
}

export interface SignFilesRequest {
  files: readonly string[];
  signer: Signer;
  attached?: boolean;
  pem?: boolean;
  outDir?: string | undefined;
  /** Where each file's signature goes (the app: the data folder under the file's shown name); else `signaturePathFor`. */
  signaturePathOf?: ((file: string, index: number) => string) | undefined;
  onProgress?: (progress: FileProgress) => void;
  signal?: AbortSignal;
  /** Files signed at once; the token serialises its part, reading and writing overlap. */
  concurrency?: number;
}

export interface SignedFile {
  file: string;
  signaturePath: string;
  size: number;
  sha256: string;
}

/** Where the signature of `file` goes. */
export function signaturePathFor(file: string, outDir?: string): string {
  return path.join(outDir ?? path.dirname(file), `${path.basename(file)}.sig`);
}

function readWhole(file: string, limit: number): Promise<Buffer> {
  return readRegularFile(file, limit);
}

/** Signs one file: streamed digest, CAdES signature, atomic `.sig`. */
export async function signFile(file: string, request: Omit<SignFilesRequest, 'files'> & { index?: number; count?: number }): Promise<SignedFile> {
  const report = (progress: ByteProgress): void => request.onProgress?.({ ...progress, file, index: request.index ?? 0, count: request.count ?? 1 });
  let content: Buffer | undefined;
  let digest: Uint8Array;
  let sha256: Uint8Array;
  let size: number;
  // The signer's digest (SHA-256, or Streebog for a GOST key) goes into the signature; SHA-256
  // also names the document in results and the journal.
  const digestName = request.signer.algorithm.digest;
  if (request.attached === true) {
    content = await readWhole(file, attachedContentLimit);
    digest = digestBytes(digestName, content);
    sha256 = digestName === 'sha256' ? digest : createHash('sha256').update(content).digest();
    size = content.length;
    report({ done: size, total: size });
  } else {
    const result = await digestFile(file, { digests: [...new Set<DigestName>(['sha256', digestName])], onProgress: report, ...(request.signal ? { signal: request.signal } : {}) });
    digest = result.digests.get(digestName) as Uint8Array;
    sha256 = result.digests.get('sha256') as Uint8Array;
    size = result.size;
  }
  if (request.signal?.aborted === true) throw new AppError('OPERATION_CANCELLED');
  const signature = await createCadesSignature({ signer: request.signer, contentDigest: digest, content });
  const signaturePath = request.signaturePathOf?.(file, request.index ?? 0) ?? signaturePathFor(file, request.outDir);
  // The app's signatures go into its data folder, which only the user may open (0700 folders, 0600 files).
  const inDataFolder = request.signaturePathOf !== undefined;
  if (request.outDir !== undefined || inDataFolder) {
    const folder = path.dirname(signaturePath);
    await (inDataFolder ? makePrivateFolder(folder) : mkdir(folder, { recursive: true })).catch((error: unknown) => Promise.reject(fileError(error, folder)));
  }
  await writeFileAtomic(signaturePath, request.pem === true ? signatureToPem(signature) : signature, inDataFolder ? { mode: privateFileMode } : undefined);
  return { file, signaturePath, size, sha256: Buffer.from(sha256).toString('hex') };
}

/**
 * Signs many files with one signer (one login), a few at a time, in input order of results. The
 * first failure stops the batch: files in progress finish or fail, none is started after it, and
 * the error's details say which files were signed (their `.sig` is whole) and which were not.
 */
export async function signFiles(request: SignFilesRequest): Promise<SignedFile[]> {
  const results: Array<SignedFile | undefined> = new Array<SignedFile | undefined>(request.files.length).fill(undefined);
  const concurrency = Math.max(1, Math.min(request.concurrency ?? 8, request.files.length));
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < request.files.length && failure === undefined) {
      const index = next;
      next += 1;
      try {
        if (request.signal?.aborted === true) throw new AppError('OPERATION_CANCELLED');
        const file = request.files[index] as string;
        results[index] = await signFile(file, { ...request, index, count: request.files.length });
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure === undefined) return results as SignedFile[];
  const signed = results.filter((result): result is SignedFile => result !== undefined);
  if (signed.length === 0 && request.files.length === 1) throw failure;
  const error = failure instanceof AppError ? failure : new AppError('INTERNAL_ERROR', undefined, { cause: failure });
  throw new AppError(
    error.code,
    {
      ...error.details,
      signed: signed.map((result) => result.file),
      notSigned: request.files.filter((_file, index) => results[index] === undefined),
    },
    { message: error.message, cause: failure },
  );
}

/** Adds a co-signature to an existing `.sig`, writing the result atomically. */
export async function cosignFile(request: { signaturePath: string; contentPath: string; signer: Signer; outPath?: string | undefined; pem?: boolean }): Promise<{ signaturePath: string }> {
  const existing = signatureBytesFrom(await readWhole(request.signaturePath, signatureFileLimit));
  const digestName = request.signer.algorithm.digest;
  const { digests } = await digestFile(request.contentPath, { digests: [digestName] });
  const cosigned = await addCadesSigner(existing, { signer: request.signer, contentDigest: digests.get(digestName) as Uint8Array });
  const target = request.outPath ?? request.signaturePath;
  await writeFileAtomic(target, request.pem === true ? signatureToPem(cosigned) : cosigned);
  return { signaturePath: target };
}

export interface VerifyFileRequest {
  signaturePath: string;
  contentPath?: string | undefined;
  trustAnchors?: readonly Uint8Array[];
  crls?: readonly Uint8Array[];
  requireRevocation?: boolean;
  /** Look for the content next to a `.sig` when none is named (the command line); the app names it or has none. */
  findContent?: boolean;
  onProgress?: (progress: ByteProgress) => void;
}

/**
 * The content of a detached signature: the named file, else the signature's path without `.sig`
 * when that file exists, else none (the signature may be attached).
 */
export async function contentPathFor(signaturePath: string, explicit?: string): Promise<string | undefined> {
  if (explicit !== undefined) return explicit;
  if (!signaturePath.toLowerCase().endsWith('.sig')) return undefined;
  const candidate = signaturePath.slice(0, -4);
  try {
    return (await stat(candidate)).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies a signature file against its content file (streamed) or its attached content. */
export async function verifySignatureFile(request: VerifyFileRequest): Promise<VerificationReport & { contentPath: string | undefined }> {
  const signature = await readWhole(request.signaturePath, signatureFileLimit);
  const contentPath = request.findContent === false ? request.contentPath : await contentPathFor(request.signaturePath, request.contentPath);
  let contentDigests;
  if (contentPath !== undefined) {
    // SHA-256 always, so that the report names the document it is about (contentSha256).
    const names = [...new Set<DigestName>(['sha256', ...signatureDigestNames(signature)])];
    contentDigests = (await digestFile(contentPath, { digests: names, ...(request.onProgress ? { onProgress: request.onProgress } : {}) })).digests;
  }
  const report = verifyCades(signature, {
    contentDigests,
    trustAnchors: request.trustAnchors ?? [],
    crls: request.crls ?? [],
    requireRevocation: request.requireRevocation ?? false,
  });
  return markTrainingCertificates({ ...report, contentPath });
}

/**
 * Marks the signers whose certificate the training stand's CA issued: `trainingCertificate` and a
 * warning in Russian, so every verdict resting on that CA (the app, the command line, the PDF
 * protocol) says «учебный сертификат». Whether the CA is trusted at all is the caller's choice of
 * trust anchors (the app: only while the training stand is the chosen cabinet).
 */
export function markTrainingCertificates<R extends VerificationReport>(report: R): R {
  return {
    ...report,
    signers: report.signers.map((signer) => {
      if (!restsOnTrainingAuthority(signer)) return signer;
      const anchored = signer.chain.some((link) => link.trustAnchor);
      const warning = anchored
        ? 'Учебный сертификат: он выпущен учебным удостоверяющим центром стенда NedraDesk, которому программа доверяет, только пока выбран учебный стенд. Для настоящего кабинета такая подпись силы не имеет.'
        : 'Учебный сертификат: он выпущен учебным удостоверяющим центром стенда NedraDesk, которому программа доверяет, только пока выбран учебный стенд.';
      return { ...signer, trainingCertificate: true, warnings: [...signer.warnings, warning] };
    }),
  };
}
