/**
 * The app's services, built the same way for both shells (Electron in src/main/app, browser mode in
 * src/main/host): the token process and its watch, the cabinet with its outbox and the embedded
 * training stand, the local database (`<data>/nedradesk.db`) with package records, the outbox's queue and the journal,
 * and the handlers of the API contract. The shells add only what is theirs: windows, IPC, HTTP.
 */
import path from 'node:path';
import type { ApiEventName, ApiEvents, ApiHandlers, AppInfo, OutboxItem } from '../../shared/api';
import { roles, type OrganisationRole } from '../../shared/cabinet';
import type { OutboxStatusChange } from '../cabinet/outbox';
import { startStand, type StandOptions } from '../../stand/server';
import { makePrivateFolderSync, tightenPrivateTree } from '../core/files/private-files';
import { createLogger } from '../log/logger';
import { openStore, type StoreDatabase } from '../store/database';
import { cabinetListStore } from '../store/cabinet-lists';
import { sqliteOutboxStorage } from '../store/outbox-store';
import { importLegacyFiles } from '../store/preferences';
import { rememberedOrganisation, rememberOrganisation, putDocument } from '../store/repositories';
import { TokenSupervisor, type TokenProcessLauncher } from '../token/token-supervisor';
import type { TokenService } from '../token/token-service';
import { CabinetService, sqliteProfileStorage, type CabinetServiceOptions, type OrganisationMemory } from './cabinet-service';
import { createDispatcher, type Dispatcher } from './dispatch';
import { FileHandles } from './file-handles';
import { createHandlers, type ServiceContext } from './handlers';
import type { LocalContext } from './local-handlers';
import { JournalService } from './journal-service';
import type { NativeDialogs } from './native-dialogs';
import { PackageRecords } from './package-records';
import { readSettings } from './settings';
import { isTrainingAuthorityCertificate, loadTrainingCaAnchor, loadTrustAnchors } from './trust-store';

const log = createLogger('services.app');

/** Pushes an event of the contract to the UI. */
export type EmitEvent = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

export interface AppServicesOptions {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  /** Starts the token process: an Electron utility process, or a Node child process in browser mode. */
  launchTokenProcess?: TokenProcessLauncher;
  /** A token service made by the caller (tests, in-process use); the caller closes it. */
  tokens?: TokenService;
  emit: EmitEvent;
  /** After a package's new status is recorded (Electron shows a desktop notification). */
  onPackageStatus?: (item: OutboxItem) => void;
  /** Overrides of the cabinet's timing and of the stand it starts (tests). */
  cabinet?: Pick<CabinetServiceOptions, 'syncIntervalMs' | 'outboxBaseDelayMs' | 'startStand'>;
  /** The system's file dialogs: the desktop app has them, browser mode does not. */
  dialogs?: NativeDialogs;
  /** Where `NEDRADESK_STAND_*` are read from; `process.env` by default. */
  environment?: NodeJS.ProcessEnv;
}

export interface AppServices {
  tokens: TokenService;
  cabinet: CabinetService;
  store: StoreDatabase;
  records: PackageRecords;
  journal: JournalService;
  handlers: ApiHandlers;
  dispatch: Dispatcher;
  /** The trust anchors signature checks use now (the training CA only while the training stand is the cabinet). */
  trustAnchors(): Promise<Uint8Array[]>;
  /** Stops the outbox and the stand, finalises the token process, closes the database. */
  close(): Promise<void>;
}

const scenarios = ['auto', 'approved', 'needs-rework', 'rejected'] as const;

/** What NedraDesk keeps directly in its data folder (tightened on start; other files there are the user's). */
const dataFolderEntries = [
  'nedradesk.db',
  'nedradesk.db-wal',
  'nedradesk.db-shm',
  'documents',
  'packages',
  'renders',
  'decisions',
  'reports',
  'staged',
  'copies',
  'trust',
  'stand',
  'window-state.json',
  ...['outbox.json', 'settings.json', 'cabinet-profile.json'].flatMap((name) => [name, `${name}.imported`]),
];

