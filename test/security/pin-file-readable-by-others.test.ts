/**
 * Threat: another local user reads (or rewrites) the file a CI job keeps its PIN in. `--pin-file`
 * refuses a file that group or others may read or write, one owned by someone else, and anything
 * but a regular file, as ssh refuses a private key with loose permissions.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSecretFile } from '../../src/main/cli/secret-input';
import { AppError } from '../../src/shared/errors';
import { loadTestPki, TEST_P12_PASSWORD, type TestPki } from '../fixtures/pki';
import { runCli } from '../support/cli';

let pki: TestPki;
let dir: string;
let document: string;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-pin-file-'));
  document = path.join(dir, 'report.xml');
  writeFileSync(document, '<report>добыча</report>');
});

function secretFile(name: string, mode: number, content = `${TEST_P12_PASSWORD}\n`): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

async function refusal(file: string): Promise<AppError> {
  const error = await readSecretFile(file).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.skipIf(process.platform === 'win32')('a PIN file other users can reach', () => {
  it('refuses a file readable by others, exits 65 with «chmod 600 FILE», and signs nothing', async () => {
    const file = secretFile('pin-0644', 0o644);
    const signed = await runCli(['sign', document, '--p12', pki.rsaSigner.p12Path, '--pin-file', file]);
    expect(signed.status).toBe(65);
    expect(signed.stderr).toContain(`chmod 600 ${file}`);
    expect(signed.stderr).toContain('[SECRET_FILE_UNSAFE]');
    expect(signed.stderr).not.toContain(TEST_P12_PASSWORD);
    expect(existsSync(`${document}.sig`)).toBe(false);
  });

  it('signs with a file only its owner can read', async () => {
    const file = secretFile('pin-0600', 0o600);
    const signed = await runCli(['sign', document, '--p12', pki.rsaSigner.p12Path, '--pin-file', file]);
    expect(signed.stderr).toBe('');
    expect(signed.status).toBe(0);
    expect(existsSync(`${document}.sig`)).toBe(true);
  });

  it('refuses group-readable, group-writable and world-writable files, naming the mode', async () => {
    for (const mode of [0o640, 0o620, 0o602, 0o660]) {
      const file = secretFile(`pin-${mode.toString(8)}`, mode);
      const error = await refusal(file);
      expect(error.code).toBe('SECRET_FILE_UNSAFE');
      expect(error.message).toContain(`chmod 600 ${file}`);
      expect(error.message).toContain(mode.toString(8));
    }
  });

  it.skipIf(typeof process.getuid !== 'function' || process.getuid() !== 0)('refuses a 0600 file owned by another user (run as root: chown nobody)', async () => {
    const file = secretFile('pin-nobody', 0o600);
    const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    chownSync(file, nobody, nobody);
    const error = await refusal(file);
    expect(error.code).toBe('SECRET_FILE_UNSAFE');
    expect(error.message).toContain('принадлежит другому пользователю');
  });

  it('judges the file a symbolic link leads to, and refuses a folder and a FIFO without waiting for a writer', async () => {
    const open = secretFile('pin-open', 0o644);
    const link = path.join(dir, 'pin-link');
    symlinkSync(open, link);
    expect((await refusal(link)).code).toBe('SECRET_FILE_UNSAFE');
    const folder = path.join(dir, 'pin-folder');
    mkdirSync(folder, { mode: 0o700 });
    expect((await refusal(folder)).code).toBe('SECRET_FILE_UNSAFE');
    const fifo = path.join(dir, 'pin-fifo');
    expect(spawnSync('mkfifo', ['-m', '600', fifo]).status).toBe(0);
    expect((await refusal(fifo)).code).toBe('SECRET_FILE_UNSAFE');
  });

  it('reads the first line of a 0600 file into a buffer of its own, without its CRLF', async () => {
    const secret = await readSecretFile(secretFile('pin-crlf', 0o600, '2468\r\nвторая строка\r\n'));
    expect(secret.toString('utf8')).toBe('2468');
    // Not a slice of Node's shared pool: zeroing it leaves no copy behind.
    expect(secret.buffer.byteLength).toBe(secret.byteLength);
  });
});
