/**
 * Threat: the hidden PIN prompt keeps the bytes of editing keys. A person who presses an arrow key
 * or Home while typing a PIN they cannot see gets `12\x1b[D34…` as the PIN: a wrong PIN that
 * counts against the token's retry limit and locks it. The prompt drops escape sequences and other
 * control bytes, handles Backspace, and collects the PIN in a buffer of its own. Driven here through
 * a real pseudo-terminal (util-linux `script`), so raw mode and echo are the terminal's own.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HiddenLineReader } from '../../src/main/cli/secret-input';

const runner = path.join(process.cwd(), 'test/support/hidden-prompt-runner.ts');
const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** Types `keys` at the prompt in a pseudo-terminal once it is shown; resolves to what the prompt read. */
function typeAtPrompt(keys: string | Buffer): Promise<{ secret?: Buffer; error?: string; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `${quote(process.execPath)} --import tsx ${quote(runner)}`, '/dev/null'], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let typed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk;
      if (!typed && screen.includes('PIN-код токена: ')) {
        typed = true;
        child.stdin.write(keys);
      }
      const result = /RESULT:([0-9a-f]*)\r?\n/.exec(screen);
      const error = /ERROR:([A-Z_]+)/.exec(screen);
      if (result !== null) resolve({ secret: Buffer.from(result[1] ?? '', 'hex'), screen });
      else if (error !== null) resolve({ error: error[1] ?? '', screen });
      if (result !== null || error !== null) child.stdin.end();
    });
    child.on('error', reject);
    child.on('close', (status) => {
      if (!/RESULT:|ERROR:/.test(screen)) reject(new Error(`the prompt ended (${status}) without an answer: ${screen}`));
    });
  });
}

// util-linux `script` gives the prompt a real pseudo-terminal (Debian: bsdutils/util-linux).
const hasScript = process.platform !== 'win32' && spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('the hidden PIN prompt on a terminal', () => {
  it('reads 12←34↑56 Enter as 123456', async () => {
    const read = await typeAtPrompt('12\x1b[D34\x1b[A56\r');
    expect(read.error).toBeUndefined();
    expect(read.secret?.toString('latin1')).toBe('123456');
    // Echo is off: nothing typed shows on the screen.
    expect(read.screen.split('RESULT:')[0]).not.toContain('12');
  }, 60_000);

  it('drops Home, End, Delete, F1, Alt+key, Tab and bracketed-paste marks, and honours Backspace', async () => {
    const read = await typeAtPrompt('\x1b[H9\x1b[F8\x1b[3~7\x1bOP\x1bx\t\x1b[200~65\x1b[201~4\x7f3\x1b[1;5C\r');
    expect(read.secret?.toString('latin1')).toBe('987653');
  }, 60_000);

  it('cancels on Ctrl+C', async () => {
    const read = await typeAtPrompt('12\x03');
    expect(read.error).toBe('OPERATION_CANCELLED');
  }, 60_000);
});

describe('the prompt line reader', () => {
  const readLine = (...chunks: Array<string | Buffer>): Buffer => {
    const reader = new HiddenLineReader();
    for (const chunk of chunks) if (reader.feed(Buffer.from(chunk)) !== 'more') break;
    return reader.secret();
  };

  it('keeps an escape sequence split across reads out of the PIN', () => {
    expect(readLine('12\x1b', '[', 'D34\r').toString()).toBe('1234');
    expect(readLine('12\x1b[1;', '5C34\r').toString()).toBe('1234');
  });

  it('removes a whole Cyrillic letter on Backspace and the whole line on Ctrl+U', () => {
    expect(readLine('пароль\x7f\x7f\r').toString('utf8')).toBe('паро');
    expect(readLine('ошибка\x15верно\r').toString('utf8')).toBe('верно');
  });

  it('drops string commands (ESC ] … BEL, ESC P … ESC \\) and a bare Escape before Enter', () => {
    expect(readLine('1\x1b]11;rgb:0000/0000/0000\x072\x1bP+q544e\x1b\\3\r').toString()).toBe('123');
    expect(readLine('123\x1b\r').toString()).toBe('123');
  });

  it('hands over a buffer of its own, not a slice of the shared pool', () => {
    const secret = readLine('246810\r');
    expect(secret.buffer.byteLength).toBe(secret.byteLength);
  });
});
