/**
 * Threat: the installed NedraDesk binary is used as a Node interpreter (ELECTRON_RUN_AS_NODE,
 * NODE_OPTIONS=--require, --inspect) or made to load code from outside its archive, running someone
 * else's code under NedraDesk's name and signature. The fuses that forbid it are set in
 * electron-builder.yml; this test reads that file through electron-builder's own loader and schema
 * and turns it into @electron/fuses' wire the way packaging does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface BuilderConfiguration {
  asar?: boolean | { disableIntegrity?: boolean } | null;
  afterPack?: unknown;
  electronFuses?: Record<string, boolean> | null;
}
// app-builder-lib's CommonJS entry (the package index first: its modules import each other in a cycle).
const builder = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } } };
const builderConfig = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<BuilderConfiguration>;
  validateConfiguration(config: BuilderConfiguration, debugLogger: { add(): void; isEnabled: boolean }): Promise<void>;
};

async function packagingConfiguration(): Promise<BuilderConfiguration> {
  const configuration = await builderConfig.getConfig(process.cwd(), null, null);
  await builderConfig.validateConfiguration(configuration, { add: () => undefined, isEnabled: false });
  return configuration;
}

describe('Electron fuses set at packaging', () => {
  it('turns RunAsNode, NODE_OPTIONS and --inspect off, and loads only an integrity-checked app.asar', async () => {
    const configuration = await packagingConfiguration();
    expect(configuration.electronFuses, 'electron-builder.yml has no electronFuses').toBeTruthy();
    // What electron-builder hands to @electron/fuses' flipFuses right before signing.
    const wire = await builder.PlatformPackager.prototype.generateFuseConfig.call({}, configuration.electronFuses);
    expect(wire.version).toBe(FuseVersion.V1);
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(true);
  });

  it('packs the app into an asar whose hash is embedded, and no hook flips the fuses back', async () => {
    const configuration = await packagingConfiguration();
    // Without app.asar, OnlyLoadAppFromAsar would find nothing; with disableIntegrity no hash is embedded.
    expect(configuration.asar === true || (typeof configuration.asar === 'object' && configuration.asar?.disableIntegrity !== true)).toBe(true);
    expect(configuration.afterPack ?? undefined).toBeUndefined();
    expect(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')).not.toMatch(/"afterPack"/);
  });

  it('starts no Node child in the Electron main process (RunAsNode off breaks child_process.fork there)', () => {
    const folder = path.join(process.cwd(), 'src/main/app');
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(path.join(folder, file), 'utf8');
      expect(source, file).not.toMatch(/from 'node:child_process'|require\('child_process'\)|ELECTRON_RUN_AS_NODE/);
    }
  });
});
