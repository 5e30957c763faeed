import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

/** The parts of Electron's frame and window objects the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
  readonly parent: FrameLike | null;
}
export interface SenderEvent {
  sender: { id: number };
  senderFrame: FrameLike | null;
}
export interface WindowLike {
  webContents: { id: number; mainFrame: FrameLike };
}

/** The one page Rewind's window shows: its bundled index.html. */
export const rendererPageUrl = (rendererDir: string) => pathToFileURL(join(rendererDir, 'index.html')).href;

const withoutFragment = (url: string) => url.split('#')[0] ?? url;

/**
 * Only Rewind's own page may call the API: the main frame of Rewind's window, showing the bundled
 * index.html. Subframes, other windows and any other file:// page are refused, whatever they send.
 */
export function isTrustedSender(event: SenderEvent, win: WindowLike | null, pageUrl: string): boolean {
  if (!win || event.sender.id !== win.webContents.id) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const main = win.webContents.mainFrame;
  if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  return withoutFragment(frame.url) === pageUrl;
}
