import { defineConfig } from '@playwright/test';

export const CHROMIUM = process.env.REWIND_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The same journeys run in two shells: `web` (the loopback web shell in Debian's Chromium,
 * always) and `electron` (the desktop app, wherever its binary is installed).
 */
export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 2,
  // CI machines are shared and noisy: a journey that fails once is run again, and the summary
  // says how many passed only on the second try (scripts/test.mjs).
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: '.rewind-test/playwright.json' }]],
  outputDir: 'test-results/e2e',
  use: {
    viewport: { width: 1360, height: 820 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM,
          // Without these Chromium reaches for Google's services, which this network refuses.
          args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      },
    },
    { name: 'electron' },
  ],
});
