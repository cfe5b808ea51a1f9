/**
 * The stand's cabinet API (docs/cabinet-api.yaml), shaped after the EPGU API for organisations:
 * orders, package push (multipart or chunks), statuses with history, remarks and decision
 * documents, licenses, deadlines, notifications, journal, employees. Every package is inspected
 * and every signature verified; signers must be members of the organisation; auditors cannot send.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { finalStatuses, packageStatuses, roles as roleNames, sendingRoles, type CabinetNotification, type License, type Order, type PackageStatus, type ReportDeadline, type Role } from '../shared/cabinet';
import type { PackageReport } from '../shared/packages';
import { writeFileAtomic } from '../main/core/files/atomic-write';
import { makePrivateFolderSync, privateFileMode } from '../main/core/files/private-files';
import { manifestName } from '../main/core/packages/container';
import { inspectPackage } from '../main/core/packages/inspect';
import { expiryInstant, type StandDatabase } from './database';
import { renderDecisionPdf } from './decision-pdf';
import { StandError, type Caller } from './identity';

export interface CabinetOptions {
  dataDir: string;
  trustAnchors: readonly Uint8Array[];
  /** Delay before each automatic status step (accepted → processing → decision). */
  stepDelayMs: number;
  /** A forced outcome for every order (training scenarios), else decided from the package. */
  scenario: 'auto' | 'approved' | 'needs-rework' | 'rejected';
  maxUploadBytes: number;
  chunk: { minBytes: number; maxBytes: number; windowMs: number };
  ordersPerWindow: number;
  orderWindowMs: number;
  now: () => Date;
  log: (line: string) => void;
  authenticate(request: FastifyRequest): Promise<Caller>;
}

interface OrderRow {
  id: string;
  organisation_oid: string;
  person_oid: string;
  service_code: string;
  title: string;
  idempotency_key: string | null;
  status: PackageStatus | 'created';
  registration_number: string | null;
  package_path: string | null;
  scenario: string | null;
  remarks: string;
  created_at: string;
  updated_at: string;
}

