import type { z } from 'zod';
import { contract, isMethod, type CallMethod, type ItemOf, type ParsedParamsOf, type Progress, type ResultOf, type StreamMethod } from './contract';
import { RewindError, toApiError } from '../model/errors';
import { ClientMessage, type ServerMessage } from './protocol';
import { survivesClose } from '../model/job-kinds';

export interface CallContext {
  signal: AbortSignal;
  /**
   * Called if the requester lets go of an operation that survives it (a job whose view closed or
   * reloaded): the work goes on, nothing more is sent to that requester.
   */
  onDetach?(listener: () => void): void;
  /** The job this call runs as, when it is one (see withJobs). */
  jobId?: string;
}
export interface StreamContext<I> extends CallContext {
  batch(items: I[]): void;
  progress(progress: Progress): void;
}

export type Handlers = {
  [M in CallMethod]: (params: ParsedParamsOf<M>, ctx: CallContext) => Promise<ResultOf<M>>;
} & {
  [M in StreamMethod]: (params: ParsedParamsOf<M>, ctx: StreamContext<ItemOf<M>>) => Promise<ResultOf<M>>;
};

const defaultFault = (where: string, e: unknown) => console.error(`[api] ${where} failed:`, e);

type AnyHandler = (params: unknown, ctx: StreamContext<unknown>) => Promise<unknown>;

/**
 * Runs API handlers for one peer (a WebSocket, a window). Everything that arrives is validated
 * against the contract before a handler sees it; every operation can be cancelled by id.
 */
export function createDispatcher(handlers: Handlers, rawSend: (message: ServerMessage) => void, onFault: (where: string, e: unknown) => void = defaultFault) {
  const running = new Map<number, { controller: AbortController; method: string; detach(): void; canDetach(): boolean }>();
  /** A message that cannot be sent (a value JSON cannot carry, a closed peer) is reported, not thrown. */
  const send = (message: ServerMessage): boolean => {
    try {
      rawSend(message);
      return true;
    } catch (e) {
      onFault(`sending ${message.type} for request ${message.id}`, e);
      return false;
    }
  };

  async function run(id: number, method: string, rawParams: unknown): Promise<void> {
    if (running.has(id)) {
      send({ type: 'error', id, error: { code: 'invalid_input', message: `Request id ${id} is already in use` } });
      return;
    }
    const controller = new AbortController();
    let detached = false;
    const detachListeners: (() => void)[] = [];
    running.set(id, {
      controller,
      method,
      detach: () => {
        detached = true;
        for (const l of detachListeners) l();
      },
      // Only a call that became a job can go on alone (a read of one page is not a job).
      canDetach: () => detachListeners.length > 0,
    });
    try {
      if (!isMethod(method)) throw new RewindError('invalid_input', `Unknown API method "${method}"`);
      const spec = contract[method];
      const parsed = (spec.params as z.ZodType).safeParse(rawParams ?? {});
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
        throw new RewindError('invalid_input', `${where}${first?.message ?? 'Invalid request'}`);
      }
      const handler = handlers[method] as unknown as AnyHandler;
      const ctx: StreamContext<unknown> = {
        signal: controller.signal,
        batch: (items) => {
          if (!controller.signal.aborted && !detached && items.length > 0) send({ type: 'batch', id, items });
        },
        progress: (progress) => {
          if (!controller.signal.aborted && !detached) send({ type: 'progress', id, progress });
        },
        onDetach: (listener) => void detachListeners.push(listener),
      };
      // Answer a cancel at once, even when the handler is stuck in a library call that ignores
      // the signal (a connect timeout); the handler still gets the signal and finishes on its own.
      const work = handler(parsed.data, ctx);
      work.catch(() => undefined);
      const cancelled = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(new RewindError('cancelled', 'Cancelled')), { once: true }));
      cancelled.catch(() => undefined);
      const result = await Promise.race([work, cancelled]);
      if (detached) return;
      if (!send({ type: 'result', id, result })) {
        send({ type: 'error', id, error: { code: 'internal', message: `The answer to ${method} could not be sent` } });
      }
    } catch (e) {
      const error = controller.signal.aborted ? { code: 'cancelled' as const, message: 'Cancelled' } : toApiError(e);
      if (error.code === 'internal') onFault(`${method}`, e);
      if (!detached) send({ type: 'error', id, error });
    } finally {
      running.delete(id);
    }
  }

  return {
    handle(raw: unknown): void {
      try {
        const parsed = ClientMessage.safeParse(raw);
        if (!parsed.success) return; // not ours; nothing to answer to without an id
        const message = parsed.data;
        if (message.type === 'cancel') {
          running.get(message.id)?.controller.abort();
          return;
        }
        if (message.type === 'detach') {
          const r = running.get(message.id);
          if (r && survivesClose(r.method) && r.canDetach()) r.detach();
          else r?.controller.abort();
          return;
        }
        run(message.id, message.method, message.params).catch((e: unknown) => onFault(message.method, e));
      } catch (e) {
        onFault('handling a message', e);
      }
    },
    /** The peer went away: stop its work, but for jobs that go on without it. */
    close(): void {
      for (const r of running.values()) {
        try {
          if (survivesClose(r.method) && r.canDetach()) r.detach();
          else r.controller.abort();
        } catch (e) {
          onFault('cancelling on close', e);
        }
      }
      running.clear();
    },
  };
}
