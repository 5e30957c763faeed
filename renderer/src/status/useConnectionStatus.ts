import { useEffect, useState } from 'react';
import { useClient } from '../api/client-context';
import type { ConnectionStatus } from '../api/types';

const RECHECK_MS = 30_000;

export type StatusState = { status: 'checking' } | { status: 'known'; value: ConnectionStatus };

/** Whether the active connection answers, checked on change and every 30 s. */
export function useConnectionStatus(connectionId: string | null, revision: number): StatusState | null {
  const client = useClient();
  const [state, setState] = useState<StatusState | null>(null);
  useEffect(() => {
    if (!connectionId) return setState(null);
    let controller = new AbortController();
    const check = () => {
      controller = new AbortController();
      client
        .call('connections/status', { connectionId }, { signal: controller.signal })
        .then((value) => setState({ status: 'known', value }))
        .catch(() => undefined);
    };
    setState({ status: 'checking' });
    check();
    const timer = setInterval(check, RECHECK_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [client, connectionId, revision]);
  return state;
}
