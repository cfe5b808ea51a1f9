/**
 * The `nedradesk` command line: the same engine as the app, for CI and batch work.
 * Exit statuses are listed in output.ts (`exitCodes`) and in the README.
 */
import { Command, CommanderError } from 'commander';
import { appVersion } from '../version';
import { describeError, exitCodeFor, exitCodes } from './output';
import { registerCabinetCommands } from './cabinet-commands';
import { registerPackageCommands } from './package-commands';
import { registerSignatureCommands } from './signature-commands';

/** Builds the command tree (kept apart from `parseAsync` so tests can drive it). */
export function buildProgram(): Command {
  const program = new Command('nedradesk');
  program
    .description('NedraDesk: подпись и проверка файлов и пакетов для личного кабинета недропользователя')
    .version(appVersion, '-V, --version', 'показать версию')
    .helpOption('-h, --help', 'показать справку')
    .helpCommand('help [command]', 'справка по команде')
    .showHelpAfterError()
    .exitOverride();
  registerSignatureCommands(program);
  registerPackageCommands(program);
  registerCabinetCommands(program);
  for (const command of program.commands) command.exitOverride().helpOption('-h, --help', 'показать справку');
  return program;
}

/** Runs the command line and resolves to the exit status. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with code 0; every parse problem is a usage error (sysexits EX_USAGE).
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    process.stderr.write(`${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}
