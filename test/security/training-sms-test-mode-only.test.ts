/**
 * Threat: anyone who reaches the stand reads the one-time SMS codes. `/training/sms` answers the last
 * code sent for a login, which turns «password + SMS» into «password» for whoever calls it; it exists
 * only when the stand is started in the automated tests' mode (--test-mode), never on a stand people
 * practise on. Real stand processes on loopback; the code is asked for right after it was sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startStandProcess, type StandProcess } from '../support/stand-process';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-training-sms-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// By e-mail: no digits of the login itself can be mistaken for a code in an answer.
const login = 'sidorov@nedra-severa.test';

/** Passes the password step of the provider's page, so that a code is «sent» for `login`. */
async function sendCode(stand: StandProcess): Promise<void> {
  const authorize = new URL('/idp/authorize', stand.url);
  authorize.search = new URLSearchParams({ response_type: 'code', client_id: 'nedradesk', redirect_uri: 'http://127.0.0.1:1/callback', state: 's', code_challenge: 'A'.repeat(43), code_challenge_method: 'S256' }).toString();
  const page = await fetch(authorize);
  expect(page.status).toBe(200);
  const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const codePage = await fetch(new URL('/idp/login', stand.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ request, login, password: 'Nedra-2026!' }).toString() });
  expect(codePage.status).toBe(200);
  expect(await codePage.text()).toContain('Код из СМС');
}

describe('/training/sms', () => {
  it('does not exist on a stand started for practice, and tells no code', async () => {
    const stand = await startStandProcess({ port: await freePort(), dataDir: path.join(dir, 'practice'), fromSource: true });
    try {
      await sendCode(stand);
      const answer = await fetch(`${stand.url}/training/sms?login=${encodeURIComponent(login)}`);
      expect(answer.status).toBe(404);
      const text = await answer.text();
      expect(text).not.toMatch(/\d{6}/);
    } finally {
      await stand.stop();
    }
  });

  it('answers the code only on a stand started in test mode', async () => {
    const stand = await startStandProcess({ port: await freePort(), dataDir: path.join(dir, 'tests'), fromSource: true, testMode: true });
    try {
      await sendCode(stand);
      const answer = await fetch(`${stand.url}/training/sms?login=${encodeURIComponent(login)}`);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { code: string }).code).toMatch(/^\d{6}$/);
    } finally {
      await stand.stop();
    }
  });
});
