import { describe, expect, it } from 'vitest';
import { decodeApiVersionsV3 } from '../../src/sources/kafka/api-versions';
import { brokerVersionFrom, clusterVersionLabel } from '../../src/sources/kafka/broker-version';

/** An ApiVersions v3 response body as a broker writes it (KIP-511 compact encoding, tagged features). */
function v3Body(apiKeys: [number, number, number][], supported: [string, number, number][], finalized: [string, number, number][]): Buffer {
  const i16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
  const str = (s: string) => Buffer.concat([Buffer.from([s.length + 1]), Buffer.from(s)]);
  const features = (list: [string, number, number][]) => Buffer.concat([Buffer.from([list.length + 1]), ...list.map(([n, a, b]) => Buffer.concat([str(n), i16(a), i16(b), Buffer.from([0])]))]);
  const tag = (t: number, body: Buffer) => Buffer.concat([Buffer.from([t, body.length]), body]);
  return Buffer.concat([
    i16(0),
    Buffer.from([apiKeys.length + 1]),
    ...apiKeys.map(([k, min, max]) => Buffer.concat([i16(k), i16(min), i16(max), Buffer.from([0])])),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from([3]),
    tag(0, features(supported)),
    tag(1, Buffer.from([0, 0, 0, 0, 0, 0, 0, 7])),
    // Finalized features carry the max level first.
    tag(2, features(finalized)),
  ]);
}

describe('Kafka version from ApiVersions', () => {
  it('names the release from the highest metadata.version the broker supports, and what the cluster runs at', () => {
    const decoded = decodeApiVersionsV3(
      v3Body(
        [
          [0, 0, 11],
          [18, 0, 4],
        ],
        [['metadata.version', 1, 21]],
        [['metadata.version', 21, 21]],
      ),
    )!;
    expect(decoded.apiKeys.get(0)).toEqual({ min: 0, max: 11 });
    expect(brokerVersionFrom(decoded)).toEqual({ label: 'Kafka 3.9', basis: 'supports metadata.version up to 3.9-IV0; the cluster runs at 3.9-IV0' });
    // A 4.0 broker still finalized at 3.9 during an upgrade: the software is 4.0.
    expect(brokerVersionFrom(decodeApiVersionsV3(v3Body([], [['metadata.version', 1, 25]], [['metadata.version', 21, 21]]))!).label).toBe('Kafka 4.0');
  });

  it('says a release newer than it knows is newer, not a wrong number', () => {
    expect(brokerVersionFrom(decodeApiVersionsV3(v3Body([], [['metadata.version', 1, 40]], []))!)).toEqual({
      label: 'Kafka newer than 4.2',
      basis: 'supports metadata.version level 40, past 4.2-IV1',
    });
  });

  it('gives a lower bound for brokers without metadata.version, and says plainly when nothing tells', () => {
    const zk = new Map([
      [0, { min: 0, max: 9 }],
      [60, { min: 0, max: 0 }],
      [18, { min: 0, max: 3 }],
    ]);
    expect(brokerVersionFrom({ apiKeys: zk }).label).toBe('Kafka 2.8 or later');
    const old = new Map([
      [0, { min: 0, max: 3 }],
      [18, { min: 0, max: 1 }],
    ]);
    expect(brokerVersionFrom({ apiKeys: old })).toEqual({ label: null, basis: 'its version cannot be known: it reports neither metadata.version nor an API newer than Kafka 1.0' });
  });

  it('treats a refused v3 request as no answer, so the caller falls back', () => {
    expect(decodeApiVersionsV3(Buffer.from([0, 35, 0, 0, 0, 0]))).toBeNull();
  });

  it('names a cluster in the middle of an upgrade by both releases', () => {
    expect(
      clusterVersionLabel([
        { label: 'Kafka 3.8', basis: '' },
        { label: 'Kafka 3.9', basis: '' },
        { label: 'Kafka 3.9', basis: '' },
      ]),
    ).toBe('Kafka 3.8 and 3.9');
    expect(clusterVersionLabel([{ label: null, basis: '' }])).toBeNull();
  });
});