/**
 * The embedded training stand's pace and outcome: `NEDRADESK_STAND_STEP_MS` (milliseconds between
 * processing steps, 5 s by default) and `NEDRADESK_STAND_SCENARIO` (auto|approved|needs-rework|rejected).
 * Tests and demonstrations need seconds, not the default pace. Values that make no sense are ignored.
 */
export function standOptionsFromEnvironment(environment: NodeJS.ProcessEnv): Pick<StandOptions, 'stepDelayMs' | 'scenario'> {
  const options: Pick<StandOptions, 'stepDelayMs' | 'scenario'> = {};
  const step = environment.NEDRADESK_STAND_STEP_MS;
  if (step !== undefined && step !== '') {
    const value = Number(step);
    if (Number.isInteger(value) && value >= 0 && value <= 3_600_000) options.stepDelayMs = value;
    else log.warn('NEDRADESK_STAND_STEP_MS ignored: not a number of milliseconds', { value: step });
  }
  const scenario = environment.NEDRADESK_STAND_SCENARIO;
  if (scenario !== undefined && scenario !== '') {
    const known = scenarios.find((candidate) => candidate === scenario);
    if (known !== undefined) options.scenario = known;
    else log.warn('NEDRADESK_STAND_SCENARIO ignored', { value: scenario, known: scenarios.join('|') });
  }
  return options;
}

/** Builds every service of the app over the data folder. */
export function createAppServices(options: AppServicesOptions): AppServices {
  const { dataDir, emit } = options;
  // Only the user may read the data folder: 0700 folders and 0600 files. An earlier version left
  // them 0755/0644 (the umask's), so they are tightened on every start before anything is opened.
  makePrivateFolderSync(dataDir);
  const tightened = tightenPrivateTree(dataDir, dataFolderEntries);
  if (tightened.folders + tightened.files > 0) log.info('data folder made private', tightened);
  const store = openStore({ dataDir });
  // The settings and the cabinet profile of an earlier version (settings.json, cabinet-profile.json)
  // come into the database before anything reads them: one transaction, the files renamed *.imported.
  try {
    importLegacyFiles(store, dataDir);
  } catch (error) {
    store.close();
    throw error;
  }
  const ownTokens = options.tokens === undefined;
  const tokens: TokenService =
    options.tokens ??
    // Libraries the user added in the settings are searched after the registry's (module discovery);
    // none is loaded from the data folder, which the app writes on the renderer's behalf.
    new TokenSupervisor({ launch: requireLauncher(options.launchTokenProcess), modules: { userPaths: readSettings(store).pkcs11Modules, untrustedFolders: [dataDir] } });
  // The training CA is trusted only while the training stand is the chosen cabinet (a copy imported
  // into trust/ by hand included): with a real cabinet, a demo certificate proves nothing. Verdicts
  // resting on it say «учебный сертификат» (signatures.ts).
  const trustAnchors = async (): Promise<Uint8Array[]> => {
    const imported = (await loadTrustAnchors(dataDir)).filter((der) => !isTrainingAuthorityCertificate(der));
    return cabinet.state().profile.kind === 'stand' ? [...imported, ...(await loadTrainingCaAnchor(dataDir))] : imported;
  };
  const stand = standOptionsFromEnvironment(options.environment ?? process.env);
  // Both read the cabinet's state only when called, after the cabinet below exists. Without a
  // session they work for the organisation remembered from the last login (offline work).
  const records = new PackageRecords(store, () => cabinet.workingOrganisation());
  const journal = new JournalService(store, () => {
    const state = cabinet.state();
    return { actor: state.person === undefined ? undefined : `${state.person.surname} ${state.person.givenName}`, organisationOid: cabinet.workingOrganisation()?.organisationOid };
  });

  const onStatus = (item: OutboxItem, change: OutboxStatusChange): void => {
    try {
      const added = records.applyStatus({ packageId: change.packageId, item, history: change.order?.history ?? [], remarks: change.order?.remarks ?? [] });
      for (const status of added) {
        journal.record('package.status', { actor: 'Личный кабинет', organisationOid: item.organisationOid, object: item.title, details: { packageId: change.packageId, status, registrationNumber: item.registrationNumber, orderId: item.orderId } });
      }
    } catch (error) {
      log.error('package status not recorded', { packageId: change.packageId, error });
    }
    if (item.orderId !== undefined) emit('package:status', { orderId: item.orderId, title: item.title, status: item.status });
    options.onPackageStatus?.(item);
  };

  const cabinet = new CabinetService({
    dataDir,
    memory: organisationMemory(store),
    // The chosen cabinet: `cabinet_profiles` and the active-profile key of `settings`.
    profiles: sqliteProfileStorage(store),
    // Licenses, deadlines and notifications kept per organisation, for work without a session.
    lists: cabinetListStore(store),
    // The outbox's queue is the `outbox` table; an `outbox.json` of an earlier version is imported once.
    outboxStorage: sqliteOutboxStorage(store, { legacyFile: path.join(dataDir, 'outbox.json') }),
    // «Учебный стенд»: started inside the app on demand, with its own database in the data folder.
    // It sends no SMS: each one-time code goes to this app's own login page (an event to its window),
    // never to its log and never over HTTP.
    startStand: async () => startStand({ dataDir: path.join(dataDir, 'stand'), trustAnchors: await trustAnchors(), log: () => undefined, onSms: (sms) => emit('cabinet:training-sms', sms), ...stand }),
    ...options.cabinet,
    onOutboxChange: (items) => emit('outbox:changed', { items }),
    onStatus,
  });
  // The local calls read and write the settings in this database (LocalContext.store).
  const context: ServiceContext & LocalContext = { mode: options.mode, version: options.version, tokens, cabinet, dataDir, store, trustAnchors, emit, records, journal, storeDocument: (bytes, meta) => putDocument(store, dataDir, bytes, meta), dialogs: options.dialogs, files: new FileHandles(dataDir, store) };
  const handlers = createHandlers(context);
  const stopWatching = tokens instanceof TokenSupervisor ? tokens.watchTokens((list) => emit('tokens:changed', { tokens: list })) : undefined;
  let closing: Promise<void> | undefined;

  return {
    tokens,
    cabinet,
    store,
    records,
    journal,
    handlers,
    dispatch: createDispatcher(handlers),
    trustAnchors,
    close: () => {
      closing ??= (async () => {
        stopWatching?.();
        // The outbox stops before the database closes: no status arrives at a closed store.
        await Promise.allSettled([cabinet.close(), ownTokens ? tokens.close() : Promise.resolve()]);
        store.close();
      })();
      return closing;
    },
  };
}

