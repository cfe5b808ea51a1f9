import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../../src/main/core/packages/build';
import { CabinetService } from '../../../src/main/services/cabinet-service';
import { startStand, type RunningStand } from '../../../src/stand/server';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { keySignerFor } from '../../support/signers';
import { freePort } from '../../support/stand-process';

let pki: TestPki;
let stand: RunningStand;
let dir: string;
let proxyPort: number;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-faults-'));
  proxyPort = await freePort();
  // The app logs in through the faulty proxy: the login statement names the proxy's address, which the stand is told is its own.
  stand = await startStand({ dataDir: path.join(dir, 'stand'), trustAnchors: [pki.root.certDer], stepDelayMs: 600_000, ordersPerWindow: 1000, accessTokenSeconds: 3600, publicOrigins: [`http://127.0.0.1:${proxyPort}`], log: () => undefined });
});

afterAll(async () => {
  await stand?.close();
});

interface FaultPlan {
  /** Answer 500 without forwarding. */
  error500: number;
  /** Forward, let the stand do the work, then drop the connection before the answer. */
  dropAfter: number;
  /** Delay the answer. */
  slow: number;
}

/** A proxy in front of the stand that breaks a share of the cabinet API calls (never the login). */
function faultyProxy(target: string, plan: FaultPlan, seed: number, port = 0): Promise<{ url: string; server: Server; counts: Record<string, number> }> {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const counts = { error500: 0, dropAfter: 0, slow: 0, passed: 0 };
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const roll = next();
      const faultable = (incoming.url ?? '').startsWith('/api/v1/orders') && incoming.method === 'POST';
      const fault = !faultable ? 'passed' : roll < plan.error500 ? 'error500' : roll < plan.error500 + plan.dropAfter ? 'dropAfter' : roll < plan.error500 + plan.dropAfter + plan.slow ? 'slow' : 'passed';
      counts[fault as keyof typeof counts] += 1;
      if (fault === 'error500') {
        outgoing.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'internal_error', message: 'Сбой (проверка устойчивости)' }));
        return;
      }
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: { ...incoming.headers, host: upstream.host } }, (answer) => {
        const answerChunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
        answer.on('end', () => {
          if (fault === 'dropAfter') {
            outgoing.socket?.destroy();
            return;
          }
          const send = (): void => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(answerChunks));
          };
          if (fault === 'slow') setTimeout(send, 200 + Math.floor(next() * 200));
          else send();
        });
      });
      forward.on('error', () => outgoing.socket?.destroy());
      forward.end(body);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    resolve({ url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, server, counts });
  }));
}

