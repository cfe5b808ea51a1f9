/**
 * The `nedradesk` command line: the same engine as the app, for CI and batch work.
 */
import { Command } from 'commander';
import { appVersion } from '../version';

/** Builds the command tree (kept apart from `parseAsync` so tests can drive it). */
export function buildProgram(): Command {
  const program = new Command('nedradesk');
  program
    .description('NedraDesk: подпись и проверка файлов и пакетов для личного кабинета недропользователя')
    .version(appVersion, '-V, --version', 'показать версию')
    .helpOption('-h, --help', 'показать справку')
    .showHelpAfterError();
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(70);
  });
