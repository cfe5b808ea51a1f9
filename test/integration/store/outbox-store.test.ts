import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CabinetClient } from '../../../src/main/cabinet/cabinet-client';
import { Outbox, type OutboxRecord } from '../../../src/main/cabinet/outbox';
import { CabinetService } from '../../../src/main/services/cabinet-service';
import { openStore } from '../../../src/main/store/database';
import { migrations } from '../../../src/main/store/migrations';
import { importOutboxFile, sqliteOutboxStorage } from '../../../src/main/store/outbox-store';
import type { Order } from '../../../src/shared/cabinet';
import { AppError } from '../../../src/shared/errors';

const freshDir = (): string => mkdtempSync(path.join(tmpdir(), 'nedradesk-outbox-'));
const noClient = (): CabinetClient | undefined => undefined;

/** Items as an earlier version wrote them to outbox.json (undefined fields are absent in JSON). */
const legacyItems: OutboxRecord[] = [
  {
    id: 'a1', idempotencyKey: 'pkg-a', packagePath: '/data/packages/a.zip', typeCode: 'report.extraction', title: 'Отчёт А', organisationOid: '2000001',
    trainingOutcome: undefined, state: 'done', attempts: 1, nextAttemptAt: undefined, lastError: undefined, orderId: 'ord-1', status: 'approved',
    registrationNumber: 'РН-1', createdAt: '2026-01-01T10:00:00.000Z', updatedAt: '2026-01-01T10:05:00.000Z',
  },
  {
    id: 'b2', idempotencyKey: 'pkg-b', packagePath: '/data/packages/b.zip', typeCode: 'license.change', title: 'Изменение лицензии', organisationOid: '2000002',
    trainingOutcome: 'needs-rework', state: 'failed', attempts: 3, nextAttemptAt: '2026-01-02T10:00:00.000Z', lastError: { code: 'CABINET_UNREACHABLE', message: 'Кабинет недоступен' },
    orderId: undefined, status: 'queued', registrationNumber: undefined, createdAt: '2026-01-02T09:00:00.000Z', updatedAt: '2026-01-02T09:30:00.000Z',
  },
  {
    id: 'c3', idempotencyKey: 'pkg-c', packagePath: '/data/packages/c.zip', typeCode: 'report.extraction', title: 'Отправлялся при сбое', organisationOid: '2000001',
    trainingOutcome: undefined, state: 'sending', attempts: 1, nextAttemptAt: undefined, lastError: undefined, orderId: 'ord-3', status: 'sent',
    registrationNumber: undefined, createdAt: '2026-01-03T09:00:00.000Z', updatedAt: '2026-01-03T09:00:01.000Z',
  },
];

const publicOf = ({ idempotencyKey: _key, trainingOutcome: _outcome, ...item }: OutboxRecord) => item;

function order(orderId: string, title: string, status: Order['status']): Order {
  const at = new Date().toISOString();
  return { orderId, organisationOid: '2000001', serviceCode: 'report.extraction', title, status, registrationNumber: status === 'accepted' ? `РН-${orderId}` : undefined, createdAt: at, updatedAt: at, history: [], remarks: [], files: [] };
}

