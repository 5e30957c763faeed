import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { createAppContext } from '../services/app-context';
import { openSecrets } from '../services/secret-store';
import { defaultDataDir } from './data-dir';
import { keepFaultsIn, surviveFaults } from '../services/test-faults';
import { CrashJournal } from '../services/crash-journal';
import { ShellMemory } from './shell-memory';
import { startWebShell } from './web-shell';

const HELP = `Usage: rewind-web [--port N] [--data-dir DIR] [--static-dir DIR] [--new-token]

Serves Rewind's UI and API on http://127.0.0.1 only, behind a random token.
  --port        port to listen on; 0: any free one (default: the port of the last run with
                this data folder when it is free, else a free one)
  --data-dir    where connections and the local event store live (default: ${defaultDataDir()})
  --static-dir  the built renderer (default: next to this file)
  --new-token   replace the token kept in the data folder (pages opened with the old one stop working)`;

let journal: CrashJournal | null = null;

async function main(): Promise<void> {
  surviveFaults();
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'new-token': { type: 'boolean' },
      'data-dir': { type: 'string' },
      'static-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = values.port === undefined ? null : Number(values.port);
  if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error(`rewind: --port must be a number from 0 to 65535, not "${values.port}"`);
    process.exit(2);
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const staticDir = resolve(values['static-dir'] ?? join(__dirname, '..', 'renderer'));
  // A death always leaves its cause in the data folder's crash/ (calls in flight, escaped errors,
  // Node's fatal-error report), shown once at the next start.
  journal = CrashJournal.open({ dataDir, shell: 'web', version });
  keepFaultsIn(journal);
  // No keychain here: passwords the desktop app encrypted stay as they are, and are said to be out of reach.
  const secrets = openSecrets({ dataDir, safeStorage: null });
  if (secrets.notice) console.warn(`rewind: ${secrets.notice}`);
  const context = createAppContext({ dataDir, secrets, shell: 'web', version, crash: journal });
  // The last run's port and token, so a page left open reconnects to a restarted shell.
  const memory = new ShellMemory(dataDir);
  const token = memory.token({ renew: values['new-token'] === true });
  const start = (p: number) => startWebShell({ handlers: context.handlers, staticDir, port: p, token });
  const remembered = port === null ? memory.lastPort() : null;
  const shell = remembered === null ? await start(port ?? 0) : await start(remembered).catch((e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? start(0) : Promise.reject(e)));
  if (port !== 0) memory.rememberPort(shell.port);
  console.log(`Rewind web shell: ${shell.url}`);
  console.log(`  data: ${dataDir}`);
  const stop = async () => {
    await shell.close();
    await context.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The terminal it ran in closed: an end the user chose, not a crash.
  process.once('SIGHUP', stop);
}

main().catch((e: unknown) => {
  // Said here and now (a port taken, a folder not writable): not a crash to report next time.
  journal?.closeClean();
  console.error(`rewind: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
