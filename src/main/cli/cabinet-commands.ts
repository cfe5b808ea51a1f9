/**
 * `nedradesk login | submit | status`: the cabinet from the command line. Every command logs in by
 * electronic signature in its own process (tokens live in memory only, never on disk), acting for
 * the organisation given by `--organisation` (INN or id) when the person has several.
 */
import type { Command } from 'commander';
import { packageStatuses, roles as roleNames, type Order } from '../../shared/cabinet';
import { AppError } from '../../shared/errors';
import { CabinetClient } from '../cabinet/cabinet-client';
import { loginWithSignature, requireCabinetAddress, type CabinetSession } from '../cabinet/identity-client';
import { withChain } from '../core/crypto/chain';
import { inspectPackage } from '../core/packages/inspect';
import { LocalTokenService } from '../token/token-service';
import { exitCodes, printJson, printLine } from './output';
import { readSecret } from './secret-input';

interface CabinetOptions {
  cabinet?: string;
  cert: string;
  module?: string;
  token?: string;
  pinEnv?: string;
  pinFile?: string;
  organisation?: string;
  json?: boolean;
}

function addOptions(command: Command): Command {
  return command
    .option('--cabinet <url>', 'адрес кабинета (по умолчанию NEDRADESK_CABINET_URL, затем учебный стенд http://127.0.0.1:5790)')
    .requiredOption('--cert <selector>', 'сертификат для входа: отпечаток, id:<CKA_ID> или label:<метка>')
    .option('--module <path>', 'библиотека PKCS#11')
    .option('--token <label>', 'метка или серийный номер токена')
    .option('--pin-env <name>', 'переменная окружения с PIN-кодом')
    .option('--pin-file <path>', 'файл с PIN-кодом')
    .option('--organisation <inn>', 'организация (ИНН или идентификатор), если их несколько')
    .option('--json', 'вывод в JSON');
}

/** Logs in by signature and returns a client for the chosen organisation. */
async function connect(options: CabinetOptions, requireOrganisation = true): Promise<{ client: CabinetClient; session: CabinetSession }> {
  // --cabinet and NEDRADESK_CABINET_URL follow the app's address policy, before a PIN is asked for.
  const baseUrl = requireCabinetAddress(options.cabinet ?? process.env.NEDRADESK_CABINET_URL ?? 'http://127.0.0.1:5790');
  const tokens = LocalTokenService.open({ explicit: options.module });
  let session: CabinetSession;
  try {
    const pin = await readSecret({ ...(options.pinEnv ? { env: options.pinEnv } : {}), ...(options.pinFile ? { file: options.pinFile } : {}) }, 'PIN-код токена: ');
    const signer = await tokens.openSigner({ certificate: options.cert, token: options.token, pin });
    try {
      // What is signed is said before it is signed (on stderr, so that --json output stays clean).
      session = await loginWithSignature(baseUrl, withChain(signer, []), { onStatement: (statement) => process.stderr.write(`Подписывается заявление о входе:\n${statement}\n`) });
    } finally {
      await signer.close();
    }
  } finally {
    await tokens.close();
  }
  const client = new CabinetClient({ baseUrl, session });
  if (!requireOrganisation) return { client, session };
  const roles = await client.roles();
  const chosen = options.organisation === undefined ? (roles.length === 1 ? roles[0] : undefined) : roles.find((role) => role.inn === options.organisation || role.organisationOid === options.organisation);
  if (chosen === undefined) {
    throw new AppError('ORGANISATION_NOT_CHOSEN', { organisations: roles.map((role) => `${role.fullName} (ИНН ${role.inn})`) });
  }
  client.organisationOid = chosen.organisationOid;
  return { client, session };
}

function printOrder(order: Order): void {
  printLine(`${order.title}: ${packageStatuses[order.status]}${order.registrationNumber ? `, рег. № ${order.registrationNumber}` : ''} (заявление ${order.orderId})`);
  for (const item of order.history) printLine(`  ${item.at} ${packageStatuses[item.status]}${item.comment ? ` — ${item.comment}` : ''}`);
  for (const remark of order.remarks) printLine(`  Замечание${remark.document ? ` к «${remark.document}»` : ''}: ${remark.text}`);
  for (const file of order.files) printLine(`  Документ: ${file.name} (${file.size} байт)`);
}

/** Registers the cabinet commands. */
export function registerCabinetCommands(program: Command): void {
  addOptions(program.command('login').description('войти в кабинет по электронной подписи и показать организации и роли')).action(async (options: CabinetOptions) => {
    const { client, session } = await connect(options, false);
    const person = await client.person();
    const roles = await client.roles();
    if (options.json === true) printJson({ person, roles });
    else {
      printLine(`Вход выполнен: ${person.surname} ${person.givenName}, СНИЛС ${person.snils}`);
      for (const role of roles) printLine(`  ${role.fullName} (ИНН ${role.inn}): ${roleNames[role.role]}`);
    }
    await session.logout();
  });

  addOptions(program.command('submit').description('отправить подписанный пакет в кабинет (повторная отправка того же пакета не создаёт второе заявление)'))
    .argument('<package>', 'ZIP-пакет')
    .option('--title <text>', 'название заявления (по умолчанию из описи пакета)')
    .action(async (file: string, options: CabinetOptions & { title?: string }) => {
      const report = await inspectPackage(file);
      if (report.manifest === undefined) throw new AppError('INVALID_FILES_STRUCTURE', { problems: report.problems.map((problem) => problem.code) });
      const { client, session } = await connect(options);
      const order = await client.createOrder({ serviceCode: report.manifest.typeCode, title: options.title ?? report.manifest.title ?? report.manifest.typeCode, idempotencyKey: report.manifest.packageId });
      const pushed = await client.push(order.orderId, file, { packageId: report.manifest.packageId });
      if (options.json === true) printJson(pushed);
      else printOrder(pushed);
      await session.logout();
    });

  addOptions(program.command('status').description('статусы заявлений организации, или одного заявления'))
    .argument('[order]', 'идентификатор заявления')
    .action(async (orderId: string | undefined, options: CabinetOptions) => {
      const { client, session } = await connect(options);
      const orders = orderId === undefined ? (await client.ordersUpdatedAfter('1970-01-01T00:00:00.000Z')).orders : [await client.order(orderId)];
      if (options.json === true) printJson(orders);
      else if (orders.length === 0) printLine('Заявлений пока нет.');
      else for (const order of orders) printOrder(order);
      await session.logout();
      process.exitCode = exitCodes.ok;
    });
}
