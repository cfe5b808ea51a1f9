/**
 * Browser mode: serves the renderer and the API contract on 127.0.0.1.
 *
 * Same security rules as the Electron shell, adapted to HTTP (design §6): binds loopback only,
 * a random per-launch secret is required on every API request, the Host header must name this
 * server (no DNS rebinding), a present Origin must be this server's (no CORS, no cross-site calls).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { apiEventNames, type ApiEventName, type ApiEvents } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { Dispatcher } from '../services/dispatch';
import { contentSecurityPolicy } from '../../shared/content-security';

export interface WebHostOptions {
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  dispatch: Dispatcher;
  /** 0 picks a free port. */
  port: number;
  /** Largest API request body; bigger ones are refused before parsing. */
  maxBodyBytes?: number;
}

export interface WebHost {
  url: string;
  port: number;
  secret: string;
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

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new AppError('FILE_TOO_LARGE', { limit });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the browser-mode host and resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const secret = randomBytes(32).toString('base64url');
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const eventStreams = new Set<ServerResponse>();
  const rendererRoot = path.resolve(options.rendererDir);
  let allowedHosts = new Set<string>();
  let origin = '';

  const indexHtml = async (): Promise<string> => {
    const html = await readFile(path.join(rendererRoot, 'index.html'), 'utf8');
    // The page learns the secret from its own HTML; another origin cannot read this response.
    return html.replace('</head>', `<meta name="nedradesk-secret" content="${secret}"></head>`);
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
      const body = await indexHtml();
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
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      response.writeHead(403).end();
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    if (!url.pathname.startsWith('/api/')) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405).end();
        return;
      }
      await serveStatic(url.pathname, response);
      return;
    }
    if (url.pathname === '/api/events' && request.method === 'GET') {
      // EventSource cannot send headers, so the stream carries the secret in its query.
      if (!sameSecret(url.searchParams.get('secret') ?? undefined, secret)) {
        response.writeHead(401).end();
        return;
      }
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
    const givenSecret = request.headers['x-nedradesk-secret'];
    if (!sameSecret(typeof givenSecret === 'string' ? givenSecret : undefined, secret)) {
      sendJson(response, 401, { ok: false, error: { code: 'INVALID_INPUT', message: 'Нет доступа', retryable: false } });
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
      const code = error instanceof AppError ? error.code : 'INVALID_INPUT';
      sendJson(response, 400, { ok: false, error: new AppError(code).toData() });
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

  return {
    url: `${origin}/`,
    port,
    secret,
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
