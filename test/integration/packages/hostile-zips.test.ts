import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../../src/main/core/packages/build';
import { inspectPackage } from '../../../src/main/core/packages/inspect';
import type { PackageProblemCode } from '../../../src/shared/packages';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { rawZip, type RawEntry } from '../../support/raw-zip';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
let dir: string;
let valid: Buffer;
/** Extraction target inside a folder that must stay untouched apart from it. */
let jail: string;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-hostile-'));
  jail = path.join(dir, 'jail');
  mkdirSync(jail);
  const built = await buildPackage({
    typeCode: 'report.extraction',
    organisation: { inn: '1101012340' },
    documents: [{ role: 'report-file', fileName: 'отчёт.xml', bytes: Buffer.from('<report>добыча</report>') }],
    signer: keySignerFor(pki, pki.rsaSigner),
    outPath: path.join(dir, 'valid.zip'),
  });
  valid = readFileSync(built.path);
});

let counter = 0;
async function inspectBytes(bytes: Buffer, extract = true): Promise<Awaited<ReturnType<typeof inspectPackage>>> {
  counter += 1;
  const file = path.join(dir, `case-${counter}.zip`);
  writeFileSync(file, bytes);
  return inspectPackage(file, { trustAnchors: [pki.root.certDer], ...(extract ? { extractTo: path.join(jail, `out-${counter}`) } : {}) });
}

const entry = (name: string | Buffer, data = Buffer.from('x'), extra: Partial<RawEntry> = {}): RawEntry => ({ name, data, ...extra });

