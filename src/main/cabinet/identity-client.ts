/**
 * Logging in to an ESIA-style identity provider (design §5): by electronic signature (a statement
 * NedraDesk builds itself around the provider's nonce, signed detached with the user's token) or by password + SMS code in the provider's own page, with the
 * authorization code returned to a loopback address (RFC 8252) and protected by PKCE (RFC 7636).
 * Tokens live in memory only, in a session that refreshes them before they expire.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { AppError } from '../../shared/errors';
import { digestBytes, type Signer } from '../core/crypto/algorithms';
import { createCadesSignature } from '../core/crypto/cades';
import type { CabinetErrorBody } from '../../shared/cabinet';
import { cabinetAddressProblem, originOf } from '../../shared/cabinet-address';
import { buildLoginStatement, isLoginNonce, parseLoginStatement } from '../../shared/login-statement';

export const nedradeskClientId = 'nedradesk';

interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  person_oid: string;
}

/** The address when the cabinet address policy allows it (https; plain http to this computer only), else CABINET_ADDRESS_REFUSED. */
export function requireCabinetAddress(address: string): string {
  const problem = cabinetAddressProblem(address);
  if (problem !== undefined) throw new AppError('CABINET_ADDRESS_REFUSED', { problem });
  return address;
}

function loginError(status: number, body: Partial<CabinetErrorBody> | undefined): AppError {
  if (status >= 500) return new AppError('CABINET_UNREACHABLE', { status, serverCode: body?.code });
  return new AppError('LOGIN_FAILED', { status, serverCode: body?.code, ...(body?.details ?? {}) }, body?.message ? { message: body.message } : undefined);
}

