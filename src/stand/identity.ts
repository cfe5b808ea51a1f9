/**
 * The stand's identity provider, ESIA-style (design §5): OAuth 2.0 authorization code with PKCE
 * for a native app (RFC 7636, RFC 8252 loopback redirect), a Russian login page with password and
 * a one-time SMS code (written to the stand's log, and in test mode to `/training/sms`), signature
 * login (a login statement around the stand's nonce, signed as a detached CAdES signature; the
 * certificate mapped to a person by SNILS), JWT access
 * tokens (RS256, JWKS published) and rotating refresh tokens.
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt, randomUUID, timingSafeEqual, type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exportJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { OrganisationRole, Person, Role } from '../shared/cabinet';
import { parseSignedData } from '../main/core/crypto/cms';
import { verifyCades } from '../main/core/crypto/verify';
import { parseLoginStatement } from '../shared/login-statement';
import { passwordMatches, type StandDatabase } from './database';
import { codePage, lockedPage, loginPage, messagePage } from './pages';

export const clientId = 'nedradesk';
export const audience = 'nedradesk-cabinet';
/** How long a signature-login challenge may be answered. */
export const loginChallengeLifetimeMs = 5 * 60_000;

export interface IdentityOptions {
  issuer: () => string;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  codeLifetimeMs: number;
  /** Test mode: `/training/sms` tells the last one-time code of a login. */
  testMode: boolean;
  /** Origins besides the issuer's that a login statement may name (a proxy in front of the stand). */
  publicOrigins: readonly string[];
  trustAnchors: readonly Uint8Array[];
  log: (line: string) => void;
  /**
   * Receives each one-time code in-process, as the stand «sends» it: the app's embedded stand hands
   * it to main, whose login page shows it to the user at this computer. Never an HTTP route (that is
   * /training/sms, test mode only).
   */
  onSms?: (sms: { phone: string; code: string }) => void;
  now: () => Date;
}

interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  expiresAt: number;
}

/** What an authenticated request carries. */
export interface Caller {
  personOid: string;
}

/** An error answered as `{code, message}` with an HTTP status. */
export class StandError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();
const base64url = (value: Buffer): string => value.toString('base64url');

function signingKey(database: StandDatabase): { privateKey: KeyObject; publicKey: KeyObject; kid: string } {
  // The key survives restarts, so tokens issued before a restart stay valid.
  const stored = database.prepare("SELECT value FROM settings WHERE key = 'jwt-key'").get() as { value: string } | undefined;
  let pem = stored?.value;
  if (pem === undefined) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    database.prepare("INSERT INTO settings (key, value) VALUES ('jwt-key', ?)").run(pem);
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const kid = base64url(sha256(publicKey.export({ type: 'spki', format: 'der' }))).slice(0, 16);
  return { privateKey, publicKey, kid };
}

/** A person by phone (+7… or 8…), e-mail or SNILS (with or without separators). */
function findPerson(database: StandDatabase, login: string): { oid: string; password_hash: string; phone: string } | undefined {
  const trimmed = login.trim();
  const digits = trimmed.replace(/\D/g, '');
  const phone = /^[78]\d{10}$/.test(digits) ? `+7${digits.slice(1)}` : '';
  const snils = digits.length === 11 ? digits : '';
  return database.prepare('SELECT oid, password_hash, phone FROM persons WHERE lower(email) = lower(?) OR phone = ? OR snils = ?').get(trimmed, phone, snils) as
    | { oid: string; password_hash: string; phone: string }
    | undefined;
}

/** A person as the REST API returns it. */
export function personOf(database: StandDatabase, oid: string): Person | undefined {
  const row = database.prepare('SELECT oid, surname, given_name, snils, inn, email, phone FROM persons WHERE oid = ?').get(oid) as
    | { oid: string; surname: string; given_name: string; snils: string; inn: string; email: string; phone: string }
    | undefined;
  return row && { oid: row.oid, surname: row.surname, givenName: row.given_name, snils: row.snils, inn: row.inn, email: row.email, phone: row.phone };
}

