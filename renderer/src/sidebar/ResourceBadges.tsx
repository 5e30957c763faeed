import type { Resource } from '../api/types';
import { countTitle, formatEstimate } from '../ui/format';
import { describe } from '../../../src/sources/descriptors';

export function ResourceBadges({ resource: r }: { resource: Resource }) {
  switch (r.type) {
    case 'kafka-topic':
      return (
        <>
          {r.deadLetter && (
            <span className="badge dead" title={countTitle('Dead-letter topic: records', r.records)}>
              DLT {formatEstimate(r.records)}
            </span>
          )}
          {!r.deadLetter && (
            <span className="badge" title={countTitle('records', r.records)}>
              {formatEstimate(r.records)}
            </span>
          )}
          <span className="badge" title="partitions">
            {r.partitions.length}p
          </span>
        </>
      );
    case 'rabbit-queue':
      return (
        <>
          {r.queueType !== 'classic' && <span className="badge kind">{r.queueType}</span>}
          {r.deadLetter ? (
            <span className="badge dead" title="Dead-letter queue (sampled count)">
              DLQ {formatEstimate(r.messages)}
            </span>
          ) : (
            <span className="badge" title="messages (sampled by the management API)">
              {formatEstimate(r.messages)}
            </span>
          )}
        </>
      );
    case 'store-all':
    case 'store-stream':
      return (
        <span className="badge" title="events">
          {formatEstimate(r.events)}
        </span>
      );
    case 'store-subscription':
      return r.deadLetter ? (
        <span className="badge dead" title="Parked events: the store's dead letters">
          DLQ {formatEstimate(r.parked)}
        </span>
      ) : (
        <span className="badge" title="checkpoint">
          @{r.checkpoint}
        </span>
      );
    case 'rabbit-vhost':
      return null;
    case 'source':
      return (
        <>
          {!r.label && <span className="badge kind">{r.kind}</span>}
          {r.items && (
            <span className={r.deadLetter ? 'badge dead' : 'badge'} title={countTitle(r.deadLetter ? `Dead letters: ${describe(r.source).noun}s` : `${describe(r.source).noun}s`, r.items)}>
              {r.deadLetter ? 'DLQ ' : ''}
              {formatEstimate(r.items)}
            </span>
          )}
        </>
      );
  }
}
