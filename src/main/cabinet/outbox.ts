/**
 * The outbox: a package is queued on disk first, then a worker sends it when the cabinet is
 * reachable. Every package has one idempotency key (its manifest's package id), so retries after
 * network errors, 5xx, a crash or a restart never create a second order. Network errors and 5xx
 * back off exponentially; the cabinet's refusals stop with their reason. The queue is kept in the
 * storage the outbox is handed (the local database in the app): every change of an item is saved,
 * as one short transaction, before anyone is told of it — nothing queued is lost.
 */
import { randomUUID } from 'node:crypto';
import type { OutboxItem } from '../../shared/api';
import { finalStatuses, type Order } from '../../shared/cabinet';
import { AppError } from '../../shared/errors';
import { createLogger } from '../log/logger';
import type { CabinetClient } from './cabinet-client';

const log = createLogger('cabinet.outbox');

/** A queued item as kept: what the UI sees, the idempotency key (the package's id) and the stand's training outcome. */
export interface OutboxRecord extends OutboxItem {
  idempotencyKey: string;
  trainingOutcome: string | undefined;
}

/** Where the queue is kept (the local database in the app). Every call is one short transaction. */
export interface OutboxStorage {
  /** Every item, in the order they were queued. */
  load(): OutboxRecord[];
  /** Inserts an item or replaces it (by id) with its current fields. */
  save(item: OutboxRecord): void;
}

export interface OutboxOptions {
  storage: OutboxStorage;
  /** The client for an organisation, or undefined while nobody is logged in. */
  client: (organisationOid: string) => CabinetClient | undefined;
  onChange?: (items: OutboxItem[]) => void;
  /** A package's status changed: sent (order created), or what the cabinet answered or the sync brought. */
  onStatus?: (item: OutboxItem, change: OutboxStatusChange) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => Date;
}

/** Which package a status change is about (the idempotency key is its id) and the order, when the cabinet sent one. */
export interface OutboxStatusChange {
  packageId: string;
  order: Order | undefined;
}

/** What one submission needs. */
export interface OutboxSubmission {
  packagePath: string;
  packageId: string;
  typeCode: string;
  title: string;
  organisationOid: string;
  trainingOutcome?: string | undefined;
}

type StoredItem = OutboxRecord;

const refusalCodes = new Set(['PUSH_DENIED', 'INVALID_FILES_STRUCTURE', 'FILES_VERIFICATION_FAILED', 'CABINET_ERROR', 'FILE_NOT_FOUND', 'FILE_UNREADABLE']);

