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

/** A file signed by `signatures:sign`. */
export interface SignedFileInfo {
  file: string;
  signaturePath: string;
  size: number;
  sha256: string;
}

const filePath = z.string().min(1).max(4096);

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
  files: Array<{ role: string; path: string; fileName?: string | undefined; documentDate?: string | undefined }>;
  replacesPackageId: string | undefined;
  updatedAt: string;
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
  from: z.string().max(30).optional(),
  to: z.string().max(30).optional(),
  action: z.string().max(100).optional(),
};

const attachedFile = z.object({ role: z.string().min(1).max(100), path: filePath, fileName: z.string().max(255).optional(), documentDate: z.string().max(10).optional() }).strict();
const formData = z.record(z.string().max(100), z.unknown());
const pin = z.string().min(1).max(64);

export const apiInputs = {
  'app:info': z.object({}).strict(),
  'tokens:list': z.object({}).strict(),
  'certificates:list': z.object({ token: z.string().max(64).optional() }).strict(),
  'signatures:sign': z
    .object({
      files: z.array(filePath).min(1).max(10_000),
      certificate: z.string().min(1).max(200),
      token: z.string().max(64).optional(),
      /** Crosses to the token process once and is wiped there after C_Login; never stored or logged. */
      pin: z.string().min(1).max(64),
      attached: z.boolean().optional(),
      pem: z.boolean().optional(),
      outDir: filePath.optional(),
      operationId: z.string().max(64).optional(),
    })
    .strict(),
  'signatures:verify': z
    .object({
      signaturePath: filePath,
      contentPath: filePath.optional(),
      trustAnchorPaths: z.array(filePath).max(100).optional(),
      crlPaths: z.array(filePath).max(100).optional(),
      requireRevocation: z.boolean().optional(),
      pdfReportPath: filePath.optional(),
      /** Also write the one-page PDF report into the data folder (its path comes back for `files:read`). */
      pdfReport: z.boolean().optional(),
      operationId: z.string().max(64).optional(),
    })
    .strict(),
  /** Browser mode: a dropped file's bytes are written to a private temporary folder; its path comes back. */
  'files:stage': z.object({ name: z.string().min(1).max(255), contentBase64: z.string().max(70_000_000) }).strict(),
  'catalog:list': z.object({}).strict(),
  'documents:inspect': z.object({ path: filePath, fileName: z.string().max(255).optional() }).strict(),
  'forms:validate': z.object({ typeCode: z.string().min(1).max(100), data: formData, files: z.array(attachedFile).max(100) }).strict(),
  'forms:render': z.object({ typeCode: z.string().min(1).max(100), data: formData, files: z.array(attachedFile).max(100) }).strict(),
  'packages:build': z
    .object({
      typeCode: z.string().min(1).max(100),
      title: z.string().max(300).optional(),
      data: formData,
      files: z.array(attachedFile).max(100),
      certificate: z.string().min(1).max(200),
      token: z.string().max(64).optional(),
      pin,
      operationId: z.string().max(64).optional(),
      /** The draft this package is built from; it is removed once the package exists. */
      draftId: z.string().max(64).optional(),
      /** The package this one corrects. */
      replacesPackageId: z.string().max(64).optional(),
    })
    .strict(),
  'packages:list': z.object({ status: packageStatus.optional(), search: z.string().max(200).optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(200).default(50) }).strict(),
  'packages:get': z.object({ id: z.string().min(1).max(64) }).strict(),
  /** «Исправить и отправить повторно»: a draft with the package's data, linked to it. */
  'packages:revise': z.object({ id: z.string().min(1).max(64) }).strict(),
  /** «Печатная копия с отметкой о подписи»: the printable form with the visible signature mark. */
  'packages:stamped-copy': z.object({ id: z.string().min(1).max(64) }).strict(),
  'drafts:save': z
    .object({
      id: z.string().max(64).optional(),
      typeCode: z.string().min(1).max(100),
      title: z.string().max(300),
      data: formData,
      files: z.array(attachedFile).max(100),
      replacesPackageId: z.string().max(64).optional(),
    })
    .strict(),
  'drafts:list': z.object({}).strict(),
  'drafts:get': z.object({ id: z.string().min(1).max(64) }).strict(),
  'drafts:delete': z.object({ id: z.string().min(1).max(64) }).strict(),
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
  /** Imports a certification authority certificate (DER or PEM file) as a trust anchor. */
  'trust:import': z.object({ path: filePath }).strict(),
  'trust:remove': z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  /** A file main produced (rendered PDF, decision document, report) as bytes, for showing or saving in the UI. */
  'files:read': z.object({ path: filePath }).strict(),
  'packages:inspect': z.object({ path: filePath }).strict(),
  'cabinet:state': z.object({}).strict(),
  // Cabinet addresses are https (plain http only to this computer): src/shared/cabinet-address.ts.
  'cabinet:set-profile': z.object({ kind: z.enum(['stand', 'url']), url: z.string().url().max(2000).refine(isAllowedCabinetAddress, 'Адрес кабинета должен начинаться с https:// (http:// — только 127.0.0.1, localhost или [::1]).').optional() }).strict(),
  'cabinet:login-statement': z.object({}).strict(),
  // challengeId names the statement `cabinet:login-statement` built and the login page showed: main signs that one (it never
  // takes the text from here); without it main builds a statement and signs it at once.
  'cabinet:login-signature': z.object({ certificate: z.string().min(1).max(200), token: z.string().max(64).optional(), pin, challengeId: z.string().min(1).max(128).optional() }).strict(),
  'cabinet:login-password-start': z.object({}).strict(),
  'cabinet:login-password-finish': z.object({}).strict(),
  'cabinet:choose-organisation': z.object({ organisationOid: z.string().min(1).max(64) }).strict(),
  'cabinet:logout': z.object({}).strict(),
  'outbox:submit': z.object({ packagePath: filePath, typeCode: z.string().min(1).max(100), title: z.string().min(1).max(300), trainingOutcome: z.enum(['approved', 'needs-rework', 'rejected']).optional() }).strict(),
  'outbox:list': z.object({}).strict(),
  'orders:list': z.object({}).strict(),
  'orders:file': z.object({ orderId: z.string().min(1).max(100), name: z.string().min(1).max(255) }).strict(),
  'licenses:list': z.object({}).strict(),
  'deadlines:list': z.object({}).strict(),
  'notifications:list': z.object({}).strict(),
  'notifications:read': z.object({ id: z.string().min(1).max(100) }).strict(),
  'diagnostics:run': z.object({}).strict(),
  /** Stops a long operation (signing, building, verifying) at its next safe point; it then fails with OPERATION_CANCELLED. */
  'operations:cancel': z.object({ operationId: z.string().min(1).max(64) }).strict(),
} as const;

/** Output type of every call. */
export interface ApiOutputs {
  'app:info': AppInfo;
  'tokens:list': TokenDescription[];
  'certificates:list': TokenCertificate[];
  'signatures:sign': SignedFileInfo[];
  'signatures:verify': VerificationReport & { contentPath: string | undefined; pdfReportPath?: string | undefined };
  'files:stage': { path: string };
  'catalog:list': CatalogEntry[];
  'documents:inspect': DocumentInspection;
  'forms:validate': FormProblem[];
  'forms:render': { pdfPath: string; xmlPath: string };
  'packages:build': { packagePath: string; manifest: PackageManifest; packageId: string };
  'packages:inspect': PackageReport;
  'packages:list': PackagePage;
  'packages:get': PackageDetails;
  'packages:revise': DraftRecord;
  'packages:stamped-copy': { path: string };
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
  'orders:file': { path: string };
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
}
export type ApiEventName = keyof ApiEvents;
export const apiEventNames: ApiEventName[] = ['progress', 'tokens:changed', 'outbox:changed', 'package:status'];

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
