/**
 * The catalog of application and report types as data (design §4 «Catalog»), shared by main and
 * the renderer: field definitions, document roles with their rules, form values and the problems
 * `validateForm` reports. Adding a type is adding an entry to the catalog, not a code branch.
 */

/** Whether an entry is an application (заявление) or a report (отчёт). */
export type CatalogKind = 'application' | 'report';

/** Subsoil use (недропользование, seed 001) or nature use (природопользование, seed 002). */
export type CatalogDomain = 'subsoil' | 'nature';

/** Units a volume may be given in. */
export const volumeUnits = ['т', 'тыс. т', 'кг', 'м³', 'тыс. м³', 'млн м³', 'шт.', 'га'] as const;
/** A unit of a volume field. */
export type VolumeUnit = (typeof volumeUnits)[number];

/** What kind of value a field holds; each kind has one value shape (see `FieldValue`). */
export type FieldType =
  | 'text'
  | 'number'
  | 'date'
  | 'period'
  | 'enum'
  | 'inn'
  | 'ogrn'
  | 'snils'
  | 'license-number'
  | 'volume'
  | 'money';

/** Period shapes a `period` field accepts. */
export type PeriodKind = 'year' | 'quarter' | 'month' | 'range';

/** One field of a form. */
export interface FieldDefinition {
  /** Stable ASCII key used in form data, XML and problem targets. */
  key: string;
  type: FieldType;
  label: string;
  help?: string;
  required: boolean;
  /** text: longest accepted value in characters. */
  maxLength?: number;
  /** text: shown as a multi-line box. */
  multiline?: boolean;
  /** number: the fixed unit shown after the value (e.g. «га», «%»). */
  unit?: string;
  /** number: smallest value (default 0). */
  min?: number;
  /** number: largest value. */
  max?: number;
  /** volume: which units are allowed. */
  units?: readonly VolumeUnit[];
  /** enum: allowed values with labels. */
  options?: ReadonlyArray<{ value: string; label: string }>;
  /** period: which shapes are accepted. */
  periodKinds?: readonly PeriodKind[];
  /** date / period: the value may not lie in the future (reports describe what already happened). */
  notInFuture?: boolean;
  /** inn / ogrn: which subject kinds are accepted (default both). */
  subject?: 'legal' | 'individual' | 'any';
}

/** A rule between two fields: `first` must not be later than `second` (both dates or ranges). */
export interface FieldOrderConstraint {
  kind: 'not-after';
  first: string;
  second: string;
}

/** Formats recognised by content (magic bytes, well-formed XML, OOXML parts). */
export type DocumentFormat = 'pdf' | 'jpeg' | 'png' | 'xml' | 'docx' | 'xlsx';

/** Rules one document role must satisfy (design §4 «Document rules»). */
export interface DocumentRule {
  formats: readonly DocumentFormat[];
  /** Largest file size in bytes. */
  maxBytes?: number;
  /** Scans (JPEG, PNG) must have at least this resolution. */
  minDpi?: number;
  /** The document's own date must be at most this many days before filing (e.g. 30). */
  maxAgeDays?: number;
  /** The document is valid for at most this many days from its date (e.g. 365 for a consent). */
  validityDays?: number;
  /** Must carry the applicant's electronic signature in the package (checked when signing). */
  mustBeSigned?: boolean;
  /** More than one file may be attached for the role. */
  multiple?: boolean;
  /** Something a person must check by eye (scale 1:5000, signature of the responsible person). */
  note?: string;
}

/** Whether attachments under this rule need the document's own date (freshness or validity rules). */
export function needsDocumentDate(rule: DocumentRule): boolean {
  return rule.maxAgeDays !== undefined || rule.validityDays !== undefined;
}

/** A kind of document attached to an application or report. */
export interface DocumentRoleDefinition {
  /** Stable ASCII code, e.g. `license-copy`. */
  code: string;
  title: string;
  rule: DocumentRule;
}

/** A document role as used by one catalog entry. */
export interface EntryDocument {
  role: DocumentRoleDefinition;
  required: boolean;
  /** Why it is optional or when it is needed (e.g. «если есть»). */
  condition?: string;
}

