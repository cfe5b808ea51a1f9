/**
 * `nedradesk types | pack | cosign-package | inspect`: signed packages from the command line.
 * `inspect` exits as `verify`; the others as every command (see output.ts).
 */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { indicationTexts } from '../../shared/verification';
import { fileError } from '../core/crypto/digest';
import { readRegularFile, smallInputLimit } from '../core/files/regular-file';
import { inspectPackage } from '../core/packages/inspect';
import { cosignPackage } from '../core/packages/build';
import { manifestName } from '../core/packages/container';
import { summarizeCertificate } from '../core/crypto/x509';
import { catalog } from '../core/catalog/catalog';
import { withChain } from '../core/crypto/chain';
import type { FormData } from '../../shared/catalog-types';
import { AppError } from '../../shared/errors';
import { buildApplicationPackage } from '../services/application-service';
import { openPkcs12Signer } from '../token/pkcs12-signer';
import { LocalTokenService } from '../token/token-service';
import { appVersion } from '../version';
import { exitCodes, formatTable, printJson, printLine } from './output';
import { readSecret } from './secret-input';
import { addSignerOptions, openSigner, type SignerOptions } from './signature-commands';
import path from 'node:path';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';

const repeatable = (value: string, previous: string[]): string[] => [...previous, value];

async function readFiles(paths: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(
    paths.map((file) =>
      readRegularFile(file, smallInputLimit),
    ),
  );
}

/** FORM.json of `nedradesk pack`. */
interface FormFile {
  title?: string;
  organisation: { name: string; inn: string; ogrn?: string; address?: string };
  fields: FormData;
}

async function readForm(file: string): Promise<FormFile> {
  const bytes = await readRegularFile(file, smallInputLimit);
  let parsed: FormFile;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as FormFile;
  } catch (error) {
    throw new AppError('INVALID_INPUT', { path: file, reason: 'FORM.json is not JSON' }, { cause: error });
  }
  if (typeof parsed.organisation?.inn !== 'string' || typeof parsed.organisation.name !== 'string' || typeof parsed.fields !== 'object') {
    throw new AppError('INVALID_INPUT', { path: file, reason: 'FORM.json needs {organisation: {name, inn, ogrn?, address?}, fields: {...}}' });
  }
  return parsed;
}

/** Where `cosign-package` writes by default: `<name>-cosigned.zip` next to the package. */
export function cosignedPackagePath(packagePath: string): string {
  const extension = path.extname(packagePath);
  const stem = extension.toLowerCase() === '.zip' ? packagePath.slice(0, -extension.length) : packagePath;
  return `${stem}-cosigned.zip`;
}

