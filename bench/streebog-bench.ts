/**
 * Streebog bench (issue 13): GOST R 34.11-2012 over one big file (1 GiB by default,
 * NEDRADESK_BENCH_BIG_MB overrides), 256 and 512 bits, against `openssl dgst -md_gost12_256/512`
 * with the gost engine on the same file in the same run: wall time (best of 3), throughput, peak
 * RSS, the ratio, and that both print the same hash. Also the in-process rate over a buffer in
 * memory (no file reads, no process start). Target (issue 13): 256-bit throughput ≥ 1.0 × OpenSSL's,
 * peak RSS ≤ 150 MB. Run: `npm run bench -- streebog` (writes bench/results/streebog.json).
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { writeRandomFile } from './big-file';
import { buildStreebogWasm } from '../scripts/build-streebog-wasm.mjs';
import { createStreebog } from '../src/main/core/crypto/streebog/streebog';
import { findOpensslGost } from '../test/support/openssl-gost';

const bigMegabytes = Number(process.env.NEDRADESK_BENCH_BIG_MB ?? '1024');

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/**
 * Wall and user-CPU seconds (each the best of `runs`), peak RSS (MB) and the first word printed,
 * via /usr/bin/time. CPU time is reported too because a shared machine stretches wall time.
 */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv, runs = 3): { seconds: number; cpuSeconds: number; peakMb: number; printed: string } {
  let best = { seconds: Number.POSITIVE_INFINITY, cpuSeconds: Number.POSITIVE_INFINITY, peakMb: 0, printed: '' };
  for (let run = 0; run < runs; run += 1) {
    const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %M', command, ...args], { env, encoding: 'utf8' });
    const match = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
    if (result.status !== 0 || match === null) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
    best = {
      seconds: Math.min(best.seconds, Number(match[1])),
      cpuSeconds: Math.min(best.cpuSeconds, Number(match[2])),
      peakMb: Math.max(best.peakMb, Number(match[3]) / 1024),
      printed: result.stdout.split(/\s/)[0] ?? '',
    };
  }
  return best;
}

async function main(): Promise<void> {
  const openssl = findOpensslGost();
  if ('unavailable' in openssl) throw new Error(openssl.unavailable);
  const work = mkdtempSync(path.join(tmpdir(), 'nedradesk-streebog-bench-'));
  const program = path.join(work, 'streebog-hash.cjs');
  await build({
    entryPoints: [path.join(process.cwd(), 'bench/streebog-hash-file.ts')],
    outfile: program,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define: { __STREEBOG_WASM_BASE64__: JSON.stringify(buildStreebogWasm().toString('base64')) },
    logLevel: 'warning',
  });

  const big = path.join(work, 'big.bin');
  writeRandomFile(big, bigMegabytes);
  spawnSync('cat', [big], { stdio: 'ignore' }); // page cache warm for everyone

  const results: Record<string, unknown> = { at: new Date().toISOString(), fileMegabytes: bigMegabytes };
  for (const bits of [256, 512] as const) {
    const reference = timed('openssl', ['dgst', ...openssl.engineArgs, `-md_gost12_${bits}`, '-r', big], openssl.env);
    const ours = timed(process.execPath, [program, String(bits), big], process.env);
    const mbPerSecond = (seconds: number): number => Math.round((bigMegabytes * 1.048576) / seconds);
    log(`openssl dgst -md_gost12_${bits}, ${bigMegabytes} MiB: ${reference.seconds.toFixed(2)} s = ${mbPerSecond(reference.seconds)} MB/s (CPU ${reference.cpuSeconds.toFixed(2)} s)`);
    log(
      `nedradesk Streebog-${bits} (WebAssembly), ${bigMegabytes} MiB: ${ours.seconds.toFixed(2)} s = ${mbPerSecond(ours.seconds)} MB/s (CPU ${ours.cpuSeconds.toFixed(2)} s), peak RSS ${ours.peakMb.toFixed(0)} MB`,
    );
    results[`streebog${bits}`] = {
      opensslSeconds: reference.seconds,
      opensslCpuSeconds: reference.cpuSeconds,
      opensslMBps: mbPerSecond(reference.seconds),
      nedradeskSeconds: ours.seconds,
      nedradeskCpuSeconds: ours.cpuSeconds,
      nedradeskMBps: mbPerSecond(ours.seconds),
      nedradeskPeakRssMb: Math.round(ours.peakMb),
      throughputRatioToOpenssl: Number((reference.seconds / ours.seconds).toFixed(3)),
      cpuThroughputRatioToOpenssl: Number((reference.cpuSeconds / ours.cpuSeconds).toFixed(3)),
      sameHash: ours.printed === reference.printed && ours.printed.length === bits / 4,
      ...(bits === 256 ? { targets: { throughputRatioToOpenssl: 1.0, peakRssMb: 150 } } : {}),
    };
  }
  rmSync(work, { recursive: true, force: true });

  // In memory: the hashing alone, 64 MiB hashed four times (after a warm-up that tiers the module up).
  const buffer = randomFillSync(Buffer.alloc(64 * 1024 * 1024));
  createStreebog(256).update(buffer.subarray(0, 8 * 1024 * 1024)).digest();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let round = 0; round < 4; round += 1) createStreebog(256).update(buffer).digest();
  const megabytes = 4 * 64 * 1.048576;
  const inMemory = Math.round(megabytes / ((performance.now() - started) / 1000));
  const inMemoryCpu = Math.round(megabytes / (process.cpuUsage(cpuStarted).user / 1e6));
  log(`in-process Streebog-256 over a buffer: ${inMemory} MB/s (${inMemoryCpu} MB/s of CPU time)`);
  results.inMemoryStreebog256 = { MBps: inMemory, MBpsOfCpuTime: inMemoryCpu };

  writeFileSync(path.join(process.cwd(), 'bench/results/streebog.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
