import { ServerMessage, type ClientMessage, type Transport } from './protocol';

/** The part of the WebSocket API both browsers and the `ws` package offer. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

const OPEN = 1;

/**
 * Carries API messages over one WebSocket, reconnecting after a drop. Calls in flight when the
 * socket drops are failed by `onDisconnect`, never silently lost.
 */
export function createWsTransport(url: string, open: (url: string) => SocketLike, events: { onDisconnect?: (reason: string) => void; onReconnect?: () => void } = {}): Transport {
  const listeners = new Set<(message: ServerMessage) => void>();
  const queue: string[] = [];
  let socket: SocketLike;
  let connected = false;
  let everConnected = false;
  let readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let retry = 0;

  function connect(): void {
    socket = open(url);
    socket.onopen = () => {
      connected = true;
      retry = 0;
      if (everConnected) events.onReconnect?.();
      everConnected = true;
      for (const w of readyWaiters) w.resolve();
      readyWaiters = [];
      for (const data of queue.splice(0)) socket.send(data);
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(ev.data);
      } catch {
        return;
      }
      const message = ServerMessage.safeParse(parsed);
      if (message.success) for (const l of listeners) l(message.data);
    };
    socket.onclose = () => {
      const was = connected;
      connected = false;
      if (!everConnected && retry >= 2) {
        for (const w of readyWaiters) w.reject(new Error('Cannot reach the Rewind back end. Open the address printed when Rewind started.'));
        readyWaiters = [];
      }
      if (was) events.onDisconnect?.('The connection to the Rewind back end dropped.');
      retry++;
      setTimeout(connect, Math.min(5_000, 200 * 2 ** Math.min(retry, 5)));
    };
    socket.onerror = () => undefined;
  }
  connect();

  return {
    send(message: ClientMessage) {
      const data = JSON.stringify(message);
      if (connected && socket.readyState === OPEN) socket.send(data);
      else queue.push(data);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready() {
      if (connected) return Promise.resolve();
      return new Promise((resolve, reject) => readyWaiters.push({ resolve, reject }));
    },
  };
}
