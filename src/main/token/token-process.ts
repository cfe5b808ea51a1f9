/**
 * The token process: the only place the app calls PKCS#11. Started by the token supervisor as an
 * Electron utility process or a Node child process; answers TokenRpc requests one message each.
 * A vendor library that crashes takes only this process down; the supervisor restarts it.
 */
import { AppError, toErrorData } from '../../shared/errors';
import { createLogger, setLogSink } from '../log/logger';
import type { TokenRpcMethod, TokenRpcMethods, TokenRpcReady, TokenRpcRequest, TokenRpcResponse } from './token-rpc';
import { LocalTokenService, type TokenSigner } from './token-service';

interface Port {
  send(message: TokenRpcResponse | TokenRpcReady): void;
  onMessage(listener: (message: TokenRpcRequest) => void): void;
}

/** Electron's utility process exposes `process.parentPort`; a Node child has `process.send`. */
function connectPort(): Port {
  const parentPort = (process as NodeJS.Process & { parentPort?: { postMessage(message: unknown): void; on(event: 'message', listener: (event: { data: unknown }) => void): void } }).parentPort;
  if (parentPort !== undefined) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as TokenRpcRequest)),
    };
  }
  if (process.send === undefined) throw new Error('token process started without an IPC channel');
  return {
    // A parent gone between two messages fails the write; 'disconnect' below ends this process.
    send: (message) => {
      if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as TokenRpcRequest)),
  };
}

// Logs go to stderr, which the supervisor forwards; never stdout, never a secret.
setLogSink((line) => process.stderr.write(`${line}\n`));
const log = createLogger('token.process');

let service: LocalTokenService | undefined;
let configuration: TokenRpcMethods['configure']['params'] = {};
const signers = new Map<number, TokenSigner>();
let nextHandle = 1;

function currentService(): LocalTokenService {
  service ??= LocalTokenService.open(configuration);
  return service;
}

type Handlers = { [M in TokenRpcMethod]: (params: TokenRpcMethods[M]['params']) => Promise<TokenRpcMethods[M]['result']> };

const handlers: Handlers = {
  async configure(params) {
    configuration = params;
    if (service !== undefined) {
      for (const signer of signers.values()) await signer.close();
      signers.clear();
      await service.close();
      service = undefined;
    }
    return { modules: currentService().modules };
  },
  listTokens: () => currentService().listTokens(),
  listCertificates: (params) => currentService().listCertificates(params),
  async openSigner(params) {
    let signer: TokenSigner;
    try {
      signer = await currentService().openSigner(params);
    } finally {
      // The PIN is a view into the received message; zeroed even when no library could be loaded.
      params.pin.fill(0);
    }
    const handle = nextHandle;
    nextHandle += 1;
    signers.set(handle, signer);
    return { handle, certificate: signer.certificate, algorithm: signer.algorithm.id };
  },
  async sign(params) {
    const signer = signers.get(params.handle);
    if (signer === undefined) throw new AppError('SESSION_CLOSED');
    return signer.sign(params.data);
  },
  async closeSigner(params) {
    const signer = signers.get(params.handle);
    signers.delete(params.handle);
    await signer?.close();
    return null;
  },
  async shutdown() {
    for (const signer of signers.values()) await signer.close();
    signers.clear();
    await service?.close();
    service = undefined;
    setImmediate(() => process.exit(0));
    return null;
  },
};

const port = connectPort();
port.onMessage((request) => {
  const handler = handlers[request.method] as ((params: unknown) => Promise<unknown>) | undefined;
  const reply = handler === undefined ? Promise.reject(new AppError('UNKNOWN_METHOD', { method: request.method })) : handler(request.params);
  reply.then(
    (value) => port.send({ id: request.id, ok: true, value }),
    (error: unknown) => {
      if (!(error instanceof AppError)) log.error('token call failed', { method: request.method, reason: error instanceof Error ? error.message : String(error) });
      port.send({ id: request.id, ok: false, error: toErrorData(error) });
    },
  );
});

// PKCS#11 libraries must be finalised before exit (PKCS#11 §5.4 C_Finalize).
process.on('disconnect', () => {
  void service?.close().finally(() => process.exit(0));
});

port.send({ ready: true, pid: process.pid });
