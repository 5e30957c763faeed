import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export function electronPath(): { path: string; reason?: undefined } | { path: null; reason: string } {
  try {
    const path = createRequire(join(root, 'package.json'))('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { path: null, reason: `the Electron binary is not installed (expected at ${String(path)})` };
  } catch {
    return { path: null, reason: 'the Electron binary is not installed (node_modules/electron has no dist; its download needs internet access)' };
  }
}
