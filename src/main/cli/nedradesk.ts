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
    .showHelpAfterError('Справка: nedradesk --help или nedradesk <команда> --help')
    .configureOutput({ outputError: (text, write) => write(russianUsageError(text)) })
    .exitOverride();
  registerSignatureCommands(program);
  registerPackageCommands(program);
  registerCabinetCommands(program);
  for (const command of program.commands) command.exitOverride().helpOption('-h, --help', 'показать справку');
  program.addHelpText('after', trainingHelp);
  // An unknown command: a Russian message naming it and where the list is (Commander's own is
  // English), a usage error like any other parse problem (exit 64).
  program.on('command:*', (operands: string[]) => {
    const name = operands[0] ?? '';
    const known = program.commands.map((command) => command.name());
    const near = known.find((candidate) => candidate.startsWith(name.slice(0, 3)) && name.length >= 3);
    process.stderr.write(`Ошибка: неизвестная команда «${name}».${near === undefined ? '' : ` Возможно, имелась в виду «${near}».`}\nКоманды: ${known.join(', ')}. Справка: nedradesk --help\n`);
    throw new CommanderError(exitCodes.usage, 'commander.unknownCommand', `unknown command ${name}`);
  });
  return program;
}

/**
 * Commander's parse errors (exit 64) in Russian, like every other message of the command line.
 * Commander hands over only its English text, built from a fixed set of templates
 * (commander/lib/command.js); each template is matched whole and its names kept.
 */
const usageTemplates: ReadonlyArray<[RegExp, (...names: string[]) => string]> = [
  [/^error: missing required argument '(.+)'$/, (name) => `не указан обязательный аргумент «${name}»`],
  [/^error: unknown option '(.+?)'(?:\s*\(Did you mean (.+)\?\))?$/, (flag, near) => `неизвестный параметр «${flag}»${near ? `. Возможно, имелся в виду «${near}»` : ''}`],
  [/^error: option '(.+)' argument missing$/, (flags) => `у параметра «${flags}» не указано значение`],
  [/^error: required option '(.+)' not specified$/, (flags) => `не указан обязательный параметр «${flags}»`],
  [/^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/, (command, expected, got) => `лишние аргументы${command ? ` у команды «${command}»` : ''}: ожидается ${expected}, передано ${got}`],
  [/^error: option '(.+)' argument '(.*)' is invalid\.$/, (flags, value) => `недопустимое значение «${value}» у параметра «${flags}»`],
  [/^error: (.+) cannot be used with (.+)$/, (first, second) => `${first} нельзя указывать вместе с ${second}`],
];

/** The Russian form of a Commander error message; an unknown one keeps its text after a Russian lead. */
export function russianUsageError(text: string): string {
  const line = text.trim();
  for (const [pattern, render] of usageTemplates) {
    const match = pattern.exec(line);
    if (match !== null) return `Ошибка: ${render(...match.slice(1).map((group) => group ?? ''))}.\n`;
  }
  return line.startsWith('error: ') ? `Ошибка в параметрах команды: ${line.slice('error: '.length)}\n` : text;
}

/** After the command list in `nedradesk --help`: the training stand, where a newcomer starts. */
const trainingHelp = `
Учебный стенд (практика без настоящего токена и кабинета; из папки исходного кода NedraDesk):
  npm run stand -- demo-token   создать учебный токен SoftHSM с ключом и сертификатом
                                демо-пользователя (--person OID, PIN из NEDRADESK_DEMO_PIN,
                                по умолчанию 123456)
  npm run stand                 запустить стенд на http://127.0.0.1:5790 — кабинет команд
                                login, submit, status по умолчанию
  npm run stand -- --help       параметры стенда и список демо-пользователей
Пример: nedradesk login --cert id:01 --module /usr/lib/softhsm/libsofthsm2.so
Коды завершения — в README (раздел «Command line»); неверная команда или параметры — 64.
`;

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
