import type { KafkaProfile } from './profile';
import { WHOLE_POSITION, type SourceDescriptor } from '../descriptor';
import { tlsWord } from '../secret-targets';

export const kafkaDescriptor: SourceDescriptor<KafkaProfile> = {
  kind: 'kafka',
  label: 'Kafka',
  badge: 'kafka',
  noun: 'record',
  positionLabel: 'Offset',
  positionForm: WHOLE_POSITION,
  headersTitle: 'Headers',
  payloadTitle: 'Payload',
  nullValue: { short: '∅ tombstone', long: 'null (tombstone)' },
  missingTime: 'no timestamp (-1)',
  emptyNote: 'No topics yet',
  nothingToRead: () => null,
  views: ['groups', 'new-topic'],
  sidebar(resources) {
    const topics = resources.flatMap((r) => (r.type === 'kafka-topic' ? [r] : []));
    const internal = topics.filter((r) => r.internal);
    return { top: topics.filter((r) => !r.internal), groups: internal.length ? [{ id: 'internal', label: 'internal topics', items: internal, startCollapsed: true }] : [] };
  },
  // A record is read again from its own partition, whatever the tab reads.
  valueTarget: (e, tabTarget) => (e.partition !== null ? { type: 'kafka-partition', topic: e.resource, partition: e.partition } : tabTarget),
  redrive: {
    toOrigin: 'Each back to its original topic (from its Spring Kafka or Kafka Connect headers)',
    choices: ['topic'],
    options: ['partitioning', 'keep-timestamp', 'rate-limit'],
    marksRedriven: true,
  },
  secretTarget: (p) => ({ current: `${p.host}:${p.port} (${tlsWord(p.tls)})`, legacy: null }),
  form: { sections: ['address', 'sasl', 'credentials', 'registry', 'envelope'], defaultPort: '9092', defaultUsername: '' },
};
