/**
 * Threat: a hostile or spoofed cabinet makes the person sign text of its choosing at login (a
 * «доверенность» passed off as a login challenge). NedraDesk builds the login statement itself from
 * its fixed prefix, the cabinet's origin, the server's nonce and the time, and signs only that: a
 * provider (a real HTTP server on loopback) that sends anything but a nonce gets no signature at all,
 * and what a real stand receives is exactly the statement the client built and showed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginWithSignature } from '../../src/main/cabinet/identity-client';
import type { Signer } from '../../src/main/core/crypto/algorithms';
import { parseSignedData } from '../../src/main/core/crypto/cms';
import { verifyCades } from '../../src/main/core/crypto/verify';
import { CabinetService } from '../../src/main/services/cabinet-service';
import { apiInputs } from '../../src/shared/api';
import { AppError } from '../../src/shared/errors';
import { buildLoginStatement, isLoginNonce, parseLoginStatement } from '../../src/shared/login-statement';
import { startStand, type RunningStand } from '../../src/stand/server';
import { loadTestPki, type TestPki } from '../fixtures/pki';
import { keySignerFor } from '../support/signers';
import { freePort } from '../support/stand-process';

let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await loadTestPki();
  dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-login-spoofing-'));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** A signer that counts what it is asked to sign. */
function countingSigner(): Signer & { calls: number } {
  const inner = keySignerFor(pki, pki.rsaSigner);
  const counting = {
    calls: 0,
    certificate: inner.certificate,
    chain: inner.chain,
    algorithm: inner.algorithm,
    sign: (bytes: Uint8Array) => {
      counting.calls += 1;
      return inner.sign(bytes);
    },
  };
  return counting;
}

function listen(server: Server, port = 0): Promise<string> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
    }),
  );
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

const proxyText = 'ДОВЕРЕННОСТЬ: Иванова Мария Петровна передаёт лицензию СЫК 01234 ТЭ ООО «Захват» со всеми правами';

describe('a hostile provider on loopback', () => {
  const challenges: Array<[string, Record<string, unknown>]> = [
    ['free text in place of the nonce', { challengeId: 'c-1', nonce: proxyText }],
    ['free text as the old «challenge» field', { challengeId: 'c-2', challenge: Buffer.from(proxyText, 'utf8').toString('base64') }],
    ['a nonce followed by lines of its own', { challengeId: 'c-3', nonce: 'AAAAAAAAAAAAAAAAAAAAAA\nАдрес: https://evil.example' }],
    ['a nonce too short', { challengeId: 'c-4', nonce: 'abc' }],
    ['a nonce too long', { challengeId: 'c-5', nonce: 'a'.repeat(129) }],
    ['base64 with + / = (not base64url)', { challengeId: 'c-6', nonce: 'ab+cd/efgh+ijklmnop==' }],
    ['no challenge id', { nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }],
  ];
  let server: Server;
  let url: string;
  let served: Record<string, unknown>;
  const tokenRequests: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/idp/signature/challenge') {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
          return;
        }
        if (request.url === '/idp/signature/token') tokenRequests.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'x', refresh_token: 'y', expires_in: 900, person_oid: '1000001' }));
      });
    });
    url = await listen(server);
  });

  afterAll(async () => {
    await close(server);
  });

  it.each(challenges)('gets no signature for %s', async (_name, challenge) => {
    served = challenge;
    const signer = countingSigner();
    const error = await loginWithSignature(url, signer).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('LOGIN_CHALLENGE_INVALID');
    expect((error as AppError).message).toBe('Кабинет прислал неверный запрос на вход по подписи, и NedraDesk ничего не подписал. Проверьте адрес кабинета; если он верный, повторите вход позже.');
    expect(signer.calls).toBe(0);
    expect(tokenRequests).toEqual([]);
  });

  it('gets no signature through the app either: the login page is refused the statement and a direct login signs nothing', async () => {
    served = { challengeId: 'c-7', nonce: proxyText };
    const cabinet = new CabinetService({ dataDir: path.join(dir, 'hostile-app'), startStand: async () => ({ url, close: async () => undefined }) });
    try {
      await expect(cabinet.prepareSignatureLogin()).rejects.toMatchObject({ code: 'LOGIN_CHALLENGE_INVALID' });
      const signer = countingSigner();
      await expect(cabinet.loginWithSignature(signer)).rejects.toMatchObject({ code: 'LOGIN_CHALLENGE_INVALID' });
      await expect(cabinet.loginWithSignature(signer, 'c-7')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      expect(signer.calls).toBe(0);
      expect(tokenRequests).toEqual([]);
    } finally {
      await cabinet.close();
    }
  });
});

