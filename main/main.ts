import { join } from 'node:path';
import { app, BrowserWindow, crashReporter, ipcMain, safeStorage, type WebContents } from 'electron';
import { createDispatcher } from '../src/api/dispatcher';
import { createAppContext, type AppContext } from '../src/services/app-context';
import { openSecrets } from '../src/services/secret-store';
import { keepFaultsIn, surviveFaults } from '../src/services/test-faults';
import { CrashJournal } from '../src/services/crash-journal';
import { isTrustedSender, rendererPageUrl } from './ipc';
import { API_CHANNEL } from './ipc-channel';
import { installMenu } from './menu';
import { createMainWindow } from './window';

const rendererDir = join(__dirname, '..', 'renderer');
const preload = join(__dirname, 'preload.cjs');
const pageUrl = rendererPageUrl(rendererDir);

// One bad request or handler logs and is answered alone; it never ends the app.
surviveFaults();

// Tests point Rewind at a throwaway data folder.
if (process.env.REWIND_DATA_DIR) app.setPath('userData', process.env.REWIND_DATA_DIR);

let context: AppContext | null = null;
let journal: CrashJournal | null = null;
let mainWindow: BrowserWindow | null = null;
const dispatchers = new Map<number, ReturnType<typeof createDispatcher>>();

function dispatcherFor(sender: WebContents) {
  let d = dispatchers.get(sender.id);
  if (!d) {
    d = createDispatcher(context!.handlers, (message) => {
      if (!sender.isDestroyed()) sender.send(API_CHANNEL, message);
    });
    dispatchers.set(sender.id, d);
    sender.once('destroyed', () => {
      dispatchers.get(sender.id)?.close();
      dispatchers.delete(sender.id);
    });
  }
  return d;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A death always leaves its cause: calls in flight, escaped errors, Node's fatal-error report
  // and the crash reporter's dumps go to the data folder's crash/, shown once at the next start.
  journal = CrashJournal.open({ dataDir: app.getPath('userData'), shell: 'electron', version: app.getVersion() });
  keepFaultsIn(journal);
  app.setPath('crashDumps', journal.dumpsDir);
  crashReporter.start({ uploadToServer: false });
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  void app.whenReady().then(() => {
    const dataDir = app.getPath('userData');
    // The keychain's passwords, or the plain file where there is none; moved between them as it comes and goes.
    const secrets = openSecrets({ dataDir, safeStorage });
    if (secrets.notice) console.warn(`rewind: ${secrets.notice}`);
    context = createAppContext({ dataDir, secrets, shell: 'electron', version: app.getVersion(), crash: journal! });
    ipcMain.on(API_CHANNEL, (event, message: unknown) => {
      // Only the main frame of Rewind's window, showing Rewind's page, may call the API.
      if (!isTrustedSender(event, mainWindow, pageUrl)) return;
      dispatcherFor(event.sender).handle(message);
    });
    installMenu();
    const open = () => {
      const win = createMainWindow(rendererDir, preload);
      mainWindow = win;
      win.on('closed', () => {
        if (mainWindow === win) mainWindow = null;
      });
    };
    open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void context?.close();
    journal?.closeClean();
  });
}
