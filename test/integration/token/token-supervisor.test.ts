import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors';
import type { TokenDescription } from '../../../src/shared/tokens';
import { writeFileAtomic } from '../../../src/main/core/files/atomic-write';
import { setLogSink } from '../../../src/main/log/logger';
import type { TokenSupervisor } from '../../../src/main/token/token-supervisor';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { TokenFactory } from '../../fixtures/softhsm';
import { until } from '../../support/app-workplace';
import { sourceTokenSupervisor } from '../../support/token-process';

// Distinctive PINs, so that finding them in the captured log cannot be a coincidence.
const userPin = '735914';
const wrongPin = '582046';
const pin = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

let pki: TestPki;
let factory: TokenFactory;
let supervisor: TokenSupervisor;
const logLines: string[] = [];

beforeAll(async () => {
  setLogSink((line) => logLines.push(line));
  pki = await loadTestPki();
  factory = await TokenFactory.create();
  await factory.createToken({ label: 'Главбух', userPin });
  await factory.importIdentity('Главбух', userPin, pki.rsaSigner, { idHex: '01', label: 'RSA' });
  await factory.importIdentity('Главбух', userPin, pki.ecSigner, { idHex: '02', label: 'EC' });
  await factory.createToken({ label: 'Директор', userPin });
  await factory.importIdentity('Директор', userPin, pki.rsaSigner2, { idHex: '01', label: 'RSA' });
  supervisor = sourceTokenSupervisor(factory.confPath, factory.module, { callTimeoutMs: 4_000, signTimeoutMs: 8_000 });
});

