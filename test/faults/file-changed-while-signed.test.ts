/**
 * A file rewritten or appended to by another process while `nedradesk` hashes it must not get a
 * signature over bytes it no longer holds: sign and package builds refuse with FILE_CHANGED (exit 65) and
 * write nothing. The change is made deterministic without any hook in the product: the test waits
 * until the CLI process holds the file open (/proc/<pid>/fd) and has read a good part of it
 * (/proc/<pid>/io), then writes, while hundreds of megabytes are still to be read.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, type PackageDocumentInput } from '../../src/main/core/packages/build';
import { AppError } from '../../src/shared/errors';
import { loadTestPki, TEST_P12_PASSWORD, type TestPki } from '../fixtures/pki';
import { runCli } from '../support/cli';
import { keySignerFor } from '../support/signers';

const size = 300 * 1024 * 1024;
let pki: TestPki;
let dir: string;
const env = { P12_PASSWORD: TEST_P12_PASSWORD };
const p12 = (): string[] => ['--p12', pki.rsaSigner.p12Path, '--pin-env', 'P12_PASSWORD'];

/** Writes `bytes` of non-repeating-looking, non-sparse content. */
function writeLargeFile(file: string, bytes: number): void {
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let index = 0; index < block.length; index += 4) block.writeUInt32LE((index * 2654435761) >>> 0, index);
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length) writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  } finally {
    closeSync(fd);
  }
}

/** Bytes the process has read so far (rchar of /proc/<pid>/io), or undefined once it is gone. */
function bytesRead(pid: number): number | undefined {
  try {
    const match = /^rchar:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

function holdsOpen(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Polls `condition` every 2 ms (the reader is fast) until it holds or `timeoutMs` passes. */
async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Runs the CLI and, once it holds `file` open and has read 48 MiB more than it had then, applies
 * `change` to the file. Returns the CLI's result and whether the change happened while it ran.
 */
async function runWhileChanging(args: string[], file: string, change: () => void): Promise<{ status: number | null; stderr: string; changedWhileRunning: boolean }> {
  let child: ChildProcess | undefined;
  let changedWhileRunning = false;
  const running = runCli(args, env, { timeoutMs: 120_000, onSpawn: (spawned) => (child = spawned) });
  const pid = (): number => child?.pid ?? -1;
  const exited = (): boolean => child?.exitCode !== null || child.signalCode !== null;
  const writer = (async () => {
    await waitFor(() => exited() || holdsOpen(pid(), file), 60_000, 'the CLI to open the file');
    if (exited()) return;
    const start = bytesRead(pid()) ?? 0;
    await waitFor(() => exited() || (bytesRead(pid()) ?? 0) - start >= 48 * 1024 * 1024, 60_000, 'the CLI to read the file');
    if (exited()) return;
    change();
    changedWhileRunning = !exited();
  })();
  const result = await running;
  await writer;
  return { status: result.status, stderr: result.stderr, changedWhileRunning };
}

function overwriteFirstMegabyte(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(1024 * 1024, 0x5a), 0, 1024 * 1024, 0);
  } finally {
    closeSync(fd);
  }
}

function appendMegabyte(file: string): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, Buffer.alloc(1024 * 1024, 0x41));
  } finally {
    closeSync(fd);
  }
}

function partFiles(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.part'));
}

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-faults-changing-'));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('a file that changes while it is signed', () => {
  it('sign refuses a 300 MB file whose first megabyte is overwritten mid-read: exit 65, FILE_CHANGED, no .sig', async () => {
    const file = path.join(dir, 'керн.bin');
    writeLargeFile(file, size);
    const result = await runWhileChanging(['sign', file, ...p12()], file, () => overwriteFirstMegabyte(file));
    expect(result.changedWhileRunning, 'the change must land while the CLI reads').toBe(true);
    expect(result.status, result.stderr).toBe(65);
    expect(result.stderr).toContain('[FILE_CHANGED]');
    expect(result.stderr).toContain('Файл изменился');
    expect(existsSync(`${file}.sig`)).toBe(false);
    expect(partFiles(dir)).toEqual([]);
  }, 180_000);

  it('sign refuses a file appended to mid-read', async () => {
    const file = path.join(dir, 'журнал.bin');
    writeLargeFile(file, size);
    const result = await runWhileChanging(['sign', file, ...p12()], file, () => appendMegabyte(file));
    expect(result.changedWhileRunning).toBe(true);
    expect(result.status, result.stderr).toBe(65);
    expect(result.stderr).toContain('[FILE_CHANGED]');
    expect(existsSync(`${file}.sig`)).toBe(false);
    expect(partFiles(dir)).toEqual([]);
  }, 180_000);

  it('a package build refuses a document rewritten after it was hashed and signed, leaving no package', async () => {
    // The catalog caps a document at 10 MB, so the rewrite is timed by the build's own progress:
    // right after the documents are hashed, before they are copied into the ZIP.
    const report = path.join(dir, 'отчёт.xml');
    writeFileSync(report, '<?xml version="1.0" encoding="UTF-8"?><report>добыча 1000 т</report>');
    const outPath = path.join(dir, 'пакет.zip');
    const documents: PackageDocumentInput[] = [{ role: 'report-file', fileName: 'отчёт.xml', path: report }];
    let rewritten = false;
    const refused = await buildPackage({
      typeCode: 'report.extraction',
      organisation: { name: 'ООО «Недра Севера»', inn: '1101012340' },
      documents,
      signer: keySignerFor(pki, pki.rsaSigner),
      outPath,
      onProgress: (progress) => {
        if (progress.stage !== 'hash' || rewritten) return;
        rewritten = true;
        writeFileSync(report, '<?xml version="1.0" encoding="UTF-8"?><report>добыча 9000 т</report>');
      },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rewritten).toBe(true);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('FILE_CHANGED');
    expect((refused as AppError).message).toContain('Файл изменился');
    expect(existsSync(outPath)).toBe(false);
    expect(partFiles(dir)).toEqual([]);
  }, 60_000);
});
