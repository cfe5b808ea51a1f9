/**
 * The training stand: one Fastify server on 127.0.0.1 with its own SQLite database, serving the
 * identity provider, the cabinet API and its OpenAPI description.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { makePrivateFolderSync, tightenPrivateTree } from '../main/core/files/private-files';
import { registerCabinet, type CabinetOptions } from './cabinet';
import { demoPassword, openStandDatabase, type StandDatabase } from './database';
import { demoPeople } from './demo-people';
import { startPage } from './pages';
import { registerIdentity, StandError } from './identity';
import { ensureTrainingCa } from './training-ca';

export interface StandOptions {
  dataDir: string;
  port?: number;
  trustAnchors?: readonly Uint8Array[];
  stepDelayMs?: number;
  scenario?: CabinetOptions['scenario'];
  accessTokenSeconds?: number;
  maxUploadBytes?: number;
  chunkMinBytes?: number;
  /** Orders one person may create per service in ten minutes (default 20). */
  ordersPerWindow?: number;
  /** Test mode: `/training/sms` answers the last one-time code of a login (tests only; off by default). */
  testMode?: boolean;
  /** Origins the stand is also reached at (a proxy in front of it): a login statement may name them as well as the stand's own. */
  publicOrigins?: readonly string[];
  log?: (line: string) => void;
  /** Each one-time code, in-process (identity.ts `onSms`): the app's embedded stand shows it on the login page. */
  onSms?: (sms: { phone: string; code: string }) => void;
  now?: () => Date;
}

export interface RunningStand {
  url: string;
  port: number;
  app: FastifyInstance;
  database: StandDatabase;
  lastSmsCode(login: string): string | undefined;
  close(): Promise<void>;
}

function findOpenApi(): string | undefined {
  const candidates = [path.join(process.cwd(), 'docs', 'cabinet-api.yaml')];
  if (typeof __dirname === 'string') candidates.unshift(path.join(__dirname, '..', '..', 'docs', 'cabinet-api.yaml'));
  return candidates.find((candidate) => existsSync(candidate));
}

/** Starts the stand; resolves once it listens. */
export async function startStand(options: StandOptions): Promise<RunningStand> {
  // The stand's folder holds its database (password hashes, the token signing key), the training
  // CA's key and the packages received: 0700 and 0600, tightened if an earlier stand left it open.
  makePrivateFolderSync(options.dataDir);
  tightenPrivateTree(options.dataDir, ['stand.db', 'stand.db-wal', 'stand.db-shm', 'packages', 'training-ca', 'private']);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const database = openStandDatabase(path.join(options.dataDir, 'stand.db'), now());
  const maxUploadBytes = options.maxUploadBytes ?? 50_000_000;
  // The training CA is always trusted: demo tokens made by `npm run stand -- demo-token` log in.
  const trainingCa = await ensureTrainingCa(options.dataDir);
  const trustAnchors = [trainingCa.certificate, ...(options.trustAnchors ?? [])];
  const app = Fastify({ logger: false, bodyLimit: 60 * 1024 * 1024 });
  await app.register(multipart, { limits: { fileSize: maxUploadBytes, files: 1, fields: 10 } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 60 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof StandError) return reply.code(error.status).send({ code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413 || (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return reply.code(413).send({ code: 'file_too_large', message: `Пакет больше ${maxUploadBytes} байт: отправьте его частями.` });
    if (status !== undefined && status >= 400 && status < 500) return reply.code(status).send({ code: 'invalid_request', message: 'Неверный запрос.' });
    log(`ОШИБКА стенда: ${error instanceof Error ? error.message : String(error)}`);
    return reply.code(500).send({ code: 'internal_error', message: 'Внутренняя ошибка учебного стенда. Повторите позже.' });
  });
  let url = '';
  const identity = registerIdentity(app, database, {
    issuer: () => url,
    accessTokenSeconds: options.accessTokenSeconds ?? 900,
    refreshTokenSeconds: 8 * 3600,
    codeLifetimeMs: 5 * 60_000,
    publicOrigins: options.publicOrigins ?? [],
    testMode: options.testMode === true,
    trustAnchors,
    log,
    ...(options.onSms ? { onSms: options.onSms } : {}),
    now,
  });
  const cabinet = registerCabinet(app, database, {
    dataDir: options.dataDir,
    trustAnchors,
    stepDelayMs: options.stepDelayMs ?? 5_000,
    scenario: options.scenario ?? 'auto',
    maxUploadBytes,
    chunk: { minBytes: options.chunkMinBytes ?? 5_000_000, maxBytes: 50_000_000, windowMs: 5 * 60_000 },
    ordersPerWindow: options.ordersPerWindow ?? 20,
    orderWindowMs: 10 * 60_000,
    now,
    log,
    authenticate: identity.authenticate,
  });
  app.get('/docs/cabinet-api.yaml', async (_request, reply) => {
    const file = findOpenApi();
    if (file === undefined) throw new StandError(404, 'not_found', 'Описание API не найдено.');
    return reply.type('application/yaml; charset=utf-8').send(readFileSync(file));
  });
  app.get('/health', async () => ({ status: 'ok', time: now().toISOString() }));
  // The start page: what the stand is and the demo people (seed data), for whoever opens its address.
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(startPage(demoPeople(), demoPassword)));
  app.get('/training/ca.pem', async (_request, reply) => reply.type('application/x-pem-file').send(readFileSync(trainingCa.certificatePath)));
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    app,
    database,
    lastSmsCode: identity.lastSmsCode,
    close: async () => {
      cabinet.close();
      await app.close();
      database.close();
    },
  };
}
