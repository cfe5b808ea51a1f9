/**
 * OpenSSL 3 with the gost engine (Debian: libengine-gost-openssl) for interop tests and the bench.
 * Tries `-engine gost` first, then an OPENSSL_CONF that loads the engine from OpenSSL's ENGINESDIR
 * (the OpenSSL 3 way when `-engine` cannot find it); answers why neither works otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** How to invoke OpenSSL with the gost engine loaded. */
export interface OpensslGost {
  /** Arguments that go right after the command name (`dgst`, `cms`…). */
  engineArgs: string[];
  /** Environment to run OpenSSL with. */
  env: NodeJS.ProcessEnv;
}

// GOST R 34.11-2012, 256 bits, of the empty message, as OpenSSL prints it.
const emptyDigest256 = '3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb';

let cached: OpensslGost | { unavailable: string } | undefined;

function works(candidate: OpensslGost, emptyFile: string): string | undefined {
  const result = spawnSync('openssl', ['dgst', ...candidate.engineArgs, '-md_gost12_256', '-r', emptyFile], { env: candidate.env, encoding: 'utf8' });
  if (result.error !== undefined) return `openssl cannot run: ${result.error.message}`;
  if (result.status === 0 && result.stdout.startsWith(emptyDigest256)) return undefined;
  return (result.stderr || result.stdout).split('\n').find((line) => line.trim() !== '') ?? `exit status ${String(result.status)}`;
}

/** OpenSSL with the gost engine, or the reason it cannot be loaded here. */
export function findOpensslGost(): OpensslGost | { unavailable: string } {
  if (cached !== undefined) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), 'nedradesk-openssl-gost-'));
  const emptyFile = path.join(dir, 'empty');
  writeFileSync(emptyFile, '');
  const direct: OpensslGost = { engineArgs: ['-engine', 'gost'], env: process.env };
  const directProblem = works(direct, emptyFile);
  if (directProblem === undefined) return (cached = direct);
  const enginesDir = /ENGINESDIR: "([^"]*)"/.exec(spawnSync('openssl', ['version', '-e'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  if (enginesDir !== undefined) {
    const conf = path.join(dir, 'openssl-gost.cnf');
    writeFileSync(
      conf,
      [
        'openssl_conf = openssl_init',
        '[openssl_init]',
        'engines = engine_section',
        '[engine_section]',
        'gost = gost_section',
        '[gost_section]',
        'engine_id = gost',
        `dynamic_path = ${path.join(enginesDir, 'gost.so')}`,
        'default_algorithms = ALL',
        '',
      ].join('\n'),
    );
    const configured: OpensslGost = { engineArgs: [], env: { ...process.env, OPENSSL_CONF: conf } };
    if (works(configured, emptyFile) === undefined) return (cached = configured);
  }
  return (cached = { unavailable: `OpenSSL cannot load the gost engine (Debian/Ubuntu: apt-get install libengine-gost-openssl): ${directProblem}` });
}

/** `openssl dgst -md_gost12_256|512` of a file: the digest bytes as OpenSSL prints them, in hex. */
export function opensslStreebogHex(openssl: OpensslGost, bits: 256 | 512, file: string): string {
  const result = spawnSync('openssl', ['dgst', ...openssl.engineArgs, `-md_gost12_${bits}`, '-r', file], { env: openssl.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl dgst -md_gost12_${bits} failed: ${result.stderr}`);
  return result.stdout.split(' ')[0] ?? '';
}
