import type { TopicAbility } from '../source-adapter';
import { createTopic, deleteTopic, describeTopic } from './topic-admin';
import { readPage, type TopicAccess } from './topic-pages';
import { searchTopic } from './topic-search';
import { tailTopic } from './topic-tail';

/** A Kafka topic read across its partitions, without a consumer group. */
export class KafkaTopics implements TopicAbility {
  constructor(private readonly access: TopicAccess) {}

  page: TopicAbility['page'] = (req, signal) => readPage(this.access, req, signal);
  search: TopicAbility['search'] = (req, signal, out) => searchTopic(this.access, req, signal, out);
  tail: TopicAbility['tail'] = (req, signal, send) => tailTopic(this.access, req, signal, send);
  describe: TopicAbility['describe'] = (topic) => describeTopic(this.access, topic);
  create: TopicAbility['create'] = (spec) => createTopic(this.access, spec);
  delete: TopicAbility['delete'] = (topic) => deleteTopic(this.access, topic);
}
