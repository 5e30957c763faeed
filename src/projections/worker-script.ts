import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

let built: string | null = null;

/**
 * The worker runs from its own file. Packaged builds ship it next to this bundle; when running
 * from sources (tests, dev) it is bundled on first use.
 */
export function projectionWorkerScript(): string {
  const shipped = join(__dirname, 'projection-worker.cjs');
  if (existsSync(shipped)) return shipped;
  const source = join(__dirname, 'worker.ts');
  if (built && existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) return built;
  // Inside the project, so the worker resolves better-sqlite3 from node_modules.
  const dir = join(__dirname, '..', '..', 'node_modules', '.cache', 'rewind');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `projection-worker-${process.pid}.cjs`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({ entryPoints: [source], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['better-sqlite3'], logLevel: 'silent' });
  built = out;
  return out;
}
