import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

/** The renderer imports the contract; nothing it reaches may need Node (files, SQLite, sockets). */
describe('code the renderer bundles', () => {
  it.each(['src/api/contract.ts', 'src/api/client.ts', 'renderer/src/main.tsx'])('%s bundles for the browser', (entry) => {
    const result = buildSync({ entryPoints: [join(root, entry)], bundle: true, platform: 'browser', write: false, logLevel: 'silent', loader: { '.css': 'empty' }, jsx: 'automatic' });
    expect(result.errors).toEqual([]);
  });
});
