/**
 * The cabinet use cases: which cabinet (the training stand started inside the app, or a URL),
 * who is logged in (tokens in memory only), for which organisation, the outbox and the status
 * and notification sync.
 *
 * Offline work: the organisation chosen last in this cabinet is remembered (requisites and role,
 * never a token), so after a restart without network the app still renders, signs and queues
 * packages for it; the outbox sends them after the next login to that organisation. Licenses,
 * report deadlines and notifications fetched live are kept per organisation and answered from that
 * copy when there is no session or no network; a notification marked read offline is told to the
 * cabinet after the next login.
 *
 * The chosen cabinet is kept in the local database (`cabinet_profiles`, see store/preferences.ts);
 * a `cabinet-profile.json` of an earlier version is imported once.
 */
import path from 'node:path';
import type { CabinetState, OutboxItem } from '../../shared/api';
import type { CabinetNotification, License, Order, OrganisationRole, Person, ReportDeadline } from '../../shared/cabinet';
import { AppError } from '../../shared/errors';
import { CabinetClient } from '../cabinet/cabinet-client';
import { CabinetSession, completeSignatureLogin, prepareSignatureLogin, requireCabinetAddress, startBrowserLogin, type BrowserLogin, type PreparedSignatureLogin } from '../cabinet/identity-client';
import { Outbox, type OutboxStatusChange, type OutboxStorage } from '../cabinet/outbox';
import type { Signer } from '../core/crypto/algorithms';
import { makePrivateFolderSync } from '../core/files/private-files';
import { createLogger } from '../log/logger';
import { openStore, type StoreDatabase } from '../store/database';
import { sqliteOutboxStorage } from '../store/outbox-store';
import { activeCabinetProfile, importLegacyFiles, saveCabinetProfile, type CabinetProfileRecord } from '../store/preferences';

const log = createLogger('cabinet.service');

/** A cabinet the app can start itself (the training stand). */
export interface EmbeddedStand {
  url: string;
  close(): Promise<void>;
}

/** Where the organisation chosen last in a cabinet is kept (the local database in the app). */
export interface OrganisationMemory {
  /** `cabinet` names the cabinet: `stand`, or `url:<address>`. */
  remember(cabinet: string, organisation: OrganisationRole): void;
  recall(cabinet: string): OrganisationRole | undefined;
}

/** What each list kept for offline work holds. */
export interface CabinetLists {
  licenses: License[];
  deadlines: ReportDeadline[];
  notifications: CabinetNotification[];
}

export type CabinetListName = keyof CabinetLists;

/** Where the organisation's licenses, deadlines and notifications are kept (the local database in the app). */
export interface CabinetListMemory {
  /** Replaces the organisation's copy of the list. */
  save<L extends CabinetListName>(organisationOid: string, list: L, items: CabinetLists[L]): void;
  /** The organisation's copy, or undefined when the list was never fetched. */
  load<L extends CabinetListName>(organisationOid: string, list: L): { fetchedAt: string; items: CabinetLists[L] } | undefined;
  /** Marks a kept notification read (`pending`: the cabinet is still to be told); whether the copy has it. */
  markRead(organisationOid: string, id: string, pending: boolean): boolean;
  /** Notifications marked read offline, not told to the cabinet yet. */
  pendingReads(organisationOid: string): string[];
  readSent(organisationOid: string, id: string): void;
}

/** The errors after which a list is answered from the local copy: no session, no network. */
const offlineCodes = new Set(['CABINET_UNREACHABLE', 'CABINET_LOGIN_REQUIRED']);
const isOffline = (error: unknown): boolean => error instanceof AppError && offlineCodes.has(error.code);
const listNames: readonly CabinetListName[] = ['licenses', 'deadlines', 'notifications'];
/** The periodic sync refreshes the kept lists at most this often. */
const listRefreshMs = 60_000;

function fetchList<L extends CabinetListName>(client: CabinetClient, list: L): Promise<CabinetLists[L]> {
  const fetchers: { [K in CabinetListName]: () => Promise<CabinetLists[K]> } = { licenses: () => client.licenses(), deadlines: () => client.deadlines(), notifications: () => client.notifications() };
  return fetchers[list]();
}

