/**
 * `npm run stand -- demo-token`, as a newcomer runs it first: with its default label on a real
 * SoftHSM token (PKCS#11 v2.40 §3.2: a token label is 32 bytes of UTF-8, blank-padded), a failure
 * half-way that must not leave a half-made token behind, and the token it made logging in at the
 * app's built-in stand, which finds the same data folder and so the same training CA.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src/main/services/app-services';
import { LocalTokenService } from '../../../src/main/token/token-service';
import { trainingCaKeyPath } from '../../../src/stand/training-ca';
import { TokenFactory } from '../../fixtures/softhsm';
import { call, loginWithSignature } from '../../support/app-workplace';

const pin = '246802';
let factory: TokenFactory;
let dir: string;

/** Runs the command from source as `npm run stand -- demo-token ...` runs its build. */
function demoToken(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const inherited = { ...process.env };
  delete inherited.NEDRADESK_DATA_DIR;
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(process.cwd(), 'src/stand/stand.ts'), 'demo-token', '--module', factory.module, ...args], {
    env: { ...inherited, ...factory.env, NEDRADESK_DEMO_PIN: pin, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** Initialised tokens as SoftHSM's own tool lists them (serial → label), read afresh each time. */
function initialisedTokens(): Map<string, string> {
  const listed = spawnSync('softhsm2-util', ['--show-slots'], { env: { ...process.env, ...factory.env }, encoding: 'utf8' });
  const tokens = new Map<string, string>();
  for (const block of listed.stdout.split(/^Slot /m)) {
    if (!/Initialized:\s+yes/.test(block)) continue;
    const serial = /Serial number:\s+(\S+)/.exec(block)?.[1];
    const label = /Label:\s+(.*)$/m.exec(block)?.[1];
    if (serial !== undefined) tokens.set(serial, (label ?? '').trim());
  }
  return tokens;
}

/** The app's token service over the factory's tokens, opened after the command made them (SoftHSM reads its folder when initialised). */
function openTokens(): LocalTokenService {
  process.env.SOFTHSM2_CONF = factory.confPath;
  return LocalTokenService.open({ explicit: factory.module });
}

beforeAll(async () => {
  factory = await TokenFactory.create();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-demo-token-'));
});

afterAll(() => {
  delete process.env.SOFTHSM2_CONF;
});

describe('npm run stand -- demo-token', () => {
  it('makes a token with its default label, at most 32 bytes, and the training CA in <data>/stand', async () => {
    const dataDir = path.join(dir, 'default-label');
    const made = demoToken(['--data-dir', dataDir]);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const tokens = openTokens();
    try {
      const listed = await tokens.listTokens();
      expect(listed).toHaveLength(1);
      const label = listed[0]?.label ?? '';
      expect(label).toBe('Учебный 1000001');
      expect(Buffer.byteLength(label, 'utf8')).toBeLessThanOrEqual(32);
      expect(made.stdout).toContain(`Учебный токен «${label}» создан`);
      const certificates = await tokens.listCertificates();
      const person = certificates.find((item) => item.idHex === '01');
      expect(person?.summary.owner).toBe('Иванова Мария Петровна');
      expect(person?.hasPrivateKey).toBe(true);
      // The objects are labelled with the surname and initials (the full name, 43 bytes, is in the certificate).
      expect(person?.label).toBe('Иванова М. П.');
    } finally {
      await tokens.close();
    }
    // The CA is the app's embedded stand's: <data>/stand, its key 0600 in the private folder.
    expect(statSync(trainingCaKeyPath(path.join(dataDir, 'stand'))).mode & 0o777).toBe(0o600);
  });

  it('cuts a longer label on a character boundary: «Учебный токен 1000001» (33 bytes) is written as «Учебный токен 100000»', () => {
    const made = demoToken(['--data-dir', path.join(dir, 'long-label'), '--person', '1000002', '--label', 'Учебный токен 1000001']);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect([...initialisedTokens().values()]).toContain('Учебный токен 100000');
  });

  it('removes the token it initialised when creation fails half-way', () => {
    const before = initialisedTokens();
    // SoftHSM takes user PINs of 4 to 255 bytes: C_InitPIN fails after C_InitToken has run.
    const made = demoToken(['--data-dir', path.join(dir, 'failed'), '--person', '1000005', '--label', 'Сломанный'], { NEDRADESK_DEMO_PIN: '12' });
    const after = initialisedTokens();
    expect([...after.values()]).not.toContain('Сломанный');
    expect(after).toEqual(before);
    expect(made.status).toBe(1);
    expect(made.stderr).toContain('Не удалось создать учебный токен');
    expect(made.stderr).toMatch(/начатый токен № \S+ удалён/);
  });

  it('makes a token that logs in at the app’s built-in stand with the same data folder (NEDRADESK_DATA_DIR)', async () => {
    const dataDir = path.join(dir, 'shared-ca');
    const made = demoToken(['--person', '1000003', '--label', 'Сидоров'], { NEDRADESK_DATA_DIR: dataDir });
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const tokens = openTokens();
    const app = createAppServices({ mode: 'browser', version: 'test', dataDir, tokens, emit: () => undefined, cabinet: { syncIntervalMs: 60_000 } });
    try {
      expect(app.cabinet.state().profile.kind).toBe('stand');
      const serial = (await tokens.listTokens()).find((token) => token.label === 'Сидоров')?.serial;
      expect(serial).toBeDefined();
      const state = await loginWithSignature(app, { certificate: 'id:01', pin, token: serial as string });
      expect(state.person?.surname).toBe('Сидоров');
      expect(state.organisation?.role).toBe('head');
    } finally {
      await app.close();
      await tokens.close();
    }
  });

  it('«Проверка рабочего места» names a token with no key and no certificate and says what to do', async () => {
    // A token initialised and left empty, as the command left one before it cleaned up after itself.
    await factory.createToken({ label: 'Пустой', userPin: pin });
    const tokens = openTokens();
    const app = createAppServices({ mode: 'browser', version: 'test', dataDir: path.join(dir, 'diagnostics'), tokens, emit: () => undefined, cabinet: { syncIntervalMs: 60_000 } });
    try {
      const report = await call(app, 'diagnostics:run', {});
      const empty = report.checks.find((check) => check.title === 'Токен Пустой');
      expect(empty?.status).toBe('error');
      expect(empty?.detail).toContain('нет ни сертификата, ни закрытого ключа');
      expect(empty?.fix).toContain('npm run stand -- demo-token');
      // The demo tokens made above hold a key and its certificate: nothing is said against them.
      expect(report.checks.filter((check) => check.id.startsWith('token-keys-'))).toHaveLength(1);
      expect(report.text).toContain('[ERROR] Токен Пустой');
    } finally {
      await app.close();
      await tokens.close();
    }
  });
});
