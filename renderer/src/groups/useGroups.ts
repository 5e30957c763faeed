import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useClient } from '../api/client-context';

/** While a groups tab is open its numbers refresh this often (lag moves while consumers run). */
export const REFRESH_MS = 5_000;

/**
 * The connection's consumer groups and the chosen one's detail, from the shared query cache:
 * refreshed on demand and, while `auto` and the window is visible, on a timer.
 */
export function useGroups(connectionId: string, groupId: string | null, auto: boolean) {
  const client = useClient();
  const every = auto ? REFRESH_MS : false;
  const list = useQuery({
    queryKey: ['groups', connectionId],
    queryFn: ({ signal }) => client.call('groups/list', { connectionId }, { signal }),
    refetchInterval: every,
    staleTime: 0,
  });
  const detail = useQuery({
    queryKey: ['group', connectionId, groupId],
    queryFn: ({ signal }) => client.call('groups/describe', { connectionId, groupId: groupId ?? '' }, { signal }),
    enabled: groupId !== null,
    refetchInterval: every,
    staleTime: 0,
  });
  const { refetch: refetchList } = list;
  const { refetch: refetchDetail } = detail;
  const refresh = useCallback(async () => {
    await Promise.all([refetchList(), groupId !== null ? refetchDetail() : null]);
  }, [refetchList, refetchDetail, groupId]);

  return {
    groups: list.data ?? null,
    detail: groupId === null ? null : (detail.data ?? null),
    error: list.error,
    detailError: groupId === null ? null : detail.error,
    loading: list.isFetching || detail.isFetching,
    refreshedAt: list.dataUpdatedAt || null,
    refresh,
  };
}
