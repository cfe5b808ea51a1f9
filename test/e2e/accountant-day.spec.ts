import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildJpeg } from '../unit/documents/document-files';
import { attachReportFile, fillExtractionForm } from '../support/wizard';
import { screenshotPath } from '../support/screenshots';
import { demoPin, startDemoWorkplace, type DemoWorkplace } from '../support/demo-workplace';
import { openInBrowser } from '../support/web-host-process';

let workplace: DemoWorkplace;

test.beforeAll(async () => {
  // Петров is an employee of ООО «Недра Севера»; Орлов is its auditor.
  workplace = await startDemoWorkplace({
    people: [
      { oid: '1000002', label: 'Токен Петрова' },
      { oid: '1000007', label: 'Токен Орлова' },
    ],
  });
});

test.afterAll(async () => {
  await workplace?.stop();
});

async function reportPdf(): Promise<string> {
  const document = await PDFDocument.create();
  const page = document.addPage([595, 842]);
  page.drawText('Extraction report, Q3', { x: 72, y: 760, size: 18, font: await document.embedFont(StandardFonts.Helvetica) });
  const file = path.join(workplace.dataDir, 'otchet-dobycha.pdf');
  writeFileSync(file, await document.save({ useObjectStreams: false }));
  return file;
}

async function openApp(page: Page): Promise<void> {
  await openInBrowser(page, workplace.host);
  const done = page.getByRole('button', { name: 'Готово' });
  // The first run asks for the cabinet, libraries and trust anchors once.
  if (await done.waitFor({ timeout: 5_000 }).then(() => true, () => false)) await done.click();
  await expect(page.getByRole('menuitem', { name: 'Главная' })).toBeVisible();
}

async function loginBySignature(page: Page, owner: string, organisation?: string): Promise<void> {
  await page.getByRole('button', { name: 'Войти через Госуслуги' }).first().click();
  await expect(page.getByRole('heading', { name: 'Вход через Госуслуги' })).toBeVisible();
  await page.getByRole('radio', { name: new RegExp(owner) }).check();
  await page.getByLabel('PIN-код токена').fill(demoPin);
  await page.getByRole('button', { name: 'Войти по электронной подписи' }).click();
  // A person in one organisation works for it at once; in several, chooses.
  if (organisation !== undefined) await page.getByRole('button', { name: `Выбрать ${organisation}` }).click();
  await expect(page.getByTestId('current-user')).toContainText(owner.split(' ')[0] ?? owner);
}

async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Выйти' }).click();
  await expect(page.getByRole('button', { name: 'Войти через Госуслуги' }).first()).toBeVisible();
}

test('signature login, «Отчёт о добыче» with a PDF, signed, sent, approved without reload, decision downloaded', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await loginBySignature(page, 'Петров Сергей Андреевич');
  await page.screenshot({ path: screenshotPath('dashboard.png') });

  await fillExtractionForm(page, '125000');
  await expect(page.getByLabel('Ответственное лицо')).toHaveValue('Петров Сергей Андреевич');
  await page.screenshot({ path: screenshotPath('wizard-form.png'), fullPage: true });
  await page.getByRole('button', { name: 'Далее: документы' }).click();

  await attachReportFile(page, await reportPdf());
  await expect(page.getByTestId('documents-report-file')).toContainText('соответствует требованиям');
  await page.getByRole('button', { name: 'Далее: проверка' }).click();
  await expect(page.getByText('Все поля и документы соответствуют требованиям.')).toBeVisible();
  await expect(page.getByTestId('review-summary')).toContainText('Южно-Ухтинский участок');
  await expect(page.getByTestId('review-summary')).toContainText(/125\s000 т/);
  await page.screenshot({ path: screenshotPath('wizard-review.png') });
  await page.getByRole('button', { name: 'Далее: подписание' }).click();

  await page.getByRole('radio', { name: /Петров Сергей Андреевич/ }).check();
  await page.getByLabel('PIN-код токена').fill(demoPin);
  await page.getByRole('button', { name: 'Подписать' }).click();
  await expect(page.getByText('Пакет подписан')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Отправить в кабинет' }).click();
  await expect(page.getByText(/Пакет принят, регистрационный номер/)).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: screenshotPath('receipt.png') });

  await page.getByRole('button', { name: 'Следить за статусом' }).click();
  // Status sync pushes the change: no reload.
  await expect(page.getByTestId('package-status')).toHaveText('Одобрено', { timeout: 45_000 });
  await expect(page.getByTestId('timeline')).toContainText('Принят');
  await page.screenshot({ path: screenshotPath('package-approved.png'), fullPage: true });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /^Скачать/ }).first().click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.pdf$/);
  const saved = path.join(workplace.dataDir, 'decision.pdf');
  await file.saveAs(saved);
  const { readFileSync } = await import('node:fs');
  expect(readFileSync(saved).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // The printable copy carries the visible mark of the signature that signed it.
  const copyDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Печатная копия с отметкой о подписи' }).click();
  const copy = path.join(workplace.dataDir, 'copy.pdf');
  await (await copyDownload).saveAs(copy);
  const { execFileSync } = await import('node:child_process');
  const copyText = execFileSync('pdftotext', [copy, '-'], { encoding: 'utf8' });
  expect(copyText).toMatch(/документ подписан электронной подписью/i);
  expect(copyText).toMatch(/Владелец: Петров Сергей Андреевич/);

  await page.getByRole('menuitem', { name: 'Журнал' }).click();
  await expect(page.locator('table')).toContainText('Вход по электронной подписи');
  await page.screenshot({ path: screenshotPath('journal.png') });
  await logout(page);
});

