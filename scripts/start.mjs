#!/usr/bin/env node
// `npm start`: the desktop app in Electron; where the Electron runtime is absent, browser mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the path of its downloaded runtime; it throws when the
    // download was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1) or failed.
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const child = binary !== undefined
  ? spawn(binary, [root], { stdio: 'inherit' })
  : (() => {
      process.stdout.write(
        'Среда выполнения Electron не установлена на этом компьютере (Electron runtime is not installed).\n' +
          'Запускаю NedraDesk в режиме браузера; откройте в браузере адрес ниже (он действует один раз).\n',
      );
      return spawn(process.execPath, [path.join(root, 'dist/main/web.cjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
    })();
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code) => process.exit(code ?? 0));
