/**
 * `npm run stand`: the training stand on 127.0.0.1 (default port 5790), and `npm run stand --
 * demo-token`: a ready demo token. Both work on NedraDesk's data folder, found as the app finds it
 * (`--data-dir`, NEDRADESK_DATA_DIR, the OS default: src/main/core/files/data-dir.ts), and keep the
 * stand in its `stand/` folder — the app's embedded stand's folder — so the command, the stand and
 * the app share one training CA and a demo token made by the command logs in to either stand.
 * `--help` lists the options (usageText below); an unknown command or option exits with 64
 * (sysexits EX_USAGE, as `nedradesk` does).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pemBlocks } from '../main/core/crypto/x509';
import { resolveDataDir } from '../main/core/files/data-dir';
import { makePrivateFolderSync } from '../main/core/files/private-files';
import { demoPassword, openStandDatabase } from './database';
import { demoPeopleText } from './demo-people';
import { createDemoToken, ensureTrainingCa } from './training-ca';
import { startStand } from './server';

const usageExit = 64;
const defaultModule = '/usr/lib/softhsm/libsofthsm2.so';

/** `npm run stand -- --help`. */
export function usageText(): string {
  return `Учебный стенд NedraDesk: личный кабинет и вход (пароль + код из СМС, электронная подпись) на 127.0.0.1 — для практики, не для настоящих данных.

Использование:
  npm run stand -- [параметры]               запустить стенд (по умолчанию http://127.0.0.1:5790)
  npm run stand -- demo-token [параметры]    создать учебный токен SoftHSM: ключ, созданный на токене,
                                             и сертификат демо-пользователя от учебного УЦ
  npm run stand -- --help                    эта справка

Общие параметры:
  --data-dir DIR    папка данных NedraDesk, как у приложения (иначе NEDRADESK_DATA_DIR, иначе
                    ~/.config/NedraDesk или %APPDATA%\\NedraDesk). Стенд и его учебный УЦ — в DIR/stand,
                    там же, где у встроенного стенда приложения: токен, созданный командой, входит в оба.
  --stand-dir DIR   папка самого стенда вместо DIR/stand (отдельный стенд, автоматические тесты)

Параметры стенда:
  --port N          порт (NEDRADESK_STAND_PORT, по умолчанию 5790)
  --trust FILE      сертификат УЦ, чьим сертификатам можно входить и подписывать (можно несколько раз);
                    учебному УЦ стенд доверяет всегда
  --step-ms N       пауза между этапами обработки заявления, мс (по умолчанию 5000)
  --scenario S      исход заявлений: auto, approved, needs-rework, rejected (по умолчанию auto)
  --test-mode       режим автоматических тестов (или NEDRADESK_STAND_TEST_MODE=1): /training/sms
                    сообщает коды из СМС любому, кто обратится к стенду; не для практики

Параметры demo-token:
  --person OID      демо-пользователь (по умолчанию 1000001; список ниже)
  --label TEXT      метка токена (по умолчанию «Учебный OID»); длиннее 32 байт UTF-8 — обрезается
                    по границе символа (PKCS#11: метка токена — 32 байта)
  --module PATH     библиотека PKCS#11 (NEDRADESK_PKCS11_MODULE, по умолчанию ${defaultModule})
  PIN-коды — из переменных окружения, не из командной строки: NEDRADESK_DEMO_PIN (по умолчанию 123456),
  NEDRADESK_DEMO_SO_PIN (по умолчанию 12345678).

Демо-пользователи (пароль у всех: ${demoPassword}; вход по телефону, почте или СНИЛС):
${demoPeopleText()}
`;
}

/** A usage error: a Russian message and exit status 64. */
class UsageError extends Error {}

const commonOptions = {
  'data-dir': { type: 'string' },
  'stand-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const standOptions = {
  ...commonOptions,
  port: { type: 'string' },
  trust: { type: 'string', multiple: true },
  'step-ms': { type: 'string' },
  scenario: { type: 'string' },
  'test-mode': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const demoTokenOptions = {
  ...commonOptions,
  person: { type: 'string' },
  label: { type: 'string' },
  module: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Runs parseArgs (strict: an unknown option is an error), turning its errors into usage errors in Russian. */
function parse<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    // Node's messages are English; the option it names is quoted in them.
    const named = /'([^']+)'/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`неизвестный параметр «${named}»`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`лишний аргумент «${named}»`);
    throw new UsageError(`неверный параметр: ${named || message}`);
  }
}