describe('outbox under faults', () => {
  it('sends 100 packages through injected 500s, dropped connections and slow answers: exactly one order each, none lost', async () => {
    const proxy = await faultyProxy(stand.url, { error500: 0.15, dropAfter: 0.15, slow: 0.05 }, 7, proxyPort);
    const cabinet = new CabinetService({ dataDir: path.join(dir, 'app'), startStand: async () => ({ url: proxy.url, close: async () => undefined }), outboxBaseDelayMs: 20, syncIntervalMs: 60_000 });
    await cabinet.loginWithSignature(keySignerFor(pki, pki.rsaSigner));
    const signer = keySignerFor(pki, pki.rsaSigner);
    const submitted: string[] = [];
    for (let index = 0; index < 100; index += 1) {
      const built = await buildPackage({
        typeCode: 'report.extraction',
        organisation: { inn: '1101012340' },
        documents: [{ role: 'report-file', fileName: `отчёт-${index}.xml`, bytes: Buffer.from(`<report n="${index}"/>`) }],
        signer,
        outPath: path.join(dir, `package-${index}.zip`),
      });
      submitted.push(built.manifest.packageId);
      await cabinet.outbox.submit({ packagePath: built.path, packageId: built.manifest.packageId, typeCode: 'report.extraction', title: `Отчёт ${index}`, organisationOid: '2000001' });
    }
    const deadline = Date.now() + 120_000;
    while (cabinet.outbox.list().some((item) => item.state !== 'done') && Date.now() < deadline) {
      cabinet.outbox.kick();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const items = cabinet.outbox.list();
    expect(items.filter((item) => item.state === 'done')).toHaveLength(100);
    expect(items.every((item) => item.status === 'accepted' && item.registrationNumber !== undefined)).toBe(true);
    const orders = stand.database.prepare("SELECT idempotency_key, count(*) AS n, max(status) AS status FROM orders WHERE person_oid = '1000001' AND idempotency_key IS NOT NULL GROUP BY idempotency_key").all() as Array<{ idempotency_key: string; n: number; status: string }>;
    const ours = orders.filter((order) => submitted.includes(order.idempotency_key));
    expect(ours).toHaveLength(100);
    expect(ours.every((order) => order.n === 1 && order.status === 'accepted')).toBe(true);
    expect((proxy.counts.error500 ?? 0) + (proxy.counts.dropAfter ?? 0)).toBeGreaterThan(20);
    await cabinet.close();
    proxy.server.close();
  }, 180_000);

  it('survives an access token expiring during a slow upload by refreshing it', async () => {
    const shortLived = await startStand({ dataDir: path.join(dir, 'short'), trustAnchors: [pki.root.certDer], stepDelayMs: 60_000, accessTokenSeconds: 61, log: () => undefined });
    let clockShift = 0;
    // The client believes the token is fresh; the stand's clock runs ahead, as after a long upload.
    const cabinet = new CabinetService({ dataDir: path.join(dir, 'expiry'), startStand: async () => ({ url: shortLived.url, close: async () => undefined }), outboxBaseDelayMs: 20 });
    await cabinet.loginWithSignature(keySignerFor(pki, pki.rsaSigner));
    const built = await buildPackage({ typeCode: 'report.extraction', organisation: { inn: '1101012340' }, documents: [{ role: 'report-file', fileName: 'отчёт.xml', bytes: Buffer.from('<report/>') }], signer: keySignerFor(pki, pki.rsaSigner), outPath: path.join(dir, 'expiry.zip') });
    clockShift = 120_000;
    const original = Date.now;
    const standNow = () => new Date(original() + clockShift);
    // Shift the stand's clock only: restart it with the same data and a clock two minutes ahead.
    await shortLived.close();
    const ahead = await startStand({ dataDir: path.join(dir, 'short'), port: shortLived.port, trustAnchors: [pki.root.certDer], stepDelayMs: 60_000, accessTokenSeconds: 61, now: standNow, log: () => undefined });
    const item = await cabinet.outbox.submit({ packagePath: built.path, packageId: built.manifest.packageId, typeCode: 'report.extraction', title: 'После истечения токена', organisationOid: '2000001' });
    const deadline = Date.now() + 20_000;
    while (cabinet.outbox.list().find((candidate) => candidate.id === item.id)?.state !== 'done' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cabinet.outbox.list().find((candidate) => candidate.id === item.id)?.status).toBe('accepted');
    await cabinet.close();
    await ahead.close();
  });

  it('answers the same order for a repeated Idempotency-Key and limits orders per service', async () => {
    const limited = await startStand({ dataDir: path.join(dir, 'limited'), trustAnchors: [pki.root.certDer], stepDelayMs: 60_000, log: () => undefined });
    const cabinet = new CabinetService({ dataDir: path.join(dir, 'limits'), startStand: async () => ({ url: limited.url, close: async () => undefined }) });
    await cabinet.loginWithSignature(keySignerFor(pki, pki.ecSigner));
    const client = cabinet.requireClient();
    const first = await client.createOrder({ serviceCode: 'report.financial', title: 'Отчёт', idempotencyKey: 'same-key' });
    const again = await client.createOrder({ serviceCode: 'report.financial', title: 'Отчёт', idempotencyKey: 'same-key' });
    expect(again.orderId).toBe(first.orderId);
    for (let index = 1; index < 20; index += 1) await client.createOrder({ serviceCode: 'report.financial', title: 'Отчёт', idempotencyKey: `key-${index}` });
    const refused = await client.createOrder({ serviceCode: 'report.financial', title: 'Отчёт', idempotencyKey: 'key-21' }).then(() => undefined, (error: unknown) => error as { code: string; message: string });
    expect(refused?.code).toBe('CABINET_UNREACHABLE');
    expect(refused?.message).toContain('Не больше 20 заявлений одного вида за 10 минут');
    await cabinet.close();
    await limited.close();
  });
});
