import { createClient } from '../../src/api/client';
import { createDispatcher, type Handlers } from '../../src/api/dispatcher';
import type { ServerMessage } from '../../src/api/protocol';

/** The real client and dispatcher (so validation runs both ways), joined without a socket. */
export function inMemoryClient(handlers: Handlers) {
  const listeners = new Set<(m: ServerMessage) => void>();
  const dispatcher = createDispatcher(handlers, (m) => {
    const copy = JSON.parse(JSON.stringify(m)) as ServerMessage;
    queueMicrotask(() => listeners.forEach((l) => l(copy)));
  });
  return createClient({
    send: (m) => dispatcher.handle(JSON.parse(JSON.stringify(m))),
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    ready: () => Promise.resolve(),
  });
}
