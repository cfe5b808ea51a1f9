#!/usr/bin/env node
// `npm run screenshots`: builds, then runs the end-to-end suites with their screenshots written into
// docs/screenshots/ (npm test keeps them in a temporary folder). Node sets the variable, so the
// same command works in cmd.exe and PowerShell.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shell = process.platform === 'win32';
const build = spawnSync('node', ['scripts/build.mjs'], { cwd: root, stdio: 'inherit', shell });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(shell ? 'npx.cmd' : 'npx', ['playwright', 'test', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  shell,
  env: { ...process.env, NEDRADESK_SCREENSHOTS_DIR: path.join(root, 'docs', 'screenshots') },
});
process.exit(run.status ?? 1);
