import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, cosignPackage, type PackageDocumentInput } from '../../../src/main/core/packages/build';
import { inspectPackage } from '../../../src/main/core/packages/inspect';
import { LocalTokenService } from '../../../src/main/token/token-service';
import { withChain } from '../../../src/main/core/crypto/chain';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';
import { rawZip } from '../../support/raw-zip';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
let dir: string;
let documents: PackageDocumentInput[];
// One fixed moment for every build of this file, inside the test certificates' validity.
const now = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
const organisation = { inn: '1101012340', ogrn: '1021100001230', name: 'ООО «Недра Севера»' };

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-packages-'));
  const reportPath = path.join(dir, 'Отчёт о добыче.xml');
  writeFileSync(reportPath, '<?xml version="1.0" encoding="UTF-8"?><report><volume unit="т">1250.5</volume></report>');
  documents = [
    { role: 'report-file', fileName: 'Отчёт о добыче.xml', path: reportPath },
    { role: 'license-copy', fileName: 'Копия лицензии СЛХ 01234 ТЭ.pdf', bytes: Buffer.from('%PDF-1.7\n% копия лицензии\n%%EOF\n') },
  ];
});

const build = (outName: string, signer = keySignerFor(pki, pki.rsaSigner)) =>
  buildPackage({ typeCode: 'report.extraction', title: 'Отчёт о добыче за 2026 год', organisation, license: 'СЛХ 01234 ТЭ', period: '2026', documents, signer, outPath: path.join(dir, outName), now });

function opensslVerify(signature: string, content: string): number | null {
  return spawnSync('openssl', ['cms', '-verify', '-cades', '-binary', '-inform', 'DER', '-in', signature, '-content', content, '-CAfile', pki.rootPath, '-purpose', 'any', '-out', '/dev/null']).status;
}

