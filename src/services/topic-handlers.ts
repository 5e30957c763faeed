import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import type { SourceAdapter, TopicAbility } from '../sources/source-adapter';
import { internalTopicName } from '../model/topic-scan';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type TopicHandlers = Pick<Handlers, 'topics/page' | 'topics/search' | 'topics/tail' | 'topics/describe' | 'topics/create' | 'topics/delete' | 'topics/export' | 'topics/import'>;

function abilityOf(adapter: SourceAdapter): TopicAbility {
  if (!adapter.topics) throw new RewindError('unsupported', 'This connection has no partitioned topics to read whole');
  return adapter.topics;
}

/** A whole topic across its partitions: pages, searches and a live tail. */
export function topicHandlers(deps: ConnectionDeps): TopicHandlers {
  const { pool, store } = deps;
  const nameOf = (id: string) => connectionSummaries(deps).find((c) => c.id === id)?.name ?? id;
  return {
    'topics/export': async ({ connectionId, topic, scope }, ctx) =>
      abilityOf(await pool.get(connectionId)).exportRecords(topic, scope, ctx.signal, ctx.batch, (done, total) => ctx.progress({ done, total, exact: total !== null })),
    'topics/import': async ({ connectionId, topic, lines, firstLine, keepPartitions }, ctx) => {
      const r = await abilityOf(await pool.get(connectionId)).importRecords(topic, lines, firstLine, keepPartitions, ctx.signal);
      if (r.produced > 0)
        store.audit('import-topic', {
          connectionId,
          connectionName: nameOf(connectionId),
          topic,
          produced: r.produced,
          lines: `${firstLine}–${firstLine + lines.length - 1}`,
          summary: `produced ${r.produced.toLocaleString('en-US')} records to ${topic} from a JSONL file (lines ${firstLine}–${firstLine + lines.length - 1})`,
        });
      return r;
    },
    'topics/describe': async ({ connectionId, topic }) => abilityOf(await pool.get(connectionId)).describe(topic),
    'topics/create': async ({ connectionId, ...spec }) => {
      await abilityOf(await pool.get(connectionId)).create(spec);
      store.audit('create-topic', {
        connectionId,
        connectionName: nameOf(connectionId),
        topic: spec.topic,
        partitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configs: spec.configs,
        summary: `created topic ${spec.topic} (${spec.partitions} partition${spec.partitions === 1 ? '' : 's'}, replication ${spec.replicationFactor})`,
      });
      return {};
    },
    'topics/delete': async ({ connectionId, topic, confirm }) => {
      // Kafka's own topics are never deleted, whatever was typed (the adapter also asks the broker's mark).
      const internal = internalTopicName(topic);
      if (internal) throw new RewindError('invalid_input', `${internal}: Rewind never deletes Kafka's internal topics`, "Kafka's own tools can, if you really mean it.");
      if (confirm !== topic) throw new RewindError('invalid_input', `Type the topic's name (${topic}) to delete it`);
      const ability = abilityOf(await pool.get(connectionId));
      const detail = await ability.describe(topic);
      if (detail.internal) throw new RewindError('invalid_input', `${topic} is one of Kafka's internal topics: Rewind never deletes Kafka's internal topics`);
      const records = detail.partitions.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0);
      await ability.delete(topic);
      store.audit('delete-topic', { connectionId, connectionName: nameOf(connectionId), topic, records, summary: `deleted topic ${topic} (${records.toLocaleString('en-US')} records)` });
      return {};
    },
    'topics/page': async (req, ctx) => abilityOf(await pool.get(req.connectionId)).page(req, ctx.signal),
    'topics/search': async (req, ctx) =>
      abilityOf(await pool.get(req.connectionId)).search(req, ctx.signal, {
        hits: (records) => ctx.batch([{ kind: 'hits', records }]),
        progress: (item) => {
          ctx.batch([item]);
          // The same progress in the shape every job has, for the jobs panel's bar, rate and ETA.
          const total = item.partitions.reduce((n, p) => n + Math.max(0, Number(BigInt(p.end) - BigInt(p.start))), 0);
          ctx.progress({ done: item.scanned, total, exact: true });
        },
      }),
    'topics/tail': async (req, ctx) => {
      await abilityOf(await pool.get(req.connectionId)).tail(req, ctx.signal, (item) => ctx.batch([item]));
      return {};
    },
  };
}