/** Where the chosen cabinet is kept (the local database in the app). */
export interface CabinetProfileStorage {
  /** The active profile, or undefined when none was ever chosen (the training stand then). */
  load(): CabinetProfileRecord | undefined;
  save(profile: CabinetProfileRecord): void;
}

/** The cabinet profile kept in the local database: `cabinet_profiles` and the active-profile key. */
export function sqliteProfileStorage(store: StoreDatabase): CabinetProfileStorage {
  return { load: () => activeCabinetProfile(store), save: (profile) => saveCabinetProfile(store, profile) };
}

export interface CabinetServiceOptions {
  dataDir: string;
  /** Remembers the chosen organisation for work without a session; without it nothing is remembered. */
  memory?: OrganisationMemory;
  /** Keeps licenses, deadlines and notifications for work without a session; without it lists need the cabinet. */
  lists?: CabinetListMemory;
  /**
   * Where the outbox's queue is kept (the app hands its database's). Without it the service opens
   * the local database in `dataDir` itself, imports an old `outbox.json` there, and closes it on close().
   */
  outboxStorage?: OutboxStorage;
  /**
   * Where the chosen cabinet is kept (the app hands its database's). Without it the service uses the
   * local database in `dataDir` (opened as for the outbox), importing an old `cabinet-profile.json` there.
   */
  profiles?: CabinetProfileStorage;
  startStand?: () => Promise<EmbeddedStand>;
  onOutboxChange?: (items: OutboxItem[]) => void;
  onStatus?: (item: OutboxItem, change: OutboxStatusChange) => void;
  syncIntervalMs?: number;
  outboxBaseDelayMs?: number;
}

type Profile = CabinetProfileRecord;

/** One per app: the cabinet connection and the outbox. */
export class CabinetService {
  private profile: Profile;
  private stand: EmbeddedStand | undefined;
  private session: CabinetSession | undefined;
  private person: Person | undefined;
  private roles: OrganisationRole[] = [];
  private organisation: OrganisationRole | undefined;
  /** The organisation chosen last in this cabinet, as remembered (live or from an earlier run). */
  private remembered: OrganisationRole | undefined;
  private browserLogin: BrowserLogin | undefined;
  /** The login statement last shown to the person: the only one a signature login signs. */
  private preparedLogin: PreparedSignatureLogin | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private lastSync = '1970-01-01T00:00:00.000Z';
  private orders = new Map<string, Order>();
  /** When the kept lists were last refreshed by the sync (ms), and the refresh under way. */
  private listsRefreshedAt = 0;
  private listsRefresh: Promise<void> | undefined;
  readonly outbox: Outbox;
  /** The database the service opened for the outbox when it was handed no storage. */
  private ownStore: StoreDatabase | undefined;
  private readonly profiles: CabinetProfileStorage;

  constructor(private readonly options: CabinetServiceOptions) {
    makePrivateFolderSync(options.dataDir);
    try {
      this.profiles = options.profiles ?? this.openProfileStorage();
      this.profile = this.loadProfile();
      this.remembered = this.recall();
      this.outbox = new Outbox({
        storage: options.outboxStorage ?? this.openOutboxStorage(),
      client: (organisationOid) => (this.organisation?.organisationOid === organisationOid ? this.client() : undefined),
      ...(options.onOutboxChange ? { onChange: options.onOutboxChange } : {}),
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
        ...(options.outboxBaseDelayMs !== undefined ? { baseDelayMs: options.outboxBaseDelayMs } : {}),
      });
    } catch (error) {
      this.ownStore?.close();
      throw error;
    }
  }

  /** The local database in `dataDir`, opened once when the caller handed no storage; closed on close(). */
  private localStore(): StoreDatabase {
    this.ownStore ??= openStore({ dataDir: this.options.dataDir });
    return this.ownStore;
  }

  private openOutboxStorage(): OutboxStorage {
    return sqliteOutboxStorage(this.localStore(), { legacyFile: path.join(this.options.dataDir, 'outbox.json') });
  }

  private openProfileStorage(): CabinetProfileStorage {
    const store = this.localStore();
    importLegacyFiles(store, this.options.dataDir);
    return sqliteProfileStorage(store);
  }