/** Registers the cabinet routes and resumes processing of orders left in progress. */
export function registerCabinet(app: FastifyInstance, database: StandDatabase, options: CabinetOptions): { close(): void } {
  const packagesDir = path.join(options.dataDir, 'packages');
  makePrivateFolderSync(packagesDir);
  const timers = new Set<NodeJS.Timeout>();

  /** A person's membership in an organisation, expired or not. */
  const membershipOf = (personOid: string, organisationOid: string): { role: Role; expiresAt: string | null } | undefined =>
    database.prepare('SELECT role, expires_at AS expiresAt FROM members WHERE person_oid = ? AND organisation_oid = ?').get(personOid, organisationOid) as { role: Role; expiresAt: string | null } | undefined;

  /**
   * Whether a role's validity period is over now. Compared as instants, not as text; an expiry that
   * cannot be read counts as over (a role whose end is unknown gives no right to act).
   */
  const expired = (expiresAt: string | null): boolean => {
    if (expiresAt === null) return false;
    const end = Date.parse(expiresAt);
    return Number.isNaN(end) || end <= options.now().getTime();
  };

  /** The organisation the call acts for (header X-Organization-Id) and the caller's role there. */
  const scope = async (request: FastifyRequest): Promise<{ caller: Caller; organisationOid: string; role: Role; expiresAt: string | null }> => {
    const caller = await options.authenticate(request);
    const organisationOid = String(request.headers['x-organization-id'] ?? '');
    const membership = membershipOf(caller.personOid, organisationOid);
    if (membership === undefined || expired(membership.expiresAt)) throw new StandError(403, 'not_a_member', 'Вы не состоите в этой организации или срок вашей роли истёк.');
    return { caller, organisationOid, role: membership.role, expiresAt: membership.expiresAt };
  };

  /**
   * The scope of a call that sends or withdraws in the organisation's name (order, push, chunks,
   * cancel): the role must allow sending and be within its validity period at this very moment —
   * a role that expired after login, or after the order was created, sends nothing (push_denied).
   */
  const senderScope = async (request: FastifyRequest): Promise<{ caller: Caller; organisationOid: string; role: Role }> => {
    const caller = await options.authenticate(request);
    const organisationOid = String(request.headers['x-organization-id'] ?? '');
    const membership = membershipOf(caller.personOid, organisationOid);
    if (membership === undefined) throw new StandError(403, 'not_a_member', 'Вы не состоите в этой организации или срок вашей роли истёк.');
    if (expired(membership.expiresAt)) {
      const end = Date.parse(membership.expiresAt ?? '');
      const when = Number.isNaN(end) ? '' : ` ${new Date(end).toLocaleString('ru-RU', { timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' })} (МСК)`;
      journal(caller.personOid, organisationOid, 'push', undefined, 'push_denied');
      throw new StandError(403, 'push_denied', `Срок вашей роли «${roleNames[membership.role]}» в этой организации истёк${when}: отправлять и отзывать заявления и отчёты нельзя. Обратитесь к администратору организации, чтобы продлить роль.`, { role: membership.role, expiresAt: membership.expiresAt });
    }
    requireSender(membership.role);
    return { caller, organisationOid, role: membership.role };
  };

  const journal = (personOid: string | undefined, organisationOid: string | undefined, action: string, object: string | undefined, result: string): void => {
    database.prepare('INSERT INTO journal (at, person_oid, organisation_oid, action, object, result) VALUES (?, ?, ?, ?, ?, ?)').run(options.now().toISOString(), personOid ?? null, organisationOid ?? null, action, object ?? null, result);
  };

  const orderOf = (row: OrderRow): Order => {
    const history = database.prepare('SELECT status, at, comment FROM order_history WHERE order_id = ? ORDER BY rowid').all(row.id) as Array<{ status: PackageStatus; at: string; comment: string | null }>;
    const files = database.prepare('SELECT name, media_type, length(content) AS size FROM order_files WHERE order_id = ? ORDER BY name').all(row.id) as Array<{ name: string; media_type: string; size: number }>;
    return {
      orderId: row.id,
      organisationOid: row.organisation_oid,
      serviceCode: row.service_code,
      title: row.title,
      status: row.status === 'created' ? 'sent' : row.status,
      registrationNumber: row.registration_number ?? undefined,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      history: history.map((item) => ({ status: item.status, at: item.at, comment: item.comment ?? undefined })),
      remarks: JSON.parse(row.remarks) as Order['remarks'],
      files: files.map((file) => ({ name: file.name, mediaType: file.media_type, size: file.size })),
    };
  };

  const loadOrder = (id: string, organisationOid: string): OrderRow => {
    const row = database.prepare('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
    if (row === undefined || row.organisation_oid !== organisationOid) throw new StandError(404, 'order_not_found', 'Заявление не найдено.');
    return row;
  };

  const setStatus = (order: OrderRow, status: PackageStatus, comment?: string, extra: { registrationNumber?: string; remarks?: Order['remarks'] } = {}): void => {
    const at = options.now().toISOString();
    database.transaction(() => {
      database
        .prepare('UPDATE orders SET status = ?, updated_at = ?, registration_number = COALESCE(?, registration_number), remarks = COALESCE(?, remarks) WHERE id = ?')
        .run(status, at, extra.registrationNumber ?? null, extra.remarks ? JSON.stringify(extra.remarks) : null, order.id);
      database.prepare('INSERT INTO order_history (order_id, status, at, comment) VALUES (?, ?, ?, ?)').run(order.id, status, at, comment ?? null);
      database
        .prepare('INSERT INTO notifications (id, organisation_oid, title, body, at, read, order_id) VALUES (?, ?, ?, ?, ?, 0, ?)')
        .run(randomUUID(), order.organisation_oid, `«${order.title}»: ${packageStatuses[status]}`, comment ?? `Статус заявления изменился: ${packageStatuses[status]}.`, at, order.id);
    })();
  };

  /** The outcome of processing: the scenario, else rules on the package's manifest. */
  const decide = (order: OrderRow): { status: PackageStatus; remarks: Order['remarks']; comment: string } => {
    const scenario = (order.scenario ?? options.scenario) as CabinetOptions['scenario'];
    let manifest: { period?: string; license?: string; documents?: Array<{ role?: string; fileName: string; size: number }> } = {};
    try {
      const inspected = order.package_path === null ? undefined : (JSON.parse(readFileSync(`${order.package_path}.manifest.json`, 'utf8')) as typeof manifest);
      manifest = inspected ?? {};
    } catch {
      manifest = {};
    }
    const license = manifest.license === undefined ? undefined : (database.prepare('SELECT status, valid_to FROM licenses WHERE number = ?').get(manifest.license) as { status: string; valid_to: string } | undefined);
    const outcome =
      scenario !== 'auto'
        ? scenario
        : license !== undefined && license.status !== 'active'
          ? 'rejected'
          : order.service_code.startsWith('report.') && manifest.period === undefined
            ? 'needs-rework'
            : 'approved';
    if (outcome === 'needs-rework') {
      // Both rework rules concern the form (its reporting period, its sections): the remark names
      // the form's document — the XML the period is read from, else its printable copy — and,
      // in a package without a form, the manifest that carries the period.
      const documents = manifest.documents ?? [];
      const form = documents.find((document) => document.role === 'form-xml') ?? documents.find((document) => document.role === 'form-pdf') ?? documents.find((document) => document.role?.startsWith('form') === true);
      return {
        status: 'needs-rework',
        comment: 'Требуется доработка: исправьте замечания и отправьте заявление повторно.',
        remarks: [{ document: form?.fileName ?? manifestName, text: manifest.period === undefined ? 'Не указан отчётный период. Укажите год и квартал отчёта.' : 'Не заполнены обязательные разделы отчёта. Заполните раздел «Объёмы добычи».' }],
      };
    }
    if (outcome === 'rejected') {
      return { status: 'rejected', comment: 'Отказано: лицензия, указанная в заявлении, не действует.', remarks: [{ document: undefined, text: `Лицензия ${manifest.license ?? ''} не действует (истекла или приостановлена).` }] };
    }
    return { status: 'approved', comment: 'Одобрено. Решение приложено.', remarks: [] };
  };

  const schedule = (orderId: string): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const order = database.prepare('SELECT * FROM orders WHERE id = ?').get(orderId) as OrderRow | undefined;
      if (order === undefined) return;
      if (order.status === 'accepted') {
        setStatus(order, 'processing', 'Заявление передано специалисту на проверку.');
        schedule(orderId);
      } else if (order.status === 'processing') {
        const decision = decide(order);
        if (decision.status === 'approved') {
          void renderDecisionPdf({ order: orderOf(order), decidedAt: options.now() }).then((pdf) => {
            database.prepare('INSERT OR REPLACE INTO order_files (order_id, name, media_type, content) VALUES (?, ?, ?, ?)').run(order.id, 'Решение.pdf', 'application/pdf', Buffer.from(pdf));
            setStatus(order, 'approved', decision.comment, { remarks: [] });
          });
        } else {
          setStatus(order, decision.status, decision.comment, { remarks: decision.remarks });
        }
      }
    }, options.stepDelayMs);
    timer.unref();
    timers.add(timer);
  };

  // Orders left in progress by a previous run go on.
  for (const row of database.prepare("SELECT id FROM orders WHERE status IN ('accepted', 'processing')").all() as Array<{ id: string }>) schedule(row.id);

  const registrationNumber = (): string => {
    const count = (database.prepare("SELECT count(*) AS n FROM orders WHERE registration_number IS NOT NULL").get() as { n: number }).n + 1;
    return `РН-${options.now().getUTCFullYear()}-${String(count).padStart(6, '0')}`;
  };

  /** Inspects a received package and moves the order on, or refuses with the cabinet's error codes. */
  const accept = async (order: OrderRow, zip: Buffer, caller: Caller): Promise<Order> => {
    const target = path.join(packagesDir, `${order.id}.zip`);
    await writeFileAtomic(target, zip, { mode: privateFileMode });
    const report: PackageReport = await inspectPackage(target, { trustAnchors: options.trustAnchors, now: options.now() });
    const structural = report.problems.find((item) => item.code.startsWith('ZIP_') || item.code === 'INVALID_FILES_STRUCTURE' || item.code === 'SIGNATURE_MISSING' || item.code.startsWith('MANIFEST') || item.code === 'FILE_NOT_IN_MANIFEST');
    if (structural !== undefined) {
      rmSync(target, { force: true });
      journal(caller.personOid, order.organisation_oid, 'push', order.id, 'INVALID_FILES_STRUCTURE');
      throw new StandError(400, 'INVALID_FILES_STRUCTURE', `Структура пакета неверна${structural.entry ? ` (файл «${structural.entry}»)` : ''}: ${structural.message}`, { entry: structural.entry, problem: structural.code });
    }
    const badSignature = report.problems.find((item) => item.code === 'SIGNATURE_INVALID' || item.code === 'SIGNATURE_UNDETERMINED');
    if (badSignature !== undefined) {
      rmSync(target, { force: true });
      journal(caller.personOid, order.organisation_oid, 'push', order.id, 'FILES_VERIFICATION_FAILED');
      throw new StandError(400, 'FILES_VERIFICATION_FAILED', `Подпись файла «${badSignature.entry ?? ''}» не прошла проверку. ${badSignature.message}`, { file: badSignature.entry });
    }
    for (const document of report.documents) {
      for (const snils of document.signerSnils) {
        const member = snils === undefined ? undefined : (database.prepare('SELECT m.role, m.expires_at AS expiresAt FROM members m JOIN persons p ON p.oid = m.person_oid WHERE p.snils = ? AND m.organisation_oid = ?').get(snils, order.organisation_oid) as { role: Role; expiresAt: string | null } | undefined);
        // A signer must hold a role in the organisation now: one whose role expired signs nothing in its name.
        if (member === undefined || expired(member.expiresAt)) {
          rmSync(target, { force: true });
          journal(caller.personOid, order.organisation_oid, 'push', order.id, 'FILES_VERIFICATION_FAILED');
          throw new StandError(400, 'FILES_VERIFICATION_FAILED', `Файл «${document.fileName}» подписал человек, который не состоит в организации.`, { file: document.fileName });
        }
      }
    }
    await writeFileAtomic(`${target}.manifest.json`, JSON.stringify(report.manifest ?? {}), { mode: privateFileMode });
    database.prepare('UPDATE orders SET package_path = ? WHERE id = ?').run(target, order.id);
    const fresh = database.prepare('SELECT * FROM orders WHERE id = ?').get(order.id) as OrderRow;
    setStatus(fresh, 'accepted', 'Заявление принято и зарегистрировано.', { registrationNumber: registrationNumber() });
    journal(caller.personOid, order.organisation_oid, 'push', order.id, 'accepted');
    schedule(order.id);
    return orderOf(database.prepare('SELECT * FROM orders WHERE id = ?').get(order.id) as OrderRow);
  };

  const requireSender = (role: Role): void => {
    if (!sendingRoles.has(role)) throw new StandError(403, 'push_denied', `Роль «${roleNames[role]}» не даёт права отправлять заявления и отчёты. Обратитесь к администратору организации.`);
  };

  app.post('/api/v1/orders', async (request, reply) => {
    const { caller, organisationOid } = await senderScope(request);
    const body = (request.body ?? {}) as { serviceCode?: unknown; title?: unknown; trainingOutcome?: unknown };
    if (typeof body.serviceCode !== 'string' || body.serviceCode.length === 0 || typeof body.title !== 'string') throw new StandError(400, 'invalid_request', 'Укажите вид услуги (serviceCode) и название (title).');
    const key = request.headers['idempotency-key'];
    if (typeof key === 'string' && key.length > 0) {
      // Scoped by organisation (UNIQUE (organisation_oid, idempotency_key), stand migration 3): the same
      // key under another organisation is another order, never this one's answer.
      const existing = database.prepare('SELECT * FROM orders WHERE organisation_oid = ? AND idempotency_key = ?').get(organisationOid, key) as OrderRow | undefined;
      if (existing !== undefined) return reply.code(200).send(orderOf(existing));
    }
    const since = new Date(options.now().getTime() - options.orderWindowMs).toISOString();
    const recent = (database.prepare('SELECT count(*) AS n FROM orders WHERE person_oid = ? AND service_code = ? AND created_at > ?').get(caller.personOid, body.serviceCode, since) as { n: number }).n;
    if (recent >= options.ordersPerWindow) throw new StandError(429, 'too_many_orders', `Не больше ${options.ordersPerWindow} заявлений одного вида за 10 минут. Повторите позже.`);
    const id = randomUUID();
    const at = options.now().toISOString();
    const scenario = ['approved', 'needs-rework', 'rejected'].includes(String(body.trainingOutcome)) ? String(body.trainingOutcome) : null;
    database
      .prepare('INSERT INTO orders (id, organisation_oid, person_oid, service_code, title, idempotency_key, status, scenario, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, organisationOid, caller.personOid, body.serviceCode, body.title, typeof key === 'string' && key.length > 0 ? key : null, 'created', scenario, at, at);
    journal(caller.personOid, organisationOid, 'create-order', id, 'ok');
    return reply.code(201).send(orderOf(database.prepare('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow));
  });

  app.post('/api/v1/orders/:id/push', async (request, reply) => {
    const { caller, organisationOid } = await senderScope(request);
    const order = loadOrder((request.params as { id: string }).id, organisationOid);
    // A repeated push of an order already received answers its state: one order, one package.
    if (order.status !== 'created') return reply.send(orderOf(order));
    let zip: Buffer | undefined;
    for await (const part of request.parts({ limits: { fileSize: options.maxUploadBytes, files: 1 } })) {
      if (part.type === 'file' && part.fieldname === 'file') {
        zip = await part.toBuffer();
        if (part.file.truncated) throw new StandError(413, 'file_too_large', `Пакет больше ${options.maxUploadBytes} байт: отправьте его частями.`);
      }
    }
    if (zip === undefined) throw new StandError(400, 'invalid_request', 'В запросе нет файла пакета (поле file).');
    return reply.send(await accept(order, zip, caller));
  });

  app.post('/api/v1/orders/:id/chunks', async (request, reply) => {
    const { caller, organisationOid } = await senderScope(request);
    const order = loadOrder((request.params as { id: string }).id, organisationOid);
    if (order.status !== 'created') return reply.send({ received: true, order: orderOf(order) });
    const uploadId = String(request.headers['x-upload-id'] ?? '');
    const index = Number(request.headers['x-chunk-index']);
    const total = Number(request.headers['x-chunk-total']);
    const body = request.body as Buffer;
    if (uploadId === '' || !Number.isInteger(index) || !Number.isInteger(total) || index < 0 || total < 1 || index >= total || total > 100 || !Buffer.isBuffer(body)) {
      throw new StandError(400, 'invalid_request', 'Неверные заголовки части (X-Upload-Id, X-Chunk-Index, X-Chunk-Total).');
    }
    if (body.length > options.chunk.maxBytes || (index < total - 1 && body.length < options.chunk.minBytes)) {
      throw new StandError(400, 'invalid_chunk_size', `Часть должна быть от ${options.chunk.minBytes} до ${options.chunk.maxBytes} байт (последняя — любого размера).`);
    }
    const first = database.prepare('SELECT min(started_at) AS started FROM upload_chunks WHERE order_id = ? AND upload_id = ?').get(order.id, uploadId) as { started: string | null };
    if (first.started !== null && options.now().getTime() - Date.parse(first.started) > options.chunk.windowMs) {
      database.prepare('DELETE FROM upload_chunks WHERE order_id = ? AND upload_id = ?').run(order.id, uploadId);
      throw new StandError(408, 'upload_expired', 'Все части нужно передать за 5 минут. Начните передачу заново.');
    }
    database.prepare('INSERT OR REPLACE INTO upload_chunks (order_id, upload_id, chunk_index, total, content, started_at) VALUES (?, ?, ?, ?, ?, ?)').run(order.id, uploadId, index, total, body, first.started ?? options.now().toISOString());
    const chunks = database.prepare('SELECT chunk_index, content FROM upload_chunks WHERE order_id = ? AND upload_id = ? ORDER BY chunk_index').all(order.id, uploadId) as Array<{ chunk_index: number; content: Buffer }>;
    if (chunks.length < total) return reply.send({ received: true, chunks: chunks.length, total });
    const zip = Buffer.concat(chunks.map((chunk) => chunk.content));
    database.prepare('DELETE FROM upload_chunks WHERE order_id = ?').run(order.id);
    return reply.send({ received: true, order: await accept(order, zip, caller) });
  });

  app.get('/api/v1/orders/:id', async (request) => {
    const { organisationOid } = await scope(request);
    return orderOf(loadOrder((request.params as { id: string }).id, organisationOid));
  });

  app.get('/api/v1/orders/:id/files/:name', async (request, reply) => {
    const { organisationOid } = await scope(request);
    const params = request.params as { id: string; name: string };
    loadOrder(params.id, organisationOid);
    const file = database.prepare('SELECT media_type, content FROM order_files WHERE order_id = ? AND name = ?').get(params.id, params.name) as { media_type: string; content: Buffer } | undefined;
    if (file === undefined) throw new StandError(404, 'file_not_found', 'Документ не найден.');
    return reply.type(file.media_type).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(params.name)}`).send(file.content);
  });

  app.post('/api/v1/orders/:id/cancel', async (request) => {
    const { caller, organisationOid } = await senderScope(request);
    const order = loadOrder((request.params as { id: string }).id, organisationOid);
    if (order.status !== 'created' && finalStatuses.has(order.status)) throw new StandError(409, 'order_final', 'Заявление уже рассмотрено, отозвать его нельзя.');
    setStatus(order, 'cancelled', 'Заявление отозвано заявителем.');
    journal(caller.personOid, organisationOid, 'cancel', order.id, 'ok');
    return orderOf(database.prepare('SELECT * FROM orders WHERE id = ?').get(order.id) as OrderRow);
  });

  app.get('/api/v1/orders', async (request) => {
    const { organisationOid } = await scope(request);
    const updatedAfter = (request.query as Record<string, string | undefined>).updatedAfter ?? '1970-01-01T00:00:00.000Z';
    // The server time is read before the query and the bound is inclusive: an order changed in the
    // same millisecond as the answer comes again next time instead of never (clients apply it once).
    const serverTime = options.now().toISOString();
    const rows = database.prepare('SELECT * FROM orders WHERE organisation_oid = ? AND updated_at >= ? ORDER BY updated_at').all(organisationOid, updatedAfter) as OrderRow[];
    return { orders: rows.map(orderOf), serverTime };
  });

  app.get('/api/v1/licenses', async (request): Promise<License[]> => {
    const { organisationOid } = await scope(request);
    const rows = database.prepare('SELECT * FROM licenses WHERE organisation_oid = ? ORDER BY valid_to').all(organisationOid) as Array<Record<string, string>>;
    return rows.map((row) => ({ id: row.id as string, organisationOid, number: row.number as string, kind: row.kind as string, mineral: row.mineral as string, area: row.area as string, status: row.status as License['status'], validFrom: row.valid_from as string, validTo: row.valid_to as string }));
  });

  app.get('/api/v1/deadlines', async (request): Promise<ReportDeadline[]> => {
    const { organisationOid } = await scope(request);
    const rows = database.prepare('SELECT * FROM deadlines WHERE organisation_oid = ? ORDER BY due_date').all(organisationOid) as Array<Record<string, string | null>>;
    return rows.map((row) => ({ id: row.id as string, organisationOid, serviceCode: row.service_code as string, title: row.title as string, dueDate: row.due_date as string, licenseNumber: row.license_number ?? undefined }));
  });

  app.get('/api/v1/notifications', async (request): Promise<CabinetNotification[]> => {
    const { organisationOid } = await scope(request);
    const rows = database.prepare('SELECT * FROM notifications WHERE organisation_oid = ? ORDER BY at DESC LIMIT 200').all(organisationOid) as Array<Record<string, string | number | null>>;
    return rows.map((row) => ({ id: String(row.id), organisationOid, title: String(row.title), body: String(row.body), at: String(row.at), read: row.read === 1, orderId: row.order_id === null ? undefined : String(row.order_id) }));
  });

  app.post('/api/v1/notifications/:id/read', async (request, reply) => {
    const { organisationOid } = await scope(request);
    database.prepare('UPDATE notifications SET read = 1 WHERE id = ? AND organisation_oid = ?').run((request.params as { id: string }).id, organisationOid);
    return reply.code(204).send();
  });

  app.get('/api/v1/journal', async (request) => {
    const { organisationOid } = await scope(request);
    return database.prepare('SELECT at, person_oid AS personOid, action, object, result FROM journal WHERE organisation_oid = ? ORDER BY id DESC LIMIT 500').all(organisationOid);
  });

  app.get('/api/v1/employees', async (request) => {
    const { organisationOid } = await scope(request);
    return database
      .prepare('SELECT p.oid AS personOid, p.surname, p.given_name AS givenName, p.snils, m.role, m.expires_at AS expiresAt FROM members m JOIN persons p ON p.oid = m.person_oid WHERE m.organisation_oid = ? ORDER BY p.surname')
      .all(organisationOid);
  });

  const requireAdmin = (role: Role): void => {
    if (role !== 'admin') throw new StandError(403, 'admin_only', 'Управлять сотрудниками может только администратор организации.');
  };
  const validRole = (value: unknown): Role => {
    if (typeof value !== 'string' || !(value in roleNames)) throw new StandError(400, 'invalid_role', 'Роль должна быть одной из: admin, head, employee, auditor.');
    return value as Role;
  };

  app.post('/api/v1/employees', async (request, reply) => {
    const { caller, organisationOid, role } = await scope(request);
    requireAdmin(role);
    const body = (request.body ?? {}) as { snils?: unknown; role?: unknown; expiresAt?: unknown };
    // Kept as a UTC instant, so the text comparisons of role lists order expiries as time does.
    const expiresAt = body.expiresAt === undefined || body.expiresAt === null ? null : typeof body.expiresAt === 'string' ? expiryInstant(body.expiresAt) : undefined;
    if (expiresAt === undefined) throw new StandError(400, 'invalid_expiry', 'Срок роли укажите датой и временем с часовым поясом (RFC 3339), например 2026-12-31T23:59:59+03:00.');
    const person = database.prepare('SELECT oid FROM persons WHERE snils = ?').get(String(body.snils ?? '').replace(/\D/g, '')) as { oid: string } | undefined;
    if (person === undefined) throw new StandError(404, 'person_not_found', 'Человек с таким СНИЛС не зарегистрирован.');
    database.prepare('INSERT OR REPLACE INTO members (person_oid, organisation_oid, role, expires_at) VALUES (?, ?, ?, ?)').run(person.oid, organisationOid, validRole(body.role), expiresAt);
    journal(caller.personOid, organisationOid, 'invite', person.oid, 'ok');
    return reply.code(201).send({ personOid: person.oid });
  });

  app.patch('/api/v1/employees/:personOid', async (request) => {
    const { caller, organisationOid, role } = await scope(request);
    requireAdmin(role);
    const personOid = (request.params as { personOid: string }).personOid;
    const changed = database.prepare('UPDATE members SET role = ? WHERE person_oid = ? AND organisation_oid = ?').run(validRole((request.body as { role?: unknown } | undefined)?.role), personOid, organisationOid);
    if (changed.changes === 0) throw new StandError(404, 'not_a_member', 'Сотрудник не найден в организации.');
    journal(caller.personOid, organisationOid, 'change-role', personOid, 'ok');
    return { personOid };
  });

  app.delete('/api/v1/employees/:personOid', async (request, reply) => {
    const { caller, organisationOid, role } = await scope(request);
    requireAdmin(role);
    const personOid = (request.params as { personOid: string }).personOid;
    database.prepare('DELETE FROM members WHERE person_oid = ? AND organisation_oid = ?').run(personOid, organisationOid);
    journal(caller.personOid, organisationOid, 'remove', personOid, 'ok');
    return reply.code(204).send();
  });

  return {
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
