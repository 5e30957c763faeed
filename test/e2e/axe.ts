import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/**
 * Runs axe-core over what the page shows now and, when any violation is serious or critical, fails
 * the test listing each rule with the elements it found. The failure is soft, so one run lists every
 * screen's problems. `label` names the screen; `include` narrows the check to one part (a dialog),
 * `disable` turns off rules that cannot apply.
 */
export async function expectNoSeriousA11yViolations(page: Page, label: string, options: { include?: string; disable?: string[] } = {}) {
  // Let transitions settle: colour contrast is read from what is painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  if (options.include) builder = builder.include(options.include);
  if (options.disable?.length) builder = builder.disableRules(options.disable);
  const { violations } = await builder.analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const theme = (await page.locator('html').getAttribute('data-theme')) ?? 'default';
  // One line per element: the rule, where, and axe's own words on what to fix.
  const found = serious.flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} at ${n.target.join(' ')}: ${(n.failureSummary ?? v.help).replace(/\s*\n\s*/g, ' ')}`));
  expect.soft(found, `accessibility of "${label}" (${theme} theme)`).toEqual([]);
}

/**
 * Switches to the given theme with the status bar's switch, as a person does. While a modal dialog
 * covers the switch, the theme attribute is set directly (what the styles read); `restore` puts the
 * app's own choice back after the check.
 */
export async function useTheme(page: Page, theme: 'light' | 'dark'): Promise<{ restore(): Promise<void> }> {
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  const none = { restore: async () => undefined };
  if (before === theme) return none;
  if ((await page.locator('[aria-modal="true"]').count()) === 0) {
    await page.getByRole('button', { name: `Switch to ${theme} theme` }).click();
    await expect(html).toHaveAttribute('data-theme', theme);
    return none;
  }
  const set = (t: string | null) => page.evaluate((v) => (v === null ? delete document.documentElement.dataset.theme : (document.documentElement.dataset.theme = v)), t);
  await set(theme);
  return { restore: async () => void (await set(before)) };
}
