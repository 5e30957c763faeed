import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import type { ReadModelInfo } from '../api/types';

/** The saved read models and the file they live in, from the shared cache (the palette reads it too). */
export function useReadModelList() {
  const client = useClient();
  const q = useQuery({ queryKey: queryKeys.readModels, queryFn: ({ signal }) => client.call('read-models/list', {}, { signal }) });
  const { refetch } = q;
  /** Lists again; resolves with the fresh list (null when listing failed). */
  const refresh = useCallback(async (): Promise<ReadModelInfo[] | null> => (await refetch()).data?.models ?? null, [refetch]);
  return { models: q.data?.models ?? null, path: q.data?.path ?? '', error: q.error, refresh };
}