  private loadProfile(): Profile {
    try {
      const stored = this.profiles.load();
      if (stored !== undefined) return stored;
    } catch (error) {
      log.warn('cabinet profile not read', { error });
    }
    // First run: the training stand.
    return { kind: 'stand', url: undefined };
  }

  /** Names the cabinet of the profile, so an organisation remembered in one cabinet is not used with another. */
  private cabinetKey(): string {
    return this.profile.kind === 'url' ? `url:${this.profile.url ?? ''}` : 'stand';
  }

  private recall(): OrganisationRole | undefined {
    try {
      return this.options.memory?.recall(this.cabinetKey());
    } catch (error) {
      log.warn('remembered organisation not read', { error });
      return undefined;
    }
  }

  /** Keeps the organisation just chosen; a failure to write costs only the offline fallback, never the login. */
  private remember(organisation: OrganisationRole): void {
    this.remembered = organisation;
    try {
      this.options.memory?.remember(this.cabinetKey(), organisation);
    } catch (error) {
      log.warn('chosen organisation not remembered', { error });
    }
  }

  /**
   * The organisation the user works for: the one chosen in the live session, or — with no session
   * (offline, or not logged in yet) — the one chosen last in this cabinet. Logged in but not chosen
   * yet: none (the user chooses among the session's roles).
   */
  workingOrganisation(): OrganisationRole | undefined {
    return this.session === undefined ? this.remembered : this.organisation;
  }

  /** The cabinet's address, starting the embedded stand when that is the profile. */
  async baseUrl(): Promise<string> {
    // A profile kept by an earlier version may name any address: it is checked at every use.
    if (this.profile.kind === 'url' && this.profile.url !== undefined) return requireCabinetAddress(this.profile.url);
    if (this.stand === undefined) {
      if (this.options.startStand === undefined) throw new AppError('CABINET_UNREACHABLE', { reason: 'no training stand in this build' });
      this.stand = await this.options.startStand();
      log.info('training stand started', { url: this.stand.url });
    }
    return this.stand.url;
  }

  state(): CabinetState {
    return {
      profile: { kind: this.profile.kind, url: this.profile.kind === 'url' ? this.profile.url : this.stand?.url },
      standRunning: this.stand !== undefined,
      person: this.person,
      roles: this.roles,
      organisation: this.organisation,
      offlineOrganisation: this.session === undefined ? this.remembered : undefined,
    };
  }

  async setProfile(profile: Profile): Promise<CabinetState> {
    const chosen: Profile = profile.kind === 'url' ? { kind: 'url', url: requireCabinetAddress(profile.url ?? '') } : { kind: 'stand', url: undefined };
    // Kept before it applies: a profile that could not be saved is not half-chosen.
    this.profiles.save(chosen);
    this.profile = chosen;
    this.logoutLocally();
    this.remembered = this.recall();
    return this.state();
  }

  private client(): CabinetClient | undefined {
    if (this.session === undefined) return undefined;
    return new CabinetClient({ baseUrl: this.session.baseUrl, session: this.session, organisationOid: this.organisation?.organisationOid });
  }

  /** The client for the chosen organisation, or the error that says what is missing. */
  requireClient(): CabinetClient {
    if (this.session === undefined) throw new AppError('CABINET_LOGIN_REQUIRED');
    if (this.organisation === undefined) throw new AppError('ORGANISATION_NOT_CHOSEN');
    return this.client() as CabinetClient;
  }

  private async afterLogin(session: CabinetSession): Promise<CabinetState> {
    this.session = session;
    const client = this.client() as CabinetClient;
    this.person = await client.person();
    this.roles = await client.roles();
    // One organisation: chosen at once; several: the person chooses.
    this.organisation = this.roles.length === 1 ? this.roles[0] : undefined;
    if (this.organisation !== undefined) this.remember(this.organisation);
    this.startSync();
    this.outbox.kick();
    // Read marks made offline go out now, and the kept lists are brought up to date.
    this.listsRefreshedAt = 0;
    this.refreshLists();
    return this.state();
  }

  /** Builds the login statement around a fresh nonce of the cabinet, for the person to read before signing. */
  async prepareSignatureLogin(): Promise<{ challengeId: string; statement: string }> {
    this.preparedLogin = undefined;
    const prepared = await prepareSignatureLogin(await this.baseUrl());
    this.preparedLogin = prepared;
    return { challengeId: prepared.challengeId, statement: prepared.statement };
  }

