/**
 * Starts the token process from source (tsx) for tests, seeing a given SoftHSM configuration.
 */
import path from 'node:path';
import { childProcessLauncher, TokenSupervisor, type TokenSupervisorOptions } from '../../src/main/token/token-supervisor';

/** A supervisor whose token process runs `src/main/token/token-process.ts` through tsx. */
export function sourceTokenSupervisor(softHsmConf: string, module: string, options: Partial<TokenSupervisorOptions> = {}): TokenSupervisor {
  return new TokenSupervisor({
    launch: childProcessLauncher({
      entry: path.join(process.cwd(), 'src/main/token/token-process.ts'),
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, SOFTHSM2_CONF: softHsmConf },
    }),
    modules: { explicit: module },
    ...options,
  });
}
