#!/usr/bin/env node
// Builds SoftHSM 2.6.1 with GOST (`--enable-gost`, OpenSSL 3 + Debian's gost engine) into a cache
// folder outside the work tree, for the GOST token tests: Debian's softhsm2 package is built without
// GOST. Sources are Debian's source package (orig tarball + Debian's patch set, checked against the
// SHA-256 sums of softhsm2_2.6.1-2.1.dsc), downloaded or taken from NEDRADESK_SOFTHSM_SOURCES (a folder
// holding the same file names). Build dependencies (Debian): build-essential libssl-dev libsqlite3-dev
// pkg-config libengine-gost-openssl — .ci/run installs them. About 4 minutes on 2 cores; reused when
// the cache is complete. Run directly (`node scripts/build-softhsm-gost.mjs`) or from the vitest setup.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const version = '2.6.1';
const debianRevision = '2.1';
const pool = 'http://deb.debian.org/debian/pool/main/s/softhsm2';
/** Checksums-Sha256 of Debian's softhsm2_2.6.1-2.1.dsc (bookworm). */
const sources = {
  orig: { name: `softhsm2_${version}.orig.tar.gz`, sha256: 'ac9ac1e3f4402f88bf3e626a18f070f8031c031947ed469c6e17482495ec72b6' },
  debian: { name: `softhsm2_${version}-${debianRevision}.debian.tar.xz`, sha256: '221de2ddd2c36c00f589baf2a0901da522f209598caf6ebf0f415012519299da' },
};

/** Debian's engines folder: SoftHSM loads the gost engine from there (OPENSSL_ENGINES). */
export const debianEnginesDir = process.env.OPENSSL_ENGINES ?? '/usr/lib/x86_64-linux-gnu/engines-3';

/** The cache folder SoftHSM-GOST is installed into (NEDRADESK_SOFTHSM_GOST_DIR overrides). */
export function softHsmGostPrefix() {
  if (process.env.NEDRADESK_SOFTHSM_GOST_DIR) return path.resolve(process.env.NEDRADESK_SOFTHSM_GOST_DIR);
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cacheHome, 'nedradesk', `softhsm-gost-${version}`);
}

const markerName = 'build-complete.json';

/** The installed library and tool when the cache is complete, else undefined. */
export function findSoftHsmGost(prefix = softHsmGostPrefix()) {
  const module = path.join(prefix, 'lib/softhsm/libsofthsm2.so');
  const util = path.join(prefix, 'bin/softhsm2-util');
  if (!existsSync(path.join(prefix, markerName)) || !existsSync(module) || !existsSync(util)) return undefined;
  return { prefix, module, util, enginesDir: debianEnginesDir };
}

function log(message) {
  process.stderr.write(`[softhsm-gost] ${message}\n`);
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error !== undefined || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    const reason = result.error?.message ?? (result.signal ? `signal ${result.signal} (time limit?)` : `exit code ${result.status}`);
    throw new Error(`${command} ${args.join(' ')} failed: ${reason}\n${output}`);
  }
  return result.stdout;
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Copies a source file from NEDRADESK_SOFTHSM_SOURCES or downloads it; undefined when unreachable. */
async function obtain(source, dir) {
  const target = path.join(dir, source.name);
  const local = process.env.NEDRADESK_SOFTHSM_SOURCES ? path.join(process.env.NEDRADESK_SOFTHSM_SOURCES, source.name) : undefined;
  if (local !== undefined && existsSync(local)) {
    writeFileSync(target, readFileSync(local));
  } else {
    const response = await fetch(`${pool}/${source.name}`, { signal: AbortSignal.timeout(120_000) });
    if (!response.ok) return undefined;
    writeFileSync(target, Buffer.from(await response.arrayBuffer()));
  }
  const actual = sha256(target);
  if (actual !== source.sha256) throw new Error(`${source.name}: SHA-256 ${actual} differs from Debian's .dsc (${source.sha256})`);
  return target;
}

function applyDebianPatches(debianTarball, sourceDir) {
  run('tar', ['-xJf', debianTarball, '-C', sourceDir]);
  const seriesPath = path.join(sourceDir, 'debian/patches/series');
  if (!existsSync(seriesPath)) return [];
  const patches = readFileSync(seriesPath, 'utf8').split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
  for (const patch of patches) run('patch', ['-p1', '--forward', '-i', path.join(sourceDir, 'debian/patches', patch)], { cwd: sourceDir });
  return patches;
}

