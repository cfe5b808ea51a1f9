/** Driving antd controls the way a user does, robust to their open/close animations. */
import { expect, type Page } from '@playwright/test';

/** Opens the select labelled `label` (field `key`), picks `option`, and checks the field shows it. */
export async function chooseOption(page: Page, key: string, label: string, option: string): Promise<void> {
  const field = page.getByTestId(`field-${key}`);
  await expect(async () => {
    await page.getByLabel(label).click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: option }).first().click({ timeout: 2_000 });
    await expect(field).toContainText(option, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}
