/**
 * Trust anchors the user imported (root certificates of accredited CAs, the training CA): files in
 * `<data>/trust/`, DER or PEM. Read on demand, so an import takes effect at once.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AppSettings } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { trainingAuthority } from '../../shared/verification';
import { fileError } from '../core/crypto/digest';
import { certificateConstraints, certificateDerFrom, formatName, isCertificationAuthority, parseCertificate, pemBlocks, summarizeCertificate } from '../core/crypto/x509';
import { writeFileAtomic } from '../core/files/atomic-write';
import { makePrivateFolder, privateFileMode } from '../core/files/private-files';

/** A certificate file is small; anything bigger is not one. */
const maxCertificateBytes = 1_000_000;

const trustFolder = (dataDir: string): string => path.join(dataDir, 'trust');

function certificatesIn(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  return text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text, 'CERTIFICATE') : [new Uint8Array(bytes)];
}

async function trustFiles(dataDir: string): Promise<Array<{ file: string; certificates: Uint8Array[] }>> {
  let names: string[];
  try {
    names = await readdir(trustFolder(dataDir));
  } catch {
    return [];
  }
  const files = [];
  for (const name of names.filter((item) => /\.(pem|crt|cer|der)$/i.test(item))) {
    const file = path.join(trustFolder(dataDir), name);
    files.push({ file, certificates: certificatesIn(await readFile(file)) });
  }
  return files;
}

/** Every certificate in the trust folder. */
export async function loadTrustAnchors(dataDir: string): Promise<Uint8Array[]> {
  return (await trustFiles(dataDir)).flatMap((entry) => entry.certificates);
}

/** What the settings screen shows of each trust anchor. */
export async function describeTrustAnchors(dataDir: string): Promise<AppSettings['trustAnchors']> {
  const seen = new Set<string>();
  const described: AppSettings['trustAnchors'] = [];
  for (const der of await loadTrustAnchors(dataDir)) {
    const sha256 = createHash('sha256').update(der).digest('hex');
    if (seen.has(sha256)) continue;
    seen.add(sha256);
    try {
      const certificate = parseCertificate(der);
      described.push({ sha256, subject: formatName(certificate.reader, certificate.subject), notAfter: certificate.notAfter.toISOString() });
    } catch {
      described.push({ sha256, subject: 'Повреждённый сертификат', notAfter: '' });
    }
  }
  return described;
}

/** Imports a CA certificate (DER or PEM) as `<sha256>.der`; refuses anything that is not a CA certificate. */
export async function importTrustAnchor(dataDir: string, file: string): Promise<{ sha256: string; subject: string }> {
  const size = await stat(file).then(
    (info) => info.size,
    (error: unknown) => {
      throw fileError(error, file);
    },
  );
  if (size > maxCertificateBytes) throw new AppError('FILE_TOO_LARGE', { path: file, size, limit: maxCertificateBytes });
  const der = certificateDerFrom(new Uint8Array(await readFile(file)));
  const certificate = parseCertificate(der);
  // A trust anchor must be a CA certificate (RFC 5280 §4.2.1.9, §4.2.1.3), read by the ASN.1 schema.
  if (!isCertificationAuthority(certificateConstraints(der))) throw new AppError('TRUST_ANCHOR_NOT_CA', { path: file });
  const sha256 = createHash('sha256').update(der).digest('hex');
  await makePrivateFolder(trustFolder(dataDir));
  await writeFileAtomic(path.join(trustFolder(dataDir), `${sha256}.der`), der, { mode: privateFileMode });
  return { sha256, subject: formatName(certificate.reader, certificate.subject) };
}

/** Removes every trust file holding the certificate with this SHA-256; whether one was found. */
export async function removeTrustAnchor(dataDir: string, sha256: string): Promise<boolean> {
  let removed = false;
  for (const entry of await trustFiles(dataDir)) {
    if (!entry.certificates.some((der) => createHash('sha256').update(der).digest('hex') === sha256)) continue;
    await unlink(entry.file);
    removed = true;
  }
  return removed;
}

/**
 * Whether a certificate is a training stand's CA (its name, src/shared/verification.ts). Such a CA
 * is trusted only while the training stand is the chosen cabinet, even if it was imported into
 * `trust/` by hand — whichever stand made it.
 */
export function isTrainingAuthorityCertificate(der: Uint8Array): boolean {
  try {
    const summary = summarizeCertificate(der);
    return summary.owner === trainingAuthority.commonName && summary.organization === trainingAuthority.organization;
  } catch {
    return false;
  }
}

/**
 * The training CA of the embedded training stand (`<data>/stand/training-ca/`), once the stand has
 * made it: while the training stand is the chosen cabinet, signatures made with demo tokens check
 * out in «Проверка подписи» as they do in the stand (app-services.ts decides when). Not listed
 * among the user's imports and not removable there.
 */
export async function loadTrainingCaAnchor(dataDir: string): Promise<Uint8Array[]> {
  try {
    return pemBlocks(await readFile(path.join(dataDir, 'stand', 'training-ca', 'training-ca.crt.pem'), 'latin1'), 'CERTIFICATE');
  } catch {
    return [];
  }
}