async function postForm(baseUrl: string, path: string, fields: Record<string, string>, fetcher: typeof fetch): Promise<Response> {
  try {
    return await fetcher(new URL(path, baseUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new AppError('CABINET_UNREACHABLE', { reason: error instanceof Error ? error.message : String(error), path }, { cause: error });
  }
}

async function tokenRequest(baseUrl: string, fields: Record<string, string>, fetcher: typeof fetch): Promise<TokenAnswer> {
  const response = await postForm(baseUrl, '/idp/token', { client_id: nedradeskClientId, ...fields }, fetcher);
  const body = (await response.json().catch(() => undefined)) as (TokenAnswer & Partial<CabinetErrorBody>) | undefined;
  if (!response.ok || body?.access_token === undefined) throw loginError(response.status, body);
  return body;
}

/** Tokens of a logged-in person, refreshed before expiry; never written anywhere. */
export class CabinetSession {
  private accessValue: string;
  private refreshValue: string;
  private expiresAt: number;
  private refreshing: Promise<void> | undefined;
  readonly personOid: string;

  constructor(
    readonly baseUrl: string,
    answer: TokenAnswer,
    private readonly options: { fetch?: typeof fetch; now?: () => number } = {},
  ) {
    this.accessValue = answer.access_token;
    this.refreshValue = answer.refresh_token;
    this.personOid = answer.person_oid;
    this.expiresAt = this.now() + answer.expires_in * 1000;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** A valid access token: refreshed when less than a minute is left. */
  async accessToken(): Promise<string> {
    if (this.expiresAt - this.now() < 60_000) await this.refresh();
    return this.accessValue;
  }

  /** Refreshes the tokens (one refresh at a time); a failed refresh asks for a new login. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const answer = await tokenRequest(this.baseUrl, { grant_type: 'refresh_token', refresh_token: this.refreshValue }, this.options.fetch ?? fetch);
        this.accessValue = answer.access_token;
        this.refreshValue = answer.refresh_token;
        this.expiresAt = this.now() + answer.expires_in * 1000;
      } catch (error) {
        if (error instanceof AppError && error.code === 'CABINET_UNREACHABLE') throw error;
        throw new AppError('CABINET_LOGIN_REQUIRED', { reason: 'refresh failed' }, { cause: error });
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Ends the session at the provider. */
  async logout(): Promise<void> {
    await postForm(this.baseUrl, '/idp/logout', { refresh_token: this.refreshValue }, this.options.fetch ?? fetch).catch(() => undefined);
  }
}

/** A login statement NedraDesk built around the provider's nonce: shown to the person, then signed. */
export interface PreparedSignatureLogin {
  baseUrl: string;
  challengeId: string;
  /** Exactly the text that will be signed (src/shared/login-statement.ts). */
  statement: string;
}

const challengeIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Asks the provider for a login challenge and builds the statement to sign from NedraDesk's own
 * prefix, the cabinet's origin, the provider's nonce and the time. Anything but a nonce (free text,
 * line breaks, a «доверенность») is refused: the provider never chooses what the person signs.
 */
export async function prepareSignatureLogin(baseUrl: string, options: { fetch?: typeof fetch; now?: () => Date } = {}): Promise<PreparedSignatureLogin> {
  requireCabinetAddress(baseUrl);
  const response = await postForm(baseUrl, '/idp/signature/challenge', { client_id: nedradeskClientId }, options.fetch ?? fetch);
  const body = (await response.json().catch(() => undefined)) as ({ challengeId?: unknown; nonce?: unknown } & Partial<CabinetErrorBody>) | undefined;
  if (!response.ok) throw loginError(response.status, body);
  const origin = originOf(baseUrl);
  const challengeId = body?.challengeId;
  const nonce = body?.nonce;
  if (typeof challengeId !== 'string' || !challengeIdPattern.test(challengeId) || !isLoginNonce(nonce) || origin === undefined) {
    throw new AppError('LOGIN_CHALLENGE_INVALID', { reason: isLoginNonce(nonce) ? 'bad challenge id' : 'the provider sent no nonce' });
  }
  const statement = buildLoginStatement({ origin, nonce, time: (options.now?.() ?? new Date()).toISOString() });
  if (statement === undefined) throw new AppError('LOGIN_CHALLENGE_INVALID', { reason: 'statement not built' });
  return { baseUrl, challengeId, statement };
}

/** Signs a prepared statement (detached CAdES over its UTF-8 bytes) and exchanges it for tokens. */
export async function completeSignatureLogin(prepared: PreparedSignatureLogin, signer: Signer, options: { fetch?: typeof fetch } = {}): Promise<CabinetSession> {
  // Only a statement of the shared form is ever signed, whoever assembled `prepared`.
  if (parseLoginStatement(prepared.statement) === undefined) throw new AppError('LOGIN_CHALLENGE_INVALID', { reason: 'not a login statement' });
  const content = Buffer.from(prepared.statement, 'utf8');
  // Detached (no content inside): the signature is worth nothing without this exact statement.
  const signature = await createCadesSignature({ signer, contentDigest: digestBytes(signer.algorithm.digest, content) });
  const response = await postForm(
    prepared.baseUrl,
    '/idp/signature/token',
    { client_id: nedradeskClientId, challengeId: prepared.challengeId, statement: prepared.statement, signature: Buffer.from(signature).toString('base64') },
    options.fetch ?? fetch,
  );
  const body = (await response.json().catch(() => undefined)) as (TokenAnswer & Partial<CabinetErrorBody>) | undefined;
  if (!response.ok || body?.access_token === undefined) throw loginError(response.status, body);
  return new CabinetSession(prepared.baseUrl, body, options);
}

/** Logs in with an electronic signature: prepares the statement, hands it to `onStatement` (to show it), signs it. */
export async function loginWithSignature(baseUrl: string, signer: Signer, options: { fetch?: typeof fetch; now?: () => Date; onStatement?: (statement: string) => void } = {}): Promise<CabinetSession> {
  const prepared = await prepareSignatureLogin(baseUrl, options);
  options.onStatement?.(prepared.statement);
  return completeSignatureLogin(prepared, signer, options);
}

/** PKCE verifier and S256 challenge (RFC 7636 §4.1–4.2). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A login in the provider's page: open `authorizationUrl` in a browser window, then await the session. */
export interface BrowserLogin {
  authorizationUrl: string;
  session: Promise<CabinetSession>;
  close(): void;
}

/**
 * Starts a password + SMS login: a one-shot loopback server receives the authorization code
 * (RFC 8252 §7.3), the code is exchanged with the PKCE verifier, and the page says «Вход выполнен».
 */
export async function startBrowserLogin(baseUrl: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<BrowserLogin> {
  requireCabinetAddress(baseUrl);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  let settle: { resolve(session: CabinetSession): void; reject(error: unknown): void } | undefined;
  const session = new Promise<CabinetSession>((resolve, reject) => {
    settle = { resolve, reject };
  });
  session.catch(() => undefined);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      response.writeHead(404).end();
      return;
    }
    const code = url.searchParams.get('code');
    if (url.searchParams.get('state') !== state || code === null) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Ответ входа не совпадает с запросом. Начните вход заново в NedraDesk.');
      settle?.reject(new AppError('LOGIN_FAILED', { reason: 'state mismatch' }));
      return;
    }
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    tokenRequest(baseUrl, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: `http://127.0.0.1:${port}/callback` }, options.fetch ?? fetch).then(
      (answer) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><meta charset="utf-8"><title>Вход выполнен</title><p>Вход выполнен. Вернитесь в NedraDesk — окно можно закрыть.</p>');
        settle?.resolve(new CabinetSession(baseUrl, answer, options));
        server.close();
      },
      (error: unknown) => {
        response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Войти не удалось. Вернитесь в NedraDesk и начните вход заново.');
        settle?.reject(error);
        server.close();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const timer = setTimeout(() => {
    settle?.reject(new AppError('LOGIN_FAILED', { reason: 'timeout' }));
    server.close();
  }, options.timeoutMs ?? 10 * 60_000);
  timer.unref();
  const authorizationUrl = new URL('/idp/authorize', baseUrl);
  authorizationUrl.search = new URLSearchParams({
    response_type: 'code',
    client_id: nedradeskClientId,
    redirect_uri: `http://127.0.0.1:${port}/callback`,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'openid cabinet',
  }).toString();
  return {
    authorizationUrl: authorizationUrl.toString(),
    session,
    close: () => {
      clearTimeout(timer);
      server.close();
    },
  };
}
