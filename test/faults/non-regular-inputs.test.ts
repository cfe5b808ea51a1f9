/**
 * Inputs that are not regular files: a character device that never ends (/dev/zero, size 0 in
 * stat) and a FIFO with no writer. Each command that reads a user's file must refuse them at once
 * with exit 65 and FILE_NOT_REGULAR in Russian, instead of reading without end or hanging.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestPki, TEST_P12_PASSWORD, type TestPki } from '../fixtures/pki';
import { runCli } from '../support/cli';

let pki: TestPki;
let dir: string;
let fifo: string;
let signature: string;
const p12 = (): string[] => ['--p12', pki.rsaSigner.p12Path, '--pin-env', 'P12_PASSWORD'];
const env = { P12_PASSWORD: TEST_P12_PASSWORD };
/** Well above a CLI start under load, far below "forever". */
const bound = 25_000;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-faults-inputs-'));
  fifo = path.join(dir, 'канал.xml');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const document = path.join(dir, 'отчёт.xml');
  writeFileSync(document, '<report>добыча</report>');
  const signed = await runCli(['sign', document, ...p12()], env, { timeoutMs: 60_000 });
  expect(signed.status, signed.stderr).toBe(0);
  signature = `${document}.sig`;
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function expectRefused(result: { status: number | null; stderr: string; timedOut?: boolean }): void {
  expect(result.timedOut, 'the command hung').toBeUndefined();
  expect(result.status, result.stderr).toBe(65);
  expect(result.stderr).toContain('FILE_NOT_REGULAR');
  expect(result.stderr).toContain('не обычный файл');
}

describe('a device or a FIFO given as a file', () => {
  it('verify /dev/zero is refused at once with 65, reading nothing', async () => {
    expectRefused(await runCli(['verify', '/dev/zero'], {}, { timeoutMs: bound }));
  }, 40_000);

  it('verify with --content /dev/zero is refused with 65', async () => {
    expectRefused(await runCli(['verify', signature, '--content', '/dev/zero', '--trust', pki.rootPath], {}, { timeoutMs: bound }));
  }, 40_000);

  it('sign /dev/zero is refused with 65 and writes no signature', async () => {
    const outDir = path.join(dir, 'out-zero');
    expectRefused(await runCli(['sign', '/dev/zero', '--out-dir', outDir, ...p12()], env, { timeoutMs: bound }));
    expect(spawnSync('ls', [outDir]).stdout.toString()).toBe('');
  }, 40_000);

  it('sign, attached sign, verify and inspect on a FIFO with no writer are refused with 65 instead of hanging', async () => {
    expectRefused(await runCli(['sign', fifo, ...p12()], env, { timeoutMs: bound }));
    expectRefused(await runCli(['sign', fifo, '--attached', ...p12()], env, { timeoutMs: bound }));
    expectRefused(await runCli(['verify', fifo], {}, { timeoutMs: bound }));
    expectRefused(await runCli(['verify', signature, '--content', fifo], {}, { timeoutMs: bound }));
    expectRefused(await runCli(['inspect', fifo], {}, { timeoutMs: bound }));
  }, 150_000);

  it('a folder given as a trust anchor is refused with 65 too', async () => {
    expectRefused(await runCli(['verify', signature, '--trust', dir], {}, { timeoutMs: bound }));
  }, 40_000);
});