/** Registers `types`, `pack`, `cosign-package` and `inspect`. */
export function registerPackageCommands(program: Command): void {
  program
    .command('types')
    .description('виды заявлений и отчётов, которые знает NedraDesk')
    .option('--json', 'вывод в JSON (поля и документы каждого вида)')
    .action((options: { json?: boolean }) => {
      if (options.json === true) return printJson(catalog);
      printLine(formatTable(['Код', 'Вид', 'Название'], catalog.map((entry) => [entry.code, entry.kind === 'report' ? 'отчёт' : 'заявление', entry.title])));
    });

  program
    .command('pack')
    .description('собрать подписанный пакет: проверка формы и документов, PDF и XML, подпись каждого файла (один ввод PIN-кода), опись, ZIP')
    .requiredOption('--type <code>', 'вид заявления или отчёта (см. nedradesk types)')
    .requiredOption('--data <file>', 'FORM.json: {organisation: {name, inn, ogrn, address}, fields: {...}, title?}')
    .option('--attach <role=file>', 'документ для роли (можно несколько раз)', repeatable, [] as string[])
    .option('--cert <selector>', 'сертификат: отпечаток, id:<CKA_ID> или label:<метка>')
    .option('--p12 <file>', 'файл ключа PKCS#12 вместо токена')
    .option('--module <path>', 'библиотека PKCS#11')
    .option('--token <label>', 'метка или серийный номер токена')
    .option('--pin-env <name>', 'переменная окружения с PIN-кодом (или паролем к .p12)')
    .option('--pin-file <path>', 'файл с PIN-кодом (или паролем к .p12)')
    .option('--chain <file>', 'сертификат УЦ для включения в подписи (можно несколько раз)', repeatable, [] as string[])
    .requiredOption('--out <file>', 'куда записать пакет')
    .option('--json', 'вывод описи в JSON')
    .action(async (options: { type: string; data: string; attach: string[]; cert?: string; p12?: string; module?: string; token?: string; pinEnv?: string; pinFile?: string; chain: string[]; out: string; json?: boolean }) => {
      const form = await readForm(options.data);
      const files = options.attach.map((item) => {
        const separator = item.indexOf('=');
        if (separator <= 0) throw new AppError('INVALID_INPUT', { attach: item, reason: 'use ROLE=FILE' });
        return { role: item.slice(0, separator), path: item.slice(separator + 1) };
      });
      const secretSource = { ...(options.pinEnv ? { env: options.pinEnv } : {}), ...(options.pinFile ? { file: options.pinFile } : {}) };
      const chain = await readFiles(options.chain);
      let close = async (): Promise<void> => undefined;
      let signer;
      if (options.p12 !== undefined) {
        const bytes = await readRegularFile(options.p12, smallInputLimit);
        signer = openPkcs12Signer(bytes, await readSecret(secretSource, 'Пароль к файлу ключа: '));
      } else {
        if (options.cert === undefined) throw new AppError('INVALID_INPUT', { reason: 'укажите --cert или --p12' });
        const tokens = LocalTokenService.open({ explicit: options.module });
        try {
          const tokenSigner = await tokens.openSigner({ certificate: options.cert, token: options.token, pin: await readSecret(secretSource, 'PIN-код токена: ') });
          close = async () => {
            await tokenSigner.close();
            await tokens.close();
          };
          signer = tokenSigner;
        } catch (error) {
          await tokens.close();
          throw error;
        }
      }
      try {
        const work = mkdtempSync(path.join(path.dirname(path.resolve(options.out)), '.nedradesk-pack-'));
        const built = await buildApplicationPackage({ typeCode: options.type, title: form.title, data: form.fields, files, organisation: form.organisation, signer: withChain(signer, chain), dataDir: work, generator: `NedraDesk ${appVersion}` });
        renameSync(built.packagePath, options.out);
        rmSync(work, { recursive: true, force: true });
        if (options.json === true) printJson(built.manifest);
        else printLine(`Пакет собран: ${options.out} (${built.manifest.documents.length} документов, пакет ${built.manifest.packageId})`);
      } finally {
        await close();
      }
    });

  addSignerOptions(
    program
      .command('cosign-package')
      .description('добавить свою подпись ко всем файлам пакета и к описи (вторая подпись в каждом .sig, один ввод PIN-кода)'),
  )
    .argument('<package>', 'ZIP-пакет, уже подписанный первым подписантом')
    .option('--out <file>', 'куда записать пакет (по умолчанию ИМЯ-cosigned.zip рядом с исходным; можно указать сам исходный пакет)')
    .option('--json', 'вывод результата в JSON')
    .action(async (file: string, options: SignerOptions & { out?: string; json?: boolean }) => {
      // A missing package is reported before anyone is asked for a PIN.
      const found = await stat(file).catch((error: unknown) => {
        throw fileError(error, file);
      });
      if (!found.isFile()) throw new AppError('FILE_UNREADABLE', { path: file });
      const out = options.out ?? cosignedPackagePath(file);
      // One login for every signature of the package.
      const opened = await openSigner(options);
      try {
        const cosigned = await cosignPackage({ packagePath: file, signer: opened.signer, outPath: out });
        const signed = [...cosigned.manifest.documents.map((document) => document.fileName), manifestName];
        const signer = summarizeCertificate(opened.signer.certificate).owner;
        if (options.json === true) printJson({ path: cosigned.path, size: cosigned.size, packageId: cosigned.manifest.packageId, signer, signed });
        else {
          printLine(`Пакет подписан: ${cosigned.path} (пакет ${cosigned.manifest.packageId}, подписант ${signer})`);
          for (const name of signed) printLine(`  ${name}: подпись добавлена`);
        }
      } finally {
        await opened.close();
      }
    });

  program
    .command('inspect')
    .description('проверить пакет: структура архива, подписи всех файлов, опись manifest.json (0 — принят, 1 — отклонён, 2 — не установлено)')
    .argument('<package>', 'ZIP-пакет')
    .option('--trust <file>', 'доверенный корневой сертификат (можно несколько раз)', repeatable, [] as string[])
    .option('--ca <file>', 'промежуточный сертификат УЦ (можно несколько раз)', repeatable, [] as string[])
    .option('--crl <file>', 'список отзыва CRL (можно несколько раз)', repeatable, [] as string[])
    .option('--extract <dir>', 'распаковать файлы пакета в папку (только внутрь неё)')
    .option('--json', 'вывод отчёта в JSON')
    .action(async (file: string, options: { trust: string[]; ca: string[]; crl: string[]; extract?: string; json?: boolean }) => {
      const report = await inspectPackage(file, {
        trustAnchors: await readFiles(options.trust),
        intermediates: await readFiles(options.ca),
        crls: await readFiles(options.crl),
        extractTo: options.extract,
      });
      if (options.json === true) printJson(report);
      else {
        printLine(`${indicationTexts[report.indication]}: ${file} (${report.entries} файлов в архиве)`);
        if (report.manifest !== undefined) {
          const manifest = report.manifest;
          printLine(`Пакет ${manifest.packageId}, вид ${manifest.typeCode}${manifest.title ? ` — ${manifest.title}` : ''}`);
          printLine(`Организация: ИНН ${manifest.organisation.inn}${manifest.organisation.ogrn ? `, ОГРН ${manifest.organisation.ogrn}` : ''}${manifest.organisation.name ? `, ${manifest.organisation.name}` : ''}`);
          printLine(`Создан: ${manifest.createdAt}`);
        }
        for (const document of report.documents) {
          const verdict = document.indication === undefined ? 'без подписи' : indicationTexts[document.indication];
          printLine(`  ${document.fileName} (${document.size} байт): ${verdict}${document.signers.length > 0 ? `; подписали: ${document.signers.join(', ')}` : ''}`);
        }
        for (const problem of report.problems) printLine(`Проблема [${problem.code}]${problem.entry ? ` ${problem.entry}` : ''}: ${problem.message}`);
      }
      process.exitCode = report.indication === 'TOTAL_PASSED' ? exitCodes.ok : report.indication === 'TOTAL_FAILED' ? exitCodes.failed : exitCodes.indeterminate;
    });
}
