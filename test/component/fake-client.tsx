import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createClient, type RewindClient } from '../../src/api/client';
import type { CallMethod, ParamsOf, ResultOf } from '../../src/api/contract';
import { toApiError } from '../../src/model/errors';
import type { ServerMessage, Transport } from '../../src/api/protocol';
import { ClientContext } from '../../renderer/src/api/client-context';

/** Answers for the calls a component makes; anything else fails loudly. */
export type FakeHandlers = { [M in CallMethod]?: (params: ParamsOf<M>, signal: AbortSignal) => ResultOf<M> | Promise<ResultOf<M>> };

export interface FakeClient {
  client: RewindClient;
  /** Every call made, in order (method and params). */
  calls: { method: string; params: unknown }[];
}

/**
 * The real client (contract validation included) over an in-memory transport: answers come from
 * `handlers`, a cancel aborts the handler's signal.
 */
export function fakeClient(handlers: FakeHandlers): FakeClient {
  const listeners = new Set<(m: ServerMessage) => void>();
  const inFlight = new Map<number, AbortController>();
  const calls: FakeClient['calls'] = [];
  const emit = (m: ServerMessage) => queueMicrotask(() => listeners.forEach((l) => l(m)));
  const transport: Transport = {
    ready: () => Promise.resolve(),
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(message) {
      if (message.type === 'cancel' || message.type === 'detach') {
        inFlight.get(message.id)?.abort();
        emit({ type: 'error', id: message.id, error: { code: 'cancelled', message: 'Cancelled' } });
        return;
      }
      const { id, method, params } = message;
      calls.push({ method, params });
      const handler = (handlers as Record<string, ((p: unknown, s: AbortSignal) => unknown) | undefined>)[method];
      if (!handler) return emit({ type: 'error', id, error: { code: 'unsupported', message: `The fake client has no ${method}` } });
      const controller = new AbortController();
      inFlight.set(id, controller);
      Promise.resolve()
        .then(() => handler(params, controller.signal))
        .then(
          (result) => !controller.signal.aborted && emit({ type: 'result', id, result }),
          (e: unknown) => !controller.signal.aborted && emit({ type: 'error', id, error: toApiError(e) }),
        )
        .finally(() => inFlight.delete(id));
    },
  };
  return { client: createClient(transport), calls };
}

export function renderWithClient(ui: ReactElement, client: RewindClient): RenderResult {
  return render(<ClientContext.Provider value={client}>{ui}</ClientContext.Provider>);
}
