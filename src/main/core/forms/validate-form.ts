/**
 * `validateForm`: every problem of an application or report at once — fields, field order,
 * documents (presence, format by content, size, dpi, password protection, freshness, validity) —
 * each with the exact target and a Russian message saying how to fix it (design §4: «A rule
 * broken gives the exact field and fix, before signing»).
 */
import type {
  AttachmentInput,
  CatalogEntry,
  DocumentFormat,
  DocumentRoleDefinition,
  FormData,
  FormProblem,
} from '../../../shared/catalog-types';
import { needsDocumentDate } from '../../../shared/catalog-types';
import { AppError } from '../../../shared/errors';
import { findCatalogEntry } from '../catalog/catalog';
import { checkFieldValue, formatRussianDate, isEmptyValue, parseIsoDate, periodBounds } from './field-rules';

/** Human names of formats, as they read after «является …». */
export const formatNames: Record<DocumentFormat, string> = {
  pdf: 'документом PDF',
  jpeg: 'изображением JPEG',
  png: 'изображением PNG',
  xml: 'файлом XML',
  docx: 'документом Word (DOCX)',
  xlsx: 'таблицей Excel (XLSX)',
};

const formatLabels: Record<DocumentFormat, string> = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', xml: 'XML', docx: 'DOCX', xlsx: 'XLSX' };
const formatExtensions: Record<DocumentFormat, string> = { pdf: '.pdf', jpeg: '.jpg', png: '.png', xml: '.xml', docx: '.docx', xlsx: '.xlsx' };

/** «PDF», «PDF или JPEG», «PDF, JPEG или PNG». */
function listFormats(formats: readonly DocumentFormat[]): string {
  const labels = formats.map((format) => formatLabels[format]);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} или ${labels.at(-1) ?? ''}`;
}

/** Options of `validateForm`. */
export interface ValidateFormOptions {
  /** «Today» as `YYYY-MM-DD` (UTC); defaults to the current date. Tests and reproducible runs pass it. */
  today?: string;
}

/** Bytes as «12,4 МБ» / «850 КБ». */
export function formatFileSize(bytes: number): string {
  const megabyte = 1024 * 1024;
  if (bytes >= megabyte) return `${(bytes / megabyte).toFixed(1).replace(/\.0$/, '').replace('.', ',')} МБ`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} КБ`;
  return `${bytes} байт`;
}

function todayNumber(options: ValidateFormOptions): number {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const day = parseIsoDate(today);
  if (day === undefined) throw new AppError('INVALID_INPUT', { today });
  return day;
}

/** Returns every problem of `data` and `attachments` for the catalog type `type`; an empty list means ready to sign. */
export function validateForm(type: string | CatalogEntry, data: FormData, attachments: readonly AttachmentInput[], options: ValidateFormOptions = {}): FormProblem[] {
  const entry = typeof type === 'string' ? findCatalogEntry(type) : type;
  if (entry === undefined) throw new AppError('CATALOG_TYPE_UNKNOWN', { type });
  const today = todayNumber(options);
  return [...checkFields(entry, data, today), ...checkDocuments(entry, attachments, today)];
}

function checkFields(entry: CatalogEntry, data: FormData, today: number): FormProblem[] {
  const problems: FormProblem[] = [];
  const known = new Set(entry.fields.map((field) => field.key));
  for (const key of Object.keys(data)) {
    if (!known.has(key)) {
      problems.push({ target: key, rule: 'UNKNOWN_FIELD', message: `Поле «${key}» не относится к форме «${entry.title}». Удалите его или выберите другой вид документа.` });
    }
  }
  const invalid = new Set<string>();
  for (const field of entry.fields) {
    const value = data[field.key];
    if (isEmptyValue(value)) {
      if (field.required) problems.push({ target: field.key, rule: 'REQUIRED', message: `Заполните обязательное поле «${field.label}».` });
      invalid.add(field.key);
      continue;
    }
    const fieldProblems = checkFieldValue(field, value, today);
    if (fieldProblems.length > 0) invalid.add(field.key);
    problems.push(...fieldProblems);
  }
  for (const constraint of entry.constraints ?? []) {
    if (invalid.has(constraint.first) || invalid.has(constraint.second)) continue;
    const first = entry.fields.find((field) => field.key === constraint.first);
    const second = entry.fields.find((field) => field.key === constraint.second);
    const start = dayOfValue(data[constraint.first]);
    const end = dayOfValue(data[constraint.second]);
    if (first === undefined || second === undefined || start === undefined || end === undefined) continue;
    if (start > end) {
      problems.push({
        target: constraint.second,
        rule: 'FIELD_ORDER',
        message: `«${second.label}» не может быть раньше, чем «${first.label}». Исправьте одну из дат.`,
      });
    }
  }
  return problems;
}

