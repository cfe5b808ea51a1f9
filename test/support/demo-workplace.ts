/**
 * A workplace for end-to-end tests, as a user has it after «stand demo-token»: a throw-away data
 * folder, SoftHSM tokens made by the training stand's own command for demo people, and the
 * browser-mode host started from the built bundle with the embedded training stand at test pace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TokenFactory } from '../fixtures/softhsm';
import { startBuiltWebHost, type RunningWebHost } from './web-host-process';

/** The training PIN of every demo token made here. */
export const demoPin = '246802';

export interface DemoWorkplace {
  host: RunningWebHost;
  dataDir: string;
  factory: TokenFactory;
  stop(): Promise<void>;
}

/** Makes demo tokens for the given people (stand OIDs) and starts the app in browser mode. */
export async function startDemoWorkplace(options: {
  people: Array<{ oid: string; label: string }>;
  env?: NodeJS.ProcessEnv;
  /** More tokens, made before the app starts (SoftHSM reads its token folder when loaded). */
  prepare?: (factory: TokenFactory) => Promise<void>;
}): Promise<DemoWorkplace> {
  const factory = await TokenFactory.create();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-e2e-'));
  for (const person of options.people) {
    const made = spawnSync(process.execPath, [path.resolve('dist/stand/stand.cjs'), 'demo-token', '--person', person.oid, '--label', person.label, '--data-dir', dataDir, '--module', factory.module], {
      env: { ...process.env, ...factory.env, NEDRADESK_DEMO_PIN: demoPin },
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`demo token for ${person.oid} was not made: ${made.stderr}`);
  }
  await options.prepare?.(factory);
  const host = await startBuiltWebHost({
    ...factory.env,
    NEDRADESK_DATA_DIR: dataDir,
    NEDRADESK_PKCS11_MODULE: factory.module,
    NEDRADESK_STAND_STEP_MS: '400',
    ...options.env,
  });
  return { host, dataDir, factory, stop: () => host.stop() };
}
