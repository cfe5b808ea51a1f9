/**
 * Starts the token process as an Electron utility process (a Node environment without the
 * browser; a crashing vendor library takes only it down). Outside Electron the supervisor uses
 * a Node child process instead (token-supervisor.ts).
 */
import { utilityProcess } from 'electron';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { forwardLogLine } from '../log/logger';
import type { TokenRpcReady, TokenRpcResponse } from '../token/token-rpc';
import type { TokenProcessLauncher } from '../token/token-supervisor';

/** A launcher for `token-process.cjs` next to the main bundle. */
export function utilityProcessLauncher(): TokenProcessLauncher {
  return () => {
    const child = utilityProcess.fork(path.join(__dirname, 'token-process.cjs'), [], { serviceName: 'NedraDesk: токены', stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.stderr !== null) createInterface({ input: child.stderr }).on('line', forwardLogLine);
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', (message: unknown) => listener(message as TokenRpcResponse | TokenRpcReady)),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill();
      },
    };
  };
}
