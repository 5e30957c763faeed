// P7: scroll a 1,000,000-row records table with the mouse wheel; report the p95 frame time from
// the browser's own frame timing. The page (bench/records-scroll/) mounts the app's real
// RecordsTable over a million in-memory Kafka records, made as rows come into view; it is built
// here with Vite and served on loopback to Debian's Chromium, driven by Playwright.
//
// A frame's time is the interval from its requestAnimationFrame timestamp to the next frame's, for
// the frames in which the table moved: 16.7 ms at 60 Hz when the frame made its vsync, a multiple
// of it when it did not. Also reported: the time the table's scroll handling takes (the
// virtualizer and React rendering the rows that came into view), and the machine's load.
// Usage: node bench/records-scroll.mjs [wheel events per region]   (needs /usr/bin/chromium)
import { cpus, loadavg } from 'node:os';
import { openBenchPage } from './bench-page.mjs';

const wheels = Number(process.argv[2] ?? 150);
const ROWS = 1_000_000;
const WHEEL_PX = 360;
const REGIONS = [0, 0.5, 0.98]; // top, middle and end of the table

const bench = await openBenchPage('records-scroll');
const { browser } = bench;
try {
  const load = loadavg()[0];
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${bench.url}?rows=${ROWS}`);
  await page.getByRole('grid', { name: 'orders records' }).locator('[role=row][aria-rowindex]').first().waitFor();
  const box = await page.locator('.tbody').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

  // Every frame: its timestamp, the table's offset, and the wheel segment it fell in (-1: none).
  // Scroll handling: from a capturing listener on the window (first) to one on the table (last).
  const max = await page.evaluate(() => {
    const body = document.querySelector('.tbody');
    const frames = (window.__frames = []);
    const handling = (window.__handling = []);
    window.__segment = -1;
    let start = 0;
    window.addEventListener('scroll', () => (start = performance.now()), { capture: true });
    body.addEventListener('scroll', () => window.__segment >= 0 && handling.push(performance.now() - start));
    const tick = (t) => {
      frames.push([t, body.scrollTop, window.__segment]);
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return body.scrollHeight - body.clientHeight;
  });
  for (const [n, at] of REGIONS.entries()) {
    await page.evaluate((top) => (document.querySelector('.tbody').scrollTop = top), Math.round(at * max));
    await page.waitForTimeout(150);
    await page.evaluate((s) => (window.__segment = s), n);
    // Mostly down, now and then back up, as people skim.
    for (let i = 0; i < wheels; i++) await page.mouse.wheel(0, i % 30 < 25 ? WHEEL_PX : -WHEEL_PX);
    await page.waitForTimeout(150);
    await page.evaluate(() => (window.__segment = -1));
  }
  const { frames, handling, deepest } = await page.evaluate(() => {
    window.__stop = true;
    const rows = [...document.querySelectorAll('.tbody [role=row][aria-rowindex]')].map((r) => Number(r.getAttribute('aria-rowindex')));
    return { frames: window.__frames, handling: window.__handling, deepest: Math.max(...rows) };
  });

  const times = [];
  for (let i = 1; i + 1 < frames.length; i++) {
    const [t, top, seg] = frames[i];
    if (seg >= 0 && seg === frames[i - 1][2] && top !== frames[i - 1][1]) times.push(frames[i + 1][0] - t);
  }
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  const ms = (x) => `${x.toFixed(1)} ms`;
  const frameTimes = sorted(times);
  const handled = sorted(handling);
  const missed = frameTimes.filter((t) => t > 1.5 * (1000 / 60)).length;
  console.log(
    `${ROWS.toLocaleString('en')} rows; ${REGIONS.length} regions x ${wheels} wheel events of ${WHEEL_PX} px; deepest row rendered ${deepest.toLocaleString('en')}; load average ${load.toFixed(1)} on ${cpus().length} cores`,
  );
  console.log(`scroll handling (virtualizer + React rendering the new rows): median ${ms(pct(handled, 50))}, p95 ${ms(pct(handled, 95))} over ${handled.length} scroll events`);
  console.log(`frames: median ${ms(pct(frameTimes, 50))}, p99 ${ms(pct(frameTimes, 99))}; ${missed} of ${frameTimes.length} missed a 60 Hz vsync`);
  console.log(`records scroll p95 ${pct(frameTimes, 95).toFixed(1)} ms over ${frameTimes.length} frames (goal 16.7 ms)`);
} finally {
  await bench.close();
}