/** The person's organisations and roles (memberships that have not expired). */
export function rolesOf(database: StandDatabase, oid: string, now: Date): OrganisationRole[] {
  const rows = database
    .prepare(
      `SELECT o.oid, o.full_name, o.inn, o.ogrn, o.address, m.role, m.expires_at FROM members m JOIN organisations o ON o.oid = m.organisation_oid
       WHERE m.person_oid = ? AND (m.expires_at IS NULL OR m.expires_at > ?) ORDER BY o.full_name`,
    )
    .all(oid, now.toISOString()) as Array<{ oid: string; full_name: string; inn: string; ogrn: string; address: string; role: Role; expires_at: string | null }>;
  return rows.map((row) => ({ organisationOid: row.oid, fullName: row.full_name, inn: row.inn, ogrn: row.ogrn, address: row.address, role: row.role, expiresAt: row.expires_at ?? undefined }));
}

function maskedPhone(phone: string): string {
  return `${phone.slice(0, 2)} ${phone.slice(2, 5)} ***-**-${phone.slice(-2)}`;
}

/** Registers the identity provider's routes; returns the bearer-token check for the APIs. */
export function registerIdentity(app: FastifyInstance, database: StandDatabase, options: IdentityOptions): { authenticate(request: FastifyRequest): Promise<Caller>; lastSmsCode(login: string): string | undefined } {
  const key = signingKey(database);
  const pending = new Map<string, PendingAuthorization>();
  // Training only: the last code "sent" to each login, for in-process tests and, in test mode, /training/sms.
  const smsForTraining = new Map<string, string>();

  const issueTokens = async (personOid: string, client: string): Promise<Record<string, unknown>> => {
    const now = options.now();
    const accessToken = await new SignJWT({ scope: 'openid cabinet' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer())
      .setAudience(audience)
      .setSubject(personOid)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + options.accessTokenSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
    const refreshToken = base64url(randomBytes(32));
    database
      .prepare('INSERT INTO refresh_tokens (token_hash, person_oid, client_id, expires_at) VALUES (?, ?, ?, ?)')
      .run(sha256(refreshToken).toString('hex'), personOid, client, now.getTime() + options.refreshTokenSeconds * 1000);
    database.prepare("INSERT INTO journal (at, person_oid, action, result) VALUES (?, ?, 'login', 'ok')").run(now.toISOString(), personOid);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: options.accessTokenSeconds, refresh_token: refreshToken, person_oid: personOid };
  };

  // The origins a login statement may name: the stand listens on 127.0.0.1, which a client may also call localhost.
  const ownOrigins = (): string[] => {
    const issuer = new URL(options.issuer());
    return [issuer.origin, `${issuer.protocol}//localhost${issuer.port === '' ? '' : `:${issuer.port}`}`, ...options.publicOrigins];
  };

  const formValue = (body: unknown, name: string): string | undefined => {
    const value = (body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : undefined;
  };

  app.get('/idp/authorize', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const redirectUri = query.redirect_uri ?? '';
    let redirect: URL | undefined;
    try {
      redirect = new URL(redirectUri);
    } catch {
      redirect = undefined;
    }
    // RFC 8252 §7.3: a native app receives the code on a loopback address.
    const loopback = redirect !== undefined && redirect.protocol === 'http:' && (redirect.hostname === '127.0.0.1' || redirect.hostname === '[::1]' || redirect.hostname === 'localhost');
    if (query.response_type !== 'code' || query.client_id !== clientId || !loopback || query.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43,128}$/.test(query.code_challenge ?? '')) {
      return reply.code(400).type('text/html').send(messagePage('Неверный запрос входа', 'Приложение передало неверные параметры входа. Обновите NedraDesk и начните вход заново.'));
    }
    const id = randomUUID();
    pending.set(id, { clientId: clientId, redirectUri, state: query.state, codeChallenge: query.code_challenge as string, expiresAt: options.now().getTime() + 15 * 60_000 });
    return reply.type('text/html').send(loginPage(id));
  });

  app.post('/idp/login', async (request, reply) => {
    const requestId = formValue(request.body, 'request') ?? '';
    const login = formValue(request.body, 'login') ?? '';
    const password = formValue(request.body, 'password') ?? '';
    const authorization = pending.get(requestId);
    if (authorization === undefined || authorization.expiresAt < options.now().getTime()) {
      return reply.code(400).type('text/html').send(messagePage('Вход устарел', 'Страница входа устарела. Вернитесь в NedraDesk и начните вход заново.'));
    }
    const person = findPerson(database, login);
    if (person === undefined || !passwordMatches(password, person.password_hash)) {
      database.prepare("INSERT INTO journal (at, person_oid, action, result) VALUES (?, ?, 'login', 'wrong-password')").run(options.now().toISOString(), person?.oid ?? null);
      return reply.code(401).type('text/html').send(loginPage(requestId, 'Неверный логин или пароль. Проверьте телефон, почту или СНИЛС и пароль.', login));
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const attempt = randomUUID();
    database
      .prepare('INSERT INTO login_attempts (id, person_oid, code_hash, expires_at, state, client_id, redirect_uri, state_param, code_challenge, login) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(attempt, person.oid, sha256(`${attempt}:${code}`).toString('hex'), options.now().getTime() + options.codeLifetimeMs, 'waiting', authorization.clientId, authorization.redirectUri, authorization.state ?? null, authorization.codeChallenge, login);
    pending.delete(requestId);
    smsForTraining.set(login.trim().toLowerCase(), code);
    // The training stand sends no SMS: the code goes to its log, as the practice guide says.
    options.log(`СМС на ${maskedPhone(person.phone)}: код входа ${code} (учебный стенд)`);
    options.onSms?.({ phone: maskedPhone(person.phone), code });
    return reply.type('text/html').send(codePage(attempt, maskedPhone(person.phone)));
  });

  app.post('/idp/otp', async (request, reply) => {
    const attemptId = formValue(request.body, 'attempt') ?? '';
    const code = (formValue(request.body, 'code') ?? '').replace(/\s/g, '');
    const attempt = database.prepare('SELECT * FROM login_attempts WHERE id = ?').get(attemptId) as
      | { id: string; person_oid: string; code_hash: string; expires_at: number; failures: number; state: string; client_id: string; redirect_uri: string; state_param: string | null; code_challenge: string; login: string }
      | undefined;
    if (attempt === undefined || attempt.state !== 'waiting') return reply.code(400).type('text/html').send(lockedPage());
    if (attempt.expires_at < options.now().getTime()) {
      database.prepare("UPDATE login_attempts SET state = 'expired' WHERE id = ?").run(attempt.id);
      return reply.code(400).type('text/html').send(messagePage('Код больше не действует', 'Код из СМС действует 5 минут. Вернитесь в NedraDesk и начните вход заново.'));
    }
    const expected = Buffer.from(attempt.code_hash, 'hex');
    if (!timingSafeEqual(sha256(`${attempt.id}:${code}`), expected)) {
      const failures = attempt.failures + 1;
      const locked = failures >= 3;
      database.prepare('UPDATE login_attempts SET failures = ?, state = ? WHERE id = ?').run(failures, locked ? 'locked' : 'waiting', attempt.id);
      database.prepare("INSERT INTO journal (at, person_oid, action, result) VALUES (?, ?, 'login', 'wrong-code')").run(options.now().toISOString(), attempt.person_oid);
      if (locked) return reply.code(403).type('text/html').send(lockedPage());
      return reply.code(401).type('text/html').send(codePage(attempt.id, undefined, `Неверный код. Осталось попыток: ${3 - failures}.`));
    }
    database.prepare("UPDATE login_attempts SET state = 'done' WHERE id = ?").run(attempt.id);
    const authorizationCode = base64url(randomBytes(32));
    database
      .prepare('INSERT INTO authorization_codes (code, person_oid, client_id, redirect_uri, code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(authorizationCode, attempt.person_oid, attempt.client_id, attempt.redirect_uri, attempt.code_challenge, options.now().getTime() + 60_000);
    const target = new URL(attempt.redirect_uri);
    target.searchParams.set('code', authorizationCode);
    if (attempt.state_param !== null) target.searchParams.set('state', attempt.state_param);
    return reply.redirect(target.toString(), 302);
  });

  app.post('/idp/token', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const grant = formValue(body, 'grant_type');
    const client = formValue(body, 'client_id');
    if (client !== clientId) throw new StandError(401, 'invalid_client', 'Неизвестное приложение.');
    if (grant === 'authorization_code') {
      const code = formValue(body, 'code') ?? '';
      const verifier = formValue(body, 'code_verifier') ?? '';
      const row = database.prepare('SELECT * FROM authorization_codes WHERE code = ?').get(code) as
        | { code: string; person_oid: string; client_id: string; redirect_uri: string; code_challenge: string; expires_at: number; used: number }
        | undefined;
      if (row === undefined || row.used === 1 || row.expires_at < options.now().getTime() || row.redirect_uri !== formValue(body, 'redirect_uri')) {
        throw new StandError(400, 'invalid_grant', 'Код входа недействителен или уже использован. Войдите заново.');
      }
      database.prepare('UPDATE authorization_codes SET used = 1 WHERE code = ?').run(code);
      if (base64url(sha256(verifier)) !== row.code_challenge) throw new StandError(400, 'invalid_grant', 'Проверка PKCE не пройдена. Войдите заново.');
      return reply.send(await issueTokens(row.person_oid, client));
    }
    if (grant === 'refresh_token') {
      const token = formValue(body, 'refresh_token') ?? '';
      const hash = sha256(token).toString('hex');
      const row = database.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(hash) as { person_oid: string; expires_at: number; revoked: number } | undefined;
      if (row === undefined || row.revoked === 1 || row.expires_at < options.now().getTime()) throw new StandError(400, 'invalid_grant', 'Сеанс истёк. Войдите заново.');
      // Rotation: a refresh token is good once (OAuth 2.0 Security BCP §4.14).
      database.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?').run(hash);
      return reply.send(await issueTokens(row.person_oid, client));
    }
    throw new StandError(400, 'unsupported_grant_type', 'Неподдерживаемый способ получения токена.');
  });

  app.post('/idp/logout', async (request, reply) => {
    const token = formValue(request.body, 'refresh_token');
    if (token !== undefined) database.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?').run(sha256(token).toString('hex'));
    return reply.code(204).send();
  });

  app.get('/idp/jwks', async () => {
    const jwk: JWK = await exportJWK(key.publicKey);
    return { keys: [{ ...jwk, kid: key.kid, alg: 'RS256', use: 'sig' }] };
  });

  app.get('/.well-known/openid-configuration', async () => {
    const issuer = options.issuer();
    return {
      issuer,
      authorization_endpoint: `${issuer}/idp/authorize`,
      token_endpoint: `${issuer}/idp/token`,
      jwks_uri: `${issuer}/idp/jwks`,
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    };
  });

  // Signature login (design §5, §6). The stand issues a nonce; the client builds the login statement
  // around it itself (src/shared/login-statement.ts), signs exactly its UTF-8 bytes as a DETACHED
  // CAdES signature and sends the statement and the signature back. A challenge is good once — its
  // first use consumes it, successful or not — and for five minutes, so a signature made for one
  // login (or captured from one) opens no other.
  app.post('/idp/signature/challenge', async (request) => {
    if (formValue(request.body, 'client_id') !== clientId) throw new StandError(401, 'invalid_client', 'Неизвестное приложение.');
    const id = randomUUID();
    const nonce = base64url(randomBytes(32));
    const issuedAt = options.now().getTime();
    database.prepare('INSERT INTO login_challenges (id, nonce, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(id, nonce, clientId, issuedAt, issuedAt + loginChallengeLifetimeMs);
    return { challengeId: id, nonce, expiresAt: new Date(issuedAt + loginChallengeLifetimeMs).toISOString() };
  });

  app.post('/idp/signature/token', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (formValue(body, 'client_id') !== clientId) throw new StandError(401, 'invalid_client', 'Неизвестное приложение.');
    const row = database.prepare('SELECT * FROM login_challenges WHERE id = ?').get(formValue(body, 'challengeId') ?? '') as { id: string; nonce: string; expires_at: number; used: number } | undefined;
    if (row === undefined) throw new StandError(400, 'challenge_unknown', 'Запрос на вход не найден. Повторите вход.');
    if (row.used === 1) throw new StandError(400, 'challenge_used', 'Этот запрос на вход уже использован: подпись входа действует один раз. Повторите вход.');
    database.prepare('UPDATE login_challenges SET used = 1 WHERE id = ?').run(row.id);
    if (row.expires_at < options.now().getTime()) throw new StandError(400, 'challenge_expired', 'Запрос на вход устарел: он действует 5 минут. Повторите вход.');
    const statement = formValue(body, 'statement') ?? '';
    const parts = parseLoginStatement(statement);
    if (parts === undefined) throw new StandError(400, 'statement_invalid', 'Текст заявления о входе не соответствует установленному виду. Обновите NedraDesk и повторите вход.');
    if (parts.nonce !== row.nonce) throw new StandError(401, 'statement_other_challenge', 'Подписанное заявление относится к другому запросу на вход. Повторите вход.');
    if (!ownOrigins().includes(parts.origin)) throw new StandError(401, 'statement_other_cabinet', 'Заявление о входе подписано для другого кабинета. Проверьте адрес кабинета и повторите вход.', { origin: parts.origin });
    const signature = Buffer.from(formValue(body, 'signature') ?? '', 'base64');
    let attached: boolean;
    try {
      attached = parseSignedData(signature).content !== undefined;
    } catch {
      throw new StandError(400, 'signature_malformed', 'Подпись запроса на вход повреждена или не является подписью CAdES.');
    }
    // RFC 5652 §5.2: an attached signature carries its own content; a login signature must not,
    // so that the signed bytes are exactly the statement for this challenge and nothing else.
    if (attached) throw new StandError(400, 'signature_attached', 'Подпись входа должна быть отсоединённой и сделанной над заявлением о входе. Обновите NedraDesk и повторите вход.');
    const report = verifyCades(signature, { content: Buffer.from(statement, 'utf8'), trustAnchors: options.trustAnchors, now: options.now() });
    const signer = report.signers[0];
    if (report.indication !== 'TOTAL_PASSED' || report.attached || signer?.signer === undefined) {
      const sub = report.subIndication;
      const code =
        sub === 'EXPIRED' || sub === 'NOT_YET_VALID'
          ? 'certificate_not_valid'
          : sub === 'NO_CERTIFICATE_CHAIN_FOUND'
            ? 'certificate_untrusted'
            : sub === 'REVOKED'
              ? 'certificate_revoked'
              : sub === 'HASH_FAILURE'
                ? 'signature_not_for_statement'
                : 'signature_invalid';
      const messages: Record<string, string> = {
        certificate_not_valid: 'Сертификат подписи недействителен на текущую дату. Используйте действующий сертификат.',
        certificate_untrusted: 'Сертификат выдан удостоверяющим центром, которому стенд не доверяет.',
        certificate_revoked: 'Сертификат отозван удостоверяющим центром.',
        signature_not_for_statement: 'Подпись сделана не над этим заявлением о входе. Повторите вход.',
        signature_invalid: 'Подпись запроса на вход недействительна.',
      };
      throw new StandError(401, code, messages[code] as string, { reasons: report.reasons });
    }
    const snils = signer.signer.snils;
    const person = snils === undefined ? undefined : (database.prepare('SELECT oid FROM persons WHERE snils = ?').get(snils) as { oid: string } | undefined);
    if (person === undefined) throw new StandError(401, 'person_unknown', 'Владелец сертификата не зарегистрирован на стенде (СНИЛС не найден).');
    return reply.send(await issueTokens(person.oid, clientId));
  });

  const authenticate = async (request: FastifyRequest): Promise<Caller> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (match === null) throw new StandError(401, 'unauthorized', 'Нужен вход: токен доступа не передан.');
    try {
      const { payload } = await jwtVerify(match[1] as string, key.publicKey, { issuer: options.issuer(), audience, algorithms: ['RS256'], currentDate: options.now() });
      if (typeof payload.sub !== 'string') throw new Error('no subject');
      return { personOid: payload.sub };
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new StandError(401, expired ? 'token_expired' : 'unauthorized', expired ? 'Срок действия токена доступа истёк.' : 'Токен доступа недействителен.');
    }
  };

  app.get('/rs/prns/:oid', async (request) => {
    const caller = await authenticate(request);
    const { oid } = request.params as { oid: string };
    if (oid !== caller.personOid) throw new StandError(403, 'forbidden', 'Нет доступа к данным другого человека.');
    const person = personOf(database, oid);
    if (person === undefined) throw new StandError(404, 'not_found', 'Человек не найден.');
    return person;
  });

  app.get('/rs/prns/:oid/roles', async (request) => {
    const caller = await authenticate(request);
    const { oid } = request.params as { oid: string };
    if (oid !== caller.personOid) throw new StandError(403, 'forbidden', 'Нет доступа к данным другого человека.');
    return rolesOf(database, oid, options.now());
  });

  // Anyone who can reach this route reads every one-time code, so it exists only in test mode (set
  // explicitly by the tests that drive the provider's page), never on a stand people practise on.
  if (options.testMode) {
    app.get('/training/sms', async (request: FastifyRequest, reply: FastifyReply) => {
      const login = ((request.query as Record<string, string | undefined>).login ?? '').trim().toLowerCase();
      const code = smsForTraining.get(login);
      if (code === undefined) return reply.code(404).send({ code: 'not_found', message: 'Для этого логина код не отправлялся.' });
      return { login, code };
    });
  }

  return { authenticate, lastSmsCode: (login) => smsForTraining.get(login.trim().toLowerCase()) };
}
