/**
 * Threat: another local user (or a web page in the user's browser) reaches the browser-mode host on
 * 127.0.0.1 and calls the API as the user. Any local account can connect to a loopback port, so the
 * host must serve nothing — page, assets, API, event stream — without the session cookie, and the
 * only way to that cookie is the one-time launch address the host printed for its own user.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltWebHost, type RunningWebHost } from '../support/web-host-process';

// Runs against the built bundle (npm test builds first), as the user starts it.
const run = promisify(execFile);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request to the host, with whatever Host, Origin and Cookie a caller sends. */
function send(host: RunningWebHost, pathname: string, options: { method?: string; hostHeader?: string; origin?: string; cookie?: string; body?: string } = {}): Promise<Answer> {
  const { port } = new URL(host.url);
  const headers: Record<string, string> = { host: options.hostHeader ?? `127.0.0.1:${port}` };
  if (options.origin !== undefined) headers.origin = options.origin;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port: Number(port), path: pathname, method: options.method ?? 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      // The event stream stays open when it is served: the first chunk is enough to judge it.
      const finish = (): void => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (response.headers['content-type']?.startsWith('text/event-stream') === true) finish();
      });
      response.on('end', finish);
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const launchToken = (host: RunningWebHost): string => new URL(host.launchUrl).searchParams.get('launch') ?? '';

const asset = (): string => {
  const name = readdirSync(path.resolve('dist/renderer/assets')).find((file) => file.endsWith('.js'));
  if (name === undefined) throw new Error('the renderer is not built');
  return `/assets/${name}`;
};

let host: RunningWebHost;
let secondHost: RunningWebHost;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-launch-token-'));
  host = await startBuiltWebHost({}, ['--data-dir', path.join(dir, 'first')]);
  secondHost = await startBuiltWebHost({}, ['--data-dir', path.join(dir, 'second')]);
});

afterAll(async () => {
  await Promise.all([host?.stop(), secondHost?.stop()]);
});

describe('browser mode without the session cookie', () => {
  it('serves no page, asset, API call or event stream, and no answer carries a credential', async () => {
    const answers = await Promise.all([
      send(host, '/'),
      send(host, '/index.html'),
      send(host, asset()),
      send(host, '/some/route/of/the/app'),
      send(host, '/api/call/app:info', { method: 'POST', body: '{}' }),
      send(host, '/api/call/tokens:list', { method: 'POST', body: '{}' }),
      send(host, '/api/events'),
      // A made-up session cookie is no session.
      send(host, '/api/call/app:info', { method: 'POST', body: '{}', cookie: `nedradesk-session-${new URL(host.url).port}=${'A'.repeat(43)}` }),
    ]);
    for (const answer of answers) {
      expect([401, 403]).toContain(answer.status);
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(answer.body).not.toContain(launchToken(host));
      expect(answer.body).not.toContain('nedradesk-secret');
      expect(answer.body).not.toContain('<script');
    }
    const [page, , , , api] = answers;
    expect(page?.body).toContain('Откройте адрес, который NedraDesk напечатал при запуске');
    expect(JSON.parse(api?.body ?? '{}')).toMatchObject({ ok: false, error: { code: 'BROWSER_SESSION_REQUIRED' } });
  });

  it.skipIf(process.getuid?.() !== 0 || !existsSync('/usr/sbin/runuser') || !existsSync('/usr/bin/curl'))(
    'another local user (nobody) opening the page and calling the API gets 401/403 (needs root, runuser and curl; skipped otherwise)',
    async () => {
      const asNobody = async (...args: string[]): Promise<{ status: string; body: string }> => {
        const { stdout } = await run('runuser', ['-u', 'nobody', '--', 'curl', '-s', '-o', '-', '-w', '\n%{http_code}', ...args], { cwd: '/' });
        const cut = stdout.lastIndexOf('\n');
        return { status: stdout.slice(cut + 1), body: stdout.slice(0, cut) };
      };
      const page = await asNobody(host.url);
      const api = await asNobody('-X', 'POST', '-H', 'content-type: application/json', '--data', '{}', `${host.url}api/call/app:info`);
      const events = await asNobody('--max-time', '5', `${host.url}api/events`);
      // A guess at the launch token is refused like any other.
      const guess = await asNobody(`${host.url}?launch=${'x'.repeat(43)}`);
      for (const answer of [page, api, events, guess]) {
        expect(['401', '403']).toContain(answer.status);
        expect(answer.body).not.toContain(launchToken(host));
      }
      expect(api.body).not.toContain('"ok":true');
    },
  );
});

