import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { PageRequest, TopicPage } from '../../../src/model/topic-scan';

type Request = Omit<PageRequest, 'connectionId'>;

interface PageState {
  page: TopicPage | null;
  loading: boolean;
  error: unknown;
  /** The request that made `page`: Previous and Next start from its edges. */
  request: Request | null;
}

/** One page of a whole topic at a time; a new request cancels the one under way. */
export function useTopicPage(connectionId: string) {
  const client = useClient();
  const [state, setState] = useState<PageState>({ page: null, loading: false, error: null, request: null });
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(
    async (request: Request) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setState((s) => ({ ...s, loading: true, error: null }));
      try {
        const page = await client.call('topics/page', { connectionId, ...request }, { signal: c.signal });
        if (!c.signal.aborted) setState({ page, loading: false, error: null, request });
      } catch (error) {
        if (!c.signal.aborted) setState((s) => ({ ...s, loading: false, error }));
      }
    },
    [client, connectionId],
  );

  const cancel = useCallback(() => {
    controller.current?.abort();
    setState((s) => ({ ...s, loading: false }));
  }, []);

  // A closed tab stops what it started.
  useEffect(() => () => controller.current?.abort(), []);

  return { ...state, load, cancel };
}
