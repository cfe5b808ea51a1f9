/**
 * Password + SMS on the app's built-in training stand: the stand sends no SMS, so the one-time code
 * reaches the user through the app itself — the embedded stand hands it to main in-process and main
 * pushes it to its own login page (event `cabinet:training-sms`) — while `/training/sms`, which would
 * tell every code to anyone reaching the stand, stays closed outside test mode.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api';
import { createAppServices } from '../../../src/main/services/app-services';
import { LocalTokenService } from '../../../src/main/token/token-service';
import { findSoftHsmModule } from '../../fixtures/softhsm';
import { call, until } from '../../support/app-workplace';

const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' as const });

describe('the SMS code of the app’s built-in training stand', () => {
  it('reaches the app’s login page through main, and the stand still answers 404 at /training/sms', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'nedradesk-training-sms-')), 'data');
    const sms: Array<ApiEvents['cabinet:training-sms']> = [];
    const tokens = LocalTokenService.open({ explicit: findSoftHsmModule() });
    const app = createAppServices({
      mode: 'browser',
      version: 'test',
      dataDir,
      tokens,
      emit: (event, payload) => {
        if (event === 'cabinet:training-sms') sms.push(payload as ApiEvents['cabinet:training-sms']);
      },
      cabinet: { syncIntervalMs: 60_000 },
    });
    try {
      const { authorizationUrl } = await call(app, 'cabinet:login-password-start', {});
      const finished = call(app, 'cabinet:login-password-finish', {});
      const standUrl = new URL(authorizationUrl).origin;
      const loginPage = await (await fetch(authorizationUrl)).text();
      const requestId = /name="request" value="([^"]+)"/.exec(loginPage)?.[1] ?? '';
      const codePage = await (await fetch(new URL('/idp/login', standUrl), form({ request: requestId, login: 'petrov@nedra-severa.test', password: 'Nedra-2026!' }))).text();
      expect(codePage).toContain('Мы отправили код из 6 цифр');
      // The code never appears on the stand's page, nor at /training/sms (the app's stand is not in test mode).
      const told = await until(() => sms[0]);
      expect(told.code).toMatch(/^\d{6}$/);
      expect(told.phone).toContain('02');
      expect(codePage).not.toContain(told.code);
      expect((await fetch(new URL('/training/sms?login=petrov@nedra-severa.test', standUrl))).status).toBe(404);
      // The code the page was given is the one that logs in.
      const attempt = /name="attempt" value="([^"]+)"/.exec(codePage)?.[1] ?? '';
      const redirect = await fetch(new URL('/idp/otp', standUrl), form({ attempt, code: told.code }));
      expect(redirect.status).toBe(302);
      await fetch(redirect.headers.get('location') ?? '');
      const state = await finished;
      expect(state.person?.surname).toBe('Петров');
    } finally {
      await app.close();
      await tokens.close();
    }
  });
});
