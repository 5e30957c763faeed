// Builds the renderer (Vite) and the Node side (esbuild): the Electron main process, its
// preload and the web shell. `--if-stale` skips the work when nothing changed since the last build.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime, root } from './lib.mjs';

const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'main', 'renderer', 'package.json', 'vite.config.mts', 'scripts/build.mjs'];

export async function build({ ifStale = false } = {}) {
  if (ifStale && existsSync(stamp) && statSync(stamp).mtimeMs >= newestMtime(inputs)) return false;
  const started = Date.now();
  const { build: viteBuild } = await import('vite');
  const esbuild = await import('esbuild');
  await viteBuild({ root: join(root, 'renderer'), configFile: join(root, 'vite.config.mts'), logLevel: 'warn' });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const node = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    // Runtime dependencies stay in node_modules (better-sqlite3 is native; the packager ships them).
    external: ['electron', ...Object.keys(pkg.dependencies)],
  };
  await Promise.all([
    esbuild.build({ ...node, entryPoints: { main: join(root, 'main/main.ts') }, outdir: join(root, 'dist/main'), outExtension: { '.js': '.cjs' } }),
    // A sandboxed preload can require only `electron`: everything else is bundled in.
    esbuild.build({ ...node, external: ['electron'], entryPoints: { preload: join(root, 'main/preload.ts') }, outdir: join(root, 'dist/main'), outExtension: { '.js': '.cjs' } }),
    esbuild.build({ ...node, entryPoints: { cli: join(root, 'src/server/cli.ts') }, outdir: join(root, 'dist/server'), outExtension: { '.js': '.cjs' } }),
    // Worker threads (the projection sandbox, read-model queries, decompression), shipped next to each bundle that starts them.
    ...['dist/server', 'dist/main'].map((dir) =>
      esbuild.build({
        ...node,
        entryPoints: {
          'projection-worker': join(root, 'src/projections/worker.ts'),
          'query-worker': join(root, 'src/read-models/query-worker.ts'),
          'inflate-worker': join(root, 'src/sources/kafka/inflate-worker.ts'),
        },
        outdir: join(root, dir),
        outExtension: { '.js': '.cjs' },
      }),
    ),
  ]);
  writeFileSync(stamp, new Date().toISOString());
  console.log(`rewind: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build({ ifStale: process.argv.includes('--if-stale') }).catch((e) => {
    console.error(`rewind: build failed: ${e.message}`);
    process.exit(1);
  });
}
