/**
 * The one API contract between the renderer and main.
 *
 * Every call the UI can make is declared here with a schema for its input; its output type lives in
 * `ApiOutputs`. Three thin adapters serve it: Electron IPC (preload ⇄ main), the browser-mode host
 * (HTTP + server-sent events on 127.0.0.1) and in-process calls in tests. Main validates every input
 * against the schema before a handler runs.
 */
import { z } from 'zod';
import { isAllowedCabinetAddress } from './cabinet-address';
import type { Result } from './result';
import { packageStatuses, type CabinetNotification, type License, type Order, type OrganisationRole, type PackageStatus, type Person, type ReportDeadline } from './cabinet';
import type { CatalogEntry, DocumentInspection, FormProblem } from './catalog-types';
import type { PackageManifest, PackageReport } from './packages';
import type { TokenCertificate, TokenDescription } from './tokens';
import type { VerificationReport } from './verification';

/** What the app tells about itself on the first screen and in support reports. */
export interface AppInfo {
  name: 'NedraDesk';
  version: string;
  /** Which shell serves the UI. */
  mode: 'electron' | 'browser';
  platform: string;
}

/** A file signed by `signatures:sign`: its signature is written into the data folder. */
export interface SignedFileInfo {
  /** The staged file that was signed. */
  fileId: string;
  name: string;
  /** The signature (`<name>.sig`), readable with `files:read`. */
  signatureFileId: string;
  signatureName: string;
  size: number;
  sha256: string;
}

/**
 * Main owns every path (design §6). The renderer names files only by opaque handles main gave out:
 * `stg_…` for a file the user staged (dropped, picked: `files:stage`), `out_…` for a file main wrote
 * (rendered form, signature, package, report, decision). 16 random bytes, base64url: no handle can
 * spell a path. Main keeps which file a handle stands for (src/main/services/file-handles.ts).
 */
export const stagedFileIdPattern = /^stg_[A-Za-z0-9_-]{22}$/;
export const fileIdPattern = /^(?:stg|out)_[A-Za-z0-9_-]{22}$/;
/** A file the user staged. */
const stagedFileId = z.string().regex(stagedFileIdPattern);
/** A file the user staged or main wrote. */
const fileId = z.string().regex(fileIdPattern);
/** A file name as the user sees it: never a folder part (`/`, `\\`), never `.` or `..`, no control characters. */
const fileName = z.string().min(1).max(255).regex(/^(?!\.{1,2}$)[^/\\\u0000-\u001f]+$/);
/** Ids of packages, drafts, orders, notifications, organisations and operations. */
const recordId = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/);
/** A catalog or document-role code. */
const code = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
/** How the user picks a certificate or a token (a fingerprint, `id:…`, a serial or a label): text the token's own objects are matched against. */
const selector = z.string().min(1).max(200).regex(/^[^/\\\u0000-\u001f]+$/);
/** A date or a moment, ISO 8601. */
const isoTime = z.string().max(30).regex(/^[0-9][0-9T:.+Z-]*$/);

/** Where the cabinet is, who is logged in, and for which organisation. */
export interface CabinetState {
  profile: { kind: 'stand' | 'url'; url: string | undefined };
  standRunning: boolean;
  person: Person | undefined;
  roles: OrganisationRole[];
  organisation: OrganisationRole | undefined;
  /**
   * With no session: the organisation chosen at the last login, whose requisites forms and packages
   * use and for which the outbox queues («Работа без входа: реквизиты организации из последнего входа»).
   */
  offlineOrganisation?: OrganisationRole | undefined;
}

/** A package waiting in, or gone through, the outbox. */
export interface OutboxItem {
  id: string;
  /** Where main keeps the package (shown; the UI sends `packageId`, never this). */
  packagePath: string;
  typeCode: string;
  title: string;
  organisationOid: string;
  state: 'waiting' | 'sending' | 'failed' | 'done';
  attempts: number;
  nextAttemptAt: string | undefined;
  lastError: { code: string; message: string } | undefined;
  orderId: string | undefined;
  status: PackageStatus;
  registrationNumber: string | undefined;
  createdAt: string;
  updatedAt: string;
}

/** One line of «Проверка рабочего места». */
export interface DiagnosticCheck {
  id: string;
  title: string;
  status: 'ok' | 'warning' | 'error';
  detail: string;
  /** What to do, in plain words, when not ok. */
  fix: string | undefined;
}

export interface DiagnosticsReport {
  generatedAt: string;
  checks: DiagnosticCheck[];
  /** The same as text, for «Скопировать отчёт для поддержки»; never holds a secret. */
  text: string;
}

