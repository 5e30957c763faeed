import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { movesMessages, refreshAfterMove } from '../api/refresh-after-moves';
import { useClient } from '../api/client-context';
import type { Job } from '../../../src/model/jobs';
import { useTransferNotices } from './background-transfers';

/** A job that ended while no view was attached: the panel says so until dismissed. */
export interface JobNotice {
  id: string;
  text: string;
}

/**
 * The core's job list, kept current by one long-lived watch (re-opened after a dropped
 * connection), and notices for jobs that finished while their view was closed.
 */
export function useJobs(): { jobs: Job[]; notices: JobNotice[]; dismissNotice(id: string): void } {
  const client = useClient();
  const queryClient = useQueryClient();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [notices, setNotices] = useState<JobNotice[]>([]);
  const previous = useRef(new Map<string, Job>());

  useEffect(() => {
    const c = new AbortController();
    let retry: number | null = null;
    const watch = () => {
      client
        .stream(
          'jobs/watch',
          {},
          {
            signal: c.signal,
            onBatch: (lists) => {
              const list = lists[lists.length - 1];
              if (!list) return;
              // A job that moved messages ended (whoever started it, attached or not): counts are read again.
              for (const j of list) if (j.state !== 'running' && previous.current.get(j.id)?.state === 'running' && movesMessages(j.method)) refreshAfterMove(queryClient, j.method, j.place);
              const ended = list.filter((j) => j.state !== 'running' && j.detached && previous.current.get(j.id)?.state === 'running');
              if (ended.length)
                setNotices((n) => [
                  ...n,
                  ...ended.map((j) => ({ id: j.id, text: `${j.title}: ${j.state === 'done' ? (j.outcome ?? 'done') : j.state === 'cancelled' ? 'cancelled' : `failed — ${j.outcome ?? ''}`}` })),
                ]);
              previous.current = new Map(list.map((j) => [j.id, j]));
              setJobs(list);
            },
          },
        )
        .catch(() => {
          if (!c.signal.aborted) retry = window.setTimeout(watch, 1000);
        });
    };
    watch();
    return () => {
      c.abort();
      if (retry !== null) window.clearTimeout(retry);
    };
  }, [client, queryClient]);

  const transfers = useTransferNotices();
  return {
    jobs,
    notices: [...notices, ...transfers.notices],
    dismissNotice: (id) => {
      setNotices((n) => n.filter((x) => x.id !== id));
      transfers.dismiss(id);
    },
  };
}