describe('the statement a real stand receives', () => {
  let stand: RunningStand;
  let proxy: Server;
  let proxyUrl: string;
  /** Bodies of /idp/signature/token as they reached the stand. */
  const received: URLSearchParams[] = [];

  beforeAll(async () => {
    const proxyPort = await freePort();
    stand = await startStand({ dataDir: path.join(dir, 'stand'), trustAnchors: [pki.root.certDer], stepDelayMs: 600_000, publicOrigins: [`http://127.0.0.1:${proxyPort}`], log: () => undefined });
    const upstream = new URL(stand.url);
    // A recording hop in front of the stand: what it records is what the stand is given.
    proxy = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        if (incoming.url === '/idp/signature/token') received.push(new URLSearchParams(body.toString('utf8')));
        const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        forward.end(body);
      });
    });
    proxyUrl = await listen(proxy, proxyPort);
  });

  afterAll(async () => {
    if (proxy !== undefined) await close(proxy);
    await stand?.close();
  });

  it('is exactly the statement the client built around the stand’s nonce, signed detached over its bytes', async () => {
    let shown: string | undefined;
    let nonce: string | undefined;
    const observing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/idp/signature/challenge')) nonce = ((await response.clone().json()) as { nonce: string }).nonce;
      return response;
    };
    const before = Date.now();
    const session = await loginWithSignature(proxyUrl, keySignerFor(pki, pki.rsaSigner), { fetch: observing, onStatement: (statement) => (shown = statement) });
    expect(session.personOid).toBe('1000001');
    expect(received).toHaveLength(1);
    const sent = received[0] as URLSearchParams;
    const statement = sent.get('statement') ?? '';
    expect(statement).toBe(shown);
    const parts = parseLoginStatement(statement);
    expect(parts).toMatchObject({ origin: proxyUrl, nonce });
    expect(Date.parse(parts?.time ?? '')).toBeGreaterThanOrEqual(before - 1);
    expect(statement).toBe(`Вход в личный кабинет\nАдрес: ${proxyUrl}\nКод: ${nonce}\nВремя: ${parts?.time}`);
    const signature = Buffer.from(sent.get('signature') ?? '', 'base64');
    expect(parseSignedData(signature).content).toBeUndefined();
    const report = verifyCades(signature, { content: Buffer.from(statement, 'utf8'), trustAnchors: [pki.root.certDer] });
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.contentSha256).toBe(createHash('sha256').update(statement, 'utf8').digest('hex'));
  });

  it('through the app, is the statement the login page showed; a statement not shown is never signed', async () => {
    const cabinet = new CabinetService({ dataDir: path.join(dir, 'app'), startStand: async () => ({ url: proxyUrl, close: async () => undefined }) });
    try {
      const shown = await cabinet.prepareSignatureLogin();
      expect(parseLoginStatement(shown.statement)?.origin).toBe(proxyUrl);
      const signer = countingSigner();
      // An id the login page was not shown a statement for: nothing is signed.
      await expect(cabinet.loginWithSignature(signer, 'другой-запрос')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      expect(signer.calls).toBe(0);
      const before = received.length;
      const shownAgain = await cabinet.prepareSignatureLogin();
      const state = await cabinet.loginWithSignature(signer, shownAgain.challengeId);
      expect(state.person?.surname).toBe('Иванова');
      expect(received.slice(before).map((body) => body.get('statement'))).toEqual([shownAgain.statement]);
      expect(signer.calls).toBe(1);
    } finally {
      await cabinet.close();
    }
  });
});

describe('the shared builder and parser', () => {
  it.each([
    ['AAAAAAAAAAAAAAAA', true],
    ['A'.repeat(128), true],
    ['abc_DEF-123456789', true],
    ['A'.repeat(15), false],
    ['A'.repeat(129), false],
    ['AAAAAAAAAAAAAAAA=', false],
    ['AAAAAAAA+AAAAAAA', false],
    ['AAAAAAAA/AAAAAAA', false],
    ['AAAAAAAA AAAAAAA', false],
    ['AAAAAAAAAAAAAAAA\n', false],
    ['ААААААААААААААААА', false],
  ])('takes %j as a nonce: %s', (value, expected) => {
    expect(isLoginNonce(value)).toBe(expected);
  });

  it('reads back only what it writes', () => {
    const parts = { origin: 'https://lk.rosnedra.example', nonce: 'n0nce-n0nce_n0nce', time: '2026-12-04T15:00:00.000Z' };
    const text = buildLoginStatement(parts) as string;
    expect(text).toBe('Вход в личный кабинет\nАдрес: https://lk.rosnedra.example\nКод: n0nce-n0nce_n0nce\nВремя: 2026-12-04T15:00:00.000Z');
    expect(parseLoginStatement(text)).toEqual(parts);
    for (const altered of [`${text}\n`, text.replace(/\n/g, '\r\n'), `${text}\nДоверенность: да`, text.replace('https://lk.rosnedra.example', 'https://lk.rosnedra.example/path'), text.replace('Вход', 'Выход'), text.replace('15:00:00.000Z', '15:00:00Z')]) {
      expect(parseLoginStatement(altered)).toBeUndefined();
    }
    expect(buildLoginStatement({ ...parts, origin: 'file:///etc' })).toBeUndefined();
    expect(buildLoginStatement({ ...parts, nonce: proxyText })).toBeUndefined();
  });
});

describe('the API contract', () => {
  it('signs at login only a statement the page was shown: a login signature without its challenge id is refused', () => {
    const schema = apiInputs['cabinet:login-signature'];
    expect(schema.safeParse({ certificate: 'id:01', pin: '123456' }).success).toBe(false);
    expect(schema.safeParse({ certificate: 'id:01', pin: '123456', challengeId: 'c_0123456789abcdef' }).success).toBe(true);
  });
});