/** A package as the local database keeps it (one row per version). */
export interface PackageRecord {
  id: string;
  organisationOid: string | undefined;
  typeCode: string;
  title: string;
  status: PackageStatus;
  version: number;
  /** The package this version corrects («Исправить и отправить повторно»). */
  replacesPackageId: string | undefined;
  /** Where main keeps the package file (shown to the user; calls name the package by `id`). */
  filePath: string | undefined;
  registrationNumber: string | undefined;
  orderId: string | undefined;
  createdAt: string;
  updatedAt: string;
}

/** One page of the package list with the counts by status (for the dashboard and the filter). */
export interface PackagePage {
  items: PackageRecord[];
  total: number;
  counts: Partial<Record<PackageStatus, number>>;
}

/** A package with its timeline, its versions and, once sent, the cabinet's order. */
export interface PackageDetails {
  package: PackageRecord;
  history: Array<{ status: PackageStatus; at: string; remark: string | undefined }>;
  /** Every version of the same application, oldest first. */
  versions: PackageRecord[];
  order: Order | undefined;
}

/** A draft of an application or report, autosaved while the user fills it in. */
export interface DraftRecord {
  id: string;
  typeCode: string;
  title: string;
  data: Record<string, unknown>;
  files: AttachedFileRef[];
  replacesPackageId: string | undefined;
  updatedAt: string;
}

/** A document attached for a role: a staged file's handle, the name the user sees, the date written on it. */
export interface AttachedFileRef {
  role: string;
  fileId: string;
  fileName?: string | undefined;
  documentDate?: string | undefined;
}

/** One line of the append-only journal; `details` never hold a secret. */
export interface JournalEntry {
  id: number;
  at: string;
  actor: string | undefined;
  organisationOid: string | undefined;
  action: string;
  object: string | undefined;
  result: 'ok' | 'error';
  details: Record<string, unknown>;
}

/** What the user set: cabinet profile aside (see `cabinet:set-profile`). */
export interface AppSettings {
  /** PKCS#11 libraries the user added (shown, never sent back as paths), searched after the known ones. */
  pkcs11Modules: string[];
  /** Trust anchors the user imported (certification authority roots). */
  trustAnchors: Array<{ sha256: string; subject: string; notAfter: string }>;
  /** The first-run steps were done or skipped. */
  firstRunDone: boolean;
  locale: 'ru' | 'en';
}

const packageStatus = z.enum(Object.keys(packageStatuses) as [PackageStatus, ...PackageStatus[]]);
const journalFilter = {
  from: isoTime.optional(),
  to: isoTime.optional(),
  action: code.optional(),
};

