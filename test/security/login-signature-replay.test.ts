/**
 * Threat: a login signature used for a login it was not made for. Someone who captured a person's
 * earlier login signature (or any other signature of theirs) replays it against a fresh challenge
 * and works in the cabinet in their name. The stand (a real process on loopback, its own SQLite)
 * takes only a DETACHED CAdES signature over exactly the login statement for the challenge it
 * issued, once, within five minutes; everything else is refused with its own code.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginWithSignature } from '../../src/main/cabinet/identity-client';
import type { Signer } from '../../src/main/core/crypto/algorithms';
import { createCadesSignature } from '../../src/main/core/crypto/cades';
import { buildLoginStatement } from '../../src/shared/login-statement';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { keySignerFor } from '../support/signers';
import { freePort, startStandProcess, type StandProcess } from '../support/stand-process';

let pki: TestPki;
let stand: StandProcess;
let dir: string;
let port: number;
let signer: Signer;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-login-replay-'));
  port = await freePort();
  stand = await startStandProcess({ port, dataDir: path.join(dir, 'stand'), trust: [pki.rootPath], stepMs: 600_000, fromSource: true });
  signer = keySignerFor(pki, pki.rsaSigner);
});

afterAll(async () => {
  await stand?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const post = async (route: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(new URL(route, stand.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function challenge(): Promise<{ challengeId: string; nonce: string }> {
  const answer = await post('/idp/signature/challenge', { client_id: 'nedradesk' });
  expect(answer.status).toBe(200);
  return answer.body as { challengeId: string; nonce: string };
}

function statementFor(nonce: string, origin = stand.url, time = new Date()): string {
  return buildLoginStatement({ origin, nonce, time: time.toISOString() }) as string;
}

async function sign(text: string, attached = false): Promise<string> {
  const content = Buffer.from(text, 'utf8');
  const signature = await createCadesSignature({ signer, contentDigest: createHash('sha256').update(content).digest(), content: attached ? content : undefined });
  return Buffer.from(signature).toString('base64');
}

const answer = (challengeId: string, statement: string, signature: string) => post('/idp/signature/token', { client_id: 'nedradesk', challengeId, statement, signature });

/** A real login through the app's client, keeping what it sent: the replayable material. */
async function recordedLogin(): Promise<{ challengeId: string; statement: string; signature: string }> {
  let sent: URLSearchParams | undefined;
  const recording: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/idp/signature/token')) sent = new URLSearchParams(String(init?.body));
    return fetch(input, init);
  };
  const session = await loginWithSignature(stand.url, signer, { fetch: recording });
  expect(session.personOid).toBe('1000001');
  expect(sent).toBeDefined();
  return { challengeId: sent?.get('challengeId') ?? '', statement: sent?.get('statement') ?? '', signature: sent?.get('signature') ?? '' };
}

describe('a login signature is bound to its challenge', () => {
  it('refuses a previous login signature replayed for a fresh challenge, and for its own spent one', async () => {
    const previous = await recordedLogin();
    const fresh = await challenge();
    const replayed = await answer(fresh.challengeId, previous.statement, previous.signature);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toMatchObject({ code: 'statement_other_challenge', message: 'Подписанное заявление относится к другому запросу на вход. Повторите вход.' });
    expect(replayed.body).not.toHaveProperty('access_token');
    const again = await answer(previous.challengeId, previous.statement, previous.signature);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'challenge_used' });
  });

  it('refuses an attached signature even over the right statement, and the challenge is spent by the attempt', async () => {
    const { challengeId, nonce } = await challenge();
    const statement = statementFor(nonce);
    const attached = await answer(challengeId, statement, await sign(statement, true));
    expect(attached.status).toBe(400);
    expect(attached.body).toMatchObject({ code: 'signature_attached', message: 'Подпись входа должна быть отсоединённой и сделанной над заявлением о входе. Обновите NedraDesk и повторите вход.' });
    const retried = await answer(challengeId, statement, await sign(statement));
    expect(retried.body).toMatchObject({ code: 'challenge_used' });
  });

  it('refuses a signature made for another challenge', async () => {
    const first = await challenge();
    const second = await challenge();
    const forFirst = statementFor(first.nonce);
    const crossed = await answer(second.challengeId, forFirst, await sign(forFirst));
    expect(crossed.status).toBe(401);
    expect(crossed.body).toMatchObject({ code: 'statement_other_challenge' });
  });

  it('refuses a signature over other bytes than the statement sent', async () => {
    const { challengeId, nonce } = await challenge();
    const sent = statementFor(nonce);
    const signedEarlier = statementFor(nonce, stand.url, new Date(Date.now() - 60_000));
    const mismatch = await answer(challengeId, sent, await sign(signedEarlier));
    expect(mismatch.status).toBe(401);
    expect(mismatch.body).toMatchObject({ code: 'signature_not_for_statement', message: 'Подпись сделана не над этим заявлением о входе. Повторите вход.' });
  });

  it('refuses a statement for another cabinet and free text signed as a statement', async () => {
    const other = await challenge();
    const elsewhere = statementFor(other.nonce, 'https://cabinet.example.ru');
    const foreign = await answer(other.challengeId, elsewhere, await sign(elsewhere));
    expect(foreign.status).toBe(401);
    expect(foreign.body).toMatchObject({ code: 'statement_other_cabinet' });

    const free = await challenge();
    const text = `ДОВЕРЕННОСТЬ: Иванова М. П. передаёт лицензию. Код: ${free.nonce}`;
    const refused = await answer(free.challengeId, text, await sign(text));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'statement_invalid' });
  });

  it('refuses an expired challenge; challenges live in the stand’s SQLite and stay spent across a restart', async () => {
    const { challengeId, nonce } = await challenge();
    // Five minutes pass for this challenge: its expiry, kept in stand.db, is moved into the past.
    const database = new Database(path.join(dir, 'stand', 'stand.db'));
    try {
      const row = database.prepare('SELECT nonce, used, expires_at - issued_at AS lifetime FROM login_challenges WHERE id = ?').get(challengeId) as { nonce: string; used: number; lifetime: number };
      expect(row).toEqual({ nonce, used: 0, lifetime: 5 * 60_000 });
      database.prepare('UPDATE login_challenges SET expires_at = ? WHERE id = ?').run(Date.now() - 1, challengeId);
    } finally {
      database.close();
    }
    const statement = statementFor(nonce);
    const expired = await answer(challengeId, statement, await sign(statement));
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ code: 'challenge_expired', message: 'Запрос на вход устарел: он действует 5 минут. Повторите вход.' });

    const spent = await recordedLogin();
    await stand.stop();
    stand = await startStandProcess({ port, dataDir: path.join(dir, 'stand'), trust: [pki.rootPath], stepMs: 600_000, fromSource: true });
    const afterRestart = await answer(spent.challengeId, spent.statement, spent.signature);
    expect(afterRestart.body).toMatchObject({ code: 'challenge_used' });
    expect(afterRestart.body).not.toHaveProperty('access_token');
  });

  it('logs in once with the detached signature of the right statement', async () => {
    const { challengeId, nonce } = await challenge();
    const statement = statementFor(nonce);
    const accepted = await answer(challengeId, statement, await sign(statement));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ token_type: 'Bearer', person_oid: '1000001' });
  });
});
