/**
 * The stand's identity provider over real HTTP: the SMS code's five minutes on the stand's own
 * clock, PKCE (S256 only, verifier checked, loopback redirect only), access tokens checked against
 * the published JWKS, refresh token rotation and logout, and the app's session turning a refused
 * refresh into «войдите снова».
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CabinetClient } from '../../../src/main/cabinet/cabinet-client';
import { loginWithSignature } from '../../../src/main/cabinet/identity-client';
import { AppError } from '../../../src/shared/errors';
import { startStand, type RunningStand } from '../../../src/stand/server';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
let stand: RunningStand;
/** How far the stand's clock runs ahead of the real one (only ever moved forward). */
let shift = 0;
const standNow = (): Date => new Date(Date.now() + shift);

beforeAll(async () => {
  pki = await loadTestPki();
  const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-identity-'));
  stand = await startStand({ dataDir: path.join(dir, 'stand'), trustAnchors: [pki.root.certDer], stepDelayMs: 600_000, now: standNow, log: () => undefined });
});

afterAll(async () => {
  await stand?.close();
});

const redirectUri = 'http://127.0.0.1:1/callback';
const login = 'sidorov@nedra-severa.test';

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const post = (route: string, fields: Record<string, string>): Promise<Response> =>
  fetch(new URL(route, stand.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });

function authorize(overrides: Record<string, string | undefined> = {}, challenge = pkce().challenge): Promise<Response> {
  const params: Record<string, string | undefined> = { response_type: 'code', client_id: 'nedradesk', redirect_uri: redirectUri, state: 'state-1', code_challenge: challenge, code_challenge_method: 'S256', scope: 'openid cabinet', ...overrides };
  const url = new URL('/idp/authorize', stand.url);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return fetch(url);
}

/** Authorize and pass the password step: the SMS code form's attempt and the code "sent". */
async function passwordStep(challenge: string, uri = redirectUri): Promise<{ attempt: string; code: string }> {
  const page = await authorize({ redirect_uri: uri }, challenge);
  expect(page.status).toBe(200);
  const requestId = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const codePage = await post('/idp/login', { request: requestId, login, password: 'Nedra-2026!' });
  expect(codePage.status).toBe(200);
  const attempt = /name="attempt" value="([^"]+)"/.exec(await codePage.text())?.[1] ?? '';
  return { attempt, code: stand.lastSmsCode(login) ?? '' };
}

/** The whole password login up to the authorization code in the loopback redirect. */
async function authorizationCode(challenge: string, uri = redirectUri): Promise<string> {
  const { attempt, code } = await passwordStep(challenge, uri);
  const redirect = await post('/idp/otp', { attempt, code });
  expect(redirect.status).toBe(302);
  const location = new URL(redirect.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(uri);
  expect(location.searchParams.get('state')).toBe('state-1');
  return location.searchParams.get('code') ?? '';
}

const exchange = (code: string, verifier: string, uri = redirectUri): Promise<Response> => post('/idp/token', { grant_type: 'authorization_code', client_id: 'nedradesk', code, code_verifier: verifier, redirect_uri: uri });
const refresh = (token: string): Promise<Response> => post('/idp/token', { grant_type: 'refresh_token', client_id: 'nedradesk', refresh_token: token });

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  person_oid: string;
}

async function passwordLogin(): Promise<Tokens> {
  const { verifier, challenge } = pkce();
  const answer = await exchange(await authorizationCode(challenge), verifier);
  expect(answer.status).toBe(200);
  return (await answer.json()) as Tokens;
}

describe('the one-time SMS code', () => {
  it('is refused after five minutes on the stand’s clock, in Russian, and the attempt is over', async () => {
    const { attempt, code } = await passwordStep(pkce().challenge);
    shift += 5 * 60_000 + 1_000;
    const late = await post('/idp/otp', { attempt, code });
    expect(late.status).toBe(400);
    const page = await late.text();
    expect(page).toContain('Код больше не действует');
    expect(page).toContain('Код из СМС действует 5 минут');
    // The attempt has ended: the same code does not work again.
    const again = await post('/idp/otp', { attempt, code });
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
  });

  it('works when entered just within its five minutes', async () => {
    const { verifier, challenge } = pkce();
    const { attempt, code } = await passwordStep(challenge);
    shift += 4 * 60_000 + 59_000;
    const redirect = await post('/idp/otp', { attempt, code });
    expect(redirect.status).toBe(302);
    const authorization = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const tokens = await exchange(authorization, verifier);
    expect(tokens.status).toBe(200);
    expect(((await tokens.json()) as Tokens).person_oid).toBe('1000003');
  });
});