afterAll(async () => {
  await supervisor?.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('token process under the supervisor', () => {
  it('lists tokens and certificates from its own process', async () => {
    const tokens = await supervisor.listTokens();
    expect(tokens.map((token) => token.label).sort()).toEqual(['Главбух', 'Директор']);
    expect(supervisor.pid).not.toBe(process.pid);
    const certificates = await supervisor.listCertificates({ token: 'Директор' });
    expect(certificates.map((certificate) => certificate.summary.owner)).toEqual([pki.rsaSigner2.subject.commonName]);
  });

  it('pushes the token list to watchers', async () => {
    const seen = await new Promise<TokenDescription[]>((resolve) => {
      const stop = supervisor.watchTokens((tokens) => {
        stop();
        resolve(tokens);
      });
    });
    expect(seen).toHaveLength(2);
  });

  it('maps a wrong PIN to PIN_INCORRECT across the process boundary, then signs with the right one', async () => {
    const error = await rejectionOf(supervisor.openSigner({ certificate: 'id:02', token: 'Главбух', pin: pin(wrongPin) }));
    expect(error.code).toBe('PIN_INCORRECT');
    const signer = await supervisor.openSigner({ certificate: 'id:02', token: 'Главбух', pin: pin(userPin) });
    const data = Buffer.from('Квартальный отчёт');
    expect(verify('sha256', data, { key: createPublicKey(pki.ecSigner.certPem), dsaEncoding: 'der' }, await signer.sign(data))).toBe(true);
    await signer.close();
    expect((await rejectionOf(signer.sign(data))).code).toBe('SESSION_CLOSED');
  });

  it('serves 50 concurrent sign requests on one token, all valid', async () => {
    const signer = await supervisor.openSigner({ certificate: 'id:01', token: 'Главбух', pin: pin(userPin) });
    const inputs = Array.from({ length: 50 }, (_, index) => Buffer.from(`файл ${index}`));
    const values = await Promise.all(inputs.map((input) => signer.sign(input)));
    const key = createPublicKey(pki.rsaSigner.certPem);
    expect(values.filter((value, index) => verify('sha256', inputs[index] ?? Buffer.alloc(0), key, value))).toHaveLength(50);
    await signer.close();
  });

  it('answers TOKEN_SERVICE_FAILED when the process is killed mid-batch, leaves no partial files, and works again after restart', async () => {
    const outputDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-batch-'));
    const signer = await supervisor.openSigner({ certificate: 'id:01', token: 'Главбух', pin: pin(userPin) });
    const startsBefore = supervisor.starts;
    const pid = supervisor.pid;
    if (pid === undefined) throw new Error('no token process');
    const signOne = async (index: number): Promise<void> => {
      const value = await signer.sign(Buffer.from(`документ ${index}`));
      await writeFileAtomic(path.join(outputDir, `${index}.sig`), value);
    };
    // The first 20 are signed and written; then the process is frozen, so the other 280 are surely
    // in flight (sent, unanswered) when it is killed — however fast the token answers.
    for (let index = 0; index < 20; index += 1) await signOne(index);
    process.kill(pid, 'SIGSTOP');
    const inFlight = Array.from({ length: 280 }, (_, offset) => signOne(20 + offset));
    await new Promise((resolve) => setImmediate(resolve)); // one turn of the loop: every request is sent
    process.kill(pid, 'SIGKILL');
    const outcomes = await Promise.allSettled(inFlight);
    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(failures).toHaveLength(280);
    expect(new Set(failures.map((failure) => (failure.reason as AppError).code))).toEqual(new Set(['TOKEN_SERVICE_FAILED']));
    const files = readdirSync(outputDir);
    expect(files.filter((name) => name.endsWith('.part'))).toEqual([]);
    const key = createPublicKey(pki.rsaSigner.certPem);
    for (const name of files) {
      expect(verify('sha256', Buffer.from(`документ ${name.replace('.sig', '')}`), key, readFileSync(path.join(outputDir, name)))).toBe(true);
    }
    expect((await rejectionOf(signer.sign(Buffer.from('после сбоя')))).code).toBe('SESSION_CLOSED');
    const again = await supervisor.openSigner({ certificate: 'id:01', token: 'Главбух', pin: pin(userPin) });
    expect(await again.sign(Buffer.from('после перезапуска'))).toHaveLength(256);
    expect(supervisor.starts).toBe(startsBefore + 1);
    await again.close();
    rmSync(outputDir, { recursive: true, force: true });
  });

  it('restarts a process that stops answering', async () => {
    await supervisor.listTokens();
    const pid = supervisor.pid;
    if (pid === undefined) throw new Error('no token process');
    process.kill(pid, 'SIGSTOP');
    const error = await rejectionOf(supervisor.listTokens());
    expect(error.code).toBe('TOKEN_SERVICE_FAILED');
    expect(error.details?.reason).toBe('timeout');
    // The next calls start a fresh process; on a busy machine its first start may itself outlast the
    // short call time-out set here, so ask until a fresh process answers (bounded).
    const tokens = await until(() => supervisor.listTokens().catch((caught: unknown) => {
      if (caught instanceof AppError && caught.code === 'TOKEN_SERVICE_FAILED') return undefined;
      throw caught;
    }), 60_000);
    expect(tokens).toHaveLength(2);
    expect(supervisor.pid).not.toBe(pid);
  });

  it('never writes a PIN to the log', () => {
    expect(logLines.length).toBeGreaterThan(0); // the kill and the hang above were logged
    expect(logLines.join('\n')).not.toContain(userPin);
    expect(logLines.join('\n')).not.toContain(wrongPin);
  });
});

describe('a token removed between listing and signing', () => {
  it('gives TOKEN_NOT_PRESENT or TOKEN_REMOVED, and the service keeps working', async () => {
    const removable = await TokenFactory.create();
    await removable.createToken({ label: 'Съёмный', userPin });
    await removable.importIdentity('Съёмный', userPin, pki.rsaSigner, { idHex: '01', label: 'RSA' });
    const service = sourceTokenSupervisor(removable.confPath, removable.module, { callTimeoutMs: 4_000, signTimeoutMs: 8_000 });
    try {
      expect((await service.listCertificates()).map((certificate) => certificate.idHex)).toEqual(['01']);
      const signer = await service.openSigner({ certificate: 'id:01', pin: pin(userPin) });
      rmSync(removable.tokenDir, { recursive: true, force: true });
      const duringSign = await rejectionOf(signer.sign(Buffer.from('после извлечения')));
      expect(duringSign.code).toBe('TOKEN_REMOVED');
      const reopen = await rejectionOf(service.openSigner({ certificate: 'id:01', pin: pin(userPin) }));
      expect(reopen.code).toBe('TOKEN_NOT_PRESENT');
      expect(await service.listTokens()).toEqual([]);
    } finally {
      await service.close();
    }
  });
});
