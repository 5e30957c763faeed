import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

/**
 * Bundles the core modules a bench needs straight from src/ (`contents` is the entry's exports)
 * and loads them. Bundles go to node_modules/.cache, away from dist/ where an e2e run may be
 * reading; `besideServer` puts one next to the built server instead, for code that finds the
 * shipped projection worker by its own location.
 */
export function bundleCore(name, contents, { besideServer = false, external = [] } = {}) {
  const esbuild = require('esbuild');
  const dir = besideServer ? join(root, 'dist', 'server') : join(root, 'node_modules', '.cache', 'rewind-bench');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `bench-${name}.cjs`);
  esbuild.buildSync({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    external: ['better-sqlite3', 'esbuild', ...external],
    logLevel: 'silent',
  });
  return require(outfile);
}

/** What most benches drive: one app's core, as the shells build it. */
export const APP_CORE = "export { createAppContext } from './src/services/app-context'; export { MemorySecretStore } from './src/services/secret-store';";
