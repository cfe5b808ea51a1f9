#!/usr/bin/env node
// Rebuilds the native addons (pkcs11js, better-sqlite3) against Electron's ABI.
//
// `npm install` builds them for Node (tests, CLI, browser mode). The desktop app loads them inside
// Electron, whose ABI differs, so before `npm start` in Electron or `npm run dist` they are rebuilt
// with electron-builder's install-app-deps (which drives @electron/rebuild). `npm run dist` does
// this by itself (npmRebuild in electron-builder.yml); run this script for `npm start` in Electron,
// and `npm rebuild pkcs11js better-sqlite3` to go back to Node's ABI for tests.
import { spawnSync } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const result = spawnSync(npx, ['electron-builder', 'install-app-deps'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
