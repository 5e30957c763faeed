import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { GroupDetail, GroupSummary } from '../../../src/model/groups';

/** While a groups tab is open its numbers refresh this often (lag moves while consumers run). */
export const REFRESH_MS = 5_000;

interface State {
  groups: GroupSummary[] | null;
  detail: GroupDetail | null;
  error: unknown;
  detailError: unknown;
  loading: boolean;
  refreshedAt: number | null;
}

/** The connection's consumer groups and the chosen one's detail, refreshed on demand and on a timer. */
export function useGroups(connectionId: string, groupId: string | null, auto: boolean) {
  const client = useClient();
  const [state, setState] = useState<State>({ groups: null, detail: null, error: null, detailError: null, loading: false, refreshedAt: null });
  const inFlight = useRef(false);

  const refresh = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setState((s) => ({ ...s, loading: true }));
    try {
      const [groups, detail] = await Promise.all([
        client.call('groups/list', { connectionId }).then((g) => ({ ok: true as const, g }), (error: unknown) => ({ ok: false as const, error })),
        groupId ? client.call('groups/describe', { connectionId, groupId }).then((d) => ({ ok: true as const, d }), (error: unknown) => ({ ok: false as const, error })) : Promise.resolve(null),
      ]);
      setState((s) => ({
        ...s,
        loading: false,
        refreshedAt: Date.now(),
        groups: groups.ok ? groups.g : s.groups,
        error: groups.ok ? null : groups.error,
        detail: detail === null ? null : detail.ok ? detail.d : s.detail?.groupId === groupId ? s.detail : null,
        detailError: detail && !detail.ok ? detail.error : null,
      }));
    } finally {
      inFlight.current = false;
    }
  }, [client, connectionId, groupId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!auto) return;
    const t = setInterval(() => {
      // Not while the window is hidden: nobody is reading the numbers.
      if (!document.hidden) void refresh();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [auto, refresh]);

  return { ...state, refresh };
}