/** Takes the build lock (a folder); a lock older than an hour is a crashed build's and is taken over. */
async function withLock(prefix, work) {
  const lock = `${prefix}.lock`;
  mkdirSync(path.dirname(prefix), { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error?.code !== 'EEXIST') throw new Error(`cannot create ${lock}: ${error?.message ?? String(error)}`);
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 60 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another SoftHSM-GOST build holds ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Returns the SoftHSM-GOST install, building it first when the cache is missing or incomplete.
 * Throws with the failing step's output when the build fails; each step is time-limited.
 */
export async function buildSoftHsmGost(prefix = softHsmGostPrefix()) {
  const existing = findSoftHsmGost(prefix);
  if (existing !== undefined) return existing;
  return withLock(prefix, async () => {
    const again = findSoftHsmGost(prefix);
    if (again !== undefined) return again;
    if (!existsSync(path.join(debianEnginesDir, 'gost.so'))) {
      throw new Error(`the OpenSSL gost engine is missing from ${debianEnginesDir} (Debian/Ubuntu: apt-get install libengine-gost-openssl)`);
    }
    const started = Date.now();
    const work = mkdtempSync(path.join(tmpdir(), 'nedradesk-softhsm-gost-build-'));
    try {
      const orig = await obtain(sources.orig, work);
      if (orig === undefined) throw new Error(`cannot download ${pool}/${sources.orig.name}; put it in a folder and set NEDRADESK_SOFTHSM_SOURCES`);
      run('tar', ['-xzf', orig, '-C', work]);
      const sourceDir = path.join(work, `softhsm2-${version}`);
      const debian = await obtain(sources.debian, work);
      if (debian === undefined) {
        log(`Debian's patch set ${sources.debian.name} is not reachable: building upstream ${version} with Debian's configure options`);
      } else {
        const applied = applyDebianPatches(debian, sourceDir);
        log(`applied Debian's patches: ${applied.join(', ') || 'none listed'}`);
      }
      rmSync(prefix, { recursive: true, force: true });
      const env = { ...process.env, OPENSSL_ENGINES: debianEnginesDir };
      const minutes = (count) => count * 60_000;
      log(`configuring (${prefix})`);
      // Debian's configure options (debian/rules: ECC and EdDSA on, OpenSSL back end) plus GOST.
      // No p11-kit registration and no locked memory: a test module, not a system one.
      run('./configure', [
        `--prefix=${prefix}`,
        '--with-crypto-backend=openssl',
        '--enable-ecc',
        '--enable-eddsa',
        '--enable-gost',
        '--disable-p11-kit',
        '--disable-non-paged-memory',
        '--with-objectstore-backend-db',
      ], { cwd: sourceDir, env, timeout: minutes(5) });
      const config = readFileSync(path.join(sourceDir, 'config.h'), 'utf8');
      if (!/^#define WITH_GOST\b/m.test(config)) throw new Error('configure did not enable GOST (is libengine-gost-openssl installed?)');
      log(`compiling with ${availableParallelism()} jobs`);
      run('make', [`-j${availableParallelism()}`], { cwd: sourceDir, env, timeout: minutes(20) });
      run('make', ['install'], { cwd: sourceDir, env, timeout: minutes(5) });
      const seconds = Math.round((Date.now() - started) / 1000);
      const marker = { version: `${version}-${debianRevision}`, debianPatches: debian !== undefined, seconds, builtAt: new Date().toISOString() };
      const temporary = path.join(prefix, `${markerName}.${process.pid}.tmp`);
      writeFileSync(temporary, `${JSON.stringify(marker, null, 2)}\n`);
      renameSync(temporary, path.join(prefix, markerName));
      log(`built in ${seconds} s`);
      const built = findSoftHsmGost(prefix);
      if (built === undefined) throw new Error(`the build finished but ${prefix} lacks libsofthsm2.so or softhsm2-util`);
      return built;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildSoftHsmGost().then(
    (built) => process.stdout.write(`${JSON.stringify(built)}\n`),
    (error) => {
      process.stderr.write(`SoftHSM-GOST build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
