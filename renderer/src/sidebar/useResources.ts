import { useCallback, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { ResourceState } from './tree-rows';

/** Resource lists per connection, loaded when a connection is first expanded, reloadable. */
export function useResources() {
  const client = useClient();
  const [states, setStates] = useState<ReadonlyMap<string, ResourceState>>(new Map());
  const inFlight = useRef(new Map<string, AbortController>());

  const load = useCallback(
    (connectionId: string) => {
      inFlight.current.get(connectionId)?.abort();
      const controller = new AbortController();
      inFlight.current.set(connectionId, controller);
      setStates((s) => new Map(s).set(connectionId, { status: 'loading' }));
      client
        .call('resources/list', { connectionId }, { signal: controller.signal })
        .then((list) => setStates((s) => new Map(s).set(connectionId, { status: 'ready', list })))
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setStates((s) => new Map(s).set(connectionId, { status: 'error', error }));
        });
    },
    [client],
  );

  const ensure = useCallback(
    (connectionId: string) => {
      if (!states.has(connectionId)) load(connectionId);
    },
    [states, load],
  );

  const forget = useCallback((connectionId: string) => {
    inFlight.current.get(connectionId)?.abort();
    setStates((s) => {
      const next = new Map(s);
      next.delete(connectionId);
      return next;
    });
  }, []);

  return { states, load, ensure, forget };
}
