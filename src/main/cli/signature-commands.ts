/**
 * `nedradesk tokens | certs | sign | cosign | verify`: tokens, certificates and CAdES signatures
 * from the command line. PKCS#11 runs in this process (no supervisor: a crash ends the command).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../shared/errors';
import type { TokenCertificate } from '../../shared/tokens';
import { indicationTexts, trainingCertificateLabel, type CheckName, type VerificationReport } from '../../shared/verification';
import type { Signer } from '../core/crypto/algorithms';
import { withChain } from '../core/crypto/chain';
import { openKeyFileSigner } from '../core/crypto/key-file';
import { readRegularFile, smallInputLimit } from '../core/files/regular-file';
import { pemBlocks } from '../core/crypto/x509';
import { writeFileAtomic } from '../core/files/atomic-write';
import { renderVerificationPdf } from '../core/reports/verification-pdf';
import { cosignFile, signFiles, verifySignatureFile } from '../services/signatures';
import { appVersion } from '../version';
import { openPkcs12Signer } from '../token/pkcs12-signer';
import { LocalTokenService, type TokenSigner } from '../token/token-service';
import { exitCodes, formatTable, printJson, printLine, ProgressBar } from './output';
import { readSecret } from './secret-input';

interface TokenOptions {
  module?: string;
  token?: string;
  json?: boolean;
}

export interface SignerOptions extends TokenOptions {
  cert?: string;
  p12?: string;
  /** A private key file (PKCS#8, PEM or DER) with `certFile`: CI signing without a token. */
  key?: string;
  certFile?: string;
  pinEnv?: string;
  pinFile?: string;
  pss?: boolean;
  chain?: string[];
}

const statusTexts: Record<TokenCertificate['status'], string> = {
  valid: 'действителен',
  expired: 'истёк',
  'not-yet-valid': 'ещё не действует',
  'no-private-key': 'нет закрытого ключа',
  'key-usage': 'не для подписи',
};

const checkTexts: Record<CheckName, string> = {
  format: 'формат',
  digest: 'хеш документа',
  signature: 'значение подписи',
  signingCertificate: 'сертификат подписанта',
  validity: 'срок действия',
  keyUsage: 'назначение ключа',
  chain: 'цепочка доверия',
  revocation: 'отзыв',
};

function openTokens(options: TokenOptions): LocalTokenService {
  return LocalTokenService.open({ explicit: options.module });
}

async function readFiles(paths: readonly string[] | undefined): Promise<Uint8Array[]> {
  return Promise.all(
    (paths ?? []).map((file) =>
      readRegularFile(file, smallInputLimit),
    ),
  );
}

/** Certificates from files, DER or PEM (every certificate of a PEM bundle). */
async function readCertificates(paths: readonly string[] | undefined): Promise<Uint8Array[]> {
  const files = await readFiles(paths);
  return files.flatMap((bytes) => {
    const text = Buffer.from(bytes).toString('latin1');
    return text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text, 'CERTIFICATE') : [bytes];
  });
}

