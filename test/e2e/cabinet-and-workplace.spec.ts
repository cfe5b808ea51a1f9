import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PDFDocument } from 'pdf-lib';
import { loadTestPki } from '../fixtures/pki';
import { attachReportFile, fillExtractionForm } from '../support/wizard';
import { screenshotPath } from '../support/screenshots';
import { demoPin, startDemoWorkplace, type DemoWorkplace } from '../support/demo-workplace';
import { freePort, startStandProcess, type StandProcess } from '../support/stand-process';
import { openInBrowser } from '../support/web-host-process';

async function finishFirstRun(page: Page, cabinetUrl?: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Начало работы' })).toBeVisible();
  if (cabinetUrl !== undefined) {
    await page.getByRole('radio', { name: 'Кабинет по адресу' }).check();
    await page.getByLabel('Адрес кабинета').fill(cabinetUrl);
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await expect(page.getByText('Сохранено.')).toBeVisible();
  }
  await page.getByRole('button', { name: 'Готово' }).click();
}

async function fillExtractionReport(page: Page, file: string): Promise<void> {
  await fillExtractionForm(page, '4200');
  await page.getByRole('button', { name: 'Далее: документы' }).click();
  await attachReportFile(page, file);
  await expect(page.getByTestId('documents-report-file')).toContainText('соответствует требованиям');
  await page.getByRole('button', { name: 'Далее: проверка' }).click();
  await page.getByRole('button', { name: 'Далее: подписание' }).click();
}

test.describe('a cabinet that goes away and comes back', () => {
  let stand: StandProcess;
  let workplace: DemoWorkplace;
  let port: number;
  let standDir: string;

  test.beforeAll(async () => {
    // The stand runs on its own; the app knows it by address, as a real cabinet. Test mode: /training/sms tells the SMS code.
    workplace = await startDemoWorkplace({ people: [{ oid: '1000003', label: 'Токен Сидорова' }] });
    standDir = path.join(workplace.dataDir, 'stand');
    port = await freePort();
    stand = await startStandProcess({ port, dataDir: standDir, testMode: true });
  });

  test.afterAll(async () => {
    await stand?.stop();
    await workplace?.stop();
  });

  test('password + SMS code login; with the stand stopped the package waits in the outbox and goes out when it returns', async ({ page }) => {
    test.setTimeout(150_000);
    await openInBrowser(page, workplace.host);
    await finishFirstRun(page, stand.url);

    // Login by phone, password and the code «sent by SMS» (the stand's training endpoint tells it).
    await page.getByRole('button', { name: 'Войти через Госуслуги' }).first().click();
    await page.getByRole('tab', { name: 'По логину, паролю и коду из СМС' }).click();
    const popupPromise = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Войти по логину и паролю' }).click();
    const popup = await popupPromise;
    await popup.getByLabel('Телефон, почта или СНИЛС').fill('+79000000003');
    await popup.getByLabel('Пароль').fill('Nedra-2026!');
    await popup.getByRole('button', { name: 'Войти' }).click();
    await expect(popup.getByLabel('Код из СМС')).toBeVisible();
    const sms = (await (await fetch(`${stand.url}/training/sms?login=${encodeURIComponent('+79000000003')}`)).json()) as { code: string };
    await popup.getByLabel('Код из СМС').fill(sms.code);
    await popup.getByRole('button', { name: 'Подтвердить' }).click();
    await expect(page.getByTestId('current-user')).toContainText('Сидоров', { timeout: 20_000 });
    await popup.close();

    const document = await PDFDocument.create();
    document.addPage([595, 842]);
    const file = path.join(workplace.dataDir, 'otchet.pdf');
    writeFileSync(file, await document.save());
    await fillExtractionReport(page, file);
    await page.getByRole('radio', { name: /Сидоров Алексей Викторович/ }).check();
    await page.getByLabel('PIN-код токена').fill(demoPin);
    await page.getByRole('button', { name: 'Подписать' }).click();
    await expect(page.getByText('Пакет подписан')).toBeVisible({ timeout: 30_000 });

    await stand.stop();
    await page.getByRole('button', { name: 'Отправить в кабинет' }).click();
    await expect(page.getByText('Пакет в исходящих')).toBeVisible({ timeout: 20_000 });
    await page.getByRole('menuitem', { name: /Исходящие/ }).click();
    const item = page.getByTestId('outbox-item').first();
    await expect(item).toContainText('ждёт отправки', { timeout: 20_000 });
    await expect(item).toContainText('Личный кабинет недоступен');
    await page.screenshot({ path: screenshotPath('outbox-waiting.png') });

    stand = await startStandProcess({ port, dataDir: standDir, testMode: true });
    await expect(item).toContainText('отправлен', { timeout: 60_000 });
    await expect(item).toContainText(/рег\. №/, { timeout: 30_000 });

    // The password login's session carries on to the decision, as the signature login's does.
    await page.getByRole('menuitem', { name: 'Пакеты и заявления' }).click();
    // No draft is left behind by the package built from it: the only row is the package.
    await expect(page.getByText('Черновики')).toHaveCount(0);
    await page.getByRole('row', { name: /Отчёт о добыче.*РН-/ }).click();
    await expect(page.getByTestId('package-status')).toHaveText('Одобрено', { timeout: 45_000 });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /^Скачать/ }).first().click();
    const decision = path.join(workplace.dataDir, 'decision-after-outage.pdf');
    await (await download).saveAs(decision);
    expect(readFileSync(decision).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});

test.describe('«Проверка рабочего места»', () => {
  test('flags an expired certificate with the fix', async ({ page }) => {
    const pki = await loadTestPki();
    const workplace = await startDemoWorkplace({
      people: [],
      prepare: async (factory) => {
        await factory.createToken({ label: 'Старый токен', userPin: demoPin });
        await factory.importIdentity('Старый токен', demoPin, pki.expired, { idHex: '0a', label: 'Смирнов' });
      },
    });
    try {
      await openInBrowser(page, workplace.host);
      await finishFirstRun(page);
      await page.getByRole('menuitem', { name: 'Проверка рабочего места' }).click();
      const expired = page.getByTestId('diagnostic-check').filter({ hasText: 'Смирнов' });
      await expect(expired).toContainText('Срок действия истёк.', { timeout: 20_000 });
      await expect(expired).toContainText('Получите новый сертификат в удостоверяющем центре.');
      await page.screenshot({ path: screenshotPath('diagnostics.png'), fullPage: true });
    } finally {
      await workplace.stop();
    }
  });

  test('flags a missing PKCS#11 library with the fix', async ({ page }) => {
    const workplace = await startDemoWorkplace({ people: [], env: { NEDRADESK_PKCS11_MODULE: '/opt/nowhere/librtpkcs11ecp.so' } });
    try {
      await openInBrowser(page, workplace.host);
      await finishFirstRun(page);
      await page.getByRole('menuitem', { name: 'Проверка рабочего места' }).click();
      const module = page.getByTestId('diagnostic-check').filter({ hasText: 'Библиотека PKCS#11' });
      await expect(module).toContainText('ошибка', { timeout: 20_000 });
      await expect(module).toContainText('Установите драйвер токена');
    } finally {
      await workplace.stop();
    }
  });
});
