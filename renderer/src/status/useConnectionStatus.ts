import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import type { ConnectionStatus } from '../api/types';

const RECHECK_MS = 30_000;

export type StatusState = { status: 'checking' } | { status: 'known'; value: ConnectionStatus };

/** Whether the active connection answers, checked on change and every 30 s (and again after a save). */
export function useConnectionStatus(connectionId: string | null): StatusState | null {
  const client = useClient();
  const q = useQuery({
    queryKey: queryKeys.status(connectionId ?? ''),
    queryFn: ({ signal }) => client.call('connections/status', { connectionId: connectionId ?? '' }, { signal }),
    enabled: connectionId !== null,
    refetchInterval: RECHECK_MS,
    staleTime: 0,
  });
  if (!connectionId) return null;
  return q.data ? { status: 'known', value: q.data } : { status: 'checking' };
}