const attachedFile = z.object({ role: code, fileId: stagedFileId, fileName: fileName.optional(), documentDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict();
/** The form's fields as the user filled them: text printed into the PDF and XML, never a path. */
const formData = z.record(z.string().max(100), z.unknown());
const pin = z.string().min(1).max(64);

export const apiInputs = {
  'app:info': z.object({}).strict(),
  'tokens:list': z.object({}).strict(),
  'certificates:list': z.object({ token: selector.optional() }).strict(),
  /** Signs staged files; each signature is written into the data folder and comes back as a handle. */
  'signatures:sign': z
    .object({
      files: z.array(stagedFileId).min(1).max(10_000),
      certificate: selector,
      token: selector.optional(),
      /** Crosses to the token process once and is wiped there after C_Login; never stored or logged. */
      pin: z.string().min(1).max(64),
      attached: z.boolean().optional(),
      pem: z.boolean().optional(),
      operationId: recordId.optional(),
    })
    .strict(),
  'signatures:verify': z
    .object({
      signatureFileId: fileId,
      /** The document of a detached signature; none: the signature must carry it (attached). */
      contentFileId: fileId.optional(),
      trustAnchorFileIds: z.array(stagedFileId).max(100).optional(),
      crlFileIds: z.array(stagedFileId).max(100).optional(),
      requireRevocation: z.boolean().optional(),
      /** Also write the one-page PDF report into the data folder (its handle comes back for `files:read`). */
      pdfReport: z.boolean().optional(),
      operationId: recordId.optional(),
    })
    .strict(),
  /** A dropped or picked file's bytes are kept in the data folder's document store; a handle comes back. */
  'files:stage': z.object({ name: fileName, contentBase64: z.string().max(70_000_000) }).strict(),
  'catalog:list': z.object({}).strict(),
  'documents:inspect': z.object({ fileId: stagedFileId, fileName: fileName.optional() }).strict(),
  'forms:validate': z.object({ typeCode: code, data: formData, files: z.array(attachedFile).max(100) }).strict(),
  'forms:render': z.object({ typeCode: code, data: formData, files: z.array(attachedFile).max(100) }).strict(),
  'packages:build': z
    .object({
      typeCode: code,
      title: z.string().max(300).optional(),
      data: formData,
      files: z.array(attachedFile).max(100),
      certificate: selector,
      token: selector.optional(),
      pin,
      operationId: recordId.optional(),
      /** The draft this package is built from; it is removed once the package exists. */
      draftId: recordId.optional(),
      /** The package this one corrects. */
      replacesPackageId: recordId.optional(),
    })
    .strict(),
  'packages:list': z.object({ status: packageStatus.optional(), search: z.string().max(200).optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(200).default(50) }).strict(),
  'packages:get': z.object({ id: recordId }).strict(),
  /** «Исправить и отправить повторно»: a draft with the package's data, linked to it. */
  'packages:revise': z.object({ id: recordId }).strict(),
  /** «Печатная копия с отметкой о подписи»: the printable form with the visible signature mark. */
  'packages:stamped-copy': z.object({ id: recordId }).strict(),
  'drafts:save': z
    .object({
      id: recordId.optional(),
      typeCode: code,
      title: z.string().max(300),
      data: formData,
      files: z.array(attachedFile).max(100),
      replacesPackageId: recordId.optional(),
    })
    .strict(),
  'drafts:list': z.object({}).strict(),
  'drafts:get': z.object({ id: recordId }).strict(),
  'drafts:delete': z.object({ id: recordId }).strict(),
  'journal:list': z.object({ ...journalFilter, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50) }).strict(),
  'journal:export': z.object(journalFilter).strict(),
  'settings:get': z.object({}).strict(),
  'settings:set': z.object({ firstRunDone: z.boolean().optional(), locale: z.enum(['ru', 'en']).optional() }).strict(),
  /**
   * Adds a PKCS#11 library the user picks in a native open dialog shown by main (the desktop app):
   * the renderer never names a library's path. Browser mode has no such dialog (NATIVE_DIALOG_UNAVAILABLE).
   */
  'settings:choose-pkcs11-module': z.object({}).strict(),
  /** Removes the added library at this position of `AppSettings.pkcs11Modules`. */
  'settings:remove-pkcs11-module': z.object({ index: z.number().int().min(0).max(19) }).strict(),
  /** Imports a staged certification authority certificate (DER or PEM file) as a trust anchor. */
  'trust:import': z.object({ fileId: stagedFileId }).strict(),
  'trust:remove': z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  /** A file main produced (rendered PDF, decision document, report) or the user staged, by handle, as bytes for showing or saving in the UI. */
  'files:read': z.object({ fileId }).strict(),
  /** Checks a package file: one the user staged, or one main built. */
  'packages:inspect': z.object({ fileId }).strict(),
  'cabinet:state': z.object({}).strict(),
  // Cabinet addresses are https (plain http only to this computer): src/shared/cabinet-address.ts.
  'cabinet:set-profile': z.object({ kind: z.enum(['stand', 'url']), url: z.string().url().max(2000).refine(isAllowedCabinetAddress, 'Адрес кабинета должен начинаться с https:// (http:// — только 127.0.0.1, localhost или [::1]).').optional() }).strict(),
  'cabinet:login-statement': z.object({}).strict(),
  // challengeId names the statement `cabinet:login-statement` built and the login page showed: main signs that one (it never
  // takes the text from here), so the user always saw what the token signs. Its format is the identity client's.
  'cabinet:login-signature': z.object({ certificate: selector, token: selector.optional(), pin, challengeId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }).strict(),
  'cabinet:login-password-start': z.object({}).strict(),
  'cabinet:login-password-finish': z.object({}).strict(),
  'cabinet:choose-organisation': z.object({ organisationOid: recordId }).strict(),
  'cabinet:logout': z.object({}).strict(),
  /** Queues a package this computer built (main knows its file) for sending. */
  'outbox:submit': z.object({ packageId: recordId, typeCode: code, title: z.string().min(1).max(300), trainingOutcome: z.enum(['approved', 'needs-rework', 'rejected']).optional() }).strict(),
  'outbox:list': z.object({}).strict(),
  'orders:list': z.object({}).strict(),
  'orders:file': z.object({ orderId: recordId, name: fileName }).strict(),
  'licenses:list': z.object({}).strict(),
  'deadlines:list': z.object({}).strict(),
  'notifications:list': z.object({}).strict(),
  'notifications:read': z.object({ id: recordId }).strict(),
  'diagnostics:run': z.object({}).strict(),
  /** Stops a long operation (signing, building, verifying) at its next safe point; it then fails with OPERATION_CANCELLED. */
  'operations:cancel': z.object({ operationId: recordId }).strict(),
} as const;

/** Output type of every call. */
export interface ApiOutputs {
  'app:info': AppInfo;
  'tokens:list': TokenDescription[];
  'certificates:list': TokenCertificate[];
  'signatures:sign': SignedFileInfo[];
  'signatures:verify': VerificationReport & { signatureName: string; contentName: string | undefined; pdfReportFileId?: string | undefined };
  'files:stage': { fileId: string; name: string };
  'catalog:list': CatalogEntry[];
  'documents:inspect': DocumentInspection;
  'forms:validate': FormProblem[];
  'forms:render': { pdfFileId: string; xmlFileId: string };
  'packages:build': { packageId: string; fileId: string; manifest: PackageManifest };
  'packages:inspect': PackageReport;
  'packages:list': PackagePage;
  'packages:get': PackageDetails;
  'packages:revise': DraftRecord;
  'packages:stamped-copy': { fileId: string; name: string };
  'drafts:save': DraftRecord;
  'drafts:list': DraftRecord[];
  'drafts:get': DraftRecord;
  'drafts:delete': null;
  'journal:list': { items: JournalEntry[]; total: number };
  'journal:export': { fileName: string; csv: string };
  'settings:get': AppSettings;
  'settings:set': AppSettings;
  'settings:choose-pkcs11-module': AppSettings;
  'settings:remove-pkcs11-module': AppSettings;
  'trust:import': AppSettings;
  'trust:remove': AppSettings;
  'files:read': { name: string; mediaType: string; contentBase64: string };
  'cabinet:state': CabinetState;
  'cabinet:set-profile': CabinetState;
  'cabinet:login-statement': { challengeId: string; statement: string };
  'cabinet:login-signature': CabinetState;
  'cabinet:login-password-start': { authorizationUrl: string };
  'cabinet:login-password-finish': CabinetState;
  'cabinet:choose-organisation': CabinetState;
  'cabinet:logout': CabinetState;
  'outbox:submit': OutboxItem;
  'outbox:list': OutboxItem[];
  'orders:list': Order[];
  'orders:file': { fileId: string; name: string };
  'licenses:list': License[];
  'deadlines:list': ReportDeadline[];
  'notifications:list': CabinetNotification[];
  'notifications:read': null;
  'diagnostics:run': DiagnosticsReport;
  'operations:cancel': null;
}

export type ApiMethod = keyof typeof apiInputs;
export type ApiInput<M extends ApiMethod> = z.infer<(typeof apiInputs)[M]>;
export type ApiOutput<M extends ApiMethod> = ApiOutputs[M];

/** All method names, in a stable order, for adapters that register one channel per call. */
export const apiMethodNames = Object.keys(apiInputs) as ApiMethod[];

/** Events main pushes to the UI. */
export interface ApiEvents {
  progress: { operationId: string; done: number; total: number; stage: string };
  /** The token list changed: a token was inserted or removed, or its PIN state changed. */
  'tokens:changed': { tokens: TokenDescription[] };
  /** The outbox changed: a package was queued, sent, failed or accepted. */
  'outbox:changed': { items: OutboxItem[] };
  /** An order's status changed in the cabinet (status sync). */
  'package:status': { orderId: string; title: string; status: PackageStatus };
  /**
   * The app's embedded training stand «sent» a one-time code (it sends no SMS): the login page shows
   * it. Only the embedded stand, in-process; a stand reached over the network never tells its codes.
   */
  'cabinet:training-sms': { phone: string; code: string };
}
export type ApiEventName = keyof ApiEvents;
export const apiEventNames: ApiEventName[] = ['progress', 'tokens:changed', 'outbox:changed', 'package:status', 'cabinet:training-sms'];

/** Implementation of the contract on the main side: one async handler per call. */
export type ApiHandlers = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutput<M>> };

/** What the preload (or the browser-mode client) exposes to the renderer: one method per call. */
export interface NedraDeskBridge {
  methods: { [M in ApiMethod]: (input: ApiInput<M>) => Promise<Result<ApiOutput<M>>> };
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** IPC channel name of a call. */
export function ipcChannelOf(method: ApiMethod): string {
  return `api:${method}`;
}

/** IPC channel name of an event. */
export function ipcEventChannelOf(event: ApiEventName): string {
  return `event:${event}`;
}

/** Whether a string names a call of the contract. */
export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputs, name);
}
