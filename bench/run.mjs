#!/usr/bin/env node
// `npm run bench`: runs every benchmark of NedraDesk in turn (each compares against OpenSSL or the
// raw token in the same run and writes bench/results/<name>.json), then prints a summary.
// Benchmarks are never part of `npm test`: figures depend on the machine; ratios are what we track.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(benchDir, 'results');
const suites = ['token', 'cades', 'streebog', 'gost', 'store', 'packages', 'ui'];
const only = process.argv.slice(2);

const summary = [];
for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite)) continue;
  const script = ['mjs', 'ts'].map((extension) => path.join(benchDir, `${suite}-bench.${extension}`)).find((candidate) => existsSync(candidate));
  if (script === undefined) continue;
  process.stdout.write(`\n== bench: ${suite}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit', env: process.env });
  const resultFile = path.join(resultsDir, `${suite}.json`);
  summary.push({
    suite,
    status: result.status === 0 ? 'ok' : `failed (${result.status})`,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    results: existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined,
  });
}

writeFileSync(path.join(resultsDir, 'summary.json'), `${JSON.stringify({ at: new Date().toISOString(), summary }, null, 2)}\n`);
process.stdout.write('\n== summary\n');
for (const entry of summary) process.stdout.write(`${entry.suite}: ${entry.status} in ${entry.seconds} s\n`);
process.exit(summary.every((entry) => entry.status === 'ok') ? 0 : 1);
