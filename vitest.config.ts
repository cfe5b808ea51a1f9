import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __NEDRADESK_VERSION__: JSON.stringify(version) },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/security/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/lint/**/*.test.ts'],
    globalSetup: ['test/fixtures/global-setup.ts'],
    // Native addons (pkcs11js, better-sqlite3) are safest in separate processes, not worker threads.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
