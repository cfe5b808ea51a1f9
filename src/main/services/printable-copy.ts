/**
 * «Печатная копия с отметкой о подписи»: the package's printable form with the visible mark of the
 * signature that signed it (certificate serial, owner, validity, signing time). The package is
 * inspected and its form extracted into a private folder; the mark is taken from the form's own
 * detached signature, so it shows who really signed, not who is logged in.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from '../core/files/atomic-write';
import { makePrivateFolder, privateFileMode } from '../core/files/private-files';
import { safeEntryName } from '../core/packages/container';
import { inspectPackage } from '../core/packages/inspect';
import { stampSignatureMark } from '../core/render/signature-mark';
import { verifySignatureFile } from './signatures';

/** Writes the stamped copy of a package's printable form under `<data>/copies/`; returns its path. */
export async function makeStampedCopy(request: { packagePath: string; packageId: string; dataDir: string; trustAnchors: Uint8Array[] }): Promise<{ path: string }> {
  const work = path.join(request.dataDir, 'copies', '.work', randomUUID());
  try {
    // The extracted documents stay out of other users' reach until they are removed below (the
    // staging folder inspection writes into is 0700 too, and replaces this empty one).
    await makePrivateFolder(work);
    // An untrusted chain still gets a copy (the mark shows who signed); a failed package does not.
    const report = await inspectPackage(request.packagePath, { trustAnchors: request.trustAnchors, extractTo: work, extractWhen: 'not-failed' });
    const form = report.documents.find((document) => document.role === 'form-pdf');
    if (form === undefined || report.manifest === undefined) throw new AppError('INVALID_FILES_STRUCTURE', { reason: 'no printable form in the package' });
    const formPath = path.join(work, form.fileName);
    const verification = await verifySignatureFile({ signaturePath: `${formPath}.sig`, contentPath: formPath, trustAnchors: request.trustAnchors });
    const signer = verification.signers[0];
    if (signer?.signer === undefined || signer.indication === 'TOTAL_FAILED') throw new AppError('SIGNATURE_FORMAT', { reason: 'the printable form carries no valid signature' });
    const summary = signer.signer;
    const stamped = await stampSignatureMark(await readFile(formPath), {
      certificateSerial: summary.serialHex,
      owner: summary.organization === undefined ? summary.owner : `${summary.owner}, ${summary.organization}`,
      validFrom: summary.notBefore,
      validTo: summary.notAfter,
      signingTime: signer.signingTime ?? report.manifest.createdAt,
    });
    const target = path.join(request.dataDir, 'copies', safeEntryName(request.packageId), `${path.basename(form.fileName, '.pdf')} (копия с отметкой о подписи).pdf`);
    await makePrivateFolder(path.dirname(target));
    await writeFileAtomic(target, stamped, { mode: privateFileMode });
    return { path: target };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
