import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CabinetClient } from '../../../src/main/cabinet/cabinet-client';
import { loginWithSignature } from '../../../src/main/cabinet/identity-client';
import { buildPackage } from '../../../src/main/core/packages/build';
import { CabinetService } from '../../../src/main/services/cabinet-service';
import { AppError } from '../../../src/shared/errors';
import { startStand, type RunningStand } from '../../../src/stand/server';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { rawZip } from '../../support/raw-zip';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
let stand: RunningStand;
let dir: string;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-uploads-'));
  stand = await startStand({ dataDir: path.join(dir, 'stand'), trustAnchors: [pki.root.certDer], stepDelayMs: 600_000, chunkMinBytes: 64 * 1024, log: () => undefined });
});

afterAll(async () => {
  await stand?.close();
});

async function clientFor(url: string): Promise<CabinetClient> {
  const session = await loginWithSignature(url, keySignerFor(pki, pki.rsaSigner));
  return new CabinetClient({ baseUrl: url, session, organisationOid: '2000001', chunkBytes: 64 * 1024 });
}

/** A package with a large random attachment (incompressible, so the ZIP stays large). */
async function largePackage(name: string, bytes: number): Promise<{ path: string; packageId: string }> {
  const { randomFillSync } = await import('node:crypto');
  const built = await buildPackage({
    typeCode: 'report.extraction',
    organisation: { inn: '1101012340' },
    documents: [{ role: 'report-tables', fileName: 'таблицы.bin', bytes: randomFillSync(Buffer.alloc(bytes)) }],
    signer: keySignerFor(pki, pki.rsaSigner),
    outPath: path.join(dir, name),
  });
  return { path: built.path, packageId: built.manifest.packageId };
}

describe('uploads', () => {
  it('sends a package in chunks and gets it accepted', async () => {
    const client = await clientFor(stand.url);
    const built = await largePackage('chunked.zip', 300 * 1024);
    const order = await client.createOrder({ serviceCode: 'report.extraction', title: 'По частям', idempotencyKey: built.packageId });
    const accepted = await client.push(order.orderId, built.path);
    expect(accepted.status).toBe('accepted');
    expect(accepted.registrationNumber).toMatch(/^РН-/);
  });

  it('refuses a package without a .sig for a file with INVALID_FILES_STRUCTURE', async () => {
    const client = await clientFor(stand.url);
    const file = path.join(dir, 'unsigned.zip');
    writeFileSync(file, rawZip([{ name: 'отчёт.xml', data: Buffer.from('<report/>') }]));
    const order = await client.createOrder({ serviceCode: 'report.extraction', title: 'Без подписи', idempotencyKey: 'unsigned-1' });
    const error = await client.push(order.orderId, file).then(() => undefined, (caught: unknown) => caught as AppError);
    expect(error?.code).toBe('INVALID_FILES_STRUCTURE');
    expect(error?.message).toContain('отчёт.xml');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function startStandProcess(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(process.cwd(), 'src/stand/stand.ts'), '--port', String(port), '--stand-dir', dataDir, '--trust', pki.rootPath, '--step-ms', '600000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('Учебный стенд NedraDesk')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`stand exited with ${code}`)));
  });
}

describe('a stand killed during an upload', () => {
  it('gets the package exactly once after it is restarted', async () => {
    const port = await freePort();
    const dataDir = path.join(dir, 'killed-stand');
    let child = await startStandProcess(port, dataDir);
    const url = `http://127.0.0.1:${port}`;
    const cabinet = new CabinetService({ dataDir: path.join(dir, 'killed-app'), startStand: async () => ({ url, close: async () => undefined }), outboxBaseDelayMs: 100 });
    await cabinet.loginWithSignature(keySignerFor(pki, pki.rsaSigner));
    const built = await largePackage('killed.zip', 8 * 1024 * 1024);
    await cabinet.outbox.submit({ packagePath: built.path, packageId: built.packageId, typeCode: 'report.extraction', title: 'Во время сбоя', organisationOid: '2000001' });
    // Kill the stand while the outbox is sending (the push of 8 MB is under way).
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const failed = cabinet.outbox.list()[0];
    expect(failed?.state === 'failed' || failed?.state === 'done').toBe(true);
    child = await startStandProcess(port, dataDir);
    try {
      const deadline = Date.now() + 30_000;
      while (cabinet.outbox.list()[0]?.state !== 'done' && Date.now() < deadline) {
        cabinet.outbox.kick();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const item = cabinet.outbox.list()[0];
      expect(item?.state).toBe('done');
      expect(item?.status).toBe('accepted');
      const client = await clientFor(url);
      const orders = (await client.ordersUpdatedAfter('1970-01-01T00:00:00.000Z')).orders.filter((order) => order.title === 'Во время сбоя');
      expect(orders).toHaveLength(1);
    } finally {
      await cabinet.close();
      child.kill('SIGTERM');
    }
  }, 90_000);
});