/** Opens the signer the options name: a token certificate, or a PKCS#12 file. */
export async function openSigner(options: SignerOptions, sessions = 1): Promise<{ signer: Signer; close(): Promise<void> }> {
  const secretSource = { ...(options.pinEnv ? { env: options.pinEnv } : {}), ...(options.pinFile ? { file: options.pinFile } : {}) };
  if (options.p12 !== undefined) {
    const bytes = await readRegularFile(options.p12, smallInputLimit);
    const password = await readSecret(secretSource, 'Пароль к файлу ключа: ');
    const signer = openPkcs12Signer(bytes, password, options.pss === true ? 'pss' : 'pkcs1');
    return { signer: withChain(signer, await readCertificates(options.chain)), close: async () => undefined };
  }
  if (options.key !== undefined || options.certFile !== undefined) {
    if (options.key === undefined || options.certFile === undefined) throw new AppError('INVALID_INPUT', { reason: 'ключ из файла задаётся парой: --key ФАЙЛ_КЛЮЧА --cert-file ФАЙЛ_СЕРТИФИКАТА' });
    const [keyBytes, certificateBytes] = await readFiles([options.key, options.certFile]);
    // The password is asked for only when the key is encrypted, from --pin-env, --pin-file or a hidden prompt.
    const signer = await openKeyFileSigner(keyBytes ?? new Uint8Array(), certificateBytes ?? new Uint8Array(), () => readSecret(secretSource, 'Пароль к файлу ключа: '), options.pss === true ? 'pss' : 'pkcs1');
    return { signer: withChain(signer, await readCertificates(options.chain)), close: async () => undefined };
  }
  if (options.cert === undefined) throw new AppError('INVALID_INPUT', { reason: 'укажите сертификат: --cert ОТПЕЧАТОК | id:ID | label:МЕТКА (или --p12 ФАЙЛ, или --key ФАЙЛ --cert-file ФАЙЛ)' });
  const service = openTokens(options);
  let signer: TokenSigner | undefined;
  try {
    const pin = await readSecret(secretSource, 'PIN-код токена: ');
    signer = await service.openSigner({ certificate: options.cert, token: options.token, pin, sessions, ...(options.pss ? { rsaPadding: 'pss' as const } : {}) });
  } catch (error) {
    await service.close();
    throw error;
  }
  const opened = signer;
  return {
    signer: withChain(opened, await readCertificates(options.chain)),
    close: async () => {
      await opened.close();
      await service.close();
    },
  };
}

function addTokenOptions(command: Command): Command {
  return command
    .option('--module <path>', 'библиотека PKCS#11 (по умолчанию NEDRADESK_PKCS11_MODULE, затем известные пути)')
    .option('--token <label>', 'метка или серийный номер токена');
}

export function addSignerOptions(command: Command): Command {
  return addTokenOptions(command)
    .option('--cert <selector>', 'сертификат: отпечаток SHA-1/SHA-256, id:<CKA_ID hex> или label:<метка>')
    .option('--p12 <file>', 'файл ключа PKCS#12 (.pfx/.p12) вместо токена')
    .option('--key <file>', 'файл закрытого ключа PKCS#8 (PEM/DER; ГОСТ Р 34.10-2012, RSA, EC) вместо токена, с --cert-file')
    .option('--cert-file <file>', 'файл сертификата к ключу --key (PEM/DER; остальные сертификаты файла — цепочка)')
    .option('--pin-env <name>', 'переменная окружения с PIN-кодом (или паролем к .p12)')
    .option('--pin-file <path>', 'файл с PIN-кодом (или паролем к .p12) в первой строке')
    .option('--pss', 'для ключей RSA: подпись RSA-PSS вместо PKCS#1 v1.5')
    .option('--chain <file>', 'сертификаты УЦ для включения в подпись (можно несколько раз)', (value: string, previous: string[]) => [...previous, value], [] as string[]);
}

