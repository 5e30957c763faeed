import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { useClient } from '../api/client-context';
import type { BrokerConnection, QueueFacts, RabbitTopology } from '../../../src/api/contract-rabbit';

export type Topology = z.infer<typeof RabbitTopology>;
export type Facts = z.infer<typeof QueueFacts>;
export type Connection = z.infer<typeof BrokerConnection>;

/** A map shows up to this many of each (exchanges, queues, bindings); the filter narrows past it. */
export const MAP_LIMIT = 5_000;

export const rabbitKeys = {
  topology: (connectionId: string, vhost: string, filter: string) => ['rabbit', connectionId, vhost, 'topology', filter] as const,
  queue: (connectionId: string, vhost: string, queue: string) => ['rabbit', connectionId, vhost, 'queue', queue] as const,
  connections: (connectionId: string) => ['rabbit', connectionId, 'connections'] as const,
  /** Everything of one broker: after a purge or delete, every view of it is read again. */
  broker: (connectionId: string) => ['rabbit', connectionId] as const,
};

export function useTopology(connectionId: string, vhost: string, filter: string) {
  const client = useClient();
  return useQuery({
    queryKey: rabbitKeys.topology(connectionId, vhost, filter),
    queryFn: ({ signal }) => client.call('rabbit/topology', { connectionId, vhost, ...(filter ? { filter } : {}), page: { offset: 0, limit: MAP_LIMIT } }, { signal }),
    placeholderData: (previous) => previous,
  });
}

export function useQueueFacts(connectionId: string, vhost: string, queue: string) {
  const client = useClient();
  return useQuery({
    queryKey: rabbitKeys.queue(connectionId, vhost, queue),
    queryFn: ({ signal }) => client.call('rabbit/queue', { connectionId, vhost, queue }, { signal }),
    // Depths, rates and consumers move: read again every few seconds while the page shows.
    refetchInterval: 5_000,
  });
}

export function useBrokerConnections(connectionId: string, enabled: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: rabbitKeys.connections(connectionId),
    queryFn: ({ signal }) => client.call('rabbit/connections', { connectionId }, { signal }),
    enabled,
    refetchInterval: enabled ? 5_000 : false,
  });
}

/** A JSON argument value as the management UI writes it: strings bare, the rest as JSON. */
export const argText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
