#!/usr/bin/env node
// `npm test`: every test — unit and integration (vitest, real SoftHSM tokens, real OpenSSL),
// then end-to-end (Playwright in Debian's Chromium, browser mode). Refuses to run, with what to
// install, when a prerequisite is missing: a green run must never hide a skipped suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const softHsmCandidates = [
  process.env.SOFTHSM2_MODULE,
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  'C:\\SoftHSM2\\lib\\softhsm2-x64.dll',
].filter(Boolean);

function commandExists(command, args = ['--version']) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined;
}

const missing = [];
if (!softHsmCandidates.some((candidate) => existsSync(candidate)) || !commandExists('softhsm2-util', ['--version'])) {
  missing.push('SoftHSM2 (Debian/Ubuntu: apt-get install softhsm2; Windows: SoftHSM2 installer from the OpenDNSSEC project)');
}
if (!commandExists('openssl', ['version'])) missing.push('OpenSSL 3 (Debian/Ubuntu: apt-get install openssl libengine-pkcs11-openssl; Windows: OpenSSL 3 for Windows)');
if (!commandExists('pkcs11-tool', ['--help'])) missing.push('OpenSC pkcs11-tool (Debian/Ubuntu: apt-get install opensc)');
if (!commandExists('pdftoppm', ['-v'])) missing.push('poppler-utils (Debian/Ubuntu: apt-get install poppler-utils)');
const chromium = process.env.NEDRADESK_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) missing.push(`Chromium for end-to-end tests at ${chromium} (Debian/Ubuntu: apt-get install chromium; or set NEDRADESK_CHROMIUM to a Chromium/Chrome executable)`);

if (missing.length > 0) {
  process.stderr.write('npm test cannot run: these prerequisites are missing:\n');
  for (const item of missing) process.stderr.write(`  - ${item}\n`);
  process.exit(1);
}

const reportDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-test-report-'));
const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const build = run('node', ['scripts/build.mjs']);
if (build.status !== 0) process.exit(build.status ?? 1);

const vitestReport = path.join(reportDir, 'vitest.json');
const unit = run(npx, ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);

const playwrightReport = path.join(reportDir, 'playwright.json');
const e2e = spawnSync(npx, ['playwright', 'test', '--reporter=list,json'], {
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
  shell: process.platform === 'win32',
});

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} catch {
  failed += 1;
}
try {
  const report = JSON.parse(readFileSync(playwrightReport, 'utf8'));
  passed += report.stats?.expected ?? 0;
  failed += (report.stats?.unexpected ?? 0) + (report.stats?.flaky ?? 0);
  skipped += report.stats?.skipped ?? 0;
  // Say clearly which end-to-end tests were skipped and why (e.g. no Electron runtime here).
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const entry of spec.tests ?? []) {
        const reason = (entry.annotations ?? []).find((annotation) => annotation.type === 'skip')?.description;
        if (entry.status === 'skipped') process.stdout.write(`skipped: ${spec.title}${reason ? ` — ${reason}` : ''}\n`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
} catch {
  failed += 1;
}
rmSync(reportDir, { recursive: true, force: true });

const ok = unit.status === 0 && e2e.status === 0 && failed === 0;
process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(ok ? 0 : 1);