/**
 * The chosen organisation is remembered in the database, not among the preferences: its requisites are
 * the `organisations` row packages and drafts already refer to, and the row and the «last chosen»
 * pointer (the `settings` table) are written in one transaction. The user's preferences, which
 * settings:set rewrites, are other rows of that table (`user.*`, see store/preferences.ts).
 */
function organisationMemory(store: StoreDatabase): OrganisationMemory {
  return {
    remember: (cabinetKey, organisation) =>
      rememberOrganisation(store, cabinetKey, { oid: organisation.organisationOid, inn: organisation.inn, ogrn: organisation.ogrn, name: organisation.fullName, address: organisation.address, role: organisation.role, roleExpiresAt: organisation.expiresAt }),
    recall: (cabinetKey): OrganisationRole | undefined => {
      const row = rememberedOrganisation(store, cabinetKey);
      if (row === undefined || row.role === null || !Object.hasOwn(roles, row.role)) return undefined;
      return { organisationOid: row.oid, fullName: row.name, inn: row.inn, ogrn: row.ogrn ?? '', address: row.address ?? '', role: row.role as OrganisationRole['role'], expiresAt: row.roleExpiresAt ?? undefined };
    },
  };
}

function requireLauncher(launcher: TokenProcessLauncher | undefined): TokenProcessLauncher {
  if (launcher === undefined) throw new Error('createAppServices: a token process launcher or a token service is required');
  return launcher;
}
