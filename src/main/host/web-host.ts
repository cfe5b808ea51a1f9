/**
 * Browser mode: serves the renderer and the API contract on 127.0.0.1.
 *
 * Same security rules as the Electron shell, adapted to HTTP (design §6): binds loopback only, the
 * Host header must name this server (no DNS rebinding), a present Origin must be the origin the
 * request was sent to (no CORS, no cross-site calls), and nothing at all — page, assets, API, event
 * stream — is served without the session cookie. Any local user can connect to a loopback port, so
 * the page itself must not carry a credential: as notebook servers do, the host prints a one-time
 * launch address (`/?launch=<token>`, 256 random bits) and the first load exchanges the token for an
 * HttpOnly, SameSite=Strict session cookie, then redirects to the clean address.
 *
 * `127.0.0.1` and `localhost` are different cookie hosts (RFC 6265 §5.3 step 6: a cookie without
 * Domain goes back only to the host that set it), so the exchange works on whichever of the two the
 * launch address is opened on, and the session then lives on that name.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { apiEventNames, type ApiEventName, type ApiEvents } from '../../shared/api';
import { largestDocumentBytes } from '../core/catalog/document-roles';
import { AppError } from '../../shared/errors';
import type { Dispatcher } from '../services/dispatch';
import { contentSecurityPolicy } from '../../shared/content-security';

export interface WebHostOptions {
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  dispatch: Dispatcher;
  /** 0 picks a free port. */
  port: number;
  /** Largest API request body; bigger ones are refused before parsing. Default: `maxApiBodyBytes`. */
  maxBodyBytes?: number;
}

export interface WebHost {
  /** The clean address, usable only with the session cookie. */
  url: string;
  /** The one-time address to print for the user: its first load signs the browser in. */
  launchUrl: string;
  port: number;
  /** Pushes an event to every connected page. */
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
  close(): Promise<void>;
}

const mediaTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

/**
 * The largest API request: `files:stage` with the largest file a document rule admits, as base64
 * (4 characters per 3 bytes, RFC 4648 §4), in its JSON envelope — the keys, and a file name of up to
 * 255 UTF-16 units (the contract's limit), each at most 6 bytes once escaped (`\uXXXX`, RFC 8259 §7).
 */
export const maxApiBodyBytes = 4 * Math.ceil(largestDocumentBytes / 3) + JSON.stringify({ name: '', contentBase64: '' }).length + 255 * 6;

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Sessions are kept by hash: a lookup's timing says nothing about the cookie values. */
function sessionKey(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4), or undefined. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

