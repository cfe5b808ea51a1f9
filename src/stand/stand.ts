/**
 * `npm run stand`: the training stand on 127.0.0.1 (default port 5790).
 * Options: --port N, --data-dir DIR (default: the user data folder's "stand"), --trust CERT_FILE
 * (repeatable: CAs whose certificates may log in and sign), --step-ms N (status step delay),
 * --scenario auto|approved|needs-rework|rejected, --test-mode (or NEDRADESK_STAND_TEST_MODE=1: the
 * automated tests' mode, in which /training/sms tells one-time codes; never for practice).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { pemBlocks } from '../main/core/crypto/x509';
import { makePrivateFolderSync } from '../main/core/files/private-files';
import { demoPassword, openStandDatabase } from './database';
import { createDemoToken, ensureTrainingCa } from './training-ca';
import { startStand } from './server';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function options(name: string): string[] {
  return process.argv.flatMap((value, index) => (value === name && process.argv[index + 1] !== undefined ? [process.argv[index + 1] as string] : []));
}

/** `stand demo-token --person OID [--label L] [--module PATH]`: a ready demo token for practice. */
async function demoToken(dataDir: string): Promise<void> {
  const personOid = option('--person') ?? '1000001';
  const module = option('--module') ?? process.env.NEDRADESK_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
  // Training PINs come from the environment (never from arguments), with documented defaults.
  const userPin = process.env.NEDRADESK_DEMO_PIN ?? '123456';
  const soPin = process.env.NEDRADESK_DEMO_SO_PIN ?? '12345678';
  // A demo token may be the first thing made for a new stand: its folder may not exist yet.
  makePrivateFolderSync(dataDir);
  const database = openStandDatabase(path.join(dataDir, 'stand.db'));
  try {
    const created = createDemoToken(database, await ensureTrainingCa(dataDir), { module, personOid, label: option('--label') ?? `Учебный токен ${personOid}`, userPin, soPin });
    process.stdout.write(`Учебный токен «${created.label}» создан (серийный номер ${created.serial}). PIN-код задан переменной NEDRADESK_DEMO_PIN (по умолчанию 123456).\n`);
  } finally {
    database.close();
  }
}

async function main(): Promise<void> {
  const dataDir = option('--data-dir') ?? process.env.NEDRADESK_STAND_DIR ?? path.join(process.env.XDG_DATA_HOME ?? path.join(homedir(), '.local', 'share'), 'NedraDesk', 'stand');
  if (process.argv[2] === 'demo-token') return demoToken(dataDir);
  const trustAnchors = options('--trust').flatMap((file) => {
    const bytes = readFileSync(file);
    return bytes.toString('latin1').includes('-----BEGIN') ? pemBlocks(bytes.toString('latin1'), 'CERTIFICATE') : [bytes];
  });
  const testMode = process.argv.includes('--test-mode') || process.env.NEDRADESK_STAND_TEST_MODE === '1';
  const scenario = option('--scenario') as 'auto' | 'approved' | 'needs-rework' | 'rejected' | undefined;
  const stand = await startStand({
    dataDir,
    port: Number(option('--port') ?? process.env.NEDRADESK_STAND_PORT ?? 5790),
    trustAnchors,
    stepDelayMs: Number(option('--step-ms') ?? 5000),
    ...(scenario ? { scenario } : {}),
    testMode,
  });
  process.stdout.write(`Учебный стенд NedraDesk: ${stand.url}\nДанные: ${dataDir}\nПароль демо-пользователей: ${demoPassword}\n`);
  if (testMode) process.stdout.write('Режим автоматических тестов: /training/sms сообщает коды из СМС любому, кто обратится к стенду.\n');
  const stop = (): void => {
    void stand.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Не удалось запустить учебный стенд: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
