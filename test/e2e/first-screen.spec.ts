import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openInBrowser, startBuiltWebHost, type RunningWebHost } from '../support/web-host-process';
import { screenshotPath } from '../support/screenshots';

let host: RunningWebHost;
let dataDir: string;

test.beforeAll(async () => {
  // A new user's data folder, named by --data-dir: the first run, in Russian, whatever earlier runs chose.
  dataDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-first-screen-'));
  host = await startBuiltWebHost({}, ['--data-dir', dataDir]);
});

test.afterAll(async () => {
  await host.stop();
});

test('browser mode shows the Russian first screen with the window title and the live API status', async ({ page }) => {
  // The printed one-time address signs the browser in and leaves the clean address in the bar.
  await openInBrowser(page, host);
  expect(page.url()).toBe(host.url);
  await expect(page).toHaveTitle('NedraDesk — личный кабинет недропользователя');
  await expect(page.getByRole('heading', { name: 'Добро пожаловать в NedraDesk' })).toBeVisible();
  // The status line is filled from the `app:info` call, so it proves the API channel works end to end.
  await expect(page.getByTestId('app-status')).toContainText('Режим браузера · Версия');
  await page.screenshot({ path: screenshotPath('first-screen.png') });

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to NedraDesk' })).toBeVisible();
  // The screens follow the switch, not only the shell.
  await expect(page.getByRole('heading', { name: 'Getting started' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Done' })).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('menuitem', { name: 'Packages and applications' }).click();
  await expect(page.getByRole('heading', { name: 'Packages and applications' })).toBeVisible();
  await page.getByRole('menuitem', { name: 'Journal' }).click();
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('english-journal.png') });
  // The language and the finished first run are kept in the local database of the folder --data-dir named.
  expect(existsSync(path.join(dataDir, 'nedradesk.db'))).toBe(true);
  await page.reload();
  await expect(page.getByRole('menuitem', { name: 'Packages and applications' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Getting started' })).toHaveCount(0);
});

test('the host serves nothing without the session cookie, and refuses a foreign Host or Origin', async ({ request }) => {
  const page = await request.get(host.url);
  expect(page.status()).toBe(401);
  expect(await page.text()).toContain('Откройте адрес, который NedraDesk напечатал при запуске');
  const withoutSession = await request.post(`${host.url}api/call/app:info`, { data: {} });
  expect(withoutSession.status()).toBe(401);
  const foreignHost = await request.get(host.url, { headers: { host: 'attacker.example:80' } });
  expect(foreignHost.status()).toBe(421);
  const foreignOrigin = await request.post(`${host.url}api/call/app:info`, { data: {}, headers: { origin: 'http://127.0.0.1:1' } });
  expect(foreignOrigin.status()).toBe(403);
});