function dayOfValue(value: FormData[string]): number | undefined {
  if (typeof value === 'string') return parseIsoDate(value);
  if (typeof value === 'object' && value !== null && 'kind' in value) {
    const bounds = periodBounds(value);
    return typeof bounds === 'string' ? undefined : bounds.start;
  }
  return undefined;
}

function checkDocuments(entry: CatalogEntry, attachments: readonly AttachmentInput[], today: number): FormProblem[] {
  const problems: FormProblem[] = [];
  for (const document of entry.documents) {
    const files = attachments.filter((attachment) => attachment.role === document.role.code);
    if (files.length === 0 && document.required) {
      problems.push({ target: `documents.${document.role.code}`, rule: 'DOCUMENT_REQUIRED', message: `Приложите обязательный документ «${document.role.title}» (${describeRule(document.role)}).` });
    }
    if (files.length > 1 && document.role.rule.multiple !== true) {
      problems.push({
        target: `documents.${document.role.code}`,
        rule: 'DOCUMENT_DUPLICATE',
        message: `Для документа «${document.role.title}» приложено ${files.length} файла, а нужен один. Оставьте один файл или объедините страницы в один PDF.`,
      });
    }
    for (const file of files) problems.push(...checkAttachment(document.role, file, today));
  }
  const roles = new Set(entry.documents.map((document) => document.role.code));
  for (const attachment of attachments) {
    if (!roles.has(attachment.role)) {
      problems.push({
        target: `documents.${attachment.role}/${attachment.inspection.fileName}`,
        rule: 'DOCUMENT_ROLE_UNKNOWN',
        message: `Файл ${attachment.inspection.fileName} приложен как документ, который форма «${entry.title}» не принимает. Выберите для него другой вид документа или удалите его.`,
      });
    }
  }
  return problems;
}

/** «PDF или JPEG, не более 10,0 МБ, не менее 300 dpi». */
export function describeRule(role: DocumentRoleDefinition): string {
  const parts = [listFormats(role.rule.formats)];
  if (role.rule.maxBytes !== undefined) parts.push(`не более ${formatFileSize(role.rule.maxBytes)}`);
  if (role.rule.minDpi !== undefined) parts.push(`сканы не менее ${role.rule.minDpi} dpi`);
  if (role.rule.maxAgeDays !== undefined) parts.push(`дата не старше ${role.rule.maxAgeDays} дней`);
  if (role.rule.validityDays !== undefined) parts.push(`срок действия не более ${role.rule.validityDays} дней`);
  return parts.join(', ');
}