describe('PKCE and the loopback redirect', () => {
  it('refuses a wrong code_verifier, and the code is spent after it', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizationCode(challenge);
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: 'invalid_grant', message: expect.stringContaining('Проверка PKCE не пройдена') });
    // A guessed verifier burns the code: the right one no longer helps.
    const right = await exchange(code, verifier);
    expect(right.status).toBe(400);
    expect(((await right.json()) as { code: string }).code).toBe('invalid_grant');
  });

  it('does not take the challenge itself as the verifier (no plain method)', async () => {
    const { challenge } = pkce();
    const answer = await exchange(await authorizationCode(challenge), challenge);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { code: string }).code).toBe('invalid_grant');
  });

  it('refuses a token request whose redirect_uri is not the one authorized', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizationCode(challenge);
    const answer = await exchange(code, verifier, 'http://127.0.0.1:2/callback');
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { code: string }).code).toBe('invalid_grant');
  });

  it('accepts only S256 and only a loopback redirect_uri at /idp/authorize', async () => {
    expect((await authorize()).status).toBe(200);
    const { verifier } = pkce();
    const refusals: Array<Record<string, string | undefined>> = [
      { code_challenge_method: 'plain', code_challenge: verifier },
      { code_challenge_method: 'plain' },
      { code_challenge_method: undefined },
      { code_challenge: undefined },
      { redirect_uri: 'https://nedradesk.example/callback' },
      { redirect_uri: 'http://192.168.1.10:8080/callback' },
      { redirect_uri: 'http://127.0.0.1.nip.io/callback' },
      { redirect_uri: 'https://127.0.0.1/callback' },
      { redirect_uri: 'nedradesk://callback' },
      { client_id: 'someone-else' },
      { response_type: 'token' },
    ];
    for (const overrides of refusals) {
      const answer = await authorize(overrides);
      expect(answer.status, JSON.stringify(overrides)).toBe(400);
      expect(await answer.text()).toContain('Неверный запрос входа');
    }
    const discovery = (await (await fetch(new URL('/.well-known/openid-configuration', stand.url))).json()) as { code_challenge_methods_supported: string[]; jwks_uri: string };
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.jwks_uri).toBe(`${stand.url}/idp/jwks`);
  });
});

describe('access tokens', () => {
  it('are RS256 JWTs that verify against /idp/jwks with the stand’s issuer, audience and lifetime', async () => {
    const tokens = await passwordLogin();
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(900);
    const jwks = (await (await fetch(new URL('/idp/jwks', stand.url))).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    // Only the public key is published.
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwks.keys[0]).not.toHaveProperty(secret);
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: jwks.keys[0]?.kid });
    const keySet = createRemoteJWKSet(new URL('/idp/jwks', stand.url));
    const { payload } = await jwtVerify(tokens.access_token, keySet, { issuer: stand.url, audience: 'nedradesk-cabinet', algorithms: ['RS256'], currentDate: standNow() });
    expect(payload.sub).toBe('1000003');
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
    expect(Math.abs((payload.iat ?? 0) - standNow().getTime() / 1000)).toBeLessThan(5);
    // After its 15 minutes the token no longer verifies, and the stand refuses it as expired.
    await expect(jwtVerify(tokens.access_token, keySet, { issuer: stand.url, audience: 'nedradesk-cabinet', currentDate: new Date(standNow().getTime() + 901_000) })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    await expect(jwtVerify(tokens.access_token, keySet, { issuer: stand.url, audience: 'another-api', currentDate: standNow() })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    const person = await fetch(new URL('/rs/prns/1000003', stand.url), { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(person.status).toBe(200);
    // A token whose signature was tampered with is refused.
    const [head, body, signature] = tokens.access_token.split('.');
    const forged = `${head}.${body}.${(signature ?? '').slice(0, -4)}AAAA`;
    const refused = await fetch(new URL('/rs/prns/1000003', stand.url), { headers: { authorization: `Bearer ${forged}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('unauthorized');
  });
});

describe('refresh tokens', () => {
  it('rotate: a refresh token is good once', async () => {
    const first = await passwordLogin();
    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ code: 'invalid_grant', message: 'Сеанс истёк. Войдите заново.' });
    expect((await refresh(second.refresh_token)).status).toBe(200);
  });

  it('are revoked by logout', async () => {
    const tokens = await passwordLogin();
    expect((await post('/idp/logout', { refresh_token: tokens.refresh_token })).status).toBe(204);
    const after = await refresh(tokens.refresh_token);
    expect(after.status).toBe(400);
    expect(((await after.json()) as { code: string }).code).toBe('invalid_grant');
  });

  it('a refused refresh makes the app’s session and client ask for a new login (CABINET_LOGIN_REQUIRED)', async () => {
    const session = await loginWithSignature(stand.url, keySignerFor(pki, pki.rsaSigner));
    await session.refresh();
    const client = new CabinetClient({ baseUrl: stand.url, session, organisationOid: '2000001' });
    expect((await client.licenses()).length).toBeGreaterThan(0);
    await session.logout();
    const direct = await session.refresh().then(() => undefined, (error: unknown) => error);
    expect(direct).toBeInstanceOf(AppError);
    expect((direct as AppError).code).toBe('CABINET_LOGIN_REQUIRED');
    expect((direct as AppError).message).toBe('Сеанс в личном кабинете завершён. Войдите снова.');
    // The access token runs out on the stand (its clock moves past 15 minutes): the client
    // refreshes once, the refresh is refused, and the call ends in «войдите снова».
    shift += 16 * 60_000;
    const viaClient = await client.licenses().then(() => undefined, (error: unknown) => error);
    expect(viaClient).toBeInstanceOf(AppError);
    expect((viaClient as AppError).code).toBe('CABINET_LOGIN_REQUIRED');
    expect(((viaClient as AppError).cause as AppError | undefined)?.code).toBe('LOGIN_FAILED');
  });
});
