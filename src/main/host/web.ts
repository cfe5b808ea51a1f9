/**
 * Entry point of browser mode (`npm run web`): the same app and API, served on 127.0.0.1.
 * Used where the Electron runtime is absent, by end-to-end tests and in development.
 */
import path from 'node:path';
import { dataDirFromArguments, resolveDataDir } from '../core/files/data-dir';
import { createAppServices } from '../services/app-services';
import { childProcessLauncher } from '../token/token-supervisor';
import { appVersion } from '../version';
import { startWebHost, type WebHost } from './web-host';

function portFromArguments(argv: readonly string[]): number {
  const index = argv.indexOf('--port');
  const raw = index >= 0 ? argv[index + 1] : process.env.NEDRADESK_WEB_PORT;
  const port = raw === undefined ? 5780 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Неверный номер порта: ${raw}`);
  return port;
}

async function main(): Promise<void> {
  const rendererDir = path.join(__dirname, '..', 'renderer');
  // Handlers exist before the host does; events go out once it runs.
  const hostRef: { current?: WebHost } = {};
  const services = createAppServices({
    mode: 'browser',
    version: appVersion,
    dataDir: resolveDataDir(dataDirFromArguments(process.argv.slice(2))),
    // PKCS#11 runs in its own child process (token-process.cjs next to this bundle).
    launchTokenProcess: childProcessLauncher({ entry: path.join(__dirname, 'token-process.cjs') }),
    emit: (event, payload) => hostRef.current?.emit(event, payload),
  });
  const { dispatch } = services;
  const requested = portFromArguments(process.argv.slice(2));
  const host = await startWebHost({ rendererDir, dispatch, port: requested }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || requested === 0) throw error;
    return startWebHost({ rendererDir, dispatch, port: 0 });
  });
  hostRef.current = host;
  // The launch address is the only way in (one use); it is for the user's eyes, never logged.
  process.stdout.write(
    `NedraDesk в режиме браузера: ${host.launchUrl}\n` +
      'Откройте этот адрес в браузере (можно заменить 127.0.0.1 на localhost). Он действует один раз: для другого браузера перезапустите NedraDesk.\n',
  );
  const stop = (): void => {
    void Promise.allSettled([services.close(), host.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Не удалось запустить NedraDesk в режиме браузера: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