function printVerification(report: VerificationReport & { contentPath?: string | undefined }): void {
  const training = report.signers.some((signer) => signer.trainingCertificate === true) ? ` — ${trainingCertificateLabel}` : '';
  printLine(`${indicationTexts[report.indication]}${training} (${report.indication}${report.subIndication ? ` / ${report.subIndication}` : ''})`);
  if (report.contentPath !== undefined) printLine(`Документ: ${report.contentPath}`);
  else if (report.attached) printLine('Документ: внутри подписи (присоединённая подпись)');
  if (report.contentSha256 !== undefined) printLine(`SHA-256 документа: ${report.contentSha256}`);
  for (const signer of report.signers) {
    printLine();
    const who = signer.signer;
    printLine(`Подпись ${signer.index + 1}: ${indicationTexts[signer.indication]}${signer.trainingCertificate === true ? ` — ${trainingCertificateLabel}` : ''}${signer.subIndication ? ` (${signer.subIndication})` : ''}`);
    if (who !== undefined) {
      printLine(`  Владелец: ${who.owner}${who.title ? `, ${who.title}` : ''}${who.organization ? `, ${who.organization}` : ''}`);
      const numbers = [who.snils && `СНИЛС ${who.snils}`, who.inn && `ИНН ${who.inn}`, who.innLe && `ИНН ЮЛ ${who.innLe}`, who.ogrn && `ОГРН ${who.ogrn}`].filter(Boolean);
      if (numbers.length > 0) printLine(`  ${numbers.join(', ')}`);
      printLine(`  Сертификат № ${who.serialHex}, действует с ${who.notBefore.slice(0, 10)} по ${who.notAfter.slice(0, 10)}`);
      printLine(`  Издатель: ${who.issuer}`);
    }
    if (signer.signingTime !== undefined) printLine(`  Время подписания: ${signer.signingTime}`);
    const checks = Object.entries(signer.checks).map(([name, outcome]) => `${checkTexts[name as CheckName]}: ${{ passed: 'да', failed: 'НЕТ', indeterminate: '?', 'not-checked': 'не проверялось' }[outcome]}`);
    printLine(`  Проверки: ${checks.join('; ')}`);
    for (const reason of signer.reasons) printLine(`  Причина: ${reason}`);
    for (const warning of signer.warnings) printLine(`  Внимание: ${warning}`);
  }
  if (report.signers.length === 0) for (const reason of report.reasons) printLine(`Причина: ${reason}`);
}

