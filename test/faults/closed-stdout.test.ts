/**
 * A reader that closes the pipe early (`nedradesk verify X.sig | head -2`) must not turn into an
 * EPIPE stack trace and exit 1 (read as TOTAL_FAILED): output stops quietly and the command ends
 * with the verdict's own status.
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
let signature: string;

/** Runs the CLI into a reader that has already gone (`| true`), giving the CLI's own status. */
function intoClosedPipe(args: string[]): { status: number; stderr: string } {
  const cli = ['node', '--import', 'tsx', path.join(process.cwd(), 'src/main/cli/main.ts'), ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('bash', ['-c', `${cli} 2>"$ERR" | true; exit "\${PIPESTATUS[0]}"`], {
    env: { ...process.env, ERR: path.join(dir, 'stderr.txt') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const stderr = spawnSync('cat', [path.join(dir, 'stderr.txt')], { encoding: 'utf8' }).stdout;
  return { status: result.status ?? -1, stderr };
}

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-faults-pipe-'));
  const document = path.join(dir, 'отчёт.xml');
  writeFileSync(document, '<report>добыча</report>');
  const signed = await runCli(['sign', document, '--p12', pki.rsaSigner.p12Path, '--pin-env', 'P12_PASSWORD'], { P12_PASSWORD: TEST_P12_PASSWORD }, { timeoutMs: 60_000 });
  expect(signed.status, signed.stderr).toBe(0);
  signature = `${document}.sig`;
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('verify into a closed pipe', () => {
  it('ends quietly with 0 for a valid signature and 2 without a trust anchor, no EPIPE trace', () => {
    const passed = intoClosedPipe(['verify', signature, '--trust', pki.rootPath]);
    expect(passed.stderr).not.toContain('EPIPE');
    expect(passed.status, passed.stderr).toBe(0);
    const indeterminate = intoClosedPipe(['verify', signature]);
    expect(indeterminate.stderr).not.toContain('EPIPE');
    expect(indeterminate.status, indeterminate.stderr).toBe(2);
  }, 90_000);
});