test('a wrong PIN names the attempts; a 150 dpi scan is refused with the rule named', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Войти через Госуслуги' }).first().click();
  await page.getByRole('radio', { name: /Петров Сергей Андреевич/ }).check();
  await page.getByLabel('PIN-код токена').fill('000000');
  await page.getByRole('button', { name: 'Войти по электронной подписи' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Неверный PIN-код' })).toContainText('Число попыток ограничено');
  await expect(page.getByText('Были неверные попытки ввода PIN-кода.')).toBeVisible();
  await page.screenshot({ path: screenshotPath('login-wrong-pin.png') });

  await page.getByRole('menuitem', { name: 'Новое заявление или отчёт' }).click();
  await page.getByRole('button', { name: 'Выбрать: Заявление о продлении лицензии' }).click();
  await page.getByRole('button', { name: 'Далее: документы' }).click();
  const scan = path.join(workplace.dataDir, 'licenziya-150dpi.jpg');
  writeFileSync(scan, buildJpeg({ width: 1240, height: 1754, jfif: { units: 1, x: 150, y: 150 } }));
  await page.locator('[data-testid="documents-license-copy"] input[type=file]').setInputFiles(scan);
  const card = page.getByTestId('documents-license-copy');
  await expect(card).toContainText('не соответствует');
  await expect(card.getByTestId('document-problem')).toContainText('300 dpi');
  await page.screenshot({ path: screenshotPath('document-refused.png') });

  // What was filled in is kept as a draft, which the user may continue or delete.
  await page.getByRole('menuitem', { name: 'Пакеты и заявления' }).click();
  const draft = page.getByRole('row', { name: /Заявление о продлении лицензии/ });
  await expect(draft).toBeVisible({ timeout: 10_000 });
  await draft.getByRole('button', { name: 'Удалить' }).click();
  await page.getByRole('tooltip').getByRole('button', { name: 'Удалить' }).click();
  await expect(draft).toHaveCount(0);
});

test('an auditor cannot send: the cabinet refuses and says why', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page);
  await loginBySignature(page, 'Орлов Денис Ильич');
  await fillExtractionForm(page, '100');
  await page.getByRole('button', { name: 'Далее: документы' }).click();
  await attachReportFile(page, await reportPdf());
  await page.getByRole('button', { name: 'Далее: проверка' }).click();
  await page.getByRole('button', { name: 'Далее: подписание' }).click();
  await page.getByRole('radio', { name: /Орлов Денис Ильич/ }).check();
  await page.getByLabel('PIN-код токена').fill(demoPin);
  await page.getByRole('button', { name: 'Подписать' }).click();
  await expect(page.getByText('Роль «Аудитор» не даёт права отправлять пакеты.')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Отправить в кабинет' }).click();
  await expect(page.getByText('Пакет не отправлен')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/не даёт права отправлять/).last()).toBeVisible();
  await logout(page);
});

test('«Проверка подписи»: a document and its .sig dropped, the verdict shown, the PDF protocol saved', async ({ page }) => {
  const { spawnSync } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const document = path.join(workplace.dataDir, 'spravka.xml');
  writeFileSync(document, '<справка>объём добычи</справка>');
  // Signed from the command line with the same demo token, as a CI job would.
  const signed = spawnSync(process.execPath, [path.resolve('dist/cli/nedradesk.cjs'), 'sign', document, '--cert', 'id:01', '--token', 'Токен Петрова', '--module', workplace.factory.module, '--pin-env', 'DEMO_PIN'], {
    env: { ...process.env, ...workplace.factory.env, DEMO_PIN: demoPin },
    encoding: 'utf8',
  });
  expect(signed.status, signed.stderr).toBe(0);

  await openApp(page);
  await page.getByRole('menuitem', { name: 'Проверка подписи' }).click();
  await page.locator('input[type=file]').setInputFiles([document, `${document}.sig`]);
  await page.getByRole('button', { name: 'Проверить подпись' }).click();
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toContainText('Петров Сергей Андреевич', { timeout: 20_000 });
  await expect(verdict).toContainText('Целостность документа');
  // The embedded stand's training CA is a trust anchor: the demo signature checks out in full.
  await expect(verdict).toContainText('Подпись действительна');
  await page.screenshot({ path: screenshotPath('signature-check.png'), fullPage: true });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Сохранить протокол в PDF' }).click();
  const saved = path.join(workplace.dataDir, 'protocol.pdf');
  await (await download).saveAs(saved);
  expect(readFileSync(saved).subarray(0, 5).toString('latin1')).toBe('%PDF-');
});
