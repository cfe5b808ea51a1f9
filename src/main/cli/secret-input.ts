/**
 * Where the CLI takes a secret (token PIN, PKCS#12 password) from: a named environment variable,
 * a file, or a prompt on a terminal with echo off. Never a plain command-line argument: arguments are
 * visible to every user of the machine (ps, /proc) and end up in shell history and CI logs.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../shared/errors';

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
  if (source.file !== undefined) {
    const content = await readFile(source.file).catch((cause: unknown) => {
      throw new AppError('FILE_UNREADABLE', { path: source.file }, { cause });
    });
    const firstLine = content.toString('utf8').split(/\r?\n/, 1)[0] ?? '';
    content.fill(0);
    return Buffer.from(firstLine, 'utf8');
  }
  return promptHidden(prompt);
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
