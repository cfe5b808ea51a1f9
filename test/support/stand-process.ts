/** The training stand as its own process (`dist/stand/stand.cjs`), which a test can stop and start again. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A running stand process. */
export interface StandProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts the built stand on a port with its data folder and waits until it answers. */
export function startStandProcess(options: { port: number; dataDir: string; stepMs?: number }): Promise<StandProcess> {
  const child: ChildProcess = spawn(process.execPath, [path.resolve('dist/stand/stand.cjs'), '--port', String(options.port), '--data-dir', options.dataDir, '--step-ms', String(options.stepMs ?? 400)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`stand did not start: ${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (!output.includes('Учебный стенд NedraDesk:')) return;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${options.port}`,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stand exited with ${code}: ${output}`));
    });
  });
}
