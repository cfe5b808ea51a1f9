/**
 * Usage errors (exit 64) speak Russian like the rest of the command line, not Commander's English.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

const cases: Array<[string[], string]> = [
  [['verify'], 'не указан обязательный аргумент «signature»'],
  [['verify', 'x.sig', '--bogus'], 'неизвестный параметр «--bogus»'],
  [['sign', 'a.txt', '--out-dir'], 'у параметра «--out-dir <dir>» не указано значение'],
  [['cosign', 'x.sig', '--cert', 'id:01'], 'не указан обязательный параметр «--content <file>»'],
  [['verify', 'a', 'b', 'c'], 'лишние аргументы у команды «verify»'],
];

describe('usage errors', () => {
  it('are in Russian with exit 64 for a missing argument, an unknown option, a missing value, a missing required option and extra arguments', async () => {
    const results = await Promise.all(cases.map(([args]) => runCli(args, {}, { timeoutMs: 60_000 })));
    for (const [index, result] of results.entries()) {
      const [args, expected] = cases[index] as [string[], string];
      expect(result.status, args.join(' ')).toBe(64);
      expect(result.stderr, args.join(' ')).toContain(`Ошибка: ${expected}`);
      expect(result.stderr, args.join(' ')).not.toMatch(/^error:/m);
    }
  }, 90_000);
});
