import type { z } from 'zod';
import type { PublishOutcome, PublishProgress } from '../../../src/model/compose';
import { formatCount } from '../ui/format';

type Outcome = z.output<typeof PublishOutcome>;

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** Kafka's answer: every copy's partition and offsets, as runs. */
function landed(o: Outcome): string {
  return o.ranges.map((r) => (r.first === r.last ? `partition ${r.partition}, offset ${r.first}` : `partition ${r.partition}, offsets ${r.first}–${r.last}`)).join('; ');
}

/** RabbitMQ's answer, in what a publisher confirm says: confirmed, and returned as unroutable or not. */
function brokerAnswer(o: Outcome): string {
  const it = o.sent === 1 ? 'it' : `all ${formatCount(o.sent)}`;
  if (o.sent === 0) return 'Nothing was sent.';
  if (o.returnedCount === 0) return `Confirmed: the broker routed ${it} to at least one queue and returned none.`;
  if (o.returnedCount >= o.sent) return `Confirmed, and the broker returned ${it} as unroutable: no queue took ${o.sent === 1 ? 'it' : 'them'}.`;
  return `Confirmed: ${formatCount(o.sent - o.returnedCount)} routed to at least one queue; the broker returned ${formatCount(o.returnedCount)} as unroutable.`;
}

/**
 * What came of a publish: the broker's own answer, then, apart from it, Rewind's prediction of
 * the queues (a confirm names none). A stopped publish says how many of how many went out.
 */
export function PublishOutcomeView({ outcome, kafka }: { outcome: Outcome; kafka: boolean }) {
  const stopped = outcome.stoppedBy === 'stop';
  const head = stopped
    ? `Stopped after ${formatCount(outcome.sent)} of ${formatCount(outcome.requested)}: ${kafka ? 'Kafka acknowledged' : 'the broker confirmed'} ${formatCount(outcome.sent)}; the other ${formatCount(outcome.requested - outcome.sent)} were not sent.`
    : null;
  const routes = outcome.predicted?.routes ?? [];
  return (
    <div className={`notice${outcome.returned || outcome.mismatch || stopped ? ' warn' : ''}`} role="status" data-testid="publish-outcome">
      {head && <div>{head}</div>}
      {kafka ? (
        outcome.sent > 0 && <div>{`Produced ${plural(outcome.sent, 'record', 'records')}, acknowledged by all in-sync replicas: ${landed(outcome)}.`}</div>
      ) : (
        <div data-testid="publish-broker-answer">{brokerAnswer(outcome)}</div>
      )}
      {!kafka && outcome.sent > 0 && routes.length > 0 && (
        <div className="faint" data-testid="publish-predicted">
          Predicted from bindings (Rewind&apos;s reading of the topology, not the broker&apos;s answer): <span className="mono">{routes.map((r) => r.to).join(', ')}</span>
        </div>
      )}
      {outcome.mismatch && <div className="err-text">{outcome.mismatch}</div>}
    </div>
  );
}

/** While copies go out: how many the broker has confirmed so far. */
export function PublishProgressLine({ progress, kafka }: { progress: z.output<typeof PublishProgress> | null; kafka: boolean }) {
  return (
    <div className="notice" role="status" data-testid="publish-progress">
      {progress ? `Sending: ${formatCount(progress.sent)} of ${formatCount(progress.total)} ${kafka ? 'acknowledged' : 'confirmed'}…` : 'Sending…'}
    </div>
  );
}