// What a browser without the session sees: where to get in, nothing else (no secret, no app).
const signInPage = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>NedraDesk — нет доступа</title></head>
<body><h1>Нет доступа к NedraDesk</h1>
<p>Откройте адрес, который NedraDesk напечатал при запуске (он содержит <code>?launch=</code>). Этот адрес действует один раз; если он уже открыт в другом браузере или под другим именем (127.0.0.1 или localhost), перезапустите NedraDesk и откройте новый адрес.</p>
</body></html>
`;

const signInPageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

/**
 * The request body as text; past `limit` it is read to its end and dropped, never kept, and fails with
 * FILE_TOO_LARGE. Events, not `for await`: leaving an async iterator early destroys the socket, and an
 * answer sent while the page is still uploading may never reach it; the page would see a network error.
 */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => (size > limit ? reject(new AppError('FILE_TOO_LARGE', { limit })) : resolve(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

/** Starts the browser-mode host and resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  // One launch token per start; spent by its first use (undefined afterwards).
  let launchToken: string | undefined = randomBytes(32).toString('base64url');
  const sessions = new Set<string>();
  const maxBodyBytes = options.maxBodyBytes ?? maxApiBodyBytes;
  const eventStreams = new Set<ServerResponse>();
  const rendererRoot = path.resolve(options.rendererDir);
  let allowedHosts = new Set<string>();
  let origin = '';
  // Cookies are not scoped by port (RFC 6265 §8.5): the port in the name keeps two hosts apart.
  let cookieName = '';

  const hasSession = (request: IncomingMessage): boolean => {
    const value = cookieValue(request.headers.cookie, cookieName);
    return value !== undefined && sessions.has(sessionKey(value));
  };

  /** `GET /?launch=<token>`: spends the token for a session cookie, then sends the browser to `/`. */
  const exchangeLaunchToken = (request: IncomingMessage, given: string | undefined, response: ServerResponse): void => {
    if (hasSession(request)) {
      // A reload of the launch address in the browser that already has the session.
      response.writeHead(303, { location: '/', 'cache-control': 'no-store' }).end();
      return;
    }
    if (launchToken === undefined || !sameSecret(given, launchToken)) {
      response.writeHead(403, signInPageHeaders).end(signInPage);
      return;
    }
    launchToken = undefined;
    const session = randomBytes(32).toString('base64url');
    sessions.add(sessionKey(session));
    // No Domain (host-only), Path=/, HttpOnly, SameSite=Strict: the `__Host-` rules except Secure,
    // which plain-http loopback cannot use (RFC 6265bis §4.1.3.2). No Max-Age: it ends with the browser
    // session, and with this process (sessions live only in its memory).
    response.writeHead(303, {
      location: '/',
      'set-cookie': `${cookieName}=${session}; Path=/; HttpOnly; SameSite=Strict`,
      'cache-control': 'no-store',
    });
    response.end();
  };

  const serveStatic = async (pathname: string, response: ServerResponse): Promise<void> => {
    const relative = decodeURIComponent(pathname).replace(/^\/+/, '');
    const resolved = path.resolve(rendererRoot, relative);
    if (resolved !== rendererRoot && !resolved.startsWith(rendererRoot + path.sep)) {
      response.writeHead(404).end();
      return;
    }
    const info = await stat(resolved).catch(() => undefined);
    if (relative === '' || info === undefined || !info.isFile()) {
      // Single-page app: unknown paths get the shell.
      const body = await readFile(path.join(rendererRoot, 'index.html'));
      response.writeHead(200, { 'content-type': mediaTypes['.html'], 'content-security-policy': contentSecurityPolicy, 'cache-control': 'no-store' });
      response.end(body);
      return;
    }
    const type = mediaTypes[path.extname(resolved)] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'content-length': info.size, 'content-security-policy': contentSecurityPolicy });
    createReadStream(resolved).pipe(response);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'no-referrer');
    if (!allowedHosts.has(request.headers.host ?? '')) {
      response.writeHead(421).end();
      return;
    }
    // The page's own origin is the address it was loaded from, on either loopback name.
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== `http://${request.headers.host ?? ''}`) {
      response.writeHead(403).end();
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/' && url.searchParams.has('launch') && request.method === 'GET') {
      exchangeLaunchToken(request, url.searchParams.get('launch') ?? undefined, response);
      return;
    }
    if (!hasSession(request)) {
      if (url.pathname.startsWith('/api/')) {
        sendJson(response, 401, { ok: false, error: new AppError('BROWSER_SESSION_REQUIRED').toData() });
      } else {
        response.writeHead(401, signInPageHeaders).end(signInPage);
      }
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405).end();
        return;
      }
      await serveStatic(url.pathname, response);
      return;
    }
    if (url.pathname === '/api/events' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(': nedradesk\n\n');
      eventStreams.add(response);
      request.on('close', () => eventStreams.delete(response));
      return;
    }
    const callMatch = /^\/api\/call\/([a-z0-9:-]+)$/i.exec(url.pathname);
    if (callMatch === null || request.method !== 'POST') {
      response.writeHead(404).end();
      return;
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      response.writeHead(415).end();
      return;
    }
    let input: unknown;
    try {
      const body = await readBody(request, maxBodyBytes);
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch (error) {
      const tooLarge = error instanceof AppError && error.code === 'FILE_TOO_LARGE';
      // 413, Content Too Large (RFC 9110 §15.5.14).
      sendJson(response, tooLarge ? 413 : 400, { ok: false, error: (tooLarge ? error : new AppError('INVALID_INPUT')).toData() });
      return;
    }
    const result = await options.dispatch(callMatch[1] ?? '', input);
    sendJson(response, 200, result);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : options.port);
    });
  });
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  origin = `http://127.0.0.1:${port}`;
  cookieName = `nedradesk-session-${port}`;

  return {
    url: `${origin}/`,
    launchUrl: `${origin}/?launch=${launchToken ?? ''}`,
    port,
    emit(event, payload) {
      if (!apiEventNames.includes(event)) return;
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const stream of eventStreams) stream.write(frame);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of eventStreams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
