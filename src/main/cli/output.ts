/**
 * What the command line prints and how it exits. Messages are Russian, from the same error table
 * as the app; `--json` output is for machines and stays English-keyed.
 */
import { AppError, errorMessage, isErrorCode, type ErrorCode } from '../../shared/errors';

/** Exit statuses (sysexits.h where one fits). */
export const exitCodes = {
  ok: 0,
  /** verify/inspect: TOTAL_FAILED; other commands: the operation was refused. */
  failed: 1,
  /** verify/inspect: INDETERMINATE. */
  indeterminate: 2,
  usage: 64,
  unreadableInput: 65,
  /** No token, no module, token removed. */
  unavailable: 69,
  internal: 70,
  /** Wrong or locked PIN, wrong PKCS#12 password. */
  denied: 77,
} as const;

const exitByCode: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: exitCodes.usage,
  CABINET_ADDRESS_REFUSED: exitCodes.usage,
  FILE_NOT_FOUND: exitCodes.unreadableInput,
  FILE_UNREADABLE: exitCodes.unreadableInput,
  FILE_TOO_LARGE: exitCodes.unreadableInput,
  FILE_NOT_REGULAR: exitCodes.unreadableInput,
  FILE_CHANGED: exitCodes.unreadableInput,
  SECRET_FILE_UNSAFE: exitCodes.unreadableInput,
  SIGNATURE_FORMAT: exitCodes.unreadableInput,
  CERT_INVALID: exitCodes.unreadableInput,
  PKCS12_INVALID: exitCodes.unreadableInput,
  MODULE_NOT_FOUND: exitCodes.unavailable,
  MODULE_LOAD_FAILED: exitCodes.unavailable,
  TOKEN_NOT_PRESENT: exitCodes.unavailable,
  TOKEN_REMOVED: exitCodes.unavailable,
  TOKEN_SERVICE_FAILED: exitCodes.unavailable,
  TOKEN_TIMEOUT: exitCodes.unavailable,
  PIN_INCORRECT: exitCodes.denied,
  PIN_LOCKED: exitCodes.denied,
  PIN_LEN_RANGE: exitCodes.denied,
  PIN_EXPIRED: exitCodes.denied,
  PKCS12_PASSWORD_INCORRECT: exitCodes.denied,
  KEY_FILE_PASSWORD_INCORRECT: exitCodes.denied,
  INTERNAL_ERROR: exitCodes.internal,
};

/** The exit status for an error. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof AppError) return exitByCode[error.code] ?? exitCodes.failed;
  return exitCodes.internal;
}

/** The message printed for an error: Russian text, the code, and safe details for support. */
export function describeError(error: unknown): string {
  if (error instanceof AppError) {
    const problems = error.details?.problems;
    if (Array.isArray(problems) && problems.every((problem) => typeof problem === 'object' && problem !== null && 'message' in problem)) {
      // Form problems: one line each, with the field or document they concern.
      const lines = (problems as Array<{ target?: string; message: string }>).map((problem) => `  - ${problem.target ? `${problem.target}: ` : ''}${problem.message}`);
      return [`Ошибка: ${error.message} [${error.code}]`, ...lines].join('\n');
    }
    const details = error.details === undefined ? '' : ` ${JSON.stringify(error.details)}`;
    const text = error.message !== '' ? error.message : isErrorCode(error.code) ? errorMessage(error.code) : '';
    return `Ошибка: ${text} [${error.code}]${details}`;
  }
  return `Ошибка: ${errorMessage('INTERNAL_ERROR')} [INTERNAL_ERROR] ${error instanceof Error ? error.message : String(error)}`;
}

/** Writes a line to stdout. */
export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Prints a value as indented JSON. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A progress bar on stderr, drawn only on a terminal. */
export class ProgressBar {
  private lastDraw = 0;
  private readonly enabled = process.stderr.isTTY === true;

  update(fraction: number, label: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && fraction < 1) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const percent = Math.floor(fraction * 100).toString().padStart(3);
    const columns = process.stderr.columns ?? 80;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${label}`;
    process.stderr.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
  }

  finish(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

/** A fixed-width table for terminal output. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