  /**
   * Signs the login statement prepared (and shown) for `challengeId`, or — with no id, as the CLI
   * and tests log in — prepares one and signs it. A statement is signed at most once.
   */
  async loginWithSignature(signer: Signer, challengeId?: string): Promise<CabinetState> {
    let prepared: PreparedSignatureLogin;
    if (challengeId === undefined) {
      prepared = await prepareSignatureLogin(await this.baseUrl());
    } else {
      const shown = this.preparedLogin;
      if (shown === undefined || shown.challengeId !== challengeId || shown.baseUrl !== (await this.baseUrl())) throw new AppError('LOGIN_FAILED', { reason: 'login statement not prepared' }, { message: 'Заявление о входе устарело. Прочитайте новое заявление и повторите вход.' });
      prepared = shown;
    }
    this.preparedLogin = undefined;
    return this.afterLogin(await completeSignatureLogin(prepared, signer));
  }

  /** Whether `url` is the login page of the login started now (the shell lets it open in a browser). */
  isLoginPage(url: string): boolean {
    return this.browserLogin !== undefined && url === this.browserLogin.authorizationUrl;
  }

  /** Starts a password + SMS login; the UI opens the address in a browser window. */
  async startPasswordLogin(): Promise<{ authorizationUrl: string }> {
    this.browserLogin?.close();
    this.browserLogin = await startBrowserLogin(await this.baseUrl());
    return { authorizationUrl: this.browserLogin.authorizationUrl };
  }

  async finishPasswordLogin(): Promise<CabinetState> {
    if (this.browserLogin === undefined) throw new AppError('LOGIN_FAILED', { reason: 'no login started' });
    const login = this.browserLogin;
    try {
      return await this.afterLogin(await login.session);
    } finally {
      login.close();
      if (this.browserLogin === login) this.browserLogin = undefined;
    }
  }

  chooseOrganisation(organisationOid: string): CabinetState {
    const role = this.roles.find((candidate) => candidate.organisationOid === organisationOid);
    if (role === undefined) throw new AppError('ORGANISATION_NOT_CHOSEN', { organisationOid });
    this.organisation = role;
    this.remember(role);
    this.orders.clear();
    this.lastSync = '1970-01-01T00:00:00.000Z';
    this.listsRefreshedAt = 0;
    this.outbox.kick();
    void this.syncNow().catch(() => undefined);
    return this.state();
  }

  private logoutLocally(): void {
    this.session = undefined;
    this.preparedLogin = undefined;
    this.person = undefined;
    this.roles = [];
    this.organisation = undefined;
    this.orders.clear();
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    this.syncTimer = undefined;
  }

  async logout(): Promise<CabinetState> {
    await this.session?.logout();
    this.logoutLocally();
    return this.state();
  }

  private startSync(): void {
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    this.syncTimer = setInterval(() => void this.syncNow().catch((error: unknown) => log.warn('sync failed', { code: error instanceof AppError ? error.code : 'INTERNAL_ERROR' })), this.options.syncIntervalMs ?? 10_000);
    this.syncTimer.unref();
  }

  /** Orders updated since the last sync: kept for the UI and given to the outbox. */
  async syncNow(): Promise<Order[]> {
    const client = this.client();
    if (client === undefined || this.organisation === undefined) return [...this.orders.values()];
    const { orders, serverTime } = await client.ordersUpdatedAfter(this.lastSync);
    for (const order of orders) this.orders.set(order.orderId, order);
    this.lastSync = serverTime;
    await this.outbox.sync(orders);
    this.refreshLists();
    return [...this.orders.values()];
  }

  /**
   * In the background, at most once a minute: tells the cabinet the read marks made offline, then
   * fetches and keeps the three lists. A failure costs only freshness of the copy.
   */
  private refreshLists(): void {
    const lists = this.options.lists;
    const client = this.client();
    const organisation = this.organisation;
    if (lists === undefined || client === undefined || organisation === undefined) return;
    if (this.listsRefresh !== undefined || Date.now() - this.listsRefreshedAt < listRefreshMs) return;
    this.listsRefreshedAt = Date.now();
    this.listsRefresh = (async () => {
      try {
        await this.sendReadMarks(client, organisation.organisationOid);
        for (const list of listNames) lists.save(organisation.organisationOid, list, await fetchList(client, list));
      } catch (error) {
        log.warn('kept lists not refreshed', { code: error instanceof AppError ? error.code : 'INTERNAL_ERROR' });
      } finally {
        this.listsRefresh = undefined;
      }
    })();
  }