/** Registers the token and signature commands. */
export function registerSignatureCommands(program: Command): void {
  addTokenOptions(program.command('tokens').description('показать подключённые токены и смарт-карты'))
    .option('--json', 'вывод в JSON')
    .action(async (options: TokenOptions) => {
      const service = openTokens(options);
      try {
        const tokens = await service.listTokens();
        if (options.json === true) return printJson(tokens);
        if (tokens.length === 0) return printLine('Токены не найдены. Вставьте токен или смарт-карту.');
        printLine(
          formatTable(
            ['Метка', 'Серийный номер', 'Производитель', 'Модель', 'PIN'],
            tokens.map((token) => [token.label, token.serial, token.manufacturer, token.model, token.pinLocked ? 'заблокирован' : token.pinFinalTry ? 'последняя попытка' : token.pinCountLow ? 'были ошибки' : 'в порядке']),
          ),
        );
      } finally {
        await service.close();
      }
    });

  addTokenOptions(program.command('certs').description('показать сертификаты на токенах'))
    .option('--json', 'вывод в JSON')
    .action(async (options: TokenOptions) => {
      const service = openTokens(options);
      try {
        const certificates = await service.listCertificates({ token: options.token });
        if (options.json === true) return printJson(certificates.map(({ derBase64: _der, ...rest }) => rest));
        if (certificates.length === 0) return printLine('Сертификаты не найдены.');
        for (const certificate of certificates) {
          const summary = certificate.summary;
          printLine(`${summary.owner}${summary.organization ? ` — ${summary.organization}` : ''} [${statusTexts[certificate.status]}]`);
          printLine(`  токен: ${certificate.tokenLabel}, id:${certificate.idHex}, метка: ${certificate.label}`);
          printLine(`  действует с ${summary.notBefore.slice(0, 10)} по ${summary.notAfter.slice(0, 10)}; ключ ${summary.keyAlgorithm}${summary.keySize ? ` ${summary.keySize}` : ''}${summary.curve ? ` (${summary.curve})` : ''}`);
          printLine(`  SHA-1 ${summary.sha1}`);
        }
      } finally {
        await service.close();
      }
    });

  addSignerOptions(program.command('sign').description('подписать файлы: рядом с каждым появится ФАЙЛ.sig (CAdES-BES, SHA-256)'))
    .argument('<file...>', 'файлы для подписи')
    .option('--attached', 'присоединённая подпись (документ внутри подписи)')
    .option('--pem', 'подпись в PEM вместо DER')
    .option('--out-dir <dir>', 'папка для файлов подписи')
    .option('--json', 'вывод в JSON')
    .action(async (files: string[], options: SignerOptions & { attached?: boolean; pem?: boolean; outDir?: string }) => {
      // A batch signs on as many token sessions as there are cores (one login for all).
      const opened = await openSigner(options, Math.min(files.length, availableParallelism()));
      const bar = new ProgressBar();
      try {
        const results = await signFiles({
          files,
          signer: opened.signer,
          attached: options.attached === true,
          pem: options.pem === true,
          outDir: options.outDir,
          onProgress: (progress) => bar.update((progress.index + (progress.total === 0 ? 1 : progress.done / progress.total)) / progress.count, path.basename(progress.file)),
        }).catch((error: unknown) => {
          bar.finish();
          // An interrupted batch says file by file what is signed, before the error itself.
          const details = error instanceof AppError ? error.details : undefined;
          if (Array.isArray(details?.signed) && Array.isArray(details.notSigned)) {
            for (const file of details.signed as string[]) process.stderr.write(`Подписан: ${file}\n`);
            for (const file of details.notSigned as string[]) process.stderr.write(`Не подписан: ${file}\n`);
          }
          throw error;
        });
        bar.finish();
        if (options.json === true) return printJson(results);
        for (const result of results) printLine(`Подписан: ${result.file} → ${result.signaturePath}`);
      } finally {
        await opened.close();
      }
    });

  addSignerOptions(program.command('cosign').description('добавить вторую подпись к существующему файлу подписи'))
    .argument('<signature>', 'файл подписи .sig')
    .requiredOption('--content <file>', 'подписанный документ')
    .option('--out <path>', 'куда записать подпись (по умолчанию поверх исходной)')
    .option('--pem', 'подпись в PEM вместо DER')
    .action(async (signature: string, options: SignerOptions & { content: string; out?: string; pem?: boolean }) => {
      const opened = await openSigner(options);
      try {
        const result = await cosignFile({ signaturePath: signature, contentPath: options.content, signer: opened.signer, outPath: options.out, pem: options.pem === true });
        printLine(`Подпись добавлена: ${result.signaturePath}`);
      } finally {
        await opened.close();
      }
    });

  program
    .command('verify')
    .description('проверить подпись: 0 — действительна, 1 — недействительна, 2 — не установлено')
    .argument('<signature>', 'файл подписи (DER, BER, PEM или base64)')
    .option('--content <file>', 'подписанный документ (по умолчанию — имя подписи без .sig)')
    .option('--trust <file>', 'доверенный корневой сертификат (можно несколько раз)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--crl <file>', 'список отзыва CRL (можно несколько раз)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--require-revocation', 'считать непроверенный отзыв причиной «не установлено»')
    .option('--pdf-report <path>', 'сохранить протокол проверки в PDF')
    .option('--json', 'вывод отчёта в JSON')
    .action(async (signature: string, options: { content?: string; trust: string[]; crl: string[]; requireRevocation?: boolean; json?: boolean; pdfReport?: string }) => {
      const bar = new ProgressBar();
      const report = await verifySignatureFile({
        signaturePath: signature,
        contentPath: options.content,
        trustAnchors: await readFiles(options.trust),
        crls: await readFiles(options.crl),
        requireRevocation: options.requireRevocation === true,
        onProgress: (progress) => bar.update(progress.total === 0 ? 1 : progress.done / progress.total, 'хеширование документа'),
      });
      bar.finish();
      if (options.pdfReport !== undefined) {
        const pdf = await renderVerificationPdf({
          report,
          documentName: report.contentPath && path.basename(report.contentPath),
          signatureName: path.basename(signature),
          generator: `NedraDesk ${appVersion}`,
        });
        await writeFileAtomic(options.pdfReport, pdf);
      }
      if (options.json === true) printJson(report);
      else printVerification(report);
      process.exitCode = report.indication === 'TOTAL_PASSED' ? exitCodes.ok : report.indication === 'TOTAL_FAILED' ? exitCodes.failed : exitCodes.indeterminate;
    });
}
