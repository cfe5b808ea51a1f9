#!/usr/bin/env node
// Builds NedraDesk: Streebog compiled to WebAssembly, node-side entry points bundled with
// esbuild, the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';
import { buildStreebogWasm } from './build-streebog-wasm.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// GOST R 34.11-2012 from C (clang + lld); the bundles carry the module's bytes (streebog.ts).
const streebogWasmBase64 = buildStreebogWasm().toString('base64');

// Native addons and Electron stay outside the bundles: they are loaded from node_modules
// (unpacked from asar in the packaged app, see electron-builder.yml).
const external = ['electron', 'pkcs11js', 'better-sqlite3'];

/** Node-side entry points: [source, output]. */
const entries = [
  ['src/main/app/main.ts', 'dist/main/main.cjs'],
  ['src/main/host/web.ts', 'dist/main/web.cjs'],
  ['src/preload/preload.ts', 'dist/preload/preload.cjs'],
  ['src/main/cli/main.ts', 'dist/cli/nedradesk.cjs'],
  ['src/main/token/token-process.ts', 'dist/main/token-process.cjs'],
  ['src/stand/stand.ts', 'dist/stand/stand.cjs'],
];

const existing = entries.filter(([source]) => {
  try {
    readFileSync(path.join(root, source));
    return true;
  } catch {
    return false;
  }
});

await Promise.all(
  existing.map(([source, output]) =>
    esbuild({
      entryPoints: [path.join(root, source)],
      outfile: path.join(root, output),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      external,
      define: { __NEDRADESK_VERSION__: JSON.stringify(version), __STREEBOG_WASM_BASE64__: JSON.stringify(streebogWasmBase64) },
      banner: output.includes('/cli/') ? { js: '#!/usr/bin/env node' } : undefined,
      logLevel: 'warning',
    }),
  ),
);
const cliPath = path.join(root, 'dist/cli/nedradesk.cjs');
try {
  chmodSync(cliPath, 0o755);
} catch {
  // the CLI entry is optional while the project grows
}

await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
process.stdout.write(`NedraDesk ${version}: built ${existing.length} node entry points and the renderer into dist/\n`);
