import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rendererPageUrl } from '../../main/ipc';
import { API_CHANNEL } from '../../main/ipc-channel';

/**
 * The desktop shell without the Electron binary: main/ and the preload are loaded with a stand-in
 * `electron` module that records what they register, so the sender check, the navigation guards
 * and the preload's allowlist are tested as they are wired, not as a copy.
 */
const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  const frame = (url: string, routingId: number, parent: unknown = null) => ({ url, processId: 7, routingId, parent });
  class Contents {
    static next = 1;
    id = Contents.next++;
    listeners = new Map<string, Listener[]>();
    sent: unknown[] = [];
    mainFrame = frame('', 1);
    openHandler: Listener | null = null;
    on(name: string, fn: Listener) {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
      return this;
    }
    once(name: string, fn: Listener) {
      return this.on(name, fn);
    }
    emit(name: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(name) ?? []) fn(...args);
    }
    setWindowOpenHandler(fn: Listener) {
      this.openHandler = fn;
    }
    getURL() {
      return this.mainFrame.url;
    }
    isDestroyed() {
      return false;
    }
    send(_channel: string, message: unknown) {
      this.sent.push(message);
    }
  }
  class Window {
    static all: Window[] = [];
    webContents = new Contents();
    options: unknown;
    constructor(options: unknown) {
      this.options = options;
      Window.all.push(this);
    }
    static getAllWindows() {
      return Window.all;
    }
    on() {
      return this;
    }
    once() {
      return this;
    }
    show() {}
    loadFile(path: string) {
      this.webContents.mainFrame.url = `file://${path}`;
      return Promise.resolve();
    }
  }
  const ipcListeners = new Map<string, Listener>();
  const exposed = new Map<string, unknown>();
  const rendererSent: unknown[] = [];
  const opened: string[] = [];
  const state = { userData: '', crashDumps: '' };
  const crashReporter: unknown[] = [];
  return { frame, Contents, Window, ipcListeners, exposed, rendererSent, opened, state, crashReporter };
});

vi.mock('electron', () => ({
  app: {
    requestSingleInstanceLock: () => true,
    on: () => undefined,
    whenReady: () => Promise.resolve(),
    getPath: () => fake.state.userData,
    setPath: (name: string, p: string) => (name === 'userData' ? (fake.state.userData = p) : (fake.state.crashDumps = p)),
    getVersion: () => '0.0.0-test',
    quit: () => undefined,
  },
  BrowserWindow: fake.Window,
  crashReporter: { start: (options: unknown) => fake.crashReporter.push(options) },
  ipcMain: { on: (channel: string, fn: (...args: unknown[]) => unknown) => fake.ipcListeners.set(channel, fn) },
  nativeTheme: { shouldUseDarkColors: false },
  session: { defaultSession: { setPermissionRequestHandler: () => undefined } },
  shell: { openExternal: (url: string) => (fake.opened.push(url), Promise.resolve()) },
  safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' },
  Menu: { setApplicationMenu: () => undefined, buildFromTemplate: () => ({}) },
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => fake.exposed.set(name, api) },
  ipcRenderer: { send: (...args: unknown[]) => fake.rendererSent.push(args), on: () => undefined, removeListener: () => undefined },
}));

const pageUrl = rendererPageUrl(join(__dirname, '..', '..', 'main', '..', 'renderer'));
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-electron-'));
  fake.state.userData = dir;
  process.env.REWIND_DATA_DIR = dir;
  await import('../../main/main');
  await vi.waitFor(() => expect(fake.Window.all).toHaveLength(1));
});
afterAll(() => {
  delete process.env.REWIND_DATA_DIR;
  rmSync(dir, { recursive: true, force: true });
});

const call = { type: 'call', id: 1, method: 'app/info', params: {} };

