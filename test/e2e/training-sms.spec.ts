/**
 * A newcomer's password + SMS login on the app's built-in training stand: the stand sends no SMS,
 * and its code appears on NedraDesk's own login page («Учебный стенд: код из СМС — …»), not on the
 * stand's page and not at /training/sms (closed outside the automated tests' mode).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openInBrowser, startBuiltWebHost, type RunningWebHost } from '../support/web-host-process';

let host: RunningWebHost;

test.beforeAll(async () => {
  host = await startBuiltWebHost({}, ['--data-dir', mkdtempSync(path.join(tmpdir(), 'nedradesk-training-sms-'))]);
});

test.afterAll(async () => {
  await host.stop();
});

test('the built-in stand’s SMS code is shown on the app’s login page and logs in', async ({ page }) => {
  test.setTimeout(120_000);
  await openInBrowser(page, host);
  await expect(page.getByRole('heading', { name: 'Начало работы' })).toBeVisible();
  await page.getByRole('button', { name: 'Готово' }).click();
  await page.getByRole('button', { name: 'Войти через Госуслуги' }).first().click();
  await page.getByRole('tab', { name: 'По логину, паролю и коду из СМС' }).click();
  const popupPromise = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Войти по логину и паролю' }).click();
  const popup = await popupPromise;
  await popup.getByLabel('Телефон, почта или СНИЛС').fill('112-233-445 95');
  await popup.getByLabel('Пароль').fill('Nedra-2026!');
  await popup.getByRole('button', { name: 'Войти' }).click();
  await expect(popup.getByLabel('Код из СМС')).toBeVisible();
  const told = page.getByRole('status').filter({ hasText: 'Учебный стенд: код из СМС' });
  await expect(told).toBeVisible({ timeout: 20_000 });
  const code = /(\d{6})/.exec((await told.textContent()) ?? '')?.[1] ?? '';
  expect(code).toMatch(/^\d{6}$/);
  expect(await popup.content()).not.toContain(code);
  expect((await popup.request.get(new URL('/training/sms?login=ivanova%40nedra-severa.test', popup.url()).toString())).status()).toBe(404);
  await popup.getByLabel('Код из СМС').fill(code);
  await popup.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(page.getByTestId('current-user')).toContainText('Иванова', { timeout: 20_000 });
  await popup.close();
});
