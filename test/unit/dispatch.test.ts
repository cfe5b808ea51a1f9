import { afterEach, describe, expect, it } from 'vitest';
import { setLogSink } from '../../src/main/log/logger';
import { AppError } from '../../src/shared/errors';
import { createDispatcher } from '../../src/main/services/dispatch';
import { createHandlers } from '../../src/main/services/handlers';

describe('API dispatcher', () => {
  afterEach(() => setLogSink((line) => process.stderr.write(`${line}\n`)));
  const handlers = createHandlers({ mode: 'browser', version: '1.2.3' });

  it('answers a valid call with its value', async () => {
    const dispatch = createDispatcher(handlers);
    const result = await dispatch('app:info', {});
    expect(result).toEqual({ ok: true, value: { name: 'NedraDesk', version: '1.2.3', mode: 'browser', platform: process.platform } });
  });

  it('refuses an unknown method and invalid input with stable codes', async () => {
    const dispatch = createDispatcher(handlers);
    const unknown = await dispatch('files:delete-everything', {});
    expect(unknown.ok ? undefined : unknown.error.code).toBe('UNKNOWN_METHOD');
    const invalid = await dispatch('app:info', { unexpected: true });
    expect(invalid.ok ? undefined : invalid.error.code).toBe('INVALID_INPUT');
  });

  it('passes expected errors through and hides the text of bugs', async () => {
    const failing = createDispatcher({
      ...handlers,
      'app:info': async () => {
        throw new AppError('TOKEN_NOT_PRESENT', { slot: 3 });
      },
    });
    const expected = await failing('app:info', {});
    expect(expected).toEqual({ ok: false, error: { code: 'TOKEN_NOT_PRESENT', message: expect.stringContaining('Токен не подключён'), retryable: true, details: { slot: 3 } } });

    const logged: string[] = [];
    setLogSink((line) => logged.push(line));
    const buggy = createDispatcher({
      ...handlers,
      'app:info': async () => {
        throw new Error('secret internal detail');
      },
    });
    const bug = await buggy('app:info', {});
    expect(bug.ok).toBe(false);
    expect(JSON.stringify(bug)).not.toContain('secret internal detail');
    expect(bug.ok ? undefined : bug.error.code).toBe('INTERNAL_ERROR');
    // The bug is logged for support, the caller only gets the code.
    expect(logged.join('\n')).toContain('handler failed');
  });
});