describe('main process: who may call the API', () => {
  it('keeps crash dumps on this machine: the crash reporter never uploads', () => {
    expect(fake.crashReporter).toEqual([{ uploadToServer: false }]);
    expect(fake.state.crashDumps).toBe(join(dir, 'crash', 'dumps'));
  });

  it('answers the main frame of its window showing its own page', async () => {
    const win = fake.Window.all[0]!;
    expect(win.webContents.mainFrame.url).toBe(pageUrl);
    fake.ipcListeners.get(API_CHANNEL)!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, call);
    await vi.waitFor(() => expect(win.webContents.sent).toContainEqual(expect.objectContaining({ type: 'result', id: 1 })));
  });

  it.each([
    ['a subframe of the page', (w: InstanceType<typeof fake.Window>) => ({ sender: w.webContents, senderFrame: fake.frame(pageUrl, 2, w.webContents.mainFrame) })],
    ['another file:// page', (w: InstanceType<typeof fake.Window>) => ({ sender: w.webContents, senderFrame: { ...w.webContents.mainFrame, url: 'file:///tmp/evil.html' } })],
    ['a frame in another process', (w: InstanceType<typeof fake.Window>) => ({ sender: w.webContents, senderFrame: { ...w.webContents.mainFrame, processId: 99 } })],
    ['another web contents', (w: InstanceType<typeof fake.Window>) => ({ sender: new fake.Contents(), senderFrame: w.webContents.mainFrame })],
    ['an event without a frame', (w: InstanceType<typeof fake.Window>) => ({ sender: w.webContents, senderFrame: null })],
  ])('ignores %s', async (_name, event) => {
    const win = fake.Window.all[0]!;
    const before = win.webContents.sent.length;
    const e = event(win);
    fake.ipcListeners.get(API_CHANNEL)!(e, { ...call, id: 2 });
    await new Promise((r) => setTimeout(r, 100));
    expect(win.webContents.sent.length).toBe(before);
    expect((e.sender as InstanceType<typeof fake.Contents>).sent).toEqual(e.sender === win.webContents ? win.webContents.sent : []);
  });
});

describe('main process: the window shows only its own page', () => {
  const prevented = (emit: (e: { preventDefault: () => void }) => void) => {
    let stopped = false;
    emit({ preventDefault: () => (stopped = true) });
    return stopped;
  };

  it('refuses navigation in any frame and redirects, and opens http(s) links in the OS browser only', () => {
    const contents = fake.Window.all[0]!.webContents;
    expect(prevented((e) => contents.emit('will-navigate', e, 'https://kafka.apache.org/'))).toBe(true);
    expect(fake.opened).toEqual(['https://kafka.apache.org/']);
    expect(prevented((e) => contents.emit('will-navigate', e, 'file:///etc/passwd'))).toBe(true);
    expect(fake.opened).toHaveLength(1);
    expect(prevented((e) => contents.emit('will-frame-navigate', Object.assign(e, { isMainFrame: false, url: 'https://evil.example/' })))).toBe(true);
    expect(prevented((e) => contents.emit('will-frame-navigate', Object.assign(e, { isMainFrame: true, url: 'file:///tmp/evil.html' })))).toBe(true);
    expect(prevented((e) => contents.emit('will-redirect', e, 'https://evil.example/'))).toBe(true);
    expect(prevented((e) => contents.emit('will-attach-webview', e))).toBe(true);
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
  });

  it('keeps the renderer sandboxed, isolated and without Node', () => {
    const prefs = (fake.Window.all[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true });
  });

  it("the desktop page's CSP allows no connections at all", () => {
    const html = readFileSync(join(__dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const csp = /Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toMatch(/ws:\/\//);
  });
});

describe('preload: the only door', () => {
  it('passes contract methods and cancels, and refuses anything else', async () => {
    await import('../../main/preload');
    const bridge = fake.exposed.get('rewindBridge') as { send(m: unknown): void };
    expect(() => bridge.send({ type: 'call', id: 1, method: 'shell/exec', params: {} })).toThrow(/Unknown API method/);
    expect(() => bridge.send({ type: 'call', id: 1, method: 'constructor', params: {} })).toThrow(/Unknown API method/);
    expect(() => bridge.send({ type: 'invoke', id: 1 })).toThrow(/Not an API message/);
    expect(fake.rendererSent).toEqual([]);
    bridge.send(call);
    bridge.send({ type: 'cancel', id: 1 });
    expect(fake.rendererSent).toEqual([
      [API_CHANNEL, call],
      [API_CHANNEL, { type: 'cancel', id: 1 }],
    ]);
  });
});
