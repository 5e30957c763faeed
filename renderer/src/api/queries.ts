import { QueryClient } from '@tanstack/react-query';

/**
 * Server state in one cache (TanStack Query): each list is fetched once, shared by every view
 * that shows it, aborted when no view wants it any more, and fetched again when something
 * changes what it shows (a save, a delete, a new topic) by invalidating its key.
 */
export function createQueryClient(): QueryClient {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 10_000 } } });
  // Depths move while nobody acts in Rewind: the dead-letter list is read again while shown.
  client.setQueryDefaults(['dead-letters'], { refetchInterval: COUNTS_REFRESH_MS });
  return client;
}

/**
 * Counts shown (sidebar badges, dead-letter depths) are read again this often while a view shows
 * them; TanStack pauses the timer while the window is hidden.
 */
export const COUNTS_REFRESH_MS = 10_000;

export const queryKeys = {
  connections: ['connections'] as const,
  resources: (connectionId: string) => ['resources', connectionId] as const,
  status: (connectionId: string) => ['status', connectionId] as const,
  readModels: ['read-models'] as const,
  deadLetters: ['dead-letters'] as const,
  /** A subscription's checkpoint and parked events, and (under it) its code and state. */
  subscription: (connectionId: string, name: string) => ['subscription', connectionId, name] as const,
  subscriptionDetail: (connectionId: string, name: string) => ['subscription', connectionId, name, 'detail'] as const,
};
