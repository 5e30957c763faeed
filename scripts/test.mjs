// `npm test`: everything a fresh machine needs, then every test. Ends with one line
// `N passed, N failed, N skipped` summed over all runners (also written to .rewind-test/summary.txt).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun, root, run } from './lib.mjs';
import { setup } from './setup.mjs';

const out = join(root, '.rewind-test');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = Date.now();
const step = (name) => console.log(`\n── ${name} ${'─'.repeat(Math.max(0, 60 - name.length))}`);

step('install');
await setup();
step('brokers and browser');
for (const script of ['kafka.sh', 'rabbitmq.sh', 'redis.sh', 'ensure-chromium.sh', 'ensure-kcat.sh']) await mustRun('bash', [join(root, 'scripts', script), 'start']);
step('build');
const { build } = await import('./build.mjs');
await build({ ifStale: true });
// Vite's build sets NODE_ENV=production in this process; the tests (React's test utilities among
// them) must not inherit it.
delete process.env.NODE_ENV;

const totals = { passed: 0, failed: 0, skipped: 0 };
const notes = [];

step('typecheck');
if ((await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])) !== 0) {
  totals.failed += 1;
  notes.push('typecheck failed');
} else console.log('typecheck: no errors');

step('lint (eslint, prettier)');
if ((await run('npm', ['run', '--silent', 'lint'])) !== 0) {
  totals.failed += 1;
  notes.push('lint failed');
} else console.log('lint: clean');

step('unit and integration tests (vitest)');
const vitestJson = join(out, 'vitest.json');
const vitestCode = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + v.numTodoTests;
  // A suite that failed to load has no failed tests but must still fail the run.
  const broken = v.testResults.filter((r) => r.status === 'failed' && r.assertionResults.every((a) => a.status !== 'failed')).length;
  if (broken) {
    totals.failed += broken;
    notes.push(`${broken} vitest file(s) failed to run`);
  }
} else {
  totals.failed += 1;
  notes.push(`vitest wrote no results (exit ${vitestCode})`);
}

step('end-to-end journeys (playwright)');
const pwJson = join(out, 'playwright.json');
const pwCode = await run('npx', ['playwright', 'test']);
if (existsSync(pwJson)) {
  const { stats, errors } = JSON.parse(readFileSync(pwJson, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  if (stats.flaky) notes.push(`${stats.flaky} flaky e2e test(s) passed on retry`);
  if (errors?.length) {
    totals.failed += errors.length;
    notes.push(`playwright reported ${errors.length} error(s) outside tests`);
  }
} else {
  totals.failed += 1;
  notes.push(`playwright wrote no results (exit ${pwCode})`);
}

const summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
writeFileSync(join(out, 'summary.txt'), summary + '\n');
console.log(`\nnpm test took ${Math.round((Date.now() - started) / 1000)} s${notes.length ? ` (${notes.join('; ')})` : ''}`);
console.log(summary);
process.exit(totals.failed > 0 || (vitestCode !== 0 && totals.failed === 0) ? 1 : 0);
