import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';

/** Bundles a TypeScript entry into a runnable .cjs inside the project (so it finds node_modules). */
export function bundleForNode(entry: string): string {
  const dir = join(__dirname, '..', '..', 'node_modules', '.cache', 'rewind');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(entry, '.ts')}-${process.pid}.cjs`);
  buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['better-sqlite3'], logLevel: 'silent' });
  return out;
}
