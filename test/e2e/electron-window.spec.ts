import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary(): string | undefined {
  try {
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

test('the Electron window opens the Russian first screen with a sandboxed renderer', async () => {
  test.skip(binary === undefined, 'Electron runtime is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD=1): the Electron window test runs only where the runtime is present');
  const app = await electron.launch({ executablePath: binary, args: ['.'], env: { ...process.env, ELECTRON_DISABLE_SECURITY_WARNINGS: '1' } });
  try {
    const window = await app.firstWindow();
    await expect(window).toHaveTitle(/NedraDesk/);
    await expect(window.getByRole('heading', { name: 'Добро пожаловать в NedraDesk' })).toBeVisible();
    await expect(window.getByTestId('app-status')).toContainText('Настольное приложение');
    // The renderer has no node: require and process are absent in the page.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  } finally {
    await app.close();
  }
});
