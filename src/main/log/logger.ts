/**
 * Scoped logger with redaction.
 *
 * Secrets (PIN, passwords, one-time codes, access and refresh tokens) must never reach a log. Call
 * sites should not pass them at all; as a second line of defence any field whose name looks like a
 * secret is replaced before the line is written.
 */
const secretFieldPattern = /pin|pass(word)?|otp|sms.?code|secret|token$|access.?token|refresh.?token|authorization|cookie/i;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Sink for log lines; tests replace it to capture output. */
export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stderr.write(`${line}\n`);
let threshold: LogLevel = (process.env.NEDRADESK_LOG_LEVEL as LogLevel | undefined) ?? 'warn';

/** Replaces the destination of every logger (tests, the Electron log file). */
export function setLogSink(next: LogSink): void {
  sink = next;
}

/** Writes a line another process already formatted (the token process's stderr) to the sink. */
export function forwardLogLine(line: string): void {
  sink(line);
}

/** Sets the lowest level that is written. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** Returns a copy of `value` with secret-looking fields replaced by "[скрыто]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = secretFieldPattern.test(key) ? '[скрыто]' : redact(field, depth + 1);
  }
  return copy;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger whose lines carry `scope`, e.g. `token.process`. */
export function createLogger(scope: string): Logger {
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (levelRank[level] < levelRank[threshold]) return;
    const suffix = fields === undefined ? '' : ` ${JSON.stringify(redact(fields))}`;
    sink(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${suffix}`);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
