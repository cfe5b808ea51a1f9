/**
 * The calls served from what this computer keeps — packages and drafts in the local database, the
 * journal, settings, trust anchors, files in the data folder — and the journal lines written around
 * the calls that act (login, signing, sending, verification).
 */
import type { ApiHandlers, ApiInput, ApiMethod, ApiOutput, AppSettings } from '../../shared/api';
import type { JournalAction } from '../../shared/journal';
import { AppError } from '../../shared/errors';
import type { CabinetService } from './cabinet-service';
import { readDataFile } from './data-files';
import type { JournalRecord, JournalService } from './journal-service';
import type { PackageRecords } from './package-records';
import type { StoreDatabase } from '../store/database';
import { readSettings, writeSettings } from './settings';
import type { NativeDialogs } from './native-dialogs';
import type { FileHandles } from './file-handles';
import { trustedModulePath } from '../token/module-trust';
import { describeTrustAnchors, importTrustAnchor, removeTrustAnchor } from './trust-store';

/** What the local calls need; absent parts answer INTERNAL_ERROR (contexts without a data folder). */
export interface LocalContext {
  dataDir?: string | undefined;
  records?: PackageRecords | undefined;
  journal?: JournalService | undefined;
  cabinet?: CabinetService | undefined;
  /** The local database holding the settings; without it they are read from the data folder's database. */
  store?: StoreDatabase | undefined;
  /** The system's file dialogs (the desktop app only). */
  dialogs?: NativeDialogs | undefined;
  /** The handles the UI names files by (made by createHandlers over the data folder). */
  fileHandles?: (() => FileHandles) | undefined;
}

export type LocalMethod =
  | 'packages:list'
  | 'packages:get'
  | 'packages:revise'
  | 'drafts:save'
  | 'drafts:list'
  | 'drafts:get'
  | 'drafts:delete'
  | 'journal:list'
  | 'journal:export'
  | 'settings:get'
  | 'settings:set'
  | 'settings:choose-pkcs11-module'
  | 'settings:remove-pkcs11-module'
  | 'trust:import'
  | 'trust:remove'
  | 'files:read';

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new AppError('INTERNAL_ERROR', { reason: `no ${what} here` });
  return value;
}

/** The handlers of the local calls. */
export function createLocalHandlers(context: LocalContext): Pick<ApiHandlers, LocalMethod> {
  const records = () => required(context.records, 'local database');
  const journal = () => required(context.journal, 'journal');
  const dataDir = () => required(context.dataDir, 'data folder');
  const files = () => required(context.fileHandles, 'file handles')();
  const settingsSource = () => context.store ?? dataDir();
  const appSettings = async (): Promise<AppSettings> => ({ ...readSettings(settingsSource()), trustAnchors: await describeTrustAnchors(dataDir()) });

  return {
    'packages:list': async (input) => records().list(input),
    'packages:get': (input) => records().details(input.id, async (orderId) => context.cabinet?.order(orderId)),
    'packages:revise': async (input) => records().revise(input.id),
    'drafts:save': async (input) => records().saveDraft(input),
    'drafts:list': async () => records().listDrafts(),
    'drafts:get': async (input) => records().getDraft(input.id),
    'drafts:delete': async (input) => {
      const title = records().deleteDraft(input.id);
      journal().record('draft.delete', { object: title, details: { draftId: input.id } });
      return null;
    },
    'journal:list': async (input) => journal().list(input),
    'journal:export': async (input) => journal().exportCsv(input),
    'settings:get': appSettings,
    'settings:set': async (input) => {
      await writeSettings(settingsSource(), input);
      context.journal?.record('settings.change', { details: Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) });
      return appSettings();
    },
    'settings:choose-pkcs11-module': async () => {
      if (context.dialogs === undefined) throw new AppError('NATIVE_DIALOG_UNAVAILABLE');
      const chosen = await context.dialogs.openFile({ title: 'Библиотека PKCS#11', filters: [{ name: 'Библиотека PKCS#11', extensions: process.platform === 'win32' ? ['dll'] : ['so', 'dylib'] }] });
      if (chosen === undefined) return appSettings();
      // Refused here already when it could not be loaded later (module-trust.ts); the token process checks again at every start.
      const real = trustedModulePath(chosen, { untrustedFolders: [dataDir()] });
      const current = readSettings(settingsSource()).pkcs11Modules;
      if (!current.includes(real)) {
        if (current.length >= 20) throw new AppError('INVALID_INPUT', { reason: 'at most 20 libraries' });
        await writeSettings(settingsSource(), { pkcs11Modules: [...current, real] });
        // PKCS#11 libraries are read when the token process starts: a change applies after a restart.
        context.journal?.record('settings.change', { details: { pkcs11ModuleAdded: real } });
      }
      return appSettings();
    },
    'settings:remove-pkcs11-module': async (input) => {
      const current = readSettings(settingsSource()).pkcs11Modules;
      const removed = current[input.index];
      if (removed !== undefined) {
        await writeSettings(settingsSource(), { pkcs11Modules: current.filter((_module, index) => index !== input.index) });
        context.journal?.record('settings.change', { details: { pkcs11ModuleRemoved: removed } });
      }
      return appSettings();
    },
    'trust:import': async (input) => {
      const staged = files().resolve(input.fileId, 'staged');
      await journal().recordOutcome(
        'trust.import',
        () => importTrustAnchor(dataDir(), staged.path),
        (anchor) => ({ object: anchor.subject, details: { sha256: anchor.sha256 } }),
        { object: staged.name },
      );
      return appSettings();
    },
    'trust:remove': async (input) => {
      const removed = await removeTrustAnchor(dataDir(), input.sha256);
      journal().record('trust.remove', { result: removed ? 'ok' : 'error', details: { sha256: input.sha256 } });
      return appSettings();
    },
    // Only a file main gave a handle for, and still only inside the data folder (links resolved).
    'files:read': async (input) => {
      const file = files().resolve(input.fileId);
      const read = await readDataFile(dataDir(), file.path);
      return { ...read, name: file.name, mediaType: file.mediaType };
    },
  };
}

