import { ServerMessage, type Transport } from '../../../src/api/protocol';
import { createWsTransport, type SocketLike } from '../../../src/api/ws-transport';
import './bridge';

export interface TransportEvents {
  onDisconnect: (reason: string) => void;
  onReconnect: () => void;
}

/** Desktop: the preload bridge. Browser: the web shell's WebSocket (the token travels as a cookie). */
export function chooseTransport(events: TransportEvents): { transport: Transport; shell: 'electron' | 'web' } {
  const bridge = window.rewindBridge;
  if (bridge) {
    return {
      shell: 'electron',
      transport: {
        send: (m) => bridge.send(m),
        // The bridge is trusted code, but its messages still cross a process boundary.
        onMessage: (listener) =>
          bridge.onMessage((m) => {
            const parsed = ServerMessage.safeParse(m);
            if (parsed.success) listener(parsed.data);
          }),
        ready: () => Promise.resolve(),
      },
    };
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
  return { shell: 'web', transport: createWsTransport(url, (u) => new WebSocket(u) as unknown as SocketLike, events) };
}
