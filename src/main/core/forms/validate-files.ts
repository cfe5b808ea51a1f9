/**
 * `validateFormFiles`: the use-case shape of validation — files on disk instead of inspections.
 * Inspects every attached file by content (bounded reads) and then runs `validateForm`.
 */
import type { CatalogEntry, FormData, FormProblem } from '../../../shared/catalog-types';
import { AppError } from '../../../shared/errors';
import { inspectDocument } from '../documents/inspect-document';
import { validateForm, type ValidateFormOptions } from './validate-form';

/** A file on disk attached for a role. */
export interface AttachedFile {
  role: string;
  path: string;
  /** The name the user sees (default: the path's base name). */
  fileName?: string;
  /** `YYYY-MM-DD`, the date written on the document. */
  documentDate?: string;
}

/** Inspects the files and returns every problem of the form and its documents. */
export async function validateFormFiles(type: string | CatalogEntry, data: FormData, files: readonly AttachedFile[], options: ValidateFormOptions = {}): Promise<FormProblem[]> {
  const problems: FormProblem[] = [];
  const attachments = [];
  for (const file of files) {
    try {
      const inspection = await inspectDocument(file.path, file.fileName);
      attachments.push({ role: file.role, inspection, ...(file.documentDate === undefined ? {} : { documentDate: file.documentDate }) });
    } catch (error) {
      // A file that vanished or cannot be read is a problem of the form, not a crash.
      if (!(error instanceof AppError) || (error.code !== 'FILE_NOT_FOUND' && error.code !== 'FILE_UNREADABLE')) throw error;
      const name = file.fileName ?? file.path;
      problems.push({
        target: `documents.${file.role}/${name}`,
        rule: 'DOCUMENT_REQUIRED',
        message: error.code === 'FILE_NOT_FOUND' ? `Файл ${name} не найден: его переместили или удалили. Приложите файл заново.` : `Файл ${name} не удаётся прочитать. Проверьте права доступа и приложите файл заново.`,
      });
    }
  }
  return [...validateForm(type, data, attachments, options), ...problems];
}
