import { useCallback, useRef, useState } from 'react';
import { useUnmountSignal } from '../api/useUnmountSignal';
import { useClient } from '../api/client-context';
import { Catalogue, CatalogueItem, CatalogueRequest, type CatalogueScope } from '../../../src/model/catalogue';

interface State {
  catalogue: Catalogue | null;
  running: boolean;
  stopped: boolean;
  error: unknown;
  /** Records read so far, and how many there are (for the bar). */
  done: number;
  total: number | null;
  request: CatalogueRequest | null;
}

const initial: State = { catalogue: null, running: false, stopped: false, error: null, done: 0, total: null, request: null };

/** An event catalogue as it is built: the catalogue so far every second, the progress, the whole one at the end. */
export function useCatalogue() {
  const client = useClient();
  const [state, setState] = useState<State>(initial);
  const controller = useRef<AbortController | null>(null);
  const attached = useRef<string | null>(null);
  // Closing the tab lets the job go on in the core.
  const detach = useUnmountSignal();

  const onItems = useCallback((items: CatalogueItem[]) => {
    const last = items[items.length - 1];
    if (last) setState((s) => ({ ...s, catalogue: last.catalogue }));
  }, []);
  const onProgress = useCallback((p: { done: number; total: number | null }) => setState((s) => ({ ...s, done: p.done, total: p.total })), []);

  const run = useCallback(async (work: (signal: AbortSignal) => Promise<Catalogue>, request: CatalogueRequest | null) => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setState((s) => ({ ...initial, request: request ?? s.request, catalogue: s.catalogue, running: true }));
    try {
      const catalogue = await work(c.signal);
      setState((s) => ({ ...s, running: false, catalogue, done: catalogue.scanned, total: catalogue.total }));
    } catch (e) {
      setState((s) => ({ ...s, running: false, stopped: c.signal.aborted, error: c.signal.aborted ? null : e }));
    }
  }, []);

  const build = useCallback(
    (connectionId: string, resource: CatalogueRequest['resource'], scope: CatalogueScope) => {
      const request: CatalogueRequest = { connectionId, resource, scope };
      void run((signal) => client.stream('catalogue/build', request, { signal, detach: detach.current, onBatch: onItems, onProgress }), request);
    },
    [client, run, onItems, onProgress, detach],
  );

  const attach = useCallback(
    (jobId: string) => {
      attached.current = jobId;
      void run(async (signal) => {
        try {
          const asked = CatalogueRequest.safeParse((await client.call('jobs/get', { id: jobId }, { signal })).params);
          if (asked.success) setState((s) => ({ ...s, request: asked.data }));
          const end = await client.stream('jobs/attach', { id: jobId }, { signal, detach: detach.current, onBatch: (raw) => onItems(raw.map((x) => CatalogueItem.parse(x))), onProgress });
          return Catalogue.parse(end.result);
        } finally {
          attached.current = null;
        }
      }, null);
    },
    [client, run, onItems, onProgress, detach],
  );

  const stop = useCallback(() => {
    if (attached.current) void client.call('jobs/cancel', { id: attached.current });
    controller.current?.abort();
  }, [client]);

  return { ...state, build, attach, stop };
}
