import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, _electron, expect, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import { electronPath } from './electron-path';

const root = join(__dirname, '..', '..');

export interface RewindApp {
  page: Page;
  /** Stops the app and starts it again on the same data folder; returns the new page. */
  restart(): Promise<Page>;
  /** Saves a screenshot for people to look at, under test-results/screens. */
  screenshot(name: string): Promise<void>;
}

/** Starts the web shell on a free port and resolves with the URL it prints. */
function startWebShell(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/server/cli.cjs'), '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web shell did not start: ${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Rewind web shell: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`web shell exited with ${code}: ${out}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export const test = base.extend<{ app: RewindApp }>({
  app: async ({ playwright }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rewind-e2e-'));
    let stop: () => Promise<void> = async () => undefined;
    let page: Page;
    // Launched only by the web project, so the Electron project never needs a browser.
    const shared: { browser: Browser | null } = { browser: null };

    const launchWeb = async (): Promise<Page> => {
      const { child, url } = await startWebShell(dataDir);
      shared.browser ??= await playwright.chromium.launch(testInfo.project.use.launchOptions);
      const context = await shared.browser.newContext({ viewport: { width: 1360, height: 820 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
      const p = await context.newPage();
      await p.goto(url);
      stop = async () => {
        await context.close();
        await stopChild(child);
      };
      return p;
    };

    const launchElectron = async (): Promise<Page> => {
      const bin = electronPath();
      if (!bin.path) throw new Error(bin.reason);
      const app: ElectronApplication = await _electron.launch({
        executablePath: bin.path,
        args: [root],
        env: { ...process.env, REWIND_DATA_DIR: dataDir },
      });
      const p = await app.firstWindow();
      stop = () => app.close();
      return p;
    };

    const electron = testInfo.project.name === 'electron';
    if (electron) {
      const bin = electronPath();
      testInfo.skip(!bin.path, `Electron binary missing: ${bin.reason}`);
    }
    const launch = electron ? launchElectron : launchWeb;
    const ready = async (p: Page) => {
      await expect(p.locator('[data-app-state="loaded"]')).toBeVisible();
      return p;
    };

    page = await ready(await launch());
    await use({
      get page() {
        return page;
      },
      async restart() {
        await stop();
        page = await ready(await launch());
        return page;
      },
      async screenshot(name: string) {
        await page.screenshot({ path: join(root, 'test-results', 'screens', `${testInfo.project.name}-${name}.png`) });
      },
    });
    await stop();
    await shared.browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
});

/**
 * For journeys that start, kill or restart the web shell from outside: they need a browser of
 * their own, and are skipped in the Electron project before one is launched (the desktop app has
 * no web shell to kill).
 */
export const webShellTest = base.extend<{ webBrowser: Browser }>({
  webBrowser: async ({ playwright }, use, testInfo) => {
    testInfo.skip(testInfo.project.name === 'electron', 'drives the web shell from outside; the desktop app has no web shell');
    const browser = await playwright.chromium.launch(testInfo.project.use.launchOptions);
    await use(browser);
    await browser.close();
  },
});

export { expect };
