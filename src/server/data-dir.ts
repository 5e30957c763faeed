import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The same folder Electron's app.getPath('userData') gives for productName "Rewind", so the
 * desktop app and the web shell share connections and the local store.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.REWIND_DATA_DIR) return env.REWIND_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Rewind');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Rewind');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Rewind');
}
