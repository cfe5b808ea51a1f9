/**
 * Threat: a package names an entry after a Windows device (`NUL.pdf`, `con .xml`, `COM1`) or ends
 * a name in a dot or space (`отчёт.pdf.`), so that on Windows the extracted "file" is a device, or
 * two names checked as different become the same file. Such names are refused whenever a package
 * is read (inspection, import, the stand's push), and the packages NedraDesk builds never carry them.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../src/main/core/packages/build';
import { isWindowsReservedName, safeEntryName } from '../../src/main/core/packages/container';
import { inspectPackage } from '../../src/main/core/packages/inspect';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { rawZip } from '../support/raw-zip';
import { keySignerFor } from '../support/signers';

let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-device-names-'));
});

const deviceNames = ['CON', 'prn.pdf', 'Aux.xml', 'NUL.tar.gz', 'nul', 'con .pdf', 'COM1.pdf', 'com9', 'LPT1.txt', 'lpt9.pdf', 'COM¹.pdf', 'CONIN$', 'conout$.txt'];
const trailingNames = ['отчёт.pdf.', 'отчёт.pdf ', 'лицензия. ', 'report..'];

describe('Windows device names and trailing dots or spaces in packages', () => {
  let counter = 0;
  for (const name of [...deviceNames, ...trailingNames]) {
    it(`refuses an entry named ${JSON.stringify(name)} with ZIP_BAD_NAME and extracts nothing`, async () => {
      counter += 1;
      const file = path.join(dir, `case-${counter}.zip`);
      // The entry comes with its signature, so only the name is wrong.
      writeFileSync(file, rawZip([{ name, data: Buffer.from('x') }, { name: `${name}.sig`, data: Buffer.from('x') }]));
      const parent = path.join(dir, `out-${counter}`);
      mkdirSync(parent);
      const report = await inspectPackage(file, { trustAnchors: [pki.root.certDer], extractTo: path.join(parent, 'out') });
      expect(report.indication).toBe('TOTAL_FAILED');
      expect(report.problems.map((item) => [item.code, item.entry])).toEqual([['ZIP_BAD_NAME', name]]);
      expect(report.problems[0]?.message).toMatch(deviceNames.includes(name) ? /Windows/ : /точкой или пробелом/);
      expect(readdirSync(parent)).toEqual([]);
    });
  }

  it('does not take names that merely start like a device for one', () => {
    for (const name of ['CONTRACT.pdf', 'console.xml', 'COM10.pdf', 'LPT.pdf', 'nul-report.pdf', 'Отчёт CON.pdf', '.con']) expect(isWindowsReservedName(name), name).toBe(false);
  });

  it('renames device names and trailing dots when building, so its own packages pass inspection', async () => {
    expect(safeEntryName('NUL.pdf')).toBe('_NUL.pdf');
    expect(safeEntryName('con .xml')).toBe('_con .xml');
    expect(safeEntryName('отчёт.pdf. ')).toBe('отчёт.pdf');
    const built = await buildPackage({
      typeCode: 'report.extraction',
      organisation: { inn: '1101012340' },
      documents: [
        { role: 'report-file', fileName: 'CON.xml', bytes: Buffer.from('<report/>') },
        { role: 'license-copy', fileName: 'aux.pdf.', bytes: Buffer.from('%PDF-1.7\n%%EOF\n') },
      ],
      signer: keySignerFor(pki, pki.rsaSigner),
      outPath: path.join(dir, 'built.zip'),
    });
    const report = await inspectPackage(built.path, { trustAnchors: [pki.root.certDer] });
    expect(report.problems).toEqual([]);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.documents.map((document) => document.fileName).sort()).toEqual(['_CON.xml', '_aux.pdf', 'manifest.json']);
  });
});
