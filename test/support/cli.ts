/**
 * Runs the `nedradesk` command line from source (tsx), as a separate process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `nedradesk ...args` with extra environment variables. With `timeoutMs`, a command still
 * running then is killed (SIGKILL) and resolves with status null and `timedOut`.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { timeoutMs?: number; onSpawn?: (child: ChildProcess) => void } = {}): Promise<CliResult & { timedOut?: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(process.cwd(), 'src/main/cli/main.ts'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(timedOut ? { status, stdout, stderr, timedOut } : { status, stdout, stderr });
    });
  });
}