type Handler<M extends ApiMethod> = (input: ApiInput<M>) => Promise<ApiOutput<M>>;

/** A handler whose every call leaves a journal line: `ok` with what `describe` tells, or `error` with the code. */
function journaled<M extends ApiMethod>(
  journal: JournalService,
  handler: Handler<M>,
  action: JournalAction,
  describe: (input: ApiInput<M>, value: ApiOutput<M>) => JournalRecord,
  describeAttempt: (input: ApiInput<M>) => JournalRecord = () => ({}),
): Handler<M> {
  return (input) => journal.recordOutcome(action, () => handler(input), (value) => describe(input, value), describeAttempt(input));
}

/**
 * Wraps the calls that act so that each leaves a journal line. Details name files, certificates
 * and results — never the PIN, which only `input.pin` holds and no describer reads.
 */
export function withJournal(handlers: ApiHandlers, journal: JournalService | undefined): ApiHandlers {
  if (journal === undefined) return handlers;
  return {
    ...handlers,
    'cabinet:login-signature': journaled<'cabinet:login-signature'>(
      journal,
      handlers['cabinet:login-signature'],
      'login.signature',
      (input, state) => ({ object: state.organisation?.fullName, details: { certificate: input.certificate, organisations: state.roles.length } }),
      (input) => ({ details: { certificate: input.certificate } }),
    ),
    'cabinet:login-password-finish': journaled<'cabinet:login-password-finish'>(journal, handlers['cabinet:login-password-finish'], 'login.password', (_input, state) => ({ object: state.organisation?.fullName, details: { organisations: state.roles.length } })),
    'cabinet:choose-organisation': journaled<'cabinet:choose-organisation'>(
      journal,
      handlers['cabinet:choose-organisation'],
      'organisation.choose',
      (_input, state) => ({ object: state.organisation?.fullName, details: { role: state.organisation?.role } }),
      (input) => ({ details: { organisationOid: input.organisationOid } }),
    ),
    'cabinet:logout': async (input) => {
      // Written before the session ends, while it is known who leaves.
      journal.record('logout');
      return handlers['cabinet:logout'](input);
    },
    'signatures:sign': journaled<'signatures:sign'>(
      journal,
      handlers['signatures:sign'],
      'signature.sign',
      (input, signed) => ({ object: signed.map((file) => file.name).join(', '), details: { files: signed.length, certificate: input.certificate, attached: input.attached === true } }),
      (input) => ({ details: { files: input.files.length, certificate: input.certificate } }),
    ),
    'signatures:verify': journaled<'signatures:verify'>(
      journal,
      handlers['signatures:verify'],
      'signature.verify',
      (_input, report) => ({ object: report.signatureName, details: { indication: report.indication, subIndication: report.subIndication } }),
      (input) => ({ details: { signatureFileId: input.signatureFileId } }),
    ),
    'packages:build': journaled<'packages:build'>(
      journal,
      handlers['packages:build'],
      'package.build',
      (input, built) => ({ object: input.title, details: { packageId: built.packageId, type: input.typeCode, documents: built.manifest.documents.length, replacesPackageId: input.replacesPackageId } }),
      (input) => ({ object: input.title, details: { type: input.typeCode, files: input.files.length } }),
    ),
    'outbox:submit': journaled<'outbox:submit'>(
      journal,
      handlers['outbox:submit'],
      'package.submit',
      (input, item) => ({ object: input.title, details: { outboxItem: item.id, state: item.state } }),
      (input) => ({ object: input.title, details: { packageId: input.packageId } }),
    ),
  };
}
