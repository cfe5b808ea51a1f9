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
    // The environment keeps its own string (nothing can wipe it); the bytes handed on are a
    // buffer of their own, not a slice of Node's shared pool as Buffer.from(value) would be.
    const secret = Buffer.alloc(Buffer.byteLength(value, 'utf8'));
    secret.write(value, 'utf8');
    return secret;
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

/** The longest secret the prompt takes: PINs and passwords are far shorter. */
const promptLimit = 256;

/**
 * What the hidden prompt makes of the bytes a terminal in raw mode sends (ECMA-48 / xterm control
 * sequences). Printable bytes (UTF-8 included) are the secret; Enter ends it, Ctrl+C cancels,
 * Backspace removes the last character, Ctrl+U the whole line. Escape sequences — arrows
 * (ESC [ A), Home/End/Delete (ESC [ 3 ~), F1–F4 (ESC O P), Alt+key (ESC x), bracketed-paste marks
 * (ESC [ 200 ~), string commands (ESC ] … BEL) — and every other control byte are dropped: the
 * person cannot see the line, so editing keys must not put invisible bytes into the PIN.
 * The bytes are collected in a zero-filled buffer of fixed size, never in the shared pool.
 */
export class HiddenLineReader {
  private readonly bytes = Buffer.alloc(promptLimit);
  private length = 0;
  private state: 'text' | 'escape' | 'csi' | 'ss3' | 'string' | 'string-escape' = 'text';
  private overflow = false;

  /** Feeds bytes; says whether the line ended (`done`), was cancelled, or needs more. */
  feed(chunk: Uint8Array): 'more' | 'done' | 'cancelled' {
    for (const byte of chunk) {
      const outcome = this.take(byte);
      if (outcome !== 'more') return outcome;
    }
    return 'more';
  }

  /** The secret typed so far, as a buffer of its own; the reader's copy is zeroed. */
  secret(): Buffer {
    if (this.overflow) {
      this.wipe();
      throw new AppError('INVALID_INPUT', { reason: `the secret is longer than ${promptLimit} bytes` });
    }
    const secret = Buffer.alloc(this.length);
    this.bytes.copy(secret, 0, 0, this.length);
    this.wipe();
    return secret;
  }

  /** Zeroes what was typed. */
  wipe(): void {
    this.bytes.fill(0);
    this.length = 0;
  }

  private take(byte: number): 'more' | 'done' | 'cancelled' {
    if (byte === 0x03) return 'cancelled'; // Ctrl+C, wherever it comes
    switch (this.state) {
      case 'escape':
        if (byte === 0x5b) this.state = 'csi'; // ESC [
        else if (byte === 0x4f) this.state = 'ss3'; // ESC O
        else if (byte === 0x5d || byte === 0x50 || byte === 0x58 || byte === 0x5e || byte === 0x5f) this.state = 'string'; // OSC, DCS, SOS, PM, APC
        else if (byte === 0x1b) this.state = 'escape';
        else if (byte < 0x20) return this.text(byte); // a control after a bare Escape acts as itself
        else this.state = 'text'; // ESC + one byte (Alt+key, ESC 7 …): dropped whole
        return 'more';
      case 'csi':
        // Parameter bytes 0x30–0x3F and intermediates 0x20–0x2F continue; a final 0x40–0x7E ends it.
        if (byte >= 0x20 && byte <= 0x3f) return 'more';
        this.state = 'text';
        if (byte < 0x20) return this.text(byte);
        return 'more';
      case 'ss3':
        this.state = 'text';
        return byte < 0x20 ? this.text(byte) : 'more';
      case 'string':
        if (byte === 0x07) this.state = 'text'; // BEL ends it (xterm)
        else if (byte === 0x1b) this.state = 'string-escape';
        return 'more';
      case 'string-escape':
        this.state = byte === 0x5c ? 'text' : 'string'; // ESC \ (ST) ends it
        return 'more';
      case 'text':
        return this.text(byte);
    }
  }

  private text(byte: number): 'more' | 'done' | 'cancelled' {
    this.state = 'text';
    if (byte === 0x0d || byte === 0x0a) return 'done';
    if (byte === 0x1b) {
      this.state = 'escape';
      return 'more';
    }
    if (byte === 0x7f || byte === 0x08) {
      // One character back: UTF-8 continuation bytes (10xxxxxx), then the lead byte.
      while (this.length > 0 && ((this.bytes[this.length - 1] ?? 0) & 0xc0) === 0x80) this.bytes[--this.length] = 0;
      if (this.length > 0) this.bytes[--this.length] = 0;
      return 'more';
    }
    if (byte === 0x15) {
      this.wipe(); // Ctrl+U: start again
      return 'more';
    }
    if (byte < 0x20) return 'more'; // other C0 controls: Tab, Ctrl+D, Ctrl+Z …
    if (this.length === this.bytes.length) this.overflow = true;
    else this.bytes[this.length++] = byte;
    return 'more';
  }
}

/** Asks for a secret on the terminal without echoing it. */
export function promptHidden(prompt: string): Promise<Buffer> {
  const input = process.stdin;
  if (!input.isTTY) {
    return Promise.reject(new AppError('INVALID_INPUT', { reason: 'no terminal to ask for the secret: use --pin-env or --pin-file' }));
  }
  return new Promise((resolve, reject) => {
    const reader = new HiddenLineReader();
    // Raw mode (echo off) before the prompt: whatever is typed after the prompt is never echoed.
    input.setRawMode(true);
    process.stderr.write(prompt);
    input.resume();
    const finish = (outcome: 'done' | 'cancelled'): void => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (outcome === 'cancelled') {
        reader.wipe();
        reject(new AppError('OPERATION_CANCELLED'));
        return;
      }
      try {
        resolve(reader.secret());
      } catch (error) {
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      const outcome = reader.feed(chunk);
      // The terminal's read buffer held the keystrokes too.
      chunk.fill(0);
      if (outcome !== 'more') finish(outcome);
    };
    input.on('data', onData);
  });
}
