import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { startStand, type RunningStand } from '../../../src/stand/server';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';
import { runCli } from '../../support/cli';
import { sampleData } from '../../unit/catalog/sample-forms';

const pin = '271828';
let pki: TestPki;
let stand: RunningStand;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  pki = await loadTestPki();
  const factory = await TokenFactory.create();
  await factory.createToken({ label: 'Главбух', userPin: pin });
  await factory.importIdentity('Главбух', pin, pki.rsaSigner, { idHex: '01', label: 'Иванова' });
  await factory.importCertificateOnly('Главбух', pin, pki.intermediate, { idHex: 'ca', label: 'УЦ' });
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cli-cabinet-'));
  stand = await startStand({ dataDir: path.join(dir, 'stand'), trustAnchors: [pki.root.certDer], stepDelayMs: 200, log: () => undefined });
  env = { SOFTHSM2_CONF: factory.confPath, NEDRADESK_PKCS11_MODULE: factory.module, TOKEN_PIN: pin, NEDRADESK_CABINET_URL: stand.url };
});

afterAll(async () => {
  await stand?.close();
});

describe('nedradesk types, pack, submit, status, login', () => {
  it('lists the catalog', async () => {
    const result = await runCli(['types', '--json'], env);
    expect(result.status).toBe(0);
    const codes = (JSON.parse(result.stdout) as Array<{ code: string }>).map((entry) => entry.code);
    expect(codes).toContain('report.extraction');
    expect(codes.length).toBeGreaterThanOrEqual(20);
  });

  it('refuses a form with problems, listing each of them in Russian', async () => {
    const form = path.join(dir, 'broken.json');
    writeFileSync(form, JSON.stringify({ organisation: { name: 'ООО «Недра Севера»', inn: '1101012340' }, fields: { licenseNumber: 'ABC' } }));
    const result = await runCli(['pack', '--type', 'report.extraction', '--data', form, '--cert', 'id:01', '--pin-env', 'TOKEN_PIN', '--out', path.join(dir, 'broken.zip')], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('[FORM_INVALID]');
    expect(result.stderr).toContain('licenseNumber:');
  });

  it('packs a report with the token, inspects it, submits it and follows its status', async () => {
    const entry = findCatalogEntry('report.extraction');
    if (entry === undefined) throw new Error('catalog entry missing');
    const form = path.join(dir, 'form.json');
    writeFileSync(form, JSON.stringify({ title: 'Отчёт о добыче за 2025 год', organisation: { name: 'ООО «Недра Севера»', inn: '1101012340', ogrn: '1021100001230', address: 'г. Сыктывкар' }, fields: sampleData(entry) }));
    const report = path.join(dir, 'отчёт.xml');
    writeFileSync(report, '<?xml version="1.0" encoding="UTF-8"?><report/>');
    const packagePath = path.join(dir, 'отчёт.zip');
    const packed = await runCli(['pack', '--type', 'report.extraction', '--data', form, '--attach', `report-file=${report}`, '--cert', 'id:01', '--pin-env', 'TOKEN_PIN', '--out', packagePath], env);
    expect(packed.stderr).toBe('');
    expect(packed.status).toBe(0);
    const inspected = await runCli(['inspect', packagePath, '--trust', pki.rootPath], env);
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).toContain('Отчёт.pdf');
    const submitted = await runCli(['submit', packagePath, '--cert', 'id:01', '--pin-env', 'TOKEN_PIN', '--json'], env);
    expect(submitted.status).toBe(0);
    const order = JSON.parse(submitted.stdout) as { orderId: string; status: string; registrationNumber: string };
    expect(order.status).toBe('accepted');
    // Submitting the same package again answers the same order.
    const again = JSON.parse((await runCli(['submit', packagePath, '--cert', 'id:01', '--pin-env', 'TOKEN_PIN', '--json'], env)).stdout) as { orderId: string };
    expect(again.orderId).toBe(order.orderId);
    // The stand's processing moves the order on by itself: ask until it says «Одобрено» (bounded).
    let status = await runCli(['status', order.orderId, '--cert', 'id:01', '--pin-env', 'TOKEN_PIN'], env);
    for (let attempt = 0; attempt < 20 && !status.stdout.includes('Одобрено'); attempt += 1) {
      status = await runCli(['status', order.orderId, '--cert', 'id:01', '--pin-env', 'TOKEN_PIN'], env);
    }
    expect(status.stdout).toContain('Одобрено');
    expect(status.stdout).toContain(order.registrationNumber);
    const login = await runCli(['login', '--cert', 'id:01', '--pin-env', 'TOKEN_PIN'], env);
    expect(login.stdout).toContain('Вход выполнен: Иванова Мария Петровна');
    expect(login.stdout).toContain('ООО «Недра Севера» (ИНН 1101012340): Администратор');
    // Seven CLI starts in one test: a bound for a busy 2-core machine, not a wait.
  }, 180_000);
});
