/** The steps a user takes in «Новое заявление или отчёт» for an extraction report, shared by the e2e specs. */
import type { Page } from '@playwright/test';
import { chooseOption } from './antd';

/** Opens the wizard and fills «Отчёт о добыче» for 2025 (the form step only). */
export async function fillExtractionForm(page: Page, extracted: string): Promise<void> {
  await page.getByRole('menuitem', { name: 'Новое заявление или отчёт' }).click();
  await page.getByRole('button', { name: 'Выбрать: Отчёт о добыче' }).click();
  await page.getByLabel('Номер лицензии').fill('СЫК 01234 ТЭ');
  await page.getByLabel('Отчётный период: год').fill('2025');
  await page.getByLabel('Дата начала работ').fill('2025-01-10');
  await page.getByLabel('Дата окончания работ').fill('2025-12-20');
  await page.getByLabel('Участок недр (месторождение)').fill('Южно-Ухтинский участок');
  await chooseOption(page, 'mineral', 'Вид полезного ископаемого', 'Нефть');
  await page.getByLabel('Добыто за период', { exact: true }).fill(extracted);
}

/** Attaches the report file in the documents step. */
export async function attachReportFile(page: Page, file: string): Promise<void> {
  await page.locator('[data-testid="documents-report-file"] input[type=file]').setInputFiles(file);
}
