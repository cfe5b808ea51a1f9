/**
 * Threat: a hostile sender's package is extracted before (or although) it fails inspection, so its
 * files land on disk next to the person's real documents. `inspect --extract` writes into a staging
 * folder beside the destination and renames it into place only when the package passed; anything
 * else leaves neither the destination nor the staging folder behind.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../src/main/core/packages/build';
import { inspectPackage } from '../../src/main/core/packages/inspect';
import { AppError } from '../../src/shared/errors';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { runCli } from '../support/cli';
import { rawZip, type RawEntry } from '../support/raw-zip';
import { keySignerFor } from '../support/signers';

let pki: TestPki;
let dir: string;
let validPath: string;
/** The valid package's entries, in order. */
let entries: RawEntry[];

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-extract-'));
  const built = await buildPackage({
    typeCode: 'report.extraction',
    organisation: { inn: '1101012340' },
    documents: [
      { role: 'report-file', fileName: 'отчёт.xml', bytes: Buffer.from('<report><volume>1250.5</volume></report>') },
      { role: 'license-copy', fileName: 'лицензия.pdf', bytes: Buffer.from('%PDF-1.7\n% лицензия\n%%EOF\n') },
    ],
    signer: keySignerFor(pki, pki.rsaSigner),
    outPath: path.join(dir, 'valid.zip'),
  });
  validPath = built.path;
  const unpacked = path.join(dir, 'unpacked');
  const report = await inspectPackage(validPath, { trustAnchors: [pki.root.certDer], extractTo: unpacked });
  expect(report.indication).toBe('TOTAL_PASSED');
  const order = ['отчёт.xml', 'отчёт.xml.sig', 'лицензия.pdf', 'лицензия.pdf.sig', 'manifest.json', 'manifest.json.sig'];
  expect(readdirSync(unpacked).sort()).toEqual([...order].sort());
  entries = order.map((name) => ({ name, data: readFileSync(path.join(unpacked, name)) }));
});

let counter = 0;
/** A fresh parent folder per case: whatever the inspector leaves there is visible. */
function parentFolder(): string {
  counter += 1;
  const parent = path.join(dir, `case-${counter}`);
  mkdirSync(parent);
  return parent;
}

function packageFile(bytes: Buffer): string {
  counter += 1;
  const file = path.join(dir, `package-${counter}.zip`);
  writeFileSync(file, bytes);
  return file;
}

describe('package extraction waits for the verdict', () => {
  it('writes nothing for a package whose document was changed after signing', async () => {
    const tampered = entries.map((entry) => (entry.name === 'отчёт.xml' ? { ...entry, data: Buffer.from(entry.data.toString().replace('1250.5', '9250.5')) } : entry));
    const parent = parentFolder();
    const report = await inspectPackage(packageFile(rawZip(tampered)), { trustAnchors: [pki.root.certDer], extractTo: path.join(parent, 'out') });
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('writes nothing when the last entry turns out corrupt after the others were read', async () => {
    // The last entry is stored (not deflated) and one byte of it flipped: only its CRC-32 tells.
    const bytes = rawZip(entries.map((entry, index) => (index === entries.length - 1 ? { ...entry, method: 0 as const } : entry)));
    const centralDirectory = bytes.readUInt32LE(bytes.length - 22 + 16);
    bytes[centralDirectory - 1] = (bytes[centralDirectory - 1] ?? 0) ^ 0xff;
    const parent = parentFolder();
    const report = await inspectPackage(packageFile(bytes), { trustAnchors: [pki.root.certDer], extractTo: path.join(parent, 'out') });
    expect(report.problems.map((item) => [item.code, item.entry])).toEqual([['ZIP_UNREADABLE', 'manifest.json.sig']]);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('writes nothing for a sound package whose signer no trust anchor vouches for (INDETERMINATE)', async () => {
    const parent = parentFolder();
    const report = await inspectPackage(validPath, { trustAnchors: [], extractTo: path.join(parent, 'out') });
    expect(report.indication).toBe('INDETERMINATE');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('moves a passed package into place whole, leaving no staging folder', async () => {
    const parent = parentFolder();
    const out = path.join(parent, 'out');
    const report = await inspectPackage(validPath, { trustAnchors: [pki.root.certDer], extractTo: out });
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(readdirSync(parent)).toEqual(['out']);
    for (const entry of entries) expect(readFileSync(path.join(out, entry.name as string)).equals(entry.data)).toBe(true);
  });

  it('refuses a destination that already holds files, before reading the package, and touches none of them', async () => {
    const parent = parentFolder();
    const out = path.join(parent, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'отчёт.xml'), 'мой собственный отчёт');
    const error = await inspectPackage(validPath, { trustAnchors: [pki.root.certDer], extractTo: out }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_INPUT');
    expect(readdirSync(parent)).toEqual(['out']);
    expect(readdirSync(out)).toEqual(['отчёт.xml']);
    expect(readFileSync(path.join(out, 'отчёт.xml'), 'utf8')).toBe('мой собственный отчёт');
  });

  it('`nedradesk inspect --extract` of a tampered package exits 1 and creates nothing', async () => {
    const tampered = entries.map((entry) => (entry.name === 'лицензия.pdf' ? { ...entry, data: Buffer.from('%PDF-1.7\n% подменённая лицензия\n%%EOF\n') } : entry));
    const parent = parentFolder();
    const inspected = await runCli(['inspect', packageFile(rawZip(tampered)), '--trust', pki.rootPath, '--extract', path.join(parent, 'out')]);
    expect(inspected.status).toBe(1);
    expect(inspected.stdout).toContain('лицензия.pdf');
    expect(readdirSync(parent)).toEqual([]);
  });
});
