import type { z } from 'zod';
import { contract, type CallMethod, type ItemOf, type Method, type ParamsOf, type Progress, type ResultOf, type StreamMethod } from './contract';
import { ApiCallError } from '../model/errors';
import type { ServerMessage, Transport } from './protocol';

export interface StreamOptions<I> {
  onBatch?: (items: I[]) => void;
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  /**
   * Lets go instead of cancelling when aborted (the view closed): a job that survives its view (a
   * search, a catch-up) goes on in the core and can be attached to again from the jobs panel.
   */
  detach?: AbortSignal;
}

interface Pending {
  method: Method;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onBatch?: (items: unknown[]) => void;
  onProgress?: (progress: Progress) => void;
}

/**
 * The typed API as the renderer (and tests) see it. Results and streamed items are validated
 * against the contract on arrival, so a mismatched back end fails loudly instead of rendering junk.
 */
export function createClient(transport: Transport) {
  let nextId = 1;
  const pending = new Map<number, Pending>();

  transport.onMessage((message: ServerMessage) => {
    const p = pending.get(message.id);
    if (!p) return;
    const spec = contract[p.method];
    switch (message.type) {
      case 'progress':
        p.onProgress?.(message.progress);
        return;
      case 'batch': {
        if (spec.kind !== 'stream') return;
        const items = message.items.map((item) => (spec.item as z.ZodType).parse(item));
        p.onBatch?.(items);
        return;
      }
      case 'result': {
        pending.delete(message.id);
        const parsed = (spec.result as z.ZodType).safeParse(message.result);
        if (parsed.success) p.resolve(parsed.data);
        else p.reject(new ApiCallError({ code: 'internal', message: `Malformed answer to ${p.method}: ${parsed.error.message}` }));
        return;
      }
      case 'error':
        pending.delete(message.id);
        p.reject(new ApiCallError(message.error));
        return;
    }
  });

  function start(method: Method, params: unknown, signal: AbortSignal | undefined, extra: Partial<Pending>, detach?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new ApiCallError({ code: 'cancelled', message: 'Cancelled' }));
        return;
      }
      const id = nextId++;
      pending.set(id, { method, resolve, reject, ...extra });
      signal?.addEventListener('abort', () => pending.has(id) && transport.send({ type: 'cancel', id }), { once: true });
      detach?.addEventListener(
        'abort',
        () => {
          if (!pending.has(id)) return;
          // Nothing more comes for a request let go of: settle it here.
          transport.send({ type: 'detach', id });
          pending.delete(id);
          reject(new ApiCallError({ code: 'cancelled', message: 'Left running in the jobs panel' }));
        },
        { once: true },
      );
      transport.send({ type: 'call', id, method, params });
    });
  }

  return {
    ready: () => transport.ready(),
    call<M extends CallMethod>(method: M, params: ParamsOf<M>, options: { signal?: AbortSignal } = {}): Promise<ResultOf<M>> {
      return start(method, params, options.signal, {}) as Promise<ResultOf<M>>;
    },
    stream<M extends StreamMethod>(method: M, params: ParamsOf<M>, options: StreamOptions<ItemOf<M>> = {}): Promise<ResultOf<M>> {
      return start(method, params, options.signal, { onBatch: options.onBatch as ((items: unknown[]) => void) | undefined, onProgress: options.onProgress }, options.detach) as Promise<ResultOf<M>>;
    },
    /** The transport dropped: fail everything in flight rather than hang. */
    failAll(reason: string): void {
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new ApiCallError({ code: 'network', message: reason, hint: 'Restart Rewind if this persists.' }));
      }
    },
  };
}

export type RewindClient = ReturnType<typeof createClient>;