describe('signed packages', () => {
  it('gives the same ZIP bytes for the same inputs', async () => {
    await build('first.zip');
    await build('second.zip');
    expect(readFileSync(path.join(dir, 'first.zip')).equals(readFileSync(path.join(dir, 'second.zip')))).toBe(true);
  });

  it('is flat, pairs every file with its .sig, lists hashes in the manifest, and passes inspection and OpenSSL', async () => {
    const built = await build('package.zip');
    expect(built.manifest.documents.map((document) => document.mediaType)).toEqual(['application/xml', 'application/pdf']);
    const extractTo = path.join(dir, 'extracted');
    const report = await inspectPackage(built.path, { trustAnchors: [pki.root.certDer], extractTo });
    expect(report.problems).toEqual([]);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.documents.map((document) => [document.fileName, document.role, document.signers])).toEqual([
      ['Отчёт о добыче.xml', 'report-file', ['Иванова Мария Петровна']],
      ['Копия лицензии СЛХ 01234 ТЭ.pdf', 'license-copy', ['Иванова Мария Петровна']],
      ['manifest.json', undefined, ['Иванова Мария Петровна']],
    ]);
    expect(readdirSync(extractTo).sort()).toEqual(['manifest.json', 'manifest.json.sig', 'Копия лицензии СЛХ 01234 ТЭ.pdf', 'Копия лицензии СЛХ 01234 ТЭ.pdf.sig', 'Отчёт о добыче.xml', 'Отчёт о добыче.xml.sig'].sort());
    for (const name of ['Отчёт о добыче.xml', 'Копия лицензии СЛХ 01234 ТЭ.pdf', 'manifest.json']) {
      expect(opensslVerify(path.join(extractTo, `${name}.sig`), path.join(extractTo, name))).toBe(0);
    }
    const listing = spawnSync('unzip', ['-Z1', built.path], { encoding: 'utf8' });
    if (listing.status === 0) expect(listing.stdout.split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('is co-signed by a second person on every document and the manifest', async () => {
    const first = await build('to-cosign.zip');
    const cosigned = await cosignPackage({ packagePath: first.path, signer: keySignerFor(pki, pki.ecSigner), outPath: path.join(dir, 'cosigned.zip'), now });
    const report = await inspectPackage(cosigned.path, { trustAnchors: [pki.root.certDer] });
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.documents.every((document) => document.signers.length === 2 && document.signers[1] === 'Петров Сергей Андреевич')).toBe(true);
  });

  it('reports progress in order: hashing each document, signing each file and the manifest, then writing, ending at done === total', async () => {
    const events: Array<{ stage: 'hash' | 'sign' | 'write'; done: number; total: number }> = [];
    const built = await buildPackage({ typeCode: 'report.extraction', organisation, documents, signer: keySignerFor(pki, pki.rsaSigner), outPath: path.join(dir, 'progress.zip'), now, onProgress: (progress) => events.push({ ...progress }) });
    const size = readFileSync(built.path).length;
    expect(built.size).toBe(size);
    expect(events).toEqual([
      { stage: 'hash', done: 1, total: 2 },
      { stage: 'hash', done: 2, total: 2 },
      { stage: 'sign', done: 1, total: 3 },
      { stage: 'sign', done: 2, total: 3 },
      { stage: 'sign', done: 3, total: 3 },
      { stage: 'write', done: size, total: size },
    ]);
    const stages = ['hash', 'sign', 'write'];
    for (const [index, event] of events.entries()) {
      expect(event.done).toBeLessThanOrEqual(event.total);
      const previous = events[index - 1];
      if (previous === undefined) continue;
      expect(stages.indexOf(event.stage)).toBeGreaterThanOrEqual(stages.indexOf(previous.stage));
      if (previous.stage === event.stage) expect(event.done).toBeGreaterThan(previous.done);
    }
    const last = events.at(-1);
    expect(last?.done).toBe(last?.total);
  });

  it('reports a document changed after signing, naming it', async () => {
    const built = await build('original.zip');
    const extractTo = path.join(dir, 'changed');
    await inspectPackage(built.path, { trustAnchors: [pki.root.certDer], extractTo });
    const entries = readdirSync(extractTo).sort().map((name) => ({ name, data: readFileSync(path.join(extractTo, name)) }));
    const changed = entries.map((entry) => (entry.name === 'Отчёт о добыче.xml' ? { ...entry, data: Buffer.from(entry.data.toString().replace('1250.5', '9250.5')) } : entry));
    const tampered = path.join(dir, 'tampered.zip');
    writeFileSync(tampered, rawZip(changed));
    const report = await inspectPackage(tampered, { trustAnchors: [pki.root.certDer] });
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.problems.map((problem) => [problem.code, problem.entry])).toEqual([
      ['MANIFEST_MISMATCH', 'Отчёт о добыче.xml'],
      ['SIGNATURE_INVALID', 'Отчёт о добыче.xml'],
    ]);
    expect(report.problems[1]?.message).toContain('изменён после подписания');
  });

  it('builds with a SoftHSM token in one login and passes inspection', async () => {
    const factory = await TokenFactory.create();
    await factory.createToken({ label: 'Пакеты', userPin: '192837' });
    await factory.importIdentity('Пакеты', '192837', pki.ecSigner, { idHex: '07', label: 'Петров' });
    process.env.SOFTHSM2_CONF = factory.confPath;
    const service = LocalTokenService.open({ explicit: factory.module });
    const signer = await service.openSigner({ certificate: 'id:07', pin: Buffer.from('192837') });
    try {
      const built = await buildPackage({ typeCode: 'report.extraction', organisation, documents, signer: withChain(signer, [pki.intermediate.certDer]), outPath: path.join(dir, 'token.zip') });
      const extractTo = path.join(dir, 'token-extracted');
      const report = await inspectPackage(built.path, { trustAnchors: [pki.root.certDer], extractTo });
      expect(report.indication).toBe('TOTAL_PASSED');
      expect(report.documents.map((document) => document.signers)).toEqual([['Петров Сергей Андреевич'], ['Петров Сергей Андреевич'], ['Петров Сергей Андреевич']]);
      // The token's signatures stand on their own for OpenSSL, as the file key's do.
      for (const name of ['Отчёт о добыче.xml', 'Копия лицензии СЛХ 01234 ТЭ.pdf', 'manifest.json']) {
        expect(opensslVerify(path.join(extractTo, `${name}.sig`), path.join(extractTo, name)), name).toBe(0);
      }
    } finally {
      await signer.close();
      await service.close();
    }
  });
});
