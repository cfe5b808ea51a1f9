/**
 * From a filled form to a signed package: validation of every field and document (all problems at
 * once), the printable PDF and the XML rendered from the same data, every document signed with
 * one login, the package written to the user's data folder.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FormData } from '../../shared/catalog-types';
import { AppError } from '../../shared/errors';
import type { PackageManifest } from '../../shared/packages';
import { findCatalogEntry } from '../core/catalog/catalog';
import { digestFile } from '../core/crypto/digest';
import { writeFileAtomic } from '../core/files/atomic-write';
import { makePrivateFileSync, makePrivateFolder, privateFileMode } from '../core/files/private-files';
import type { AttachedFile } from '../core/forms/validate-files';
import { validateFormFiles } from '../core/forms/validate-files';
import { buildPackage, type PackageDocumentInput } from '../core/packages/build';
import type { OrganisationRequisites } from '../core/render/form-document';
import { renderFormPdf } from '../core/render/form-pdf';
import { renderFormXml } from '../core/render/form-xml';
import type { Signer } from '../core/crypto/algorithms';

export interface ApplicationInput {
  typeCode: string;
  title?: string | undefined;
  data: FormData;
  files: readonly AttachedFile[];
  organisation: OrganisationRequisites;
}

function entryOf(typeCode: string) {
  const entry = findCatalogEntry(typeCode);
  if (entry === undefined) throw new AppError('CATALOG_TYPE_UNKNOWN', { typeCode });
  return entry;
}

/** Checks the form and its files; refuses with every problem in `details.problems`. */
export async function requireValidForm(input: ApplicationInput): Promise<void> {
  const problems = await validateFormFiles(entryOf(input.typeCode), input.data, input.files);
  if (problems.length > 0) throw new AppError('FORM_INVALID', { problems });
}

/** Renders the printable PDF and the XML of a form into `directory`. */
export async function renderForm(input: ApplicationInput, directory: string, createdAt: Date, generator: string): Promise<{ pdfPath: string; xmlPath: string }> {
  const entry = entryOf(input.typeCode);
  const attachments = await Promise.all(
    input.files.map(async (file) => {
      const { digests, size } = await digestFile(file.path);
      return { role: file.role, fileName: file.fileName ?? path.basename(file.path), size, sha256: Buffer.from(digests.get('sha256') as Uint8Array).toString('hex'), ...(file.documentDate ? { documentDate: file.documentDate } : {}) };
    }),
  );
  const renderInput = { type: entry, data: input.data, organisation: input.organisation, attachments, createdAt: createdAt.toISOString(), generator };
  await makePrivateFolder(directory);
  const pdfPath = path.join(directory, `${entry.kind === 'report' ? 'Отчёт' : 'Заявление'}.pdf`);
  const xmlPath = path.join(directory, `${entry.kind === 'report' ? 'Отчёт' : 'Заявление'}.xml`);
  await writeFileAtomic(pdfPath, await renderFormPdf(renderInput), { mode: privateFileMode });
  await writeFileAtomic(xmlPath, renderFormXml(renderInput), { mode: privateFileMode });
  return { pdfPath, xmlPath };
}

/** Validates, renders and signs an application or report into a package under `dataDir/packages`. */
export async function buildApplicationPackage(
  input: ApplicationInput & { signer: Signer; dataDir: string; generator: string; now?: Date; onProgress?: (progress: { stage: string; done: number; total: number }) => void; signal?: AbortSignal },
): Promise<{ packagePath: string; manifest: PackageManifest }> {
  await requireValidForm(input);
  const entry = entryOf(input.typeCode);
  const now = input.now ?? new Date();
  const id = randomUUID();
  const directory = path.join(input.dataDir, 'packages', id);
  const rendered = await renderForm(input, directory, now, input.generator);
  const documents: PackageDocumentInput[] = [
    { role: 'form-pdf', fileName: path.basename(rendered.pdfPath), path: rendered.pdfPath, mediaType: 'application/pdf' },
    { role: 'form-xml', fileName: path.basename(rendered.xmlPath), path: rendered.xmlPath, mediaType: 'application/xml' },
    ...input.files.map((file) => ({ role: file.role, fileName: file.fileName ?? path.basename(file.path), path: file.path })),
  ];
  for (const document of documents) if ('path' in document) await stat(document.path);
  const license = typeof input.data.licenseNumber === 'string' ? input.data.licenseNumber : undefined;
  const period = input.data.period === undefined || input.data.period === null ? undefined : JSON.stringify(input.data.period);
  const packagePath = path.join(directory, `${entry.code}-${now.toISOString().slice(0, 10)}.zip`);
  const built = await buildPackage({
    typeCode: entry.code,
    title: input.title ?? entry.title,
    organisation: { inn: input.organisation.inn, ogrn: input.organisation.ogrn, name: input.organisation.name },
    license,
    period,
    documents,
    signer: input.signer,
    outPath: packagePath,
    now,
    packageId: id,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: (progress: { stage: string; done: number; total: number }) => input.onProgress?.(progress) } : {}),
  });
  // The package lies in the data folder: as private as the rest of it.
  makePrivateFileSync(built.path);
  return { packagePath: built.path, manifest: built.manifest };
}
