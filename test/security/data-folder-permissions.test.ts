/**
 * Other local users: the data folder holds the database (packages, journal, the organisation's
 * requisites), stored documents, signed packages and trust anchors. It was created 0755 with files
 * 0644 (the umask's default), so any user of the machine could read them. Now folders are 0700 and
 * files 0600 whatever the umask, and a folder an earlier version left open is tightened on start.
 * (POSIX modes only: on Windows the profile folder's ACLs apply and these checks are skipped.)
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../src/main/core/catalog/catalog';
import { createAppServices, type AppServices } from '../../src/main/services/app-services';
import { buildApplicationPackage, renderForm } from '../../src/main/services/application-service';
import { importTrustAnchor } from '../../src/main/services/trust-store';
import { openStore } from '../../src/main/store/database';
import { appendJournal, putDocument } from '../../src/main/store/repositories';
import type { LocalTokenService } from '../../src/main/token/token-service';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { makeToken } from '../support/app-workplace';
import { keySignerFor } from '../support/signers';
import { sampleData } from '../unit/catalog/sample-forms';

const posix = process.platform !== 'win32';
let pki: TestPki;
let tokens: LocalTokenService;
let previousUmask: number;
const opened: AppServices[] = [];

/** Every entry under `root` (root included) with its permission bits; links are reported, not followed. */
function modesUnder(root: string): Array<{ entry: string; kind: 'folder' | 'file' | 'link'; mode: number }> {
  const found: Array<{ entry: string; kind: 'folder' | 'file' | 'link'; mode: number }> = [];
  const visit = (entry: string): void => {
    const info = lstatSync(entry);
    const kind = info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'folder' : 'file';
    found.push({ entry: path.relative(root, entry) || '.', kind, mode: info.mode & 0o777 });
    if (kind === 'folder') for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(root);
  return found;
}

function expectPrivate(root: string, others: readonly string[] = []): void {
  const entries = modesUnder(root).filter((item) => item.kind !== 'link' && !others.includes(item.entry));
  expect(entries.filter((item) => item.kind === 'file').length).toBeGreaterThan(0);
  const open = entries.filter((item) => item.mode !== (item.kind === 'folder' ? 0o700 : 0o600)).map((item) => `${item.entry} ${item.mode.toString(8)}`);
  expect(open).toEqual([]);
}

function openApp(dataDir: string): AppServices {
  const app = createAppServices({ mode: 'browser', version: 'test', dataDir, tokens, emit: () => undefined, cabinet: { syncIntervalMs: 60_000 } });
  opened.push(app);
  return app;
}

beforeAll(async () => {
  pki = await loadTestPki();
  ({ tokens } = await makeToken());
});

afterAll(async () => {
  await tokens?.close();
});

beforeEach(() => {
  // The usual default umask, which made the data folder world-readable before.
  previousUmask = process.umask(0o022);
});

afterEach(async () => {
  process.umask(previousUmask);
  for (const app of opened.splice(0)) await app.close();
});

describe.skipIf(!posix)('the data folder', () => {
  it('is created 0700 with the database, stored documents, forms, packages and trust anchors 0600 under a 022 umask', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-modes-'));
    const dataDir = path.join(dir, 'data');
    const app = openApp(dataDir);
    appendJournal(app.store, { actor: 'Иванова', organisationOid: null, action: 'package.build', object: 'Отчёт', result: 'ok' });
    await putDocument(app.store, dataDir, Buffer.from('%PDF-1.7 копия лицензии'), { originalName: 'лицензия.pdf', mediaType: 'application/pdf' });
    await importTrustAnchor(dataDir, pki.rootPath);
    const entry = findCatalogEntry('report.extraction');
    if (entry === undefined) throw new Error('no report.extraction in the catalog');
    const reportXml = path.join(dir, 'report.xml');
    writeFileSync(reportXml, '<?xml version="1.0" encoding="UTF-8"?><report><extracted unit="т">1250.5</extracted></report>');
    const organisation = { name: 'ООО «Недра Севера»', inn: '1101012340', ogrn: '1021100001230', address: 'г. Сыктывкар' };
    const files = [{ role: 'report-file', path: reportXml, fileName: 'Отчёт о добыче.xml' }];
    await renderForm({ typeCode: entry.code, data: sampleData(entry), files, organisation }, path.join(dataDir, 'renders', 'r1'), new Date(), 'test');
    const built = await buildApplicationPackage({ typeCode: entry.code, data: sampleData(entry), files, organisation, signer: keySignerFor(pki, pki.rsaSigner), dataDir, generator: 'test' });
    expect(statSync(built.packagePath).isFile()).toBe(true);

    const names = modesUnder(dataDir).map((item) => item.entry);
    for (const expected of ['nedradesk.db', 'nedradesk.db-wal', 'trust', 'documents', 'renders', 'packages']) expect(names).toContain(expected);
    expectPrivate(dataDir);
  });

  it('tightens a data folder an earlier version left 0755/0644, without following a link out of it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-modes-'));
    const dataDir = path.join(dir, 'data');
    // What an earlier version left: the database and files of every kind, readable by everyone.
    openStore({ dataDir }).close();
    mkdirSync(path.join(dataDir, 'documents', 'ab', 'cd'), { recursive: true });
    writeFileSync(path.join(dataDir, 'documents', 'ab', 'cd', 'abcd0000'), 'скан');
    mkdirSync(path.join(dataDir, 'trust'));
    writeFileSync(path.join(dataDir, 'trust', 'root.der'), 'сертификат');
    mkdirSync(path.join(dataDir, 'stand', 'training-ca'), { recursive: true });
    writeFileSync(path.join(dataDir, 'stand', 'stand.db'), 'база стенда');
    writeFileSync(path.join(dataDir, 'settings.json.imported'), '{}');
    const outside = path.join(dir, 'elsewhere.txt');
    writeFileSync(outside, 'чужой файл');
    chmodSync(outside, 0o644);
    symlinkSync(outside, path.join(dataDir, 'link-out'));
    // A file of the user's own in the folder they named as the data folder: not NedraDesk's to change.
    const own = path.join(dataDir, 'мой-скрипт.sh');
    writeFileSync(own, '#!/bin/sh\n');
    for (const item of modesUnder(dataDir)) {
      if (item.kind !== 'link') chmodSync(path.join(dataDir, item.entry), item.kind === 'folder' ? 0o755 : 0o644);
    }
    chmodSync(own, 0o755);
    expect(modesUnder(dataDir).some((item) => item.mode === 0o644)).toBe(true);

    openApp(dataDir);
    expectPrivate(dataDir, [path.basename(own)]);
    expect(statSync(own).mode & 0o777).toBe(0o755);
    // The link itself stays, and the file it points to outside the data folder is not touched.
    expect(lstatSync(path.join(dataDir, 'link-out')).isSymbolicLink()).toBe(true);
    expect(statSync(outside).mode & 0o777).toBe(0o644);
  });
});
