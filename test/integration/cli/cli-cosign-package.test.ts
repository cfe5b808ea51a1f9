import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../src/main/core/catalog/catalog';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';
import { runCli } from '../../support/cli';
import { sampleData } from '../../unit/catalog/sample-forms';

// Two people, two tokens: the chief accountant packs, the geologist co-signs.
const pinA = '271828';
const pinB = '314159';
let pki: TestPki;
let dir: string;
let env: NodeJS.ProcessEnv;
let packagePath: string;

interface InspectJson {
  indication: string;
  problems: Array<{ code: string }>;
  documents: Array<{ fileName: string; indication: string; signers: string[] }>;
}

const personA = () => ['--cert', 'id:01', '--token', 'Главбух', '--pin-env', 'PIN_A', '--chain', pki.intermediatePath];
const personB = () => ['--cert', 'id:01', '--token', 'Геолог', '--pin-env', 'PIN_B', '--chain', pki.intermediatePath];

beforeAll(async () => {
  pki = await loadTestPki();
  const factory = await TokenFactory.create();
  await factory.createToken({ label: 'Главбух', userPin: pinA });
  await factory.importIdentity('Главбух', pinA, pki.rsaSigner, { idHex: '01', label: 'Иванова' });
  await factory.createToken({ label: 'Геолог', userPin: pinB });
  await factory.importIdentity('Геолог', pinB, pki.ecSigner, { idHex: '01', label: 'Петров' });
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cli-cosign-package-'));
  env = { SOFTHSM2_CONF: factory.confPath, NEDRADESK_PKCS11_MODULE: factory.module, PIN_A: pinA, PIN_B: pinB, WRONG_PIN: '000000' };

  const entry = findCatalogEntry('report.extraction');
  if (entry === undefined) throw new Error('catalog entry missing');
  const form = path.join(dir, 'form.json');
  writeFileSync(form, JSON.stringify({ title: 'Отчёт о добыче за 2025 год', organisation: { name: 'ООО «Недра Севера»', inn: '1101012340', ogrn: '1021100001230', address: 'г. Сыктывкар' }, fields: sampleData(entry) }));
  const report = path.join(dir, 'отчёт.xml');
  writeFileSync(report, '<?xml version="1.0" encoding="UTF-8"?><report/>');
  packagePath = path.join(dir, 'пакет.zip');
  const packed = await runCli(['pack', '--type', 'report.extraction', '--data', form, '--attach', `report-file=${report}`, ...personA(), '--out', packagePath], env);
  expect(packed.stderr).toBe('');
  expect(packed.status).toBe(0);
}, 120_000);

function opensslVerify(signature: string, content: string): { status: number | null; stderr: string } {
  const result = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', signature, '-content', content, '-CAfile', pki.rootPath, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('nedradesk cosign-package', () => {
  it('adds a second person to every document and the manifest; inspect and OpenSSL accept both signatures', async () => {
    const before = readFileSync(packagePath);
    const result = await runCli(['cosign-package', packagePath, ...personB(), '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const cosignedPath = path.join(dir, 'пакет-cosigned.zip');
    const output = JSON.parse(result.stdout) as { path: string; signer: string; signed: string[] };
    expect(output.path).toBe(cosignedPath);
    expect(output.signer).toBe('Петров Сергей Андреевич');
    expect(output.signed.at(-1)).toBe('manifest.json');
    // The package given is left as it was.
    expect(readFileSync(packagePath).equals(before)).toBe(true);

    const extract = path.join(dir, 'cosigned-files');
    const inspected = await runCli(['inspect', cosignedPath, '--trust', pki.rootPath, '--extract', extract, '--json'], env);
    expect(inspected.status).toBe(0);
    const report = JSON.parse(inspected.stdout) as InspectJson;
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.problems).toEqual([]);
    expect(report.documents.map((document) => document.fileName).sort()).toEqual([...output.signed].sort());
    expect(report.documents.length).toBeGreaterThanOrEqual(3);
    for (const document of report.documents) {
      expect(document.indication, document.fileName).toBe('TOTAL_PASSED');
      expect(document.signers, document.fileName).toEqual(['Иванова Мария Петровна', 'Петров Сергей Андреевич']);
      const verified = opensslVerify(path.join(extract, `${document.fileName}.sig`), path.join(extract, document.fileName));
      expect(verified.status, `${document.fileName}: ${verified.stderr}`).toBe(0);
    }

    // Still the flat EPGU layout: each file directly followed by its own .sig, the manifest last.
    const listing = spawnSync('unzip', ['-Z1', cosignedPath], { encoding: 'utf8' });
    if (listing.status === 0) {
      const names = listing.stdout.split('\n').filter(Boolean);
      expect(names).toHaveLength(report.documents.length * 2);
      for (let index = 0; index < names.length; index += 2) expect(names[index + 1]).toBe(`${names[index] as string}.sig`);
      expect(names.slice(-2)).toEqual(['manifest.json', 'manifest.json.sig']);
    }
  });

  it('replaces the package in place (atomically, no leftovers) when --out names it', async () => {
    const copy = path.join(dir, 'на месте.zip');
    writeFileSync(copy, readFileSync(packagePath));
    const result = await runCli(['cosign-package', copy, ...personB(), '--out', copy], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Пакет подписан: ${copy}`);
    const report = JSON.parse((await runCli(['inspect', copy, '--trust', pki.rootPath, '--json'], env)).stdout) as InspectJson;
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.documents.every((document) => document.signers.length === 2)).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('refuses a wrong PIN with status 77 and writes nothing', async () => {
    const out = path.join(dir, 'wrong-pin.zip');
    const listing = readdirSync(dir).sort();
    const result = await runCli(['cosign-package', packagePath, '--cert', 'id:01', '--token', 'Геолог', '--pin-env', 'WRONG_PIN', '--out', out], env);
    expect(result.status).toBe(77);
    expect(result.stderr).toContain('Неверный PIN-код');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(listing);
  });

  it('exits 65 for a missing package or one that is not a package, and 64 without a certificate, writing nothing', async () => {
    const listing = readdirSync(dir).sort();
    expect((await runCli(['cosign-package', path.join(dir, 'нет.zip'), ...personB()], env)).status).toBe(65);
    const bogus = path.join(dir, 'не пакет.zip');
    writeFileSync(bogus, 'это не архив');
    const refused = await runCli(['cosign-package', bogus, ...personB()], env);
    expect(refused.status).toBe(65);
    expect(refused.stderr).toContain('ZIP_UNREADABLE');
    expect((await runCli(['cosign-package', packagePath, '--pin-env', 'PIN_B'], env)).status).toBe(64);
    expect(readdirSync(dir).sort()).toEqual([...listing, 'не пакет.zip'].sort());
  });
});
