/**
 * What a newcomer types first: `nedradesk --help` and `npm run stand -- --help` say what the
 * training stand is and how to make a demo token; a mistyped command or option is refused with a
 * Russian message and exit status 64 (sysexits EX_USAGE) — the stand no longer starts on a typo.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedPersons } from '../../../src/stand/database';
import { runCli } from '../../support/cli';

/** `npm run stand -- ...args` from source; a stand that starts instead of answering is killed after 30 s (status null). */
function stand(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(process.cwd(), 'src/stand/stand.ts'), ...args], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
}

describe('nedradesk --help and an unknown command', () => {
  it('describes the training stand and its sub-commands', async () => {
    const result = await runCli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Учебный стенд');
    expect(result.stdout).toContain('npm run stand -- demo-token');
    expect(result.stdout).toContain('npm run stand -- --help');
  });

  it('refuses an unknown command with exit 64 and a Russian message naming it', async () => {
    const result = await runCli(['sigg', 'file.pdf']);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('Ошибка: неизвестная команда «sigg». Возможно, имелась в виду «sign».');
    expect(result.stderr).toContain('Справка: nedradesk --help');
    expect(result.stderr).not.toContain('error: unknown command');
  });
});

describe('npm run stand -- --help and an unknown command', () => {
  it('describes the stand, demo-token with its options, and every demo person', () => {
    for (const args of [['--help'], ['demo-token', '--help'], ['help']]) {
      const result = stand(args);
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('npm run stand -- demo-token');
      for (const option of ['--data-dir', '--stand-dir', '--port', '--trust', '--person', '--label', '--module', 'NEDRADESK_DEMO_PIN']) expect(result.stdout).toContain(option);
      for (const person of seedPersons) expect(result.stdout).toContain(`${person.oid}  ${person.surname} ${person.givenName}`);
    }
  });

  it('refuses an unknown command or option with exit 64 and a Russian message instead of starting', () => {
    const command = stand(['demo-tokne']);
    expect(command.status).toBe(64);
    expect(command.stderr).toContain('Ошибка: неизвестная команда «demo-tokne»; команды: demo-token, help.');
    expect(command.stderr).toContain('Справка: npm run stand -- --help');
    const option = stand(['--prot', '5791']);
    expect(option.status).toBe(64);
    expect(option.stderr).toContain('Ошибка: неизвестный параметр «--prot».');
    const tokenOption = stand(['demo-token', '--persn', '1000002']);
    expect(tokenOption.status).toBe(64);
    expect(tokenOption.stderr).toContain('неизвестный параметр «--persn»');
  });
});
