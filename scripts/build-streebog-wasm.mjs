// Compiles Streebog (GOST R 34.11-2012, src/main/core/crypto/streebog/streebog.c) to WebAssembly
// with clang and wasm-ld (Debian: apt-get install clang lld). Called first by scripts/build.mjs,
// which embeds the bytes in the bundles, and by the vitest global setup, so tests running from
// source (vitest, tsx) find the generated, git-ignored streebog.wasm next to the C source.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'src/main/core/crypto/streebog');
const source = path.join(sourceDir, 'streebog.c');

/** Where the compiled module is written (git-ignored); streebog.ts reads it when running from source. */
export const streebogWasmPath = path.join(sourceDir, 'streebog.wasm');

const missingToolchain =
  'Streebog (GOST R 34.11-2012) is built from C to WebAssembly and needs clang and wasm-ld. ' +
  'Debian/Ubuntu: apt-get install clang lld (any clang with the wasm32 target and lld\'s wasm-ld will do; set CLANG to its path).';

function newerThanInputs(output) {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return [source, fileURLToPath(import.meta.url)].every((input) => statSync(input).mtimeMs <= built);
}

/**
 * Compiles streebog.c unless the .wasm is newer than its inputs and returns the module's bytes.
 * Fails with the Debian packages to install when clang or wasm-ld is missing.
 */
export function buildStreebogWasm() {
  if (newerThanInputs(streebogWasmPath)) return readFileSync(streebogWasmPath);
  const clang = process.env.CLANG ?? 'clang';
  if (spawnSync(clang, ['--version'], { stdio: 'ignore' }).error !== undefined) throw new Error(`${clang} not found. ${missingToolchain}`);
  // Written under a temporary name and renamed: a test run and a build may compile at once.
  const temporary = `${streebogWasmPath}.${process.pid}.tmp`;
  const args = [
    '--target=wasm32',
    '-O3',
    '-ffreestanding',
    '-nostdlib',
    // memory.copy/memory.fill instead of calls to a libc that is not there
    '-mbulk-memory',
    '-Wall',
    '-Wextra',
    '-Werror',
    // a library, not a program: no _start; exports are the functions marked export_name
    '-Wl,--no-entry',
    '-Wl,--strip-all',
    // data from 32 KiB up: streebog.c keeps its lookup tables at a fixed address below (see "Speed" there)
    '-Wl,--global-base=32768',
    '-o',
    temporary,
    source,
  ];
  const result = spawnSync(clang, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(temporary, { force: true });
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim();
    const hint = /wasm-ld|unable to execute|No such file/i.test(output) ? ` ${missingToolchain}` : '';
    throw new Error(`compiling ${path.relative(root, source)} to WebAssembly failed:\n${output}${hint}`);
  }
  renameSync(temporary, streebogWasmPath);
  return readFileSync(streebogWasmPath);
}
