import type { QueryClient } from '@tanstack/react-query';
import type { RewindClient } from '../../../src/api/client';
import { rabbitKeys } from '../rabbit/rabbit-queries';
import { queryKeys } from './queries';

/**
 * API methods that move, add or remove messages (or whole resources): when one settles, done or
 * not, every count it may have changed is read again: the sidebar's badges, the dead-letter list,
 * a queue's page, the audit log. Views never pass counters around for this.
 */
const MOVES = new Set([
  'dead-letters/redrive',
  'publish/send',
  'topics/import',
  'topics/create',
  'topics/delete',
  'store/append',
  'store/import',
  'imports/run',
  'groups/reset',
  'rabbit/purge-queue',
  'rabbit/delete-queue',
  'rabbit/delete-exchange',
  'subscriptions/catch-up',
  'subscriptions/replay-parked',
  'subscriptions/save',
  'subscriptions/delete',
]);

/** RabbitMQ's management API samples queue depths every 5 s (its default): read once more after that. */
const SAMPLE_LAG_MS = 6_000;

export const movesMessages = (method: string) => MOVES.has(method);

/** Marks as stale what a finished move may have changed; the views that show it read it again. */
export function refreshAfterMove(queryClient: QueryClient, method: string, params: unknown): void {
  if (!MOVES.has(method)) return;
  const connectionId =
    typeof params === 'object' && params !== null && typeof (params as { connectionId?: unknown }).connectionId === 'string' ? (params as { connectionId: string }).connectionId : null;
  const invalidate = () => {
    void queryClient.invalidateQueries({ queryKey: connectionId ? queryKeys.resources(connectionId) : ['resources'] });
    void queryClient.invalidateQueries({ queryKey: queryKeys.deadLetters });
    void queryClient.invalidateQueries({ queryKey: ['audit'] });
    void queryClient.invalidateQueries({ queryKey: connectionId ? rabbitKeys.broker(connectionId) : ['rabbit'] });
    if (method.startsWith('subscriptions/') && connectionId) void queryClient.invalidateQueries({ queryKey: ['subscription', connectionId] });
  };
  invalidate();
  setTimeout(invalidate, SAMPLE_LAG_MS);
}

/**
 * The client every view uses, with one addition: a call or stream that moves messages refreshes
 * the counts when it settles, whichever view started it.
 */
export function refreshingClient(client: RewindClient, queryClient: QueryClient): RewindClient {
  const after = <T>(method: string, params: unknown, work: Promise<T>): Promise<T> => {
    if (!MOVES.has(method)) return work;
    return work.finally(() => refreshAfterMove(queryClient, method, params));
  };
  return {
    ...client,
    call: ((method, params, options) => after(method, params, client.call(method, params, options))) as RewindClient['call'],
    stream: ((method, params, options) => after(method, params, client.stream(method, params, options))) as RewindClient['stream'],
  };
}