describe('the one-time launch address', () => {
  let cookie = '';

  it('is at least 128 random bits, works once for a session cookie with the right attributes, then never again', async () => {
    expect(Buffer.from(launchToken(host), 'base64url').length).toBeGreaterThanOrEqual(16);
    const first = await send(host, `/?launch=${launchToken(host)}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = [first.headers['set-cookie'] ?? []].flat();
    expect(setCookie).toHaveLength(1);
    const attributes = (setCookie[0] ?? '').split(';').map((part) => part.trim());
    const [pair, ...flags] = attributes;
    const [name, value] = (pair ?? '').split('=');
    expect(name).toBe(`nedradesk-session-${new URL(host.url).port}`);
    expect(Buffer.from(value ?? '', 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(flags).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    // Host-only: no Domain, so the cookie goes back to this host name only (RFC 6265 §5.3 step 6).
    expect(flags.some((flag) => /^domain=/i.test(flag))).toBe(false);
    cookie = pair ?? '';

    // The token is spent: the same address again, without the cookie, gives nothing.
    const second = await send(host, `/?launch=${launchToken(host)}`);
    expect(second.status).toBe(403);
    expect(second.headers['set-cookie']).toBeUndefined();
    // The browser that has the session is sent on to the clean address.
    const reload = await send(host, `/?launch=${launchToken(host)}`, { cookie });
    expect([reload.status, reload.headers.location]).toEqual([303, '/']);
  });

  it('with the cookie serves the app, the API and the events, and no page or asset carries the cookie or the token', async () => {
    const page = await send(host, '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    const script = await send(host, asset(), { cookie });
    expect(script.status).toBe(200);
    const api = await send(host, '/api/call/app:info', { method: 'POST', body: '{}', cookie, origin: `http://127.0.0.1:${new URL(host.url).port}` });
    expect(JSON.parse(api.body)).toMatchObject({ ok: true, value: { mode: 'browser' } });
    const events = await send(host, '/api/events', { cookie });
    expect([events.status, events.headers['content-type']]).toEqual([200, 'text/event-stream']);
    const sessionValue = cookie.split('=')[1] ?? '';
    for (const answer of [page, script, api, events]) {
      expect(answer.body).not.toContain(sessionValue);
      expect(answer.body).not.toContain(launchToken(host));
    }
  });

  it('refuses a foreign Origin or Host even with the cookie', async () => {
    const { port } = new URL(host.url);
    const call = (options: { hostHeader?: string; origin?: string }): Promise<Answer> => send(host, '/api/call/app:info', { method: 'POST', body: '{}', cookie, ...options });
    expect((await call({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await call({ origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await call({ origin: 'null' })).status).toBe(403);
    // The Origin must be the very address the request went to.
    expect((await call({ origin: `http://localhost:${port}` })).status).toBe(403);
    // DNS rebinding: a name that resolves to 127.0.0.1 is still not this host.
    expect((await call({ hostHeader: `evil.example:${port}` })).status).toBe(421);
    expect((await send(host, '/', { cookie, hostHeader: `evil.example:${port}` })).status).toBe(421);
  });

  it('works when the user opens it on localhost instead of 127.0.0.1', async () => {
    const { port } = new URL(secondHost.url);
    const localhost = `localhost:${port}`;
    const exchange = await send(secondHost, `/?launch=${launchToken(secondHost)}`, { hostHeader: localhost });
    expect(exchange.status).toBe(303);
    const pair = [exchange.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0] ?? '';
    expect((await send(secondHost, '/', { hostHeader: localhost, cookie: pair })).status).toBe(200);
    const api = await send(secondHost, '/api/call/app:info', { method: 'POST', body: '{}', hostHeader: localhost, origin: `http://${localhost}`, cookie: pair });
    expect(JSON.parse(api.body)).toMatchObject({ ok: true });
    // Spent on localhost, it opens nothing on 127.0.0.1.
    expect((await send(secondHost, `/?launch=${launchToken(secondHost)}`)).status).toBe(403);
  });
});
