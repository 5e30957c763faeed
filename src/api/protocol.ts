import { z } from 'zod';
import { ApiError } from '../model/errors';

/**
 * The messages every transport carries (WebSocket frames, Electron IPC). One request id per
 * operation; a stream operation may send many `progress` and `batch` messages before its end.
 */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string().max(100), params: z.unknown() }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
  /** Let go of an operation without stopping it: a job that survives its view goes on. */
  z.object({ type: z.literal('detach'), id: z.number().int() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int(), error: ApiError }),
  z.object({
    type: z.literal('progress'),
    id: z.number().int(),
    progress: z.object({ done: z.number(), total: z.number().nullable(), exact: z.boolean() }),
  }),
  z.object({ type: z.literal('batch'), id: z.number().int(), items: z.array(z.unknown()) }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** What the renderer's client needs from whatever carries the messages. */
export interface Transport {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
  /** Resolves when the transport can carry messages; rejects with a readable reason. */
  ready(): Promise<void>;
}
