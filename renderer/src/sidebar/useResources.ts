import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useClient } from '../api/client-context';
import { COUNTS_REFRESH_MS, queryKeys } from '../api/queries';
import type { ResourceState } from './tree-rows';

/**
 * Resource lists per connection, from the shared query cache: loaded when a connection is first
 * wanted (expanded, or the palette opened), reloadable, dropped when the connection goes.
 */
export function useResources() {
  const client = useClient();
  const queryClient = useQueryClient();
  const [wanted, setWanted] = useState<readonly string[]>([]);

  const results = useQueries({
    queries: wanted.map((connectionId) => ({
      queryKey: queryKeys.resources(connectionId),
      queryFn: ({ signal }: { signal: AbortSignal }) => client.call('resources/list', { connectionId }, { signal }),
      // Counts move while nobody acts in Rewind (consumers, other producers): read again on a timer,
      // which TanStack pauses while the window is hidden.
      refetchInterval: COUNTS_REFRESH_MS,
    })),
  });

  const states = useMemo(() => {
    const map = new Map<string, ResourceState>();
    wanted.forEach((id, i) => {
      const r = results[i];
      // A list read again keeps showing the last one until the new one arrives (no flicker).
      if (!r || (r.isFetching && !r.data)) map.set(id, { status: 'loading' });
      else if (r.isError) map.set(id, { status: 'error', error: r.error });
      else if (r.data) map.set(id, { status: 'ready', list: r.data });
    });
    return map as ReadonlyMap<string, ResourceState>;
  }, [wanted, results]);

  const ensure = useCallback((connectionId: string) => setWanted((w) => (w.includes(connectionId) ? w : [...w, connectionId])), []);
  /** Lists again (the reload button, after a change). */
  const load = useCallback(
    (connectionId: string) => {
      ensure(connectionId);
      void queryClient.invalidateQueries({ queryKey: queryKeys.resources(connectionId) });
    },
    [ensure, queryClient],
  );
  const forget = useCallback(
    (connectionId: string) => {
      setWanted((w) => w.filter((x) => x !== connectionId));
      queryClient.removeQueries({ queryKey: queryKeys.resources(connectionId) });
    },
    [queryClient],
  );

  return { states, load, ensure, forget };
}