describe('outbox in the local database', () => {
  it('migration 4 makes the outbox table with every field of a queued item and no reference to packages', () => {
    const dataDir = freshDir();
    openStore({ dataDir, migrations: migrations.slice(0, 3) }).close();
    const database = openStore({ dataDir });
    const columns = (database.prepare('PRAGMA table_info(outbox)').all() as Array<{ name: string }>).map((column) => column.name);
    expect(columns).toEqual(['id', 'idempotency_key', 'package_path', 'type_code', 'title', 'organisation_oid', 'training_outcome', 'state', 'attempts', 'next_attempt_at', 'last_error_code', 'last_error_message', 'order_id', 'status', 'registration_number', 'created_at', 'updated_at']);
    expect(database.prepare('PRAGMA foreign_key_list(outbox)').all()).toEqual([]);
    database.close();
  });

  it('imports outbox.json on the first start in one transaction, renames it and loses nothing', () => {
    const dataDir = freshDir();
    const file = path.join(dataDir, 'outbox.json');
    writeFileSync(file, JSON.stringify(legacyItems, null, 1));
    const database = openStore({ dataDir });
    const outbox = new Outbox({ storage: sqliteOutboxStorage(database, { legacyFile: file }), client: noClient });
    outbox.stop();
    expect(existsSync(file)).toBe(false);
    expect(JSON.parse(readFileSync(`${file}.imported`, 'utf8'))).toEqual(JSON.parse(JSON.stringify(legacyItems)));
    // Newest first, the interrupted send back to waiting; every field kept.
    expect(outbox.list()).toEqual([{ ...publicOf(legacyItems[2] as OutboxRecord), state: 'waiting' }, publicOf(legacyItems[1] as OutboxRecord), publicOf(legacyItems[0] as OutboxRecord)]);
    const stored = sqliteOutboxStorage(database).load();
    expect(stored.map((item) => [item.idempotencyKey, item.trainingOutcome, item.state])).toEqual([['pkg-a', undefined, 'done'], ['pkg-b', 'needs-rework', 'failed'], ['pkg-c', undefined, 'waiting']]);
    database.close();

    // The next start finds no file to import; an old file put back is not imported over the rows.
    writeFileSync(file, JSON.stringify([{ ...legacyItems[0], state: 'waiting', status: 'queued' }]));
    const again = openStore({ dataDir });
    expect(importOutboxFile(again, file)).toBe(0);
    expect(sqliteOutboxStorage(again).load().find((item) => item.id === 'a1')).toMatchObject({ state: 'done', status: 'approved' });
    expect(importOutboxFile(again, file)).toBe(0); // renamed: nothing left to import
    again.close();
  });

  it('leaves a damaged outbox.json in place, imports nothing of it and fails with FILE_UNREADABLE', () => {
    const dataDir = freshDir();
    const file = path.join(dataDir, 'outbox.json');
    // The second item lacks its title: the whole file is refused, the first item is not half-imported.
    writeFileSync(file, JSON.stringify([legacyItems[0], { ...legacyItems[1], title: undefined }]));
    const database = openStore({ dataDir });
    let caught: unknown;
    try {
      sqliteOutboxStorage(database, { legacyFile: file });
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).code).toBe('FILE_UNREADABLE');
    expect(existsSync(file)).toBe(true);
    expect(database.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    writeFileSync(file, '[{"id": "a1", ');
    expect(() => importOutboxFile(database, file)).toThrow(AppError);
    database.close();
  });

  it('the cabinet service without a database opens the one in its data folder and imports outbox.json there', async () => {
    const dataDir = freshDir();
    writeFileSync(path.join(dataDir, 'outbox.json'), JSON.stringify(legacyItems.slice(0, 2)));
    const cabinet = new CabinetService({ dataDir });
    expect(cabinet.outbox.list().map((item) => item.id)).toEqual(['b2', 'a1']);
    await cabinet.close();
    expect(existsSync(path.join(dataDir, 'outbox.json.imported'))).toBe(true);
    const database = openStore({ dataDir });
    expect((database.prepare('SELECT id FROM outbox ORDER BY created_at').all() as Array<{ id: string }>).map((row) => row.id)).toEqual(['a1', 'b2']);
    database.close();
  });

  it('after a crash during a send the item waits again and its retry makes no second order', async () => {
    const dataDir = freshDir();
    // The cabinet: one order per idempotency key, as the real one.
    const orders = new Map<string, string>();
    const created: string[] = [];
    let pushes = 0;
    const cabinet = (pushHangs: boolean): CabinetClient =>
      ({
        createOrder: (input: { idempotencyKey: string; title: string }) => {
          created.push(input.idempotencyKey);
          const orderId = orders.get(input.idempotencyKey) ?? `ord-${orders.size + 1}`;
          orders.set(input.idempotencyKey, orderId);
          return Promise.resolve(order(orderId, input.title, 'sent'));
        },
        push: (orderId: string) => {
          pushes += 1;
          return pushHangs ? new Promise<Order>(() => undefined) : Promise.resolve(order(orderId, 'Отчёт', 'accepted'));
        },
      }) as unknown as CabinetClient;

    // The first process: the order is created, the push is under way when the process dies
    // (the database is left as it was; nothing after the push's start is written).
    const first = openStore({ dataDir });
    const dying = new Outbox({ storage: sqliteOutboxStorage(first), client: () => cabinet(true) });
    const queued = await dying.submit({ packagePath: '/data/p.zip', packageId: 'pkg-crash', typeCode: 'report.extraction', title: 'Отчёт', organisationOid: '2000001' });
    while (pushes === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    dying.stop();
    expect(first.prepare('SELECT state, attempts, status, order_id FROM outbox WHERE id = ?').get(queued.id)).toEqual({ state: 'sending', attempts: 1, status: 'sent', order_id: 'ord-1' });
    first.close();

    // The next start: 'sending' goes back to 'waiting' (kept so), the same package is one item.
    const second = openStore({ dataDir });
    const restarted = new Outbox({ storage: sqliteOutboxStorage(second), client: () => cabinet(false), baseDelayMs: 10 });
    expect(second.prepare('SELECT state FROM outbox WHERE id = ?').get(queued.id)).toEqual({ state: 'waiting' });
    expect((await restarted.submit({ packagePath: '/data/p.zip', packageId: 'pkg-crash', typeCode: 'report.extraction', title: 'Отчёт', organisationOid: '2000001' })).id).toBe(queued.id);
    const deadline = Date.now() + 5_000;
    while (restarted.list()[0]?.state !== 'done' && Date.now() < deadline) {
      restarted.kick();
      await restarted.idle();
    }
    restarted.stop();
    expect(restarted.list()).toMatchObject([{ id: queued.id, state: 'done', attempts: 2, orderId: 'ord-1', status: 'accepted', registrationNumber: 'РН-ord-1' }]);
    expect(created).toEqual(['pkg-crash', 'pkg-crash']);
    expect(orders.size).toBe(1);
    expect(second.prepare('SELECT state, attempts, status, registration_number FROM outbox').all()).toEqual([{ state: 'done', attempts: 2, status: 'accepted', registration_number: 'РН-ord-1' }]);
    second.close();
  });
});