describe('hostile packages', () => {
  const cases: Array<[string, () => Buffer, PackageProblemCode]> = [
    ['zip-slip ../evil', () => rawZip([entry('../evil.txt')]), 'ZIP_PATH_TRAVERSAL'],
    ['zip-slip inside a name', () => rawZip([entry('a/../../evil.txt')]), 'ZIP_PATH_TRAVERSAL'],
    ['absolute Unix path', () => rawZip([entry('/etc/cron.d/evil')]), 'ZIP_PATH_TRAVERSAL'],
    ['Windows drive path', () => rawZip([entry('C:\\Windows\\evil.dll')]), 'ZIP_PATH_TRAVERSAL'],
    ['backslash traversal', () => rawZip([entry('..\\evil.txt')]), 'ZIP_PATH_TRAVERSAL'],
    ['folder entry', () => rawZip([entry('docs/', Buffer.alloc(0))]), 'ZIP_FOLDER_ENTRY'],
    ['file in a folder', () => rawZip([entry('docs/report.pdf')]), 'ZIP_FOLDER_ENTRY'],
    ['duplicate names', () => rawZip([entry('report.pdf'), entry('report.pdf')]), 'ZIP_DUPLICATE_ENTRY'],
    ['duplicate names differing in case', () => rawZip([entry('Отчёт.pdf'), entry('отчёт.pdf')]), 'ZIP_DUPLICATE_ENTRY'],
    ['control character in a name', () => rawZip([entry('report\u0007.pdf')]), 'ZIP_BAD_NAME'],
    ['non-UTF-8 name without the flag', () => rawZip([entry(Buffer.from([0x8e, 0xe2, 0xe7, 0xa5, 0xe2]))]), 'ZIP_BAD_NAME'],
    ['1,001 entries', () => rawZip(Array.from({ length: 1001 }, (_, index) => entry(`f${index}.txt`))), 'ZIP_TOO_MANY_ENTRIES'],
    ['a bomb: 64 MiB of zeros', () => rawZip([entry('bomb.bin', Buffer.alloc(64 * 1024 * 1024))]), 'ZIP_BOMB'],
    ['a header that lies about the size', () => rawZip([entry('liar.bin', Buffer.alloc(8 * 1024 * 1024), { declaredSize: 100 })]), 'ZIP_BOMB'],
    ['an encrypted entry', () => rawZip([entry('secret.pdf', Buffer.from('x'), { flags: 0x801 })]), 'ZIP_ENCRYPTED'],
    ['a symbolic link', () => rawZip([entry('link', Buffer.from('/etc/passwd'), { externalAttributes: (0o120777 << 16) >>> 0 })]), 'ZIP_SYMLINK'],
    ['not a ZIP at all', () => Buffer.from('%PDF-1.7 это не архив'), 'ZIP_UNREADABLE'],
    ['truncated central directory', () => valid.subarray(0, valid.length - 30), 'ZIP_UNREADABLE'],
    ['a file without its signature', () => rawZip([entry('report.pdf')]), 'SIGNATURE_MISSING'],
  ];
  for (const [title, make, code] of cases) {
    it(`refuses ${title} with ${code}`, async () => {
      const report = await inspectBytes(make());
      expect(report.indication).toBe('TOTAL_FAILED');
      expect(report.problems.map((item) => item.code)).toContain(code);
      expect(report.problems.every((item) => item.message.length > 20)).toBe(true);
    });
  }

  it('refuses declared sizes summing over 1 GiB with ZIP_TOO_LARGE, from the central directory alone', async () => {
    // Two entries of 600 MiB each, declared 10 MiB compressed (ratio 60, under the bomb limit):
    // neither is too large nor a bomb by itself; only their sum passes 1 GiB.
    const declared = 600 * 1024 * 1024;
    const declareCompressed = (zip: Buffer): Buffer => {
      const bytes = Buffer.from(zip);
      const central = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
      for (let at = bytes.indexOf(central); at !== -1; at = bytes.indexOf(central, at + 46)) bytes.writeUInt32LE(10 * 1024 * 1024, at + 20);
      return bytes;
    };
    const part = (name: string): RawEntry => entry(name, Buffer.from('x'), { declaredSize: declared });
    const extractTo = path.join(jail, `out-${counter + 1}`);
    const report = await inspectBytes(declareCompressed(rawZip([part('том 1.bin'), part('том 2.bin')])));
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.problems.map((item) => item.code)).toEqual(['ZIP_TOO_LARGE']);
    expect(report.problems[0]?.message).toContain('1 ГиБ');
    // Refused before any data was read: nothing extracted.
    expect(existsSync(extractTo) ? readdirSync(extractTo) : []).toEqual([]);
    // One such entry alone is within the limit (and is refused later, for its lying data).
    const single = await inspectBytes(declareCompressed(rawZip([part('том 1.bin')])));
    expect(single.indication).toBe('TOTAL_FAILED');
    expect(single.problems.map((item) => item.code)).not.toContain('ZIP_TOO_LARGE');
  });

  it('points offsets past the end of the file out as unreadable', async () => {
    const bytes = Buffer.from(valid);
    const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    bytes.writeUInt32LE(0x7fffffff, end + 16);
    const report = await inspectBytes(bytes);
    expect(report.problems.map((item) => item.code)).toEqual(['ZIP_UNREADABLE']);
  });

  it('survives 500 mutated packages: no exception, never passed, nothing written outside the target', async () => {
    let seed = 424242;
    const next = (limit: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % limit;
    };
    const outcomes = new Map<string, number>();
    const validReport = await inspectBytes(valid, false);
    expect(validReport.indication).toBe('TOTAL_PASSED');
    for (let index = 0; index < 500; index += 1) {
      const bytes = Buffer.from(valid);
      let mutated: Buffer = bytes;
      switch (index % 4) {
        case 0:
          for (let flips = 1 + next(6); flips > 0; flips -= 1) {
            const at = next(bytes.length);
            bytes[at] = (bytes[at] ?? 0) ^ (1 << next(8));
          }
          break;
        case 1:
          mutated = bytes.subarray(0, next(bytes.length));
          break;
        case 2: {
          // Rename an entry in the central directory (same length): names are where attacks live.
          const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
          const nameLength = bytes.readUInt16LE(central + 28);
          const replacement = ['../', '/x/', 'C:\\', 'a/b', '\u0000x'][next(5)] as string;
          Buffer.from(replacement).copy(bytes, central + 46, 0, Math.min(replacement.length, nameLength));
          break;
        }
        default:
          // Rewrite a header field: sizes, offsets, counts.
          bytes.writeUInt32LE(next(2 ** 31), [14, 18, 22, 42, bytes.length - 6][next(5)] as number);
      }
      let report;
      try {
        report = await inspectBytes(mutated, index % 10 === 0);
      } catch (error) {
        throw new Error(`mutation ${index} threw: ${String(error)}`);
      }
      if (!mutated.equals(valid) && report.indication === 'TOTAL_PASSED') {
        // A flipped bit nothing depends on (a DOS time, file attributes) may pass; then what was
        // signed must be exactly what the valid package holds.
        expect(report.manifest, `mutation ${index}`).toEqual(validReport.manifest);
        expect(report.documents.map(({ fileName, size, sha256 }) => ({ fileName, size, sha256 })), `mutation ${index}`).toEqual(validReport.documents.map(({ fileName, size, sha256 }) => ({ fileName, size, sha256 })));
      }
      const key = report.problems[0]?.code ?? report.indication;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect(readdirSync(dir).filter((name) => !name.startsWith('case-') && !['jail', 'valid.zip'].includes(name))).toEqual([]);
    expect(readdirSync(jail).every((name) => name.startsWith('out-'))).toBe(true);
    expect(outcomes.size).toBeGreaterThan(3);
  });
});