function checkAttachment(role: DocumentRoleDefinition, attachment: AttachmentInput, today: number): FormProblem[] {
  const { inspection } = attachment;
  const { rule } = role;
  const target = `documents.${role.code}/${inspection.fileName}`;
  const problems: FormProblem[] = [];
  const add = (problem: FormProblem['rule'], message: string): void => {
    problems.push({ target, rule: problem, message });
  };
  const name = inspection.fileName;
  const allowed = listFormats(rule.formats);

  if (inspection.size === 0) {
    add('FILE_EMPTY', `Файл ${name} пустой (0 байт). Приложите файл документа заново.`);
    return problems;
  }
  if (rule.maxBytes !== undefined && inspection.size > rule.maxBytes) {
    add('FILE_TOO_LARGE', `Файл ${name} весит ${formatFileSize(inspection.size)}, а для документа «${role.title}» допускается не более ${formatFileSize(rule.maxBytes)}. Уменьшите размер: сохраните PDF в сжатом виде или сканируйте в оттенках серого.`);
  }

  const detected = inspection.detectedFormat;
  const declared = inspection.declaredFormat;
  if (detected === undefined) {
    if (declared !== undefined) add('CONTENT_MISMATCH', `Файл ${name} по содержимому не является ${formatNames[declared]}: файл повреждён или переименован. Сохраните документ заново в формате ${allowed}.`);
    else add('FORMAT_UNKNOWN', `Формат файла ${name} не распознан. Документ «${role.title}» принимается в формате ${allowed}.`);
    return problems;
  }
  if (declared !== undefined && declared !== detected) {
    const fix = rule.formats.includes(detected)
      ? `Переименуйте файл, указав расширение ${formatExtensions[detected]}.`
      : `Сохраните документ в формате ${allowed}.`;
    add('CONTENT_MISMATCH', `Файл ${name} на самом деле является ${formatNames[detected]}, хотя имя указывает на ${formatLabels[declared]}. ${fix}`);
  }
  if (!rule.formats.includes(detected)) {
    add('FORMAT_NOT_ALLOWED', `Файл ${name} является ${formatNames[detected]}, а документ «${role.title}» принимается только в формате ${allowed}. Сохраните или отсканируйте документ в формате ${allowed}.`);
  }

  if (inspection.pdf !== undefined) {
    if (inspection.pdf.encrypted) add('ENCRYPTED_PDF', `Файл ${name} защищён паролем. Снимите пароль (сохраните копию PDF без защиты) и приложите её: защищённые файлы портал не принимает.`);
    else if (inspection.pdf.damaged !== undefined) add('PDF_DAMAGED', `Файл ${name} повреждён и не открывается как PDF. Сохраните документ в PDF заново.`);
  }
  if (inspection.xml !== undefined && !inspection.xml.wellFormed) {
    const where = inspection.xml.line === undefined ? '' : ` (строка ${inspection.xml.line}, позиция ${inspection.xml.column ?? 1})`;
    add('XML_MALFORMED', `Файл ${name} не является правильным XML${where}: ${inspection.xml.error ?? 'ошибка разметки'}. Выгрузите файл из учётной программы заново.`);
  }
  if (inspection.office !== undefined && !inspection.office.valid) {
    add('OFFICE_DAMAGED', `Файл ${name} повреждён: ${inspection.office.error ?? 'нет обязательных частей документа'}. Сохраните его заново в Word или Excel.`);
  }
  if (rule.minDpi !== undefined && inspection.pdf?.scanDpi !== undefined && inspection.pdf.scanDpi < rule.minDpi) {
    add('DPI_TOO_LOW', `Скан ${name} («${role.title}») имеет разрешение ${inspection.pdf.scanDpi} dpi, а нужно не менее ${rule.minDpi} dpi. Отсканируйте документ заново с разрешением ${rule.minDpi} dpi.`);
  }
  if (rule.minDpi !== undefined && inspection.image !== undefined) {
    const { dpiX, dpiY } = inspection.image;
    if (dpiX === undefined || dpiY === undefined) {
      add('DPI_UNKNOWN', `В скане ${name} не записано разрешение, а для документа «${role.title}» нужно не менее ${rule.minDpi} dpi. Отсканируйте документ заново с разрешением ${rule.minDpi} dpi или сохраните скан в PDF.`);
    } else if (Math.min(dpiX, dpiY) < rule.minDpi) {
      add('DPI_TOO_LOW', `Скан ${name} («${role.title}») имеет разрешение ${Math.round(Math.min(dpiX, dpiY))} dpi, а нужно не менее ${rule.minDpi} dpi. Отсканируйте документ заново с разрешением ${rule.minDpi} dpi.`);
    }
  }

  if (needsDocumentDate(rule)) {
    if (attachment.documentDate === undefined || attachment.documentDate.trim() === '') {
      add('DOCUMENT_DATE_REQUIRED', `Укажите дату документа ${name} («${role.title}»): по ней проверяется ${rule.maxAgeDays !== undefined ? 'его актуальность' : 'срок его действия'}.`);
    } else {
      const day = parseIsoDate(attachment.documentDate);
      const shown = formatRussianDate(attachment.documentDate);
      if (day === undefined) add('DATE_FORMAT', `Дата документа ${name} указана неверно. Выберите дату в календаре (ДД.ММ.ГГГГ).`);
      else if (day > today) add('DOCUMENT_DATE_IN_FUTURE', `Дата документа ${name} (${shown}) ещё не наступила. Проверьте дату документа.`);
      else {
        if (rule.maxAgeDays !== undefined && today - day > rule.maxAgeDays) {
          add('DOCUMENT_TOO_OLD', `Документ ${name} («${role.title}») датирован ${shown} — это ${today - day} дн. назад, а допускается не старше ${rule.maxAgeDays} дней. Получите или оформите документ заново.`);
        }
        if (rule.validityDays !== undefined && today - day > rule.validityDays) {
          add('DOCUMENT_EXPIRED', `Срок действия документа ${name} («${role.title}») от ${shown} истёк: он действует не более ${rule.validityDays} дней. Оформите и подпишите документ заново.`);
        }
      }
    }
  }
  return problems;
}