/** The durable queue and its worker. */
export class Outbox {
  private items: StoredItem[];
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: OutboxOptions) {
    this.items = options.storage.load();
    // A send interrupted by a crash is retried: the idempotency key makes it safe.
    for (const item of this.items) {
      if (item.state !== 'sending') continue;
      item.state = 'waiting';
      options.storage.save(item);
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Items without internal fields, newest first. */
  list(): OutboxItem[] {
    return [...this.items]
      .sort((left, right) => right.createdAt.localeCompare(left.createdAt))
      .map(({ idempotencyKey: _key, trainingOutcome: _outcome, ...item }) => item);
  }

  /** Keeps one item's change, then tells the listener. */
  private save(item: StoredItem): void {
    try {
      this.options.storage.save(item);
    } catch (error) {
      // After stop() the storage may be closed: a send finishing late leaves its last kept state,
      // as a crash would ('sending' goes back to 'waiting' on start; the idempotency key keeps one order).
      if (!this.stopped) throw error;
      log.warn('outbox change not kept after stop', { item: item.id, state: item.state });
      return;
    }
    this.options.onChange?.(this.list());
  }

  /** Queues a package; the same package (id) queued twice is one item. */
  async submit(submission: OutboxSubmission): Promise<OutboxItem> {
    const existing = this.items.find((item) => item.idempotencyKey === submission.packageId);
    if (existing !== undefined) return this.public(existing);
    const at = this.now().toISOString();
    const item: StoredItem = {
      id: randomUUID(),
      idempotencyKey: submission.packageId,
      packagePath: submission.packagePath,
      typeCode: submission.typeCode,
      title: submission.title,
      organisationOid: submission.organisationOid,
      trainingOutcome: submission.trainingOutcome,
      state: 'waiting',
      attempts: 0,
      nextAttemptAt: undefined,
      lastError: undefined,
      orderId: undefined,
      status: 'queued',
      registrationNumber: undefined,
      createdAt: at,
      updatedAt: at,
    };
    this.items.push(item);
    try {
      this.save(item);
    } catch (error) {
      // Not kept, not queued: the caller sees the error and nothing waits that a restart would lose.
      this.items.splice(this.items.indexOf(item), 1);
      throw error;
    }
    const queued = this.public(item);
    this.kick();
    return queued;
  }

  private public(item: StoredItem): OutboxItem {
    const { idempotencyKey: _key, trainingOutcome: _outcome, ...rest } = item;
    return rest;
  }

  /** Starts a sending pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.scheduleNext();
    });
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private scheduleNext(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const waiting = this.items.filter((item) => item.state === 'waiting' || (item.state === 'failed' && item.nextAttemptAt !== undefined));
    if (waiting.length === 0 || this.stopped) return;
    const next = Math.min(...waiting.map((item) => (item.nextAttemptAt === undefined ? this.now().getTime() + 5_000 : Date.parse(item.nextAttemptAt))));
    this.timer = setTimeout(() => this.kick(), Math.max(50, next - this.now().getTime()));
    this.timer.unref();
  }

  private due(item: StoredItem): boolean {
    if (item.state === 'waiting') return item.nextAttemptAt === undefined || Date.parse(item.nextAttemptAt) <= this.now().getTime();
    return item.state === 'failed' && item.nextAttemptAt !== undefined && Date.parse(item.nextAttemptAt) <= this.now().getTime();
  }

  private async pass(): Promise<void> {
    for (const item of this.items) {
      if (this.stopped || !this.due(item)) continue;
      const client = this.options.client(item.organisationOid);
      if (client === undefined) continue; // not logged in for this organisation: it waits
      await this.send(item, client);
    }
  }

  private async send(item: StoredItem, client: CabinetClient): Promise<void> {
    item.state = 'sending';
    item.attempts += 1;
    item.updatedAt = this.now().toISOString();
    this.save(item);
    try {
      const created = await client.createOrder({ serviceCode: item.typeCode, title: item.title, idempotencyKey: item.idempotencyKey, ...(item.trainingOutcome ? { trainingOutcome: item.trainingOutcome } : {}) });
      item.orderId = created.orderId;
      const firstSend = item.status !== 'sent';
      item.status = 'sent';
      this.save(item);
      if (firstSend) this.options.onStatus?.(this.public(item), { packageId: item.idempotencyKey, order: undefined });
      const order = await client.push(created.orderId, item.packagePath, { packageId: item.idempotencyKey });
      this.applyOrder(item, order);
      item.state = 'done';
      item.nextAttemptAt = undefined;
      item.lastError = undefined;
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('INTERNAL_ERROR', { reason: error instanceof Error ? error.message : String(error) });
      item.lastError = { code: appError.code, message: appError.message };
      if (appError.code === 'CABINET_LOGIN_REQUIRED') {
        item.state = 'waiting';
        item.nextAttemptAt = new Date(this.now().getTime() + 60_000).toISOString();
      } else if (refusalCodes.has(appError.code)) {
        item.state = 'failed';
        item.nextAttemptAt = undefined;
      } else {
        const base = this.options.baseDelayMs ?? 2_000;
        const delay = Math.min(this.options.maxDelayMs ?? 5 * 60_000, base * 2 ** Math.min(item.attempts - 1, 16));
        // Jitter spreads retries of many packages after an outage.
        item.state = 'failed';
        item.nextAttemptAt = new Date(this.now().getTime() + delay * (0.75 + Math.random() * 0.5)).toISOString();
      }
      log.warn('send failed', { item: item.id, code: appError.code, attempts: item.attempts });
    }
    item.updatedAt = this.now().toISOString();
    this.save(item);
  }

  /** Takes an order's status from the cabinet (push answer or sync). */
  private applyOrder(item: StoredItem, order: Order): boolean {
    const changed = item.status !== order.status || item.registrationNumber !== order.registrationNumber;
    item.orderId = order.orderId;
    item.status = order.status;
    item.registrationNumber = order.registrationNumber;
    if (changed) this.options.onStatus?.(this.public(item), { packageId: item.idempotencyKey, order });
    return changed;
  }

  /** Status sync: orders changed since the last sync update the items that sent them. */
  async sync(orders: readonly Order[]): Promise<void> {
    for (const order of orders) {
      const item = this.items.find((candidate) => candidate.orderId === order.orderId);
      if (item !== undefined && this.applyOrder(item, order)) {
        item.updatedAt = this.now().toISOString();
        this.save(item);
      }
    }
    return Promise.resolve();
  }

  /** Items whose orders may still change. */
  pendingOrderIds(): string[] {
    return this.items.filter((item) => item.orderId !== undefined && !finalStatuses.has(item.status)).map((item) => item.orderId as string);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
