/**
 * Valid sample data for any catalog entry, built from its field and document definitions, and the
 * broken variants the table-driven tests use.
 */
import type {
  AttachmentInput,
  CatalogEntry,
  DocumentFormat,
  DocumentInspection,
  DocumentRoleDefinition,
  FieldDefinition,
  FieldValue,
  FormData,
  PeriodValue,
} from '../../../src/shared/catalog-types';
import { needsDocumentDate } from '../../../src/shared/catalog-types';

/** «Today» for every validation in these tests. */
export const today = '2026-11-20';

/** A valid period of the first kind the field accepts. */
export function samplePeriod(field: FieldDefinition): PeriodValue {
  const kind = field.periodKinds?.[0] ?? 'year';
  switch (kind) {
    case 'year':
      return { kind, year: 2025 };
    case 'quarter':
      return { kind, year: 2026, quarter: 2 };
    case 'month':
      return { kind, year: 2026, month: 3 };
    default:
      return { kind: 'range', from: '2026-01-01', to: '2026-03-31' };
  }
}

/** A valid value for a field. */
export function sampleValue(field: FieldDefinition): FieldValue {
  switch (field.type) {
    case 'text':
      return 'Участок «Северный», Ханты-Мансийский автономный округ — Югра';
    case 'number':
      return Math.min((field.min ?? 0) + 5, field.max ?? Number.MAX_SAFE_INTEGER);
    case 'date':
      return '2026-03-15';
    case 'period':
      return samplePeriod(field);
    case 'enum':
      return field.options?.[0]?.value ?? '';
    case 'inn':
      return '7707083893';
    case 'ogrn':
      return '1027700132195';
    case 'snils':
      return '112-233-445 95';
    case 'license-number':
      return 'СЛХ 01234 ТЭ';
    case 'volume':
      return { amount: 1250.5, unit: field.units?.[0] ?? 'т' };
    case 'money':
      return '125000,50';
    default:
      return '';
  }
}

/** Valid data for every field of the entry (optional ones included). */
export function sampleData(entry: CatalogEntry): FormData {
  return Object.fromEntries(entry.fields.map((field) => [field.key, sampleValue(field)]));
}

const extensions: Record<DocumentFormat, string> = { pdf: 'pdf', jpeg: 'jpg', png: 'png', xml: 'xml', docx: 'docx', xlsx: 'xlsx' };

/** What inspecting a good file of this format would find. */
export function sampleInspection(format: DocumentFormat, fileName: string, size = 200_000): DocumentInspection {
  const base: DocumentInspection = { fileName, size, declaredFormat: format, detectedFormat: format };
  switch (format) {
    case 'pdf':
      return { ...base, pdf: { version: '1.7', encrypted: false, pageCount: 2 } };
    case 'jpeg':
    case 'png':
      return { ...base, image: { width: 2480, height: 3508, dpiX: 300, dpiY: 300 } };
    case 'xml':
      return { ...base, xml: { wellFormed: true, rootElement: 'report' } };
    default:
      return { ...base, office: { valid: true } };
  }
}

/** A valid attachment for a role, in the role's first allowed format (or `format`). */
export function sampleAttachment(role: DocumentRoleDefinition, format: DocumentFormat = role.rule.formats[0] ?? 'pdf'): AttachmentInput {
  const fileName = `${role.code}.${extensions[format]}`;
  const needsDate = needsDocumentDate(role.rule);
  return { role: role.code, inspection: sampleInspection(format, fileName), ...(needsDate ? { documentDate: '2026-11-10' } : {}) };
}

/** Valid attachments for every required document of the entry. */
export function sampleAttachments(entry: CatalogEntry): AttachmentInput[] {
  return entry.documents.filter((document) => document.required).map((document) => sampleAttachment(document.role));
}

/** Broken values of a field and the rule each one must break (empty when the type has none). */
export function brokenValues(field: FieldDefinition): Array<{ value: FieldValue; rule: string }> {
  const broken: Array<{ value: FieldValue; rule: string }> = [];
  switch (field.type) {
    case 'text':
      broken.push({ value: 'я'.repeat((field.maxLength ?? 4000) + 1), rule: 'TEXT_TOO_LONG' }, { value: 42, rule: 'WRONG_TYPE' });
      break;
    case 'number':
      broken.push({ value: (field.min ?? 0) - 1, rule: 'NUMBER_OUT_OF_RANGE' }, { value: 'сто', rule: 'WRONG_TYPE' });
      if (field.max !== undefined) broken.push({ value: field.max + 1, rule: 'NUMBER_OUT_OF_RANGE' });
      break;
    case 'date':
      broken.push({ value: '2026-02-30', rule: 'DATE_FORMAT' }, { value: '15.03.2026', rule: 'DATE_FORMAT' });
      if (field.notInFuture === true) broken.push({ value: '2026-12-01', rule: 'DATE_IN_FUTURE' });
      break;
    case 'period': {
      const kinds = field.periodKinds ?? [];
      if (kinds.includes('quarter')) broken.push({ value: { kind: 'quarter', year: 2026, quarter: 5 }, rule: 'PERIOD_INVALID' });
      if (kinds.includes('month')) broken.push({ value: { kind: 'month', year: 2026, month: 13 }, rule: 'PERIOD_INVALID' });
      if (kinds.includes('range')) broken.push({ value: { kind: 'range', from: '2026-03-31', to: '2026-01-01' }, rule: 'PERIOD_ORDER' });
      if (kinds.includes('year')) broken.push({ value: { kind: 'year', year: 1812 }, rule: 'PERIOD_INVALID' });
      if (!kinds.includes('range')) broken.push({ value: { kind: 'range', from: '2026-01-01', to: '2026-01-31' }, rule: 'PERIOD_KIND_NOT_ALLOWED' });
      if (field.notInFuture === true && kinds.includes('year')) broken.push({ value: { kind: 'year', year: 2027 }, rule: 'DATE_IN_FUTURE' });
      break;
    }
    case 'enum':
      broken.push({ value: 'uranium-from-mars', rule: 'ENUM_NOT_ALLOWED' });
      break;
    case 'inn':
      broken.push({ value: '7707083894', rule: 'INN_CHECKSUM' }, { value: '77070838', rule: 'INN_FORMAT' });
      break;
    case 'ogrn':
      broken.push({ value: '1027700132196', rule: 'OGRN_CHECKSUM' }, { value: '10277', rule: 'OGRN_FORMAT' });
      break;
    case 'snils':
      broken.push({ value: '112-233-445 96', rule: 'SNILS_CHECKSUM' }, { value: '112-233', rule: 'SNILS_FORMAT' });
      break;
    case 'license-number':
      broken.push({ value: 'CЛХ 01234 TЭ', rule: 'LICENSE_FORMAT' }, { value: 'СЛХ 1234 ТЭ', rule: 'LICENSE_FORMAT' });
      break;
    case 'volume':
      broken.push({ value: { amount: -3, unit: field.units?.[0] ?? 'т' }, rule: 'NUMBER_OUT_OF_RANGE' }, { value: { amount: 3, unit: 'баррель' }, rule: 'UNIT_NOT_ALLOWED' });
      break;
    case 'money':
      broken.push({ value: '12,345', rule: 'MONEY_FORMAT' }, { value: -10, rule: 'MONEY_FORMAT' }, { value: 'сто рублей', rule: 'MONEY_FORMAT' });
      break;
    default:
      break;
  }
  return broken;
}
