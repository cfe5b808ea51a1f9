import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';

/** A browser-mode host started from the built bundle, as a user would start it. */
export interface RunningWebHost {
  /** The clean address, http://127.0.0.1:<port>/ (usable only with the session cookie). */
  url: string;
  /** The one-time address the host printed (`/?launch=<token>`). */
  launchUrl: string;
  process: ChildProcess;
  /**
   * The session cookie as a `Cookie` header value. The first call spends the launch token the way a
   * browser does (GET the launch address, keep its Set-Cookie); later calls, and `openInBrowser`, reuse it.
   */
  cookieHeader(): Promise<string>;
  stop(): Promise<void>;
}

interface SessionCookie {
  name: string;
  value: string;
}

/** The session each host gave: its launch token is spent once, by whoever comes first. */
const sessions = new WeakMap<RunningWebHost, { cookie?: Promise<SessionCookie> }>();

function sessionOf(host: RunningWebHost): { cookie?: Promise<SessionCookie> } {
  const state = sessions.get(host) ?? {};
  sessions.set(host, state);
  return state;
}

async function exchange(launchUrl: string): Promise<SessionCookie> {
  const response = await fetch(launchUrl, { redirect: 'manual' });
  const match = /^([^=;\s]+)=([^;\s]+)/.exec(response.headers.get('set-cookie') ?? '');
  if (response.status !== 303 || match?.[1] === undefined || match[2] === undefined) {
    throw new Error(`the launch address gave no session: HTTP ${response.status}`);
  }
  return { name: match[1], value: match[2] };
}

/** Starts `dist/main/web.cjs` on a free port and resolves with the launch address it prints. */
export function startBuiltWebHost(extraEnv: NodeJS.ProcessEnv = {}, extraArgs: readonly string[] = []): Promise<RunningWebHost> {
  const entry = path.resolve('dist/main/web.cjs');
  const child = spawn(process.execPath, [entry, '--port', '0', ...extraArgs], { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      // A host that never printed its address is not left running after the test.
      child.kill('SIGTERM');
      reject(new Error(`web host did not start: ${output}`));
    }, 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)(\?launch=[A-Za-z0-9_-]+)?/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      const launchUrl = match[0];
      const host: RunningWebHost = {
        url: match[1],
        launchUrl,
        process: child,
        cookieHeader: async () => {
          const state = sessionOf(host);
          state.cookie ??= exchange(launchUrl);
          const cookie = await state.cookie;
          return `${cookie.name}=${cookie.value}`;
        },
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      };
      resolve(host);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}: ${output}`));
    });
  });
}

/**
 * Opens the app in a Playwright page as the user does: the first page of a host loads the printed
 * launch address in the browser itself; pages of later tests (each test has a fresh browser context)
 * get that same session cookie, as the user's one browser would keep it.
 */
export async function openInBrowser(page: Page, host: RunningWebHost): Promise<void> {
  const state = sessionOf(host);
  if (state.cookie === undefined) {
    state.cookie = (async () => {
      await page.goto(host.launchUrl);
      const cookie = (await page.context().cookies(host.url)).find((item) => item.name.startsWith('nedradesk-session-'));
      if (cookie === undefined) throw new Error('the launch address set no session cookie in the browser');
      return { name: cookie.name, value: cookie.value };
    })();
    await state.cookie;
    return;
  }
  const cookie = await state.cookie;
  await page.context().addCookies([{ name: cookie.name, value: cookie.value, url: host.url, httpOnly: true, sameSite: 'Strict' }]);
  await page.goto(host.url);
}
