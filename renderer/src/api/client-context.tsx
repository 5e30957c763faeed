import { createContext, useContext } from 'react';
import type { RewindClient } from '../../../src/api/client';

export const ClientContext = createContext<RewindClient | null>(null);

export function useClient(): RewindClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}
