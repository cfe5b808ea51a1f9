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

/** How to start a stand process. */
export interface StandProcessOptions {
  port: number;
  /** The stand's own folder (`--stand-dir`): its database and training CA. */
  dataDir: string;
  stepMs?: number;
  /** CA certificate files whose certificates may log in (`--trust`). */
  trust?: readonly string[];
  /** Test mode (`--test-mode`): `/training/sms` tells the one-time codes. */
  testMode?: boolean;
  /** Run `src/stand/stand.ts` through tsx instead of the build in dist/ (tests under vitest need no build). */
  fromSource?: boolean;
}

/** Starts the stand (the build, or the source) on a port with its data folder and waits until it answers. */
export function startStandProcess(options: StandProcessOptions): Promise<StandProcess> {
  const entry = options.fromSource === true ? ['--import', 'tsx', path.resolve('src/stand/stand.ts')] : [path.resolve('dist/stand/stand.cjs')];
  const trust = (options.trust ?? []).flatMap((file) => ['--trust', file]);
  const child: ChildProcess = spawn(process.execPath, [...entry, '--port', String(options.port), '--stand-dir', options.dataDir, '--step-ms', String(options.stepMs ?? 400), ...trust, ...(options.testMode === true ? ['--test-mode'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
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
