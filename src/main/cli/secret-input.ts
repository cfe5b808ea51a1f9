/**
 * Where the CLI takes a secret (token PIN, PKCS#12 password) from: a named environment variable,
 * a file, or a prompt on a terminal with echo off. Never a plain command-line argument: arguments are
 * visible to every user of the machine (ps, /proc) and end up in shell history and CI logs.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError } from '../../shared/errors';

/** The largest PIN file read; a PIN or a password is a short first line, anything bigger is not one. */
const secretFileLimit = 4096;

export interface SecretSource {
  /** Name of an environment variable holding the secret (`--pin-env NAME`). */
  env?: string;
  /** Path of a file whose first line is the secret (`--pin-file PATH`). */
  file?: string;
}

/** Reads a secret from its source as bytes; prompts on a terminal when no source is given. */
export async function readSecret(source: SecretSource, prompt: string): Promise<Buffer> {
  if (source.env !== undefined && source.file !== undefined) {
    throw new AppError('INVALID_INPUT', { reason: 'give either the environment variable or the file, not both' });
  }
  if (source.env !== undefined) {
    const value = process.env[source.env];
    if (value === undefined || value.length === 0) throw new AppError('INVALID_INPUT', { reason: `environment variable ${source.env} is not set` });
    return Buffer.from(value, 'utf8');
  }
  if (source.file !== undefined) return readSecretFile(source.file);
  return promptHidden(prompt);
}

/**
 * Reads the first line of a PIN file, refusing a file other users could read or change, as ssh
 * refuses a private key with loose permissions. The file is opened once and the checks are made on
 * the open descriptor (fstat), so it cannot be swapped between the check and the read.
 */
export async function readSecretFile(file: string): Promise<Buffer> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; fstat refuses it next.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    throw new AppError((cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', { path: file }, { cause });
  }
  const content = Buffer.alloc(secretFileLimit + 1);
  try {
    const status = await handle.stat();
    if (!status.isFile()) throw unsafeSecretFile(file, 'not a regular file', `«${file}» — не обычный файл. Запишите PIN-код в обычный файл и выполните chmod 600 ${file}`);
    // Windows: st_mode does not reflect NTFS ACLs (node reports 0o666 or 0o444) and there is no uid,
    // so neither check means anything there; the user's profile folder ACL protects the file.
    if (process.platform !== 'win32') {
      if (typeof process.getuid === 'function' && status.uid !== process.getuid()) {
        throw unsafeSecretFile(file, 'owned by another user', `Файл с PIN-кодом «${file}» принадлежит другому пользователю. Создайте свой файл и выполните chmod 600 ${file}`);
      }
      if ((status.mode & 0o077) !== 0) {
        const mode = (status.mode & 0o777).toString(8).padStart(3, '0');
        throw unsafeSecretFile(file, `mode ${mode}`, `Файл с PIN-кодом «${file}» доступен другим пользователям (права ${mode}). Выполните chmod 600 ${file}`);
      }
    }
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(content, length, content.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > secretFileLimit) throw new AppError('FILE_TOO_LARGE', { path: file, limit: secretFileLimit });
    }
    // The first line, without its end (LF or CRLF), copied into a buffer of its own.
    let end = content.subarray(0, length).indexOf(0x0a);
    if (end === -1) end = length;
    if (end > 0 && content[end - 1] === 0x0d) end -= 1;
    const secret = Buffer.alloc(end);
    content.copy(secret, 0, 0, end);
    return secret;
  } finally {
    content.fill(0);
    await handle.close();
  }
}

function unsafeSecretFile(file: string, reason: string, message: string): AppError {
  return new AppError('SECRET_FILE_UNSAFE', { path: file, reason }, { message });
}

/** Asks for a secret on the terminal without echoing it. */
export function promptHidden(prompt: string): Promise<Buffer> {
  const input = process.stdin;
  if (!input.isTTY) {
    return Promise.reject(new AppError('INVALID_INPUT', { reason: 'no terminal to ask for the secret: use --pin-env or --pin-file' }));
  }
  return new Promise((resolve, reject) => {
    const collected: number[] = [];
    process.stderr.write(prompt);
    input.setRawMode(true);
    input.resume();
    const finish = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error !== undefined) {
        collected.fill(0);
        reject(error);
        return;
      }
      const secret = Buffer.from(collected);
      collected.fill(0);
      resolve(secret);
    };
    const onData = (chunk: Buffer): void => {
      for (const byte of chunk) {
        if (byte === 0x0d || byte === 0x0a) return finish();
        if (byte === 0x03) return finish(new AppError('OPERATION_CANCELLED'));
        if (byte === 0x7f || byte === 0x08) collected.pop();
        else collected.push(byte);
      }
    };
    input.on('data', onData);
  });
}
