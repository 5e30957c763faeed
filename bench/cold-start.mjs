// Cold start of the web shell, first run (empty data folder, so the store is created and seeded):
// process spawn -> URL printed -> first contentful paint -> demo streams listed.
// Usage: node bench/cold-start.mjs [runs]   (needs `npm run build` and /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.REWIND_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const samples = [];
for (let i = 0; i < runs; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/server/cli.cjs'), '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /Rewind web shell: (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  const tUrl = performance.now();
  const page = await browser.newPage();
  const tNav = performance.now();
  await page.goto(url);
  await page.waitForSelector('[data-app-state="loaded"] [data-testid="resource-account-A-17"]');
  const tLoaded = performance.now();
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  samples.push({ server: tUrl - t0, fcp, loaded: tLoaded - tNav, total: tLoaded - t0 });
  await page.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
await browser.close();
const fmt = (n) => `${Math.round(n)} ms`;
console.log(`cold start of the web shell, median of ${runs} first runs (empty data folder):`);
console.log(`  server up (store created + demo seeded): ${fmt(median(samples.map((s) => s.server)))}`);
console.log(`  page: first contentful paint:            ${fmt(median(samples.map((s) => s.fcp)))}`);
console.log(`  page: demo streams listed:               ${fmt(median(samples.map((s) => s.loaded)))}`);
console.log(`  spawn to streams listed:                 ${fmt(median(samples.map((s) => s.total)))}`);
