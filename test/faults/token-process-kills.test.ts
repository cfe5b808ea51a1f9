/**
 * Token process faults in browser mode: the token worker SIGKILLed while idle and in the middle of
 * a batch must never take the host down, must leave no `.part` file and no half-written `.sig`,
 * and the interrupted batch must say which files were signed. A token pulled out and put back
 * (its SoftHSM folder renamed away and back) must be seen again by the running host.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { TokenFactory } from '../fixtures/softhsm';
import { startBuiltWebHost, type RunningWebHost } from '../support/web-host-process';

const userPin = '408163';
let pki: TestPki;
let factory: TokenFactory;
let host: RunningWebHost;
let cookie: string;
let dir: string;
let dataDir: string;
const hostOutput: string[] = [];

interface Reply<T> {
  ok: boolean;
  value?: T;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

async function call<T>(method: string, input: unknown): Promise<Reply<T>> {
  const response = await fetch(new URL(`/api/call/${method}`, host.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(60_000),
  });
  return (await response.json()) as Reply<T>;
}

/** Process ids of the host's children (the token worker is the only one). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text !== '') found.push(...text.split(/\s+/).map(Number));
  }
  return found;
}

function hostAlive(): boolean {
  return host.process.exitCode === null && host.process.signalCode === null;
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
async function waitFor<T>(condition: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits for a running token worker and SIGKILLs it; returns its pid. */
async function killWorker(): Promise<number> {
  const pid = await waitFor(() => childrenOf(host.process.pid as number)[0], 10_000, 'a token worker');
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** Every file under `folder`, as paths relative to it. */
function filesUnder(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

function leftovers(folder: string): string[] {
  return filesUnder(folder).filter((name) => name.endsWith('.part'));
}

/** Stages a file as the browser does with a dropped file: bytes in, a handle back. */
async function stage(file: string): Promise<string> {
  const reply = await call<{ fileId: string }>('files:stage', { name: path.basename(file), contentBase64: readFileSync(file).toString('base64') });
  if (reply.value === undefined) throw new Error(`staging failed: ${JSON.stringify(reply.error)}`);
  return reply.value.fileId;
}

beforeAll(async () => {
  pki = await loadTestPki();
  factory = await TokenFactory.create();
  await factory.createToken({ label: 'Бухгалтерия', userPin });
  await factory.importIdentity('Бухгалтерия', userPin, pki.rsaSigner, { idHex: '01', label: 'Иванова' });
  dataDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-faults-data-'));
  host = await startBuiltWebHost({ SOFTHSM2_CONF: factory.confPath, NEDRADESK_PKCS11_MODULE: factory.module, NEDRADESK_DATA_DIR: dataDir });
  host.process.stderr?.on('data', (chunk: Buffer) => hostOutput.push(chunk.toString('utf8')));
  cookie = await host.cookieHeader();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-faults-token-'));
});

afterAll(async () => {
  await host?.stop();
  factory?.dispose();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

describe('the token worker killed', () => {
  it('while idle, 12 times with calls racing each kill: the host stays up, calls fail typed, the next call gets a fresh worker', async () => {
    // The event stream makes the host poll the token every second, as the app's window does.
    const events = new AbortController();
    const stream = await fetch(new URL('/api/events', host.url), { headers: { cookie }, signal: events.signal });
    stream.body?.cancel().catch(() => undefined);
    const codes = new Set<string>();
    let kills = 0;
    for (let round = 0; round < 12; round += 1) {
      expect((await call('tokens:list', {})).ok).toBe(true);
      await killWorker();
      kills += 1;
      // Calls sent right after the kill reach a process that is dead but not yet reaped.
      const racing = await Promise.all(Array.from({ length: 6 }, () => call<unknown[]>('tokens:list', {})));
      for (const reply of racing) if (!reply.ok) codes.add(reply.error?.code ?? 'none');
      expect(hostAlive(), hostOutput.join('')).toBe(true);
    }
    events.abort();
    expect(kills).toBe(12);
    // Only the typed error of a restarted worker, with its Russian text, reaches the caller.
    expect([...codes].filter((code) => code !== 'TOKEN_SERVICE_FAILED')).toEqual([]);
    const after = await call<Array<{ label: string }>>('tokens:list', {});
    expect(after.value?.map((token) => token.label)).toEqual(['Бухгалтерия']);
    expect(hostOutput.join('')).not.toContain('Error: write EPIPE');
  }, 120_000);

  it('during 8 batches of 150 files: each batch reports what it signed, every .sig written is whole and valid, no .part is left', async () => {
    const files: string[] = [];
    for (let index = 0; index < 150; index += 1) {
      const file = path.join(dir, `f${String(index).padStart(3, '0')}.bin`);
      writeFileSync(file, `документ ${index}\n`.repeat(50 + index));
      files.push(file);
    }
    const handles: string[] = [];
    for (const file of files) handles.push(await stage(file));
    const signatures = path.join(dataDir, 'signatures');
    let interrupted = 0;
    let checked = 0;
    for (let round = 0; round < 8; round += 1) {
      rmSync(signatures, { recursive: true, force: true });
      const batch = call<Array<{ fileId: string }>>('signatures:sign', { files: handles, certificate: 'id:01', pin: userPin });
      // Kill once the batch is writing signatures, or at once if it is already over.
      const settled = batch.then(() => true);
      await Promise.race([settled, waitFor(() => filesUnder(signatures).some((name) => name.endsWith('.sig')), 20_000, 'the first signature')]);
      await killWorker();
      const reply = await batch;
      expect(hostAlive(), hostOutput.join('')).toBe(true);
      // The app writes signatures/<batch>/<index>/<name>.sig: the index names the file.
      const written = filesUnder(signatures).filter((name) => name.endsWith('.sig'));
      const writtenIndexes = written.map((name) => Number(path.basename(path.dirname(name))));
      if (reply.ok) {
        expect(written).toHaveLength(files.length);
        continue;
      }
      interrupted += 1;
      expect(['TOKEN_SERVICE_FAILED', 'SESSION_CLOSED']).toContain(reply.error?.code);
      expect(reply.error?.message).toMatch(/[а-я]/);
      const signed = (reply.error?.details?.signed ?? []) as string[];
      const notSigned = (reply.error?.details?.notSigned ?? []) as string[];
      // The report names every file once, by its handle, and says exactly what is on disk.
      expect([...signed, ...notSigned].sort()).toEqual([...handles].sort());
      expect(writtenIndexes.map((index) => handles[index]).sort()).toEqual([...signed].sort());
      expect(leftovers(dataDir)).toEqual([]);
      // What was written is whole and valid: OpenSSL checks a sample of the signatures over their files.
      for (const [position, name] of written.entries()) {
        if (position % 20 !== 0) continue;
        const content = files[writtenIndexes[position] as number] as string;
        const result = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(signatures, name), '-content', content, '-noverify', '-out', '/dev/null'], { encoding: 'utf8' });
        expect(result.status, result.stderr).toBe(0);
        checked += 1;
      }
    }
    expect(interrupted).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(0);
    expect(leftovers(dataDir)).toEqual([]);
    expect(hostOutput.join('')).not.toContain('Error: write EPIPE');
  }, 240_000);
});

describe('a token pulled out and put back', () => {
  it('is listed again within 2 s of coming back, without restarting the host', async () => {
    const [tokenFolder] = readdirSync(factory.tokenDir);
    if (tokenFolder === undefined) throw new Error('no token folder');
    const present = path.join(factory.tokenDir, tokenFolder);
    const away = path.join(factory.rootDir, `${tokenFolder}.away`);
    expect((await call<unknown[]>('tokens:list', {})).value).toHaveLength(1);
    for (let round = 0; round < 3; round += 1) {
      renameSync(present, away);
      await waitFor(async () => (await call<unknown[]>('tokens:list', {})).value?.length === 0, 5_000, 'the token to be gone');
      renameSync(away, present);
      const back = Date.now();
      const tokens = await waitFor(
        async () => {
          const reply = await call<Array<{ label: string }>>('tokens:list', {});
          return reply.value !== undefined && reply.value.length > 0 ? reply.value : undefined;
        },
        2_000,
        'the token to come back',
      );
      expect(tokens.map((token) => token.label)).toEqual(['Бухгалтерия']);
      expect(Date.now() - back).toBeLessThan(2_000);
    }
    // And it signs again after coming back.
    const file = path.join(dir, 'после.txt');
    writeFileSync(file, 'снова на месте');
    const signed = await call<Array<{ signatureName: string }>>('signatures:sign', { files: [await stage(file)], certificate: 'id:01', pin: userPin });
    expect(signed.value?.[0]?.signatureName).toBe('после.txt.sig');
  }, 60_000);
});
