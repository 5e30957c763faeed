// `npm start`: installs on first run, builds when sources changed, then opens the desktop app,
// or, where the Electron binary is missing, says so in one line and serves the same UI on
// loopback. `npm run serve` (--web) always starts the web shell.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setup } from './setup.mjs';
import { electronBinary, root } from './lib.mjs';

const web = process.argv.includes('--web');
const passThrough = process.argv.slice(2).filter((a) => a !== '--web');

await setup();
const { build } = await import('./build.mjs');
await build({ ifStale: true });

let command = process.execPath;
let args = [join(root, 'dist/server/cli.cjs'), ...passThrough];
if (!web) {
  const electron = await electronBinary();
  if (electron.path) {
    command = electron.path;
    args = [root, ...passThrough];
  } else {
    console.log(`rewind: desktop window unavailable (${electron.reason}); serving the same UI in your browser instead:`);
  }
}
const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
