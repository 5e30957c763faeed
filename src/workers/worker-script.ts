import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const built = new Map<string, string>();

/**
 * A worker thread runs from its own file. Builds ship `<name>.cjs` next to this bundle; when
 * running from sources (tests, dev) the worker's TypeScript entry is bundled on first use.
 */
export function workerScript(name: 'projection-worker' | 'query-worker' | 'inflate-worker', source: string): string {
  const shipped = join(__dirname, `${name}.cjs`);
  if (existsSync(shipped)) return shipped;
  const previous = built.get(name);
  if (previous && existsSync(previous) && statSync(previous).mtimeMs >= statSync(source).mtimeMs) return previous;
  // Inside the project, so the worker resolves better-sqlite3 from node_modules.
  const dir = join(__dirname, '..', '..', 'node_modules', '.cache', 'rewind');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-${process.pid}.cjs`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({ entryPoints: [source], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['better-sqlite3'], logLevel: 'silent' });
  built.set(name, out);
  return out;
}
