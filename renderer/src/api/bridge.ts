import type { ClientMessage, ServerMessage } from '../../../src/api/protocol';

/** What main/preload.ts exposes on window in the desktop app. */
export interface RewindBridge {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
}

declare global {
  interface Window {
    rewindBridge?: RewindBridge;
  }
}
