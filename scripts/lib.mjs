// Small helpers shared by the project's scripts (plain Node, so they run before npm install).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function mustRun(command, args, options = {}) {
  const code = await run(command, args, options);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}

/** Newest modification time of any file below the given paths. */
export function newestMtime(paths) {
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') walk(join(p, name));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of paths) walk(join(root, p));
  return newest;
}

/** The Electron executable when its binary is installed, else null with the reason. */
export async function electronBinary() {
  try {
    const { createRequire } = await import('node:module');
    const path = createRequire(join(root, 'package.json'))('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { path: null, reason: `the Electron binary is not at ${path}` };
  } catch {
    return { path: null, reason: 'the Electron binary was not downloaded (node_modules/electron has no dist)' };
  }
}
