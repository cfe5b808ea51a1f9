/**
 * `nedradesk inspect` (and the package commands that build on the catalog): signed packages from
 * the command line. Exit statuses as `verify`.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { indicationTexts } from '../../shared/verification';
import { fileError } from '../core/crypto/digest';
import { inspectPackage } from '../core/packages/inspect';
import { exitCodes, printJson, printLine } from './output';

const repeatable = (value: string, previous: string[]): string[] => [...previous, value];

async function readFiles(paths: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(
    paths.map((file) =>
      readFile(file).catch((error: unknown) => {
        throw fileError(error, file);
      }),
    ),
  );
}

/** Registers `inspect`. */
export function registerPackageCommands(program: Command): void {
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
