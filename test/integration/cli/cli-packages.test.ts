import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../../src/main/core/packages/build';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { runCli } from '../../support/cli';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
let dir: string;
let packagePath: string;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-cli-packages-'));
  packagePath = path.join(dir, 'пакет.zip');
  await buildPackage({
    typeCode: 'report.extraction',
    title: 'Отчёт о добыче',
    organisation: { inn: '1101012340', ogrn: '1021100001230', name: 'ООО «Недра Севера»' },
    documents: [{ role: 'report-file', fileName: 'отчёт.xml', bytes: Buffer.from('<report>1250.5</report>') }],
    signer: keySignerFor(pki, pki.rsaSigner),
    outPath: packagePath,
  });
});

describe('nedradesk inspect', () => {
  it('accepts a signed package (exit 0), lists its documents and signers, and extracts inside the folder', async () => {
    const extract = path.join(dir, 'files');
    const result = await runCli(['inspect', packagePath, '--trust', pki.rootPath, '--extract', extract]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Подпись действительна');
    expect(result.stdout).toContain('отчёт.xml (23 байт): Подпись действительна; подписали: Иванова Мария Петровна');
    expect(readdirSync(extract).sort()).toEqual(['manifest.json', 'manifest.json.sig', 'отчёт.xml', 'отчёт.xml.sig']);
  });

  it('exits 2 without a trust anchor, 1 for a file that is not a package, 65 for a missing file', async () => {
    const undetermined = await runCli(['inspect', packagePath, '--json']);
    expect(undetermined.status).toBe(2);
    expect((JSON.parse(undetermined.stdout) as { problems: Array<{ code: string }> }).problems[0]?.code).toBe('SIGNATURE_UNDETERMINED');
    const bogus = path.join(dir, 'not-a-zip.zip');
    writeFileSync(bogus, 'это не архив');
    const refused = await runCli(['inspect', bogus]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('ZIP_UNREADABLE');
    expect((await runCli(['inspect', path.join(dir, 'нет.zip')])).status).toBe(65);
  });
});
