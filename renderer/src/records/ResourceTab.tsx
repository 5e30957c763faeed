import type { Resource } from '../api/types';
import { QueueTab } from '../rabbit/QueueTab';
import { StreamRecordsTab } from '../rabbit/StreamRecordsTab';
import { SuperStreamPage } from '../rabbit/SuperStreamPage';
import { StoreRecordsTab } from '../store/StoreRecordsTab';
import { SubscriptionTab } from '../store/SubscriptionTab';
import { TopicTab } from '../topics/TopicTab';
import { RedisResourceTab } from '../redis/RedisResourceTab';
import { RecordsView } from './RecordsView';
import type { RecordFocus } from './record-focus';

interface Props {
  connectionId: string;
  resource: Resource;
  dark: boolean;
  /** A long read that went on without this tab (the jobs panel's Open): show it instead of a first page. */
  attachJob: { id: string; n: number } | null;
  /** A record to open on, read from its position and selected (a trace's member). */
  focus: RecordFocus | null;
  /** The resource changed in a way the sidebar should show (an append, an import, a deletion). */
  onChanged(): void;
  /** RabbitMQ: the vhost's map with a queue selected, and another queue's page. */
  onOpenMap(vhost: string, queue: string | null): void;
  onOpenQueue(vhost: string, queue: string): void;
}

/** The view a resource opens in: each composes the one records view with its own actions, or is a page of its own. */
export function ResourceTab({ connectionId, resource, dark, attachJob, focus, onChanged, onOpenMap, onOpenQueue }: Props) {
  switch (resource.type) {
    case 'kafka-topic':
      return <TopicTab connectionId={connectionId} resource={resource} attachJob={attachJob} focus={focus} onChanged={onChanged} />;
    case 'rabbit-queue':
      return resource.queueType === 'stream' ? (
        <StreamRecordsTab connectionId={connectionId} resource={resource} attachJob={attachJob} focus={focus} />
      ) : (
        <QueueTab
          connectionId={connectionId}
          resource={resource}
          onOpenMap={() => onOpenMap(resource.vhost, resource.name)}
          onOpenQueue={(q) => onOpenQueue(resource.vhost, q)}
          onChanged={onChanged}
        />
      );
    case 'rabbit-super-stream':
      return <SuperStreamPage resource={resource} onOpenPartition={(q) => onOpenQueue(resource.vhost, q)} />;
    case 'rabbit-vhost':
      return <NotBrowsable why="A vhost holds queues: open one of them." />;
    case 'store-all':
    case 'store-stream':
      return <StoreRecordsTab connectionId={connectionId} resource={resource} attachJob={attachJob} focus={focus} onChanged={onChanged} />;
    case 'store-subscription':
      return <SubscriptionTab connectionId={connectionId} name={resource.name} dark={dark} onChanged={onChanged} />;
    case 'source':
      if (resource.source === 'redis') return <RedisResourceTab connectionId={connectionId} resource={resource} attachJob={attachJob} focus={focus} onChanged={onChanged} />;
      return <RecordsView connectionId={connectionId} resource={resource} target={{ type: 'source', resource: resource.name }} attachJob={attachJob} focus={focus} />;
  }
}

function NotBrowsable({ why }: { why: string }) {
  return (
    <div className="empty">
      <div>
        <h3>Not browsable here</h3>
        <p>{why}</p>
      </div>
    </div>
  );
}
