import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A browser-mode host started from the built bundle, as a user would start it. */
export interface RunningWebHost {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `dist/main/web.cjs` on a free port and resolves with the address it prints. */
export function startBuiltWebHost(extraEnv: NodeJS.ProcessEnv = {}, extraArgs: readonly string[] = []): Promise<RunningWebHost> {
  const entry = path.resolve('dist/main/web.cjs');
  const child = spawn(process.execPath, [entry, '--port', '0', ...extraArgs], { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        process: child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}: ${output}`));
    });
  });
}
