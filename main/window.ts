import { join } from 'node:path';
import { BrowserWindow, nativeTheme, session, shell } from 'electron';

/** Opens http(s) links in the OS browser; everything else is refused. */
export function safeOpenExternal(url: string): void {
  try {
    const { protocol } = new URL(url);
    if (protocol === 'https:' || protocol === 'http:') void shell.openExternal(url);
  } catch {
    /* not a URL: nothing to open */
  }
}

export function createMainWindow(rendererDir: string, preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 560,
    title: 'Rewind',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15181d' : '#f7f8fa',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  // No remote content: the window only ever shows the bundled renderer, in any frame.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    safeOpenExternal(url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame && event.url === contents.getURL()) return;
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    safeOpenExternal(url);
    return { action: 'deny' };
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  win.once('ready-to-show', () => win.show());
  void win.loadFile(join(rendererDir, 'index.html'));
  return win;
}
