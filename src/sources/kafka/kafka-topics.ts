import type { Producer } from 'kafkajs';
import type { TopicAbility } from '../source-adapter';
import { kafkaRecordToEnvelope } from './kafka-envelope';
import { exportRecords, importRecords } from './topic-transfer';
import { createTopic, deleteTopic, describeTopic } from './topic-admin';
import { readPage, type TopicAccess } from './topic-pages';
import { searchTopic } from './topic-search';
import { tailTopic } from './topic-tail';

/** A Kafka topic read across its partitions, without a consumer group. */
export class KafkaTopics implements TopicAbility {
  constructor(private readonly access: TopicAccess & { producer(): Promise<Producer>; answered<T>(work: Promise<T>, what: string): Promise<T>; partitionRanges: TopicAbility['partitionRanges'] }) {}

  page: TopicAbility['page'] = (req, signal) => readPage(this.access, req, signal);
  search: TopicAbility['search'] = (req, signal, out) =>
    searchTopic(this.access, req, signal, {
      matched: (partition, records) => out.hits(records.map((r) => kafkaRecordToEnvelope(req.topic, partition, r, req.previewBytes, this.access.decoding))),
      progress: out.progress,
    });
  exportRecords: TopicAbility['exportRecords'] = (topic, scope, signal, send, progress) => exportRecords(this.access, topic, scope, signal, send, progress);
  importRecords: TopicAbility['importRecords'] = (topic, lines, firstLine, keep, signal) => importRecords(this.access, topic, lines, firstLine, keep, signal);
  tail: TopicAbility['tail'] = (req, signal, send) => tailTopic(this.access, req, signal, send);
  describe: TopicAbility['describe'] = (topic) => describeTopic(this.access, topic);
  create: TopicAbility['create'] = (spec) => createTopic(this.access, spec);
  delete: TopicAbility['delete'] = (topic) => deleteTopic(this.access, topic);
  partitionRanges: TopicAbility['partitionRanges'] = (topic, from, signal) => this.access.partitionRanges(topic, from, signal);
}
