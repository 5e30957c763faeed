// Installs dependencies so that the rest works on a fresh machine, whether or not the Electron
// binary can be downloaded. Electron's own installer runs last and may fail without taking the
// install down: Rewind then runs as a web shell and says so.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary, mustRun, root, run } from './lib.mjs';

const stampFile = join(root, 'node_modules', '.rewind-install');

function manifestHash() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    const p = join(root, f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex');
}

export async function setup({ quiet = false } = {}) {
  const hash = manifestHash();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) return;
  const fresh = !existsSync(join(root, 'node_modules'));
  console.log(`rewind: installing dependencies (${fresh ? 'first run, about 2 minutes' : 'package.json changed'})`);
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  const lock = existsSync(join(root, 'package-lock.json'));
  await mustRun('npm', [fresh && lock ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error'], { env });
  if (!process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && !(await electronBinary()).path) {
    const code = await run('node', [join(root, 'node_modules', 'electron', 'install.js')], { stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'ignore'] });
    if (code !== 0) {
      console.log('rewind: the Electron binary could not be downloaded; Rewind will run as a web shell in your browser (run `node node_modules/electron/install.js` once online for the desktop app)');
    }
  }
  writeFileSync(stampFile, hash);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  setup().catch((e) => {
    console.error(`rewind: setup failed: ${e.message}`);
    process.exit(1);
  });
}