/** The stand's folder: `--stand-dir`, else `<NedraDesk data folder>/stand` (the app's embedded stand's). */
function standFolder(values: { 'data-dir'?: string | undefined; 'stand-dir'?: string | undefined }): string {
  return values['stand-dir'] ?? path.join(resolveDataDir(values['data-dir']), 'stand');
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${name}: нужно целое неотрицательное число, а не «${value}»`);
  return number;
}

/** `stand demo-token`: a ready demo token for practice. */
async function demoToken(args: string[]): Promise<void> {
  const values = parse(() => parseArgs({ args, options: demoTokenOptions, strict: true, allowPositionals: false }).values);
  if (values.help === true) return void process.stdout.write(usageText());
  const standDir = standFolder(values);
  const personOid = values.person ?? '1000001';
  const module = values.module ?? process.env.NEDRADESK_PKCS11_MODULE ?? defaultModule;
  // Training PINs come from the environment (never from arguments), with documented defaults.
  const userPin = process.env.NEDRADESK_DEMO_PIN ?? '123456';
  const soPin = process.env.NEDRADESK_DEMO_SO_PIN ?? '12345678';
  // A demo token may be the first thing made for a new stand: its folder may not exist yet.
  makePrivateFolderSync(path.dirname(standDir));
  makePrivateFolderSync(standDir);
  const database = openStandDatabase(path.join(standDir, 'stand.db'));
  try {
    const created = createDemoToken(database, await ensureTrainingCa(standDir), { module, personOid, label: values.label ?? `Учебный ${personOid}`, userPin, soPin });
    process.stdout.write(
      `Учебный токен «${created.label}» создан (серийный номер ${created.serial}). PIN-код задан переменной NEDRADESK_DEMO_PIN (по умолчанию 123456).\n` +
        `Учебный УЦ: ${standDir}. Запустите NedraDesk с той же папкой данных (npm start${values['data-dir'] === undefined ? '' : ` -- --data-dir ${values['data-dir']}`}) и выберите кабинет «Учебный стенд».\n`,
    );
  } finally {
    database.close();
  }
}

async function serve(args: string[]): Promise<void> {
  const values = parse(() => parseArgs({ args, options: standOptions, strict: true, allowPositionals: false }).values);
  if (values.help === true) return void process.stdout.write(usageText());
  const standDir = standFolder(values);
  const trustAnchors = (values.trust ?? []).flatMap((file) => {
    const bytes = readFileSync(file);
    return bytes.toString('latin1').includes('-----BEGIN') ? pemBlocks(bytes.toString('latin1'), 'CERTIFICATE') : [bytes];
  });
  const testMode = values['test-mode'] === true || process.env.NEDRADESK_STAND_TEST_MODE === '1';
  const scenarios = ['auto', 'approved', 'needs-rework', 'rejected'] as const;
  const scenario = scenarios.find((item) => item === values.scenario);
  if (values.scenario !== undefined && scenario === undefined) throw new UsageError(`--scenario: одно из ${scenarios.join(', ')}, а не «${values.scenario}»`);
  const stand = await startStand({
    dataDir: standDir,
    port: integer(values.port ?? process.env.NEDRADESK_STAND_PORT, '--port', 5790),
    trustAnchors,
    stepDelayMs: integer(values['step-ms'], '--step-ms', 5000),
    ...(scenario ? { scenario } : {}),
    testMode,
  });
  process.stdout.write(`Учебный стенд NedraDesk: ${stand.url}\nДанные: ${standDir}\nПароль демо-пользователей: ${demoPassword}\n`);
  if (testMode) process.stdout.write('Режим автоматических тестов: /training/sms сообщает коды из СМС любому, кто обратится к стенду.\n');
  const stop = (): void => {
    void stand.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(args: string[]): Promise<void> {
  const [first, ...rest] = args;
  if (first === 'demo-token') return demoToken(rest);
  if (first === 'help') return void process.stdout.write(usageText());
  if (first !== undefined && !first.startsWith('-')) throw new UsageError(`неизвестная команда «${first}»; команды: demo-token, help`);
  return serve(args);
}

const command = process.argv[2] === 'demo-token' ? 'demo-token' : 'serve';
main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) {
    process.stderr.write(`Ошибка: ${message}.\nСправка: npm run stand -- --help\n`);
    process.exit(usageExit);
  }
  process.stderr.write(`${command === 'demo-token' ? 'Не удалось создать учебный токен' : 'Не удалось запустить учебный стенд'}: ${message}\n`);
  process.exit(1);
});
