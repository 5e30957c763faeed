import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KafkaAdapter } from '../../src/sources/kafka/kafka-adapter';
import { KAFKA_BOOTSTRAP, KAFKA_SASL_PORT, kafkaProfile } from './brokers';

const signal = () => new AbortController().signal;

/** The release the test broker runs, as the script that fetched its jars pins it (not as Rewind reads it). */
const pinned = /^KAFKA_VERSION=(\d+)\.(\d+)\.\d+/m.exec(readFileSync(join(__dirname, '..', '..', 'scripts', 'kafka.sh'), 'utf8'));
const RELEASE = `${pinned![1]}.${pinned![2]}`;

describe('Test connection names the Kafka version', () => {
  it('reads the release from the broker (ApiVersions metadata.version), not just the broker count', async () => {
    const result = await new KafkaAdapter(kafkaProfile(), null).test(signal());
    expect(result.server).toBe(`Apache Kafka ${RELEASE}, 1 broker`);
    const broker = result.details.find((d) => d.startsWith(`broker 1 at ${KAFKA_BOOTSTRAP}`));
    expect(broker).toBe(`broker 1 at ${KAFKA_BOOTSTRAP}: Kafka ${RELEASE} (supports metadata.version up to ${RELEASE}-IV0; the cluster runs at ${RELEASE}-IV0)`);
  });

  it('reads it the same through a SASL listener', async () => {
    const profile = kafkaProfile({ port: KAFKA_SASL_PORT, sasl: 'plain', username: 'rewind', hasPassword: true });
    const result = await new KafkaAdapter(profile, 'rewind-secret').test(signal());
    expect(result.server).toBe(`Apache Kafka ${RELEASE}, 1 broker`);
  });
});
