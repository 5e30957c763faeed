import type { Kafka } from 'kafkajs';

/**
 * The few parts of kafkajs 2.2.4 (pinned; no release since 2023) below its public API that Rewind
 * uses to read a partition without a consumer group: its cluster (metadata, leaders, connections
 * with TLS and SASL) and a broker connection that sends a request Rewind encodes and decodes
 * itself. kafkajs has no public `assign()`: its consumer always joins a group, which costs a
 * rebalance per read on real clusters and needs group ACLs. Everything kafkajs-internal is here.
 */

export interface BrokerLike {
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool: { send(request: ProtocolRequest): Promise<unknown>; host: string; port: number };
  disconnect(): Promise<void>;
}

export interface ClusterLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  /** ListOffsets for many topics at once: one request per leader broker. */
  fetchTopicsOffset(topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[]): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(options: { nodeId: string }): Promise<BrokerLike>;
  /** A Metadata request for these topics (with each topic's `isInternal`). */
  metadata(options: { topics: string[] }): Promise<{ topicMetadata: { topic: string; isInternal?: boolean }[] }>;
  /** The broker that coordinates a consumer group (FindCoordinator, retried by kafkajs). */
  findGroupCoordinator(options: { groupId: string }): Promise<BrokerLike>;
  targetTopics: Set<string>;
}

export interface ProtocolRequest {
  request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<unknown> };
  response: { decode(payload: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<unknown> };
  requestTimeout: number;
  logResponseError?: boolean;
}

export const FETCH_API_KEY = 1;

type CreateCluster = (options: {
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
  maxInFlightRequests?: number | null;
  instrumentationEmitter?: null;
  isolationLevel?: number;
}) => ClusterLike;

/** A cluster client of its own (not shared with admin or producers), created as kafkajs creates them. */
export function createCluster(kafka: Kafka, options: { isolationLevel?: number } = {}): ClusterLike {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = key ? (kafka as unknown as Record<symbol, CreateCluster>)[key] : undefined;
  if (typeof create !== 'function') throw new Error('this kafkajs build has no cluster factory (Rewind needs kafkajs 2.2.4)');
  return create({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, maxInFlightRequests: null, instrumentationEmitter: null, ...options });
}

type FetchRequestEncoder = (options: {
  replicaId: number;
  maxWaitTime: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number; logStartOffset?: string; currentLeaderEpoch?: number }[] }[];
}) => ProtocolRequest['request'];

/** kafkajs's own Fetch request encoders (v11 for brokers from 2.3 on, v4 for older ones). */
export function fetchRequestEncoder(version: 11 | 4): FetchRequestEncoder {
  // Deep requires: kafkajs has no "exports" map, and these files have not changed since 2.0.
  return version === 11
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('kafkajs/src/protocol/requests/fetch/v11/request') as FetchRequestEncoder)
    : // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('kafkajs/src/protocol/requests/fetch/v4/request') as FetchRequestEncoder);
}

type EncoderLike = { writeBuffer(b: Buffer): EncoderLike };

/** A request whose body Rewind encodes itself, sent through kafkajs's connection (which writes the v1 header). */
export function rawRequest(apiKey: number, apiVersion: number, apiName: string, body: Buffer): ProtocolRequest['request'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Encoder = require('kafkajs/src/protocol/encoder') as new () => EncoderLike;
  return { apiKey, apiVersion, apiName, encode: async () => new Encoder().writeBuffer(body) };
}

export const OFFSET_COMMIT_API_KEY = 8;

type OffsetCommitVersion = (args: { groupId: string; groupGenerationId: number; memberId: string; topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }) => {
  request: ProtocolRequest['request'];
  response: { decode(payload: Buffer): Promise<unknown> };
};

/** kafkajs's own OffsetCommit encoders and decoders (v2–v5: the versions brokers from 0.10 to 4.x all take). */
export function offsetCommitVersion(version: 2 | 3 | 4 | 5): OffsetCommitVersion {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { protocol } = require('kafkajs/src/protocol/requests/offsetCommit') as { protocol(options: { version: number }): OffsetCommitVersion };
  return protocol({ version });
}

/** Kafka's name for a protocol error code ("TOPIC_AUTHORIZATION_FAILED"), from kafkajs's table. */
export function kafkaErrorName(code: number): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: { type: string; code: number }[] };
  return errorCodes.find((e) => e.code === code)?.type ?? `error ${code}`;
}
