/**
 * What the printable PDF and the XML of an application or report contain: the catalog entry,
 * the organisation's requisites, the field values as display text, the attachments. Both
 * renderers read this one model so the PDF and the XML always say the same thing.
 */
import type { CatalogEntry, FieldDefinition, FieldValue, FormData, PeriodValue, VolumeValue } from '../../../shared/catalog-types';
import { AppError } from '../../../shared/errors';
import { findCatalogEntry } from '../catalog/catalog';
import { normaliseLicenseNumber, normaliseSnils } from '../forms/identifiers';
import { formatRussianDate, isEmptyValue } from '../forms/field-rules';
import { formatFileSize } from '../forms/validate-form';

/** The organisation filing the document. */
export interface OrganisationRequisites {
  name: string;
  inn: string;
  kpp?: string;
  /** ОГРН (13 digits) or ОГРНИП (15 digits). */
  ogrn?: string;
  address?: string;
}

/** One attached file as listed in the printable form. */
export interface RenderedAttachment {
  role: string;
  fileName: string;
  size: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
  documentDate?: string;
}

/** Input of the PDF and XML renderers. */
export interface FormRenderInput {
  type: string | CatalogEntry;
  data: FormData;
  organisation: OrganisationRequisites;
  attachments: readonly RenderedAttachment[];
  /** ISO 8601 time the document was formed; it is also the PDF's creation and modification date. */
  createdAt: string;
  /** Shown in the footer and the PDF's Producer, e.g. «NedraDesk 0.1.0». */
  generator?: string;
}

/** A field ready to print: label, text value, and the raw parts for the XML. */
export interface RenderedField {
  definition: FieldDefinition;
  text: string;
  value: FieldValue;
}

/** The resolved model both renderers draw from. */
export interface FormDocumentModel {
  entry: CatalogEntry;
  organisation: OrganisationRequisites;
  fields: RenderedField[];
  attachments: Array<RenderedAttachment & { roleTitle: string; sizeText: string }>;
  createdAt: Date;
  generator: string;
}

const monthNames = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];

/** «1 250,5» with a non-breaking thin grouping, as Russian documents print numbers. */
export function formatRussianNumber(value: number, fractionDigits?: number): string {
  return new Intl.NumberFormat('ru-RU', fractionDigits === undefined ? { maximumFractionDigits: 6 } : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits })
    .format(value)
    .replace(/\u202f|\u00a0/g, ' ');
}

/** A period as words: «2026 год», «3 квартал 2026 г.», «март 2026 г.», «с 01.01.2026 по 31.03.2026». */
export function formatPeriod(period: PeriodValue): string {
  switch (period.kind) {
    case 'year':
      return `${period.year} год`;
    case 'quarter':
      return `${period.quarter} квартал ${period.year} г.`;
    case 'month':
      return `${monthNames[period.month - 1] ?? period.month} ${period.year} г.`;
    case 'range':
      return `с ${formatRussianDate(period.from)} по ${formatRussianDate(period.to)}`;
    default:
      return '';
  }
}

/** The display text of a field value, with units. */
export function formatFieldValue(field: FieldDefinition, value: FieldValue): string {
  switch (field.type) {
    case 'volume': {
      const volume = value as VolumeValue;
      return `${formatRussianNumber(volume.amount)} ${volume.unit}`;
    }
    case 'number':
      return `${formatRussianNumber(Number(value))}${field.unit === undefined ? '' : ` ${field.unit}`}`;
    case 'money': {
      const amount = typeof value === 'number' ? value : Number(String(value).replace(/\s/g, '').replace(',', '.'));
      return `${formatRussianNumber(amount, 2)} руб.`;
    }
    case 'date':
      return formatRussianDate(String(value));
    case 'period':
      return formatPeriod(value as PeriodValue);
    case 'enum':
      return field.options?.find((option) => option.value === value)?.label ?? String(value);
    case 'license-number':
      return normaliseLicenseNumber(String(value)) ?? String(value);
    case 'snils': {
      const digits = normaliseSnils(String(value));
      return digits === undefined ? String(value) : `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9)}`;
    }
    default:
      return String(value);
  }
}

/** Resolves the catalog entry and turns the input into printable text. */
export function buildFormDocumentModel(input: FormRenderInput): FormDocumentModel {
  const entry = typeof input.type === 'string' ? findCatalogEntry(input.type) : input.type;
  if (entry === undefined) throw new AppError('CATALOG_TYPE_UNKNOWN', { type: input.type });
  const createdAt = new Date(input.createdAt);
  if (Number.isNaN(createdAt.getTime())) throw new AppError('INVALID_INPUT', { createdAt: input.createdAt });
  const fields: RenderedField[] = [];
  for (const definition of entry.fields) {
    const value = input.data[definition.key];
    if (isEmptyValue(value)) continue;
    fields.push({ definition, value, text: formatFieldValue(definition, value) });
  }
  const attachments = input.attachments.map((attachment) => ({
    ...attachment,
    roleTitle: entry.documents.find((document) => document.role.code === attachment.role)?.role.title ?? attachment.role,
    sizeText: formatFileSize(attachment.size),
  }));
  return { entry, organisation: input.organisation, fields, attachments, createdAt, generator: input.generator ?? 'NedraDesk' };
}