  /** Tells the cabinet the notifications marked read while offline; stops at the first sign of no network. */
  private async sendReadMarks(client: CabinetClient, organisationOid: string): Promise<void> {
    const lists = this.options.lists;
    if (lists === undefined) return;
    for (const id of lists.pendingReads(organisationOid)) {
      try {
        await client.markRead(id);
      } catch (error) {
        if (isOffline(error)) throw error;
        // The cabinet refuses the mark (the notification is gone): retrying would never succeed.
        log.warn('read mark refused by the cabinet', { id, code: error instanceof AppError ? error.code : 'INTERNAL_ERROR' });
      }
      lists.readSent(organisationOid, id);
    }
  }

  /**
   * Licenses, report deadlines or notifications of the organisation: live, and kept; with no
   * session or no network, the copy kept for the working organisation (the live one or the one
   * remembered). Never fetched: the cabinet's error as it was.
   */
  async list<L extends CabinetListName>(list: L): Promise<CabinetLists[L]> {
    const lists = this.options.lists;
    try {
      const client = this.requireClient();
      const organisationOid = (this.organisation as OrganisationRole).organisationOid;
      if (list === 'notifications' && lists !== undefined) await this.sendReadMarks(client, organisationOid).catch(() => undefined);
      const items = await fetchList(client, list);
      if (lists === undefined) return items;
      try {
        lists.save(organisationOid, list, items);
        // What is still pending (the cabinet was not told yet) is shown read, as it is kept.
        const stored = lists.load(organisationOid, list);
        if (stored !== undefined) return stored.items;
      } catch (error) {
        log.warn('list not kept', { list, error });
      }
      return items;
    } catch (error) {
      const organisationOid = this.workingOrganisation()?.organisationOid;
      if (!isOffline(error) || lists === undefined || organisationOid === undefined) throw error;
      const stored = lists.load(organisationOid, list);
      if (stored === undefined) throw error;
      log.info('list answered from the local copy', { list, fetchedAt: stored.fetchedAt });
      return stored.items;
    }
  }

  /** Marks a notification read: in the cabinet and the copy; with no session or network, in the copy, told to the cabinet later. */
  async markNotificationRead(id: string): Promise<void> {
    const lists = this.options.lists;
    try {
      const client = this.requireClient();
      await client.markRead(id);
      try {
        lists?.markRead((this.organisation as OrganisationRole).organisationOid, id, false);
      } catch (error) {
        log.warn('read mark not kept', { error });
      }
    } catch (error) {
      const organisationOid = this.workingOrganisation()?.organisationOid;
      if (!isOffline(error) || lists === undefined || organisationOid === undefined) throw error;
      if (!lists.markRead(organisationOid, id, true)) throw error;
    }
  }

  /** The cabinet's order as it is now, or undefined when nobody is logged in or the cabinet cannot say. */
  async order(orderId: string): Promise<Order | undefined> {
    const client = this.client();
    if (client === undefined || this.organisation === undefined) return undefined;
    try {
      const order = await client.order(orderId);
      this.orders.set(order.orderId, order);
      return order;
    } catch (error) {
      log.warn('order not read', { code: error instanceof AppError ? error.code : 'INTERNAL_ERROR' });
      return undefined;
    }
  }

  async listOrders(): Promise<Order[]> {
    await this.syncNow().catch((error: unknown) => {
      if (!(error instanceof AppError && error.code === 'CABINET_UNREACHABLE')) throw error;
    });
    return [...this.orders.values()].sort((left, right) => right.updatedAt.localeCompare(left.updatedAt));
  }

  async close(): Promise<void> {
    this.outbox.stop();
    this.browserLogin?.close();
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    // The copy is written before the database behind it closes.
    await this.listsRefresh;
    await this.stand?.close();
    // Its own database closes last; a send still finishing keeps what it last saved (see Outbox.stop).
    this.ownStore?.close();
    this.ownStore = undefined;
  }
}
