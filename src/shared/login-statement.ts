/**
 * The statement a person signs to log in by electronic signature. Both ends build and read it here:
 * the client builds it itself around the provider's nonce (never signing text a server chose), shows
 * it and signs exactly its UTF-8 bytes as a detached CAdES signature; the provider parses the text it
 * receives, checks that every line is what this module would write, and that the code is the nonce it
 * issued for that challenge.
 *
 * ```
 * Вход в личный кабинет
 * Адрес: https://cabinet.example.ru
 * Код: <nonce, base64url, 16–128 characters>
 * Время: 2026-12-04T15:00:00.000Z
 * ```
 */
import { originOf } from './cabinet-address';

/** The fixed first line. */
export const loginStatementTitle = 'Вход в личный кабинет';

/** A nonce as the provider must send it: base64url (RFC 4648 §5) without padding, 16–128 characters. */
const noncePattern = /^[A-Za-z0-9_-]{16,128}$/;
/** A UTC time as `Date.prototype.toISOString` writes it. */
const timePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The parts of a login statement. */
export interface LoginStatement {
  /** The cabinet's origin (RFC 6454): scheme, host and port, no path. */
  origin: string;
  nonce: string;
  /** When the client built the statement, ISO 8601 UTC. */
  time: string;
}

/** Whether `value` looks like a nonce and nothing else: no spaces, no line breaks, no free text. */
export function isLoginNonce(value: unknown): value is string {
  return typeof value === 'string' && noncePattern.test(value);
}

function isOrigin(value: string): boolean {
  return originOf(value) === value;
}

function isTime(value: string): boolean {
  return timePattern.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

/** The statement's text; undefined when a part is not what it must be (the caller refuses to sign). */
export function buildLoginStatement(parts: LoginStatement): string | undefined {
  if (!isOrigin(parts.origin) || !isLoginNonce(parts.nonce) || !isTime(parts.time)) return undefined;
  return `${loginStatementTitle}\nАдрес: ${parts.origin}\nКод: ${parts.nonce}\nВремя: ${parts.time}`;
}

/** The parts of a statement's text, or undefined unless the text is exactly what `buildLoginStatement` writes. */
export function parseLoginStatement(text: string): LoginStatement | undefined {
  const match = /^Вход в личный кабинет\nАдрес: ([^\n]+)\nКод: ([^\n]+)\nВремя: ([^\n]+)$/.exec(text);
  if (match === null) return undefined;
  const parts: LoginStatement = { origin: match[1] as string, nonce: match[2] as string, time: match[3] as string };
  return buildLoginStatement(parts) === text ? parts : undefined;
}
