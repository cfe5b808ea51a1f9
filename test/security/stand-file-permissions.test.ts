/**
 * Other local users and the training stand's files: `stand.db` (password hashes, the identity
 * provider's token-signing key), the training CA's private key and the packages received were
 * created 0644 in 0755 folders under the usual umask, so any user of the machine could read them
 * (and with the CA key issue certificates the stand trusts). Now the folder is 0700 and every file
 * 0600 whatever the umask, and a folder an earlier stand left open is tightened when it starts.
 * A real stand process on loopback, started with a 022 umask.
 */
import { chmodSync, lstatSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CabinetClient } from '../../src/main/cabinet/cabinet-client';
import { loginWithSignature } from '../../src/main/cabinet/identity-client';
import { buildPackage } from '../../src/main/core/packages/build';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { keySignerFor } from '../support/signers';
import { freePort, startStandProcess, type StandProcess } from '../support/stand-process';

let pki: TestPki;
let dir: string;
let dataDir: string;
let port: number;
let stand: StandProcess | undefined;
let previousUmask: number;

/** Every entry under `root` (root included) that is a folder or a regular file, with its permission bits. */
function modesUnder(root: string): Array<{ entry: string; folder: boolean; mode: number }> {
  const found: Array<{ entry: string; folder: boolean; mode: number }> = [];
  const visit = (entry: string): void => {
    const info = lstatSync(entry);
    if (info.isSymbolicLink()) return;
    found.push({ entry: path.relative(root, entry) || '.', folder: info.isDirectory(), mode: info.mode & 0o777 });
    if (info.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(root);
  return found;
}

const notPrivate = (root: string): string[] => modesUnder(root).filter((item) => item.mode !== (item.folder ? 0o700 : 0o600)).map((item) => `${item.entry} ${item.mode.toString(8)}`);

const start = (): Promise<StandProcess> => startStandProcess({ port, dataDir, stepMs: 600_000, trust: [pki.rootPath], fromSource: true });

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-stand-modes-'));
  dataDir = path.join(dir, 'stand');
  port = await freePort();
  // The stand process inherits the usual default umask, under which it used to make 0644 files.
  previousUmask = process.umask(0o022);
});

afterAll(async () => {
  await stand?.stop();
  process.umask(previousUmask);
});

describe.skipIf(process.platform === 'win32')('the training stand’s folder', () => {
  it('keeps stand.db, the training CA key and received packages 0600 in 0700 folders', async () => {
    stand = await start();
    const session = await loginWithSignature(stand.url, keySignerFor(pki, pki.rsaSigner));
    const client = new CabinetClient({ baseUrl: stand.url, session, organisationOid: '2000001' });
    const built = await buildPackage({
      typeCode: 'report.extraction',
      organisation: { inn: '1101012340' },
      documents: [{ role: 'report-file', fileName: 'отчёт.xml', bytes: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><report/>') }],
      signer: keySignerFor(pki, pki.rsaSigner),
      outPath: path.join(dir, 'package.zip'),
    });
    const order = await client.createOrder({ serviceCode: 'report.extraction', title: 'Отчёт', idempotencyKey: built.manifest.packageId });
    expect((await client.push(order.orderId, built.path)).status).toBe('accepted');

    const entries = modesUnder(dataDir).map((item) => item.entry);
    expect(entries).toContain('stand.db');
    expect(entries).toContain('stand.db-wal');
    expect(entries.some((entry) => entry.endsWith('.key.pem'))).toBe(true);
    expect(entries.some((entry) => entry.startsWith(`packages${path.sep}`) && entry.endsWith('.zip'))).toBe(true);
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('tightens the folder an earlier stand left 0755/0644 when it starts', async () => {
    await stand?.stop();
    for (const item of modesUnder(dataDir)) chmodSync(path.join(dataDir, item.entry), item.folder ? 0o755 : 0o644);
    expect(notPrivate(dataDir).length).toBeGreaterThan(3);
    stand = await start();
    expect(notPrivate(dataDir)).toEqual([]);
  });
});