/** One application or report type. */
export interface CatalogEntry {
  /** Stable ASCII code, e.g. `report.extraction`. */
  code: string;
  /** Version of the form; goes into the XML root. */
  version: number;
  kind: CatalogKind;
  domain: CatalogDomain;
  title: string;
  description: string;
  fields: readonly FieldDefinition[];
  constraints?: readonly FieldOrderConstraint[];
  documents: readonly EntryDocument[];
}

/** A volume with its unit. */
export interface VolumeValue {
  amount: number;
  unit: string;
}

/** A reporting period: a year, a quarter or month of a year, or a date range. */
export type PeriodValue =
  | { kind: 'year'; year: number }
  | { kind: 'quarter'; year: number; quarter: number }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'range'; from: string; to: string };

/** A value in form data. Dates are `YYYY-MM-DD`; money is in roubles with kopecks as a decimal. */
export type FieldValue = string | number | VolumeValue | PeriodValue;

/** Form data keyed by field key. */
export type FormData = Record<string, FieldValue | null | undefined>;

/** Every rule a problem can name. */
export type ProblemRule =
  | 'REQUIRED'
  | 'UNKNOWN_FIELD'
  | 'WRONG_TYPE'
  | 'TEXT_TOO_LONG'
  | 'NUMBER_OUT_OF_RANGE'
  | 'UNIT_NOT_ALLOWED'
  | 'ENUM_NOT_ALLOWED'
  | 'MONEY_FORMAT'
  | 'INN_FORMAT'
  | 'INN_CHECKSUM'
  | 'OGRN_FORMAT'
  | 'OGRN_CHECKSUM'
  | 'SNILS_FORMAT'
  | 'SNILS_CHECKSUM'
  | 'LICENSE_FORMAT'
  | 'DATE_FORMAT'
  | 'DATE_IN_FUTURE'
  | 'PERIOD_INVALID'
  | 'PERIOD_KIND_NOT_ALLOWED'
  | 'PERIOD_ORDER'
  | 'FIELD_ORDER'
  | 'DOCUMENT_REQUIRED'
  | 'DOCUMENT_ROLE_UNKNOWN'
  | 'DOCUMENT_DUPLICATE'
  | 'FILE_EMPTY'
  | 'FILE_TOO_LARGE'
  | 'FORMAT_NOT_ALLOWED'
  | 'FORMAT_UNKNOWN'
  | 'CONTENT_MISMATCH'
  | 'DPI_TOO_LOW'
  | 'DPI_UNKNOWN'
  | 'ENCRYPTED_PDF'
  | 'PDF_DAMAGED'
  | 'XML_MALFORMED'
  | 'OFFICE_DAMAGED'
  | 'DOCUMENT_DATE_REQUIRED'
  | 'DOCUMENT_DATE_IN_FUTURE'
  | 'DOCUMENT_TOO_OLD'
  | 'DOCUMENT_EXPIRED';

/** One broken rule: what (field key, or `documents.<role>` / `documents.<role>/<file>`), which rule, how to fix it. */
export interface FormProblem {
  target: string;
  rule: ProblemRule;
  message: string;
}

/** What content inspection found in a file (see src/main/core/documents/inspect-document.ts). */
export interface DocumentInspection {
  fileName: string;
  size: number;
  /** The format the extension claims, if the extension is known. */
  declaredFormat?: DocumentFormat;
  /** The format the content shows, or undefined when it is none of the known ones. */
  detectedFormat?: DocumentFormat;
  /** `scanDpi`: resolution of full-page scanned images, the lowest over the pages that have one. */
  pdf?: { version: string; encrypted: boolean; pageCount?: number; scanDpi?: number; damaged?: string };
  image?: { width: number; height: number; dpiX?: number; dpiY?: number };
  xml?: { wellFormed: boolean; rootElement?: string; error?: string; line?: number; column?: number };
  office?: { valid: boolean; error?: string };
}

/** A file attached for a role, with its inspection and (where the rule needs it) the document's own date. */
export interface AttachmentInput {
  role: string;
  inspection: DocumentInspection;
  /** `YYYY-MM-DD`, the date written on the document (needed for freshness and validity rules). */
  documentDate?: string;
}
