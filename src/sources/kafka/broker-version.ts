import type { Kafka } from 'kafkajs';
import { apiVersionsV3Request, decodeApiVersionsV3, type ApiVersionsV3, type VersionRange } from './api-versions';
import { createCluster, rawRequest, type BrokerLike } from './kafkajs-internals';

/**
 * Which Kafka a broker runs. Kafka has no "version" request; what a broker does say is which
 * `metadata.version` levels its software supports (ApiVersions v3, KIP-584/778), and every
 * release since 3.3 has added levels, so the highest supported level names the release.
 * Older or ZooKeeper-mode brokers only list API ranges: the newest API they serve gives a lower
 * bound. Anything less and the version cannot be known, which is said as such.
 */
export interface BrokerVersion {
  /** "Kafka 3.9", "Kafka 2.8 or later", or null when it cannot be known. */
  label: string | null;
  /** How the label was read, for the details list. */
  basis: string;
}

/** metadata.version feature levels and their names (Kafka's MetadataVersion enum). */
const METADATA_VERSIONS: readonly string[] = [
  '',
  '3.0-IV1',
  '3.1-IV0',
  '3.2-IV0',
  '3.3-IV0',
  '3.3-IV1',
  '3.3-IV2',
  '3.3-IV3',
  '3.4-IV0',
  '3.5-IV0',
  '3.5-IV1',
  '3.5-IV2',
  '3.6-IV0',
  '3.6-IV1',
  '3.6-IV2',
  '3.7-IV0',
  '3.7-IV1',
  '3.7-IV2',
  '3.7-IV3',
  '3.7-IV4',
  '3.8-IV0',
  '3.9-IV0',
  '4.0-IV0',
  '4.0-IV1',
  '4.0-IV2',
  '4.0-IV3',
  '4.1-IV0',
  '4.1-IV1',
  '4.2-IV0',
  '4.2-IV1',
];

/** The newest API key each release added that a broker serves to clients, newest first. */
const API_MARKERS: readonly { apiKey: number; release: string; api: string }[] = [
  { apiKey: 65, release: '3.0', api: 'DescribeTransactions' },
  { apiKey: 60, release: '2.8', api: 'DescribeCluster' },
  { apiKey: 57, release: '2.7', api: 'UpdateFeatures' },
  { apiKey: 48, release: '2.6', api: 'DescribeClientQuotas' },
  { apiKey: 47, release: '2.4', api: 'OffsetDelete' },
  { apiKey: 44, release: '2.3', api: 'IncrementalAlterConfigs' },
  { apiKey: 37, release: '1.0', api: 'CreatePartitions' },
];

const METADATA_VERSION = 'metadata.version';
const API_VERSIONS_KEY = 18;

export const metadataVersionName = (level: number): string | null => METADATA_VERSIONS[level] || null;

/** What a broker's ApiVersions answer says about its release. */
export function brokerVersionFrom(info: { apiKeys: Map<number, VersionRange>; supported?: Map<string, VersionRange>; finalized?: Map<string, VersionRange> }): BrokerVersion {
  const supported = info.supported?.get(METADATA_VERSION);
  if (supported && supported.max > 0) {
    const name = metadataVersionName(supported.max);
    const finalized = info.finalized?.get(METADATA_VERSION);
    const running = finalized && finalized.max > 0 ? `; the cluster runs at ${metadataVersionName(finalized.max) ?? `level ${finalized.max}`}` : '';
    if (name) return { label: `Kafka ${name.slice(0, name.indexOf('-'))}`, basis: `supports metadata.version up to ${name}${running}` };
    const newest = METADATA_VERSIONS[METADATA_VERSIONS.length - 1]!;
    return { label: `Kafka newer than ${newest.slice(0, newest.indexOf('-'))}`, basis: `supports metadata.version level ${supported.max}, past ${newest}${running}` };
  }
  const marker = API_MARKERS.find((m) => info.apiKeys.has(m.apiKey));
  if (marker) return { label: `Kafka ${marker.release} or later`, basis: `serves ${marker.api} (added in ${marker.release}) but reports no metadata.version (ZooKeeper mode or older than 3.3)` };
  return { label: null, basis: 'its version cannot be known: it reports neither metadata.version nor an API newer than Kafka 1.0' };
}

/** ApiVersions v3 through the broker's kafkajs connection; null when the broker does not speak v3. */
async function askV3(broker: BrokerLike): Promise<ApiVersionsV3 | null> {
  if ((broker.versions?.[API_VERSIONS_KEY]?.maxVersion ?? 0) < 3) return null;
  return (await broker.connectionPool.send({
    request: rawRequest(API_VERSIONS_KEY, 3, 'ApiVersions', apiVersionsV3Request('rewind', '1.0.0')),
    response: { decode: async (payload: Buffer) => decodeApiVersionsV3(payload), parse: async (decoded: unknown) => decoded },
    requestTimeout: 5_000,
    logResponseError: false,
  })) as ApiVersionsV3 | null;
}

/** kafkajs's own v2 ranges, negotiated when it connected. */
function rangesOf(broker: BrokerLike): Map<number, VersionRange> {
  return new Map(Object.entries(broker.versions ?? {}).map(([k, v]) => [Number(k), { min: v.minVersion, max: v.maxVersion }]));
}

/** Brokers asked at most: a large cluster's version is the same story after a few. */
const MAX_ASKED = 8;

/** Each broker's version by node id (the first MAX_ASKED), asked on a cluster client of its own. */
export async function brokerVersions(kafka: Kafka, nodeIds: number[]): Promise<Map<number, BrokerVersion>> {
  const cluster = createCluster(kafka);
  const out = new Map<number, BrokerVersion>();
  try {
    await cluster.connect();
    // The broker list comes with metadata; no topics are asked for.
    await cluster.refreshMetadata();
    await Promise.all(
      nodeIds.slice(0, MAX_ASKED).map(async (nodeId) => {
        try {
          const broker = await cluster.findBroker({ nodeId: String(nodeId) });
          const v3 = await askV3(broker).catch(() => null);
          out.set(nodeId, brokerVersionFrom(v3 ?? { apiKeys: rangesOf(broker) }));
        } catch (e) {
          out.set(nodeId, { label: null, basis: `its version cannot be known: asking it failed (${(e as Error).message})` });
        }
      }),
    );
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
  return out;
}

/** One phrase for the cluster: "Kafka 3.9", "Kafka 3.8 and 3.9" during an upgrade, or null. */
export function clusterVersionLabel(versions: BrokerVersion[]): string | null {
  const labels = [...new Set(versions.map((v) => v.label).filter((l): l is string => l !== null))];
  if (labels.length === 0) return null;
  if (labels.length === 1) return labels[0]!;
  return `Kafka ${labels.map((l) => l.replace(/^Kafka /, '')).join(' and ')}`;
}
