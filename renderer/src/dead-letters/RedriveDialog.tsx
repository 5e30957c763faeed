import { useRef, useState, type FormEvent } from 'react';
import { describe } from '../../../src/sources/descriptors';
import type { z } from 'zod';
import type { RedriveOutcome, RedrivePlan, RedriveSelection, RedriveTarget } from '../../../src/model/redrive';
import type { RedriveOptions } from '../../../src/model/redrive';
import { useClient } from '../api/client-context';
import type { DeadLetterSource } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { VirtualGrid } from '../ui/VirtualGrid';

type TargetKind = RedriveTarget['kind'];
type Outcome = z.output<typeof RedriveOutcome>;
type Plan = z.output<typeof RedrivePlan>;

interface Props {
  source: DeadLetterSource;
  selection: z.input<typeof RedriveSelection>;
  /** How many the selection holds, as the view counts it. */
  count: number;
  onClose(): void;
  onDone(outcome: Outcome): void;
  onOpenAudit(id: number): void;
}

interface Running {
  runId: string | null;
  looked: number;
  moved: number;
  failed: number;
  total: number;
  startedAt: number;
}

/**
 * Moving dead letters back, in the order people trust: pick where they go, read the dry run
 * (each message, its target, what would receive it now), confirm the count, watch the progress,
 * and read the exact outcome. Nothing moves before the confirmation.
 */
export function RedriveDialog({ source, selection, count, onClose, onDone, onOpenAudit }: Props) {
  const client = useClient();
  const { redrive: offers } = describe(source.kind);
  const [target, setTarget] = useState<TargetKind>('origin');
  const [exchange, setExchange] = useState('');
  const [routingKey, setRoutingKey] = useState('');
  const [queue, setQueue] = useState('');
  const [topic, setTopic] = useState('');
  const [restoreTtl, setRestoreTtl] = useState(false);
  const [rate, setRate] = useState('');
  const [partitioning, setPartitioning] = useState<'key' | 'original'>('key');
  const [keepTimestamp, setKeepTimestamp] = useState(true);
  const [repeat, setRepeat] = useState(false);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [running, setRunning] = useState<Running | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [row, setRow] = useState(-1);
  const runIdRef = useRef<string | null>(null);

  const targetValue = (): RedriveTarget =>
    target === 'exchange'
      ? { kind: 'exchange', exchange, routingKey }
      : target === 'queue'
        ? { kind: 'queue', queue }
        : target === 'topic'
          ? { kind: 'topic', topic }
          : target === 'origin-route'
            ? { kind: 'origin-route' }
            : { kind: 'origin' };
  const options = (): z.input<typeof RedriveOptions> => ({ restoreTtl, ratePerSecond: rate.trim() ? Number(rate) : null, partitioning, keepTimestamp });
  const request = () => ({ connectionId: source.connectionId, ref: source.ref, selection, target: targetValue(), options: options() });

  /** What the chosen target still needs, said before anything is asked of the broker. */
  const missing = target === 'topic' && !topic.trim() ? 'Enter the topic to send them to.' : target === 'queue' && !queue.trim() ? 'Enter the queue to send them to.' : null;

  const dryRun = async () => {
    if (missing) return setError(new Error(missing));
    setBusy(true);
    setError(null);
    try {
      setPlan(await client.call('dead-letters/plan', request()));
      setRow(-1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    if (!plan) return;
    setError(null);
    const startedAt = performance.now();
    setRunning({ runId: null, looked: 0, moved: 0, failed: 0, total: plan.total, startedAt });
    try {
      const result = await client.stream(
        'dead-letters/redrive',
        { ...request(), confirmedCount: plan.total, ...(repeat ? { repeat: true } : {}) },
        {
          onBatch: (items) => {
            for (const i of items) {
              if (i.kind === 'started') {
                runIdRef.current = i.runId;
                setRunning((r) => r && { ...r, runId: i.runId });
              } else setRunning((r) => r && { ...r, looked: i.looked, moved: i.moved, failed: i.failed, total: i.total });
            }
          },
        },
      );
      setOutcome(result);
      onDone(result);
    } catch (e) {
      setError(e);
    } finally {
      setRunning(null);
    }
  };

  const stop = () => {
    if (runIdRef.current) void client.call('dead-letters/stop', { runId: runIdRef.current });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (outcome) return onClose();
    if (running) return;
    if (plan) return void run();
    void dryRun();
  };

  const needsRepeat = (plan?.repeated ?? 0) > 0 && !repeat;
  const movable = plan?.movable ?? 0;
  const label = outcome ? 'OK' : running ? 'Moving…' : plan ? `Redrive ${formatCount(plan.total)}` : busy ? 'Looking…' : 'Dry run';
  const what = 'all' in selection ? `all of ${source.ref.name}` : `${formatCount(count)} picked from ${source.ref.name}`;

  return (
    <Dialog
      title={`Redrive ${what}`}
      onClose={running ? () => undefined : onClose}
      onSubmit={submit}
      submitLabel={label}
      submitting={busy || running !== null || needsRepeat || (plan !== null && movable === 0 && !outcome)}
    >
      {!plan && !outcome && (
        <fieldset className="redrive-choice">
          <legend>Where they go</legend>
          <label className="check">
            <input type="radio" name="target" checked={target === 'origin'} onChange={() => setTarget('origin')} />
            {offers.toOrigin}
          </label>
          {offers.choices.includes('origin-route') && (
            <label className="check" title="Republished as it was first sent: every queue bound to that exchange and key gets a copy, not only the one it died in">
              <input type="radio" name="target" checked={target === 'origin-route'} onChange={() => setTarget('origin-route')} />
              Each through its original exchange and routing keys (every queue bound to them gets a copy)
            </label>
          )}
          {offers.choices.includes('exchange') && (
            <>
              <label className="check">
                <input type="radio" name="target" checked={target === 'exchange'} onChange={() => setTarget('exchange')} />
                An exchange and routing key
              </label>
              {target === 'exchange' && (
                <div className="row-target">
                  <input className="input mono" aria-label="Exchange" placeholder="exchange (empty: the default)" value={exchange} onChange={(e) => setExchange(e.target.value)} />
                  <input className="input mono" aria-label="Routing key" placeholder="routing key" value={routingKey} onChange={(e) => setRoutingKey(e.target.value)} />
                </div>
              )}
            </>
          )}
          {offers.choices.includes('queue') && (
            <>
              <label className="check">
                <input type="radio" name="target" checked={target === 'queue'} onChange={() => setTarget('queue')} />A queue (through the default exchange)
              </label>
              {target === 'queue' && <input className="input mono" aria-label="Queue" placeholder="queue name" value={queue} onChange={(e) => setQueue(e.target.value)} />}
            </>
          )}
          {offers.options.includes('restore-ttl') && (
            <label className="check" title="RabbitMQ removed the per-message TTL when it dead-lettered an expired message; it may expire again at once">
              <input type="checkbox" checked={restoreTtl} onChange={(e) => setRestoreTtl(e.target.checked)} />
              Restore the per-message TTL of expired messages
            </label>
          )}
          {offers.choices.includes('topic') && (
            <>
              <label className="check">
                <input type="radio" name="target" checked={target === 'topic'} onChange={() => setTarget('topic')} />A topic
              </label>
              {target === 'topic' && <input className="input mono" aria-label="Topic" placeholder="topic" value={topic} onChange={(e) => setTopic(e.target.value)} />}
            </>
          )}
          {offers.options.includes('partitioning') && (
            <label>
              Partition{' '}
              <select className="input" value={partitioning} onChange={(e) => setPartitioning(e.target.value as 'key' | 'original')} aria-label="Partitioning">
                <option value="key">by key (the default partitioner)</option>
                <option value="original">the partition each record came from</option>
              </select>
            </label>
          )}
          {offers.options.includes('keep-timestamp') && (
            <label className="check" title="The original's time (Spring's kafka_dlt-original-timestamp, or the original record's), not when it died">
              <input type="checkbox" checked={keepTimestamp} onChange={(e) => setKeepTimestamp(e.target.checked)} />
              Keep each record's original timestamp
            </label>
          )}
          {offers.options.includes('rate-limit') && (
            <label>
              At most{' '}
              <input className="input mono narrow" inputMode="numeric" aria-label="Rate limit" placeholder="no limit" value={rate} onChange={(e) => setRate(e.target.value.replace(/\D/g, ''))} />{' '}
              messages per second
            </label>
          )}
          <p className="muted">The dry run looks at the messages and where each would go; nothing moves until you confirm the count.</p>
        </fieldset>
      )}
      {plan && !running && !outcome && (
        <>
          <p data-testid="plan-note">{plan.note}</p>
          <table className="kv-table" aria-label="Redrive plan per target">
            <thead>
              <tr>
                <th>Target</th>
                <th>Messages</th>
                <th>Would reach now</th>
              </tr>
            </thead>
            <tbody>
              {plan.perTarget.map((t) => (
                <tr key={t.target + (t.problem ?? '') + (t.alsoReaches ?? []).join()}>
                  <td className="mono">{t.target}</td>
                  <td className="num">{formatCount(t.count)}</td>
                  <td className={t.problem ? 'err-text' : 'mono'}>
                    {t.problem ?? t.routes.join(', ')}
                    {!t.problem && t.alsoReaches?.length ? (
                      <span className="warn-text" data-testid="also-reaches">
                        {' '}
                        · also a copy to {t.alsoReaches.join(', ')}, which did not dead-letter them
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <VirtualGrid
            className="plan-rows"
            style={{ '--cols': '70px 1fr 1fr 1.2fr' } as React.CSSProperties}
            header={
              <>
                <span role="columnheader">Where</span>
                <span role="columnheader">Message</span>
                <span role="columnheader">Target</span>
                <span role="columnheader">Now reaches</span>
              </>
            }
            count={plan.rows.length}
            selected={row}
            onSelect={setRow}
            onCopy={() => undefined}
            label="Dry run: each message and where it would go"
            empty={<div className="empty">Nothing to move.</div>}
            cells={(i) => {
              const r = plan.rows[i]!;
              return (
                <>
                  <div role="gridcell" className="mono">
                    {r.where}
                  </div>
                  <div role="gridcell" className="mono">
                    {r.messageId ?? ''}
                    {r.redrivenBefore ? ` · redriven ${r.redrivenBefore.slice(0, 10)}` : ''}
                  </div>
                  <div role="gridcell" className="mono">
                    {r.target ?? ''}
                  </div>
                  <div role="gridcell" className={r.problem ? 'err-text' : 'mono'} title={r.problem ?? [r.routes.join(', '), r.note].filter(Boolean).join(' · ')}>
                    {r.problem ?? r.routes.join(', ')}
                    {/* Kafka: what it goes back as (its original, or the dead letter's copy and what was left out). */}
                    {!r.problem && r.note ? <span className="muted"> · {r.note}</span> : null}
                  </div>
                </>
              );
            }}
          />
          {/* Kafka: what the picked row goes back as, in full (the grid cuts it). */}
          {plan.rows[row]?.note && (
            <p className="muted" data-testid="plan-row-note">
              {plan.rows[row]!.where}: {plan.rows[row]!.note}
            </p>
          )}
          {plan.repeated > 0 && (
            <label className="check warn-text">
              <input type="checkbox" checked={repeat} onChange={(e) => setRepeat(e.target.checked)} />
              {plan.repeated} of these were redriven before: redrive them again
            </label>
          )}
          <p className="muted">
            {formatCount(movable)} of the {formatCount(plan.rows.length)} shown can go; those that cannot stay where they are and are reported. Each message leaves only after its target confirmed it.
          </p>
        </>
      )}
      {running && <RedriveProgressView running={running} onStop={stop} />}
      {outcome && <OutcomeView outcome={outcome} onOpenAudit={onOpenAudit} />}
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}

function RedriveProgressView({ running, onStop }: { running: Running; onStop(): void }) {
  const seconds = (performance.now() - running.startedAt) / 1000;
  const rate = seconds > 0.5 ? running.looked / seconds : null;
  const left = Math.max(0, running.total - running.looked);
  const pct = running.total ? Math.min(100, (running.looked / running.total) * 100) : null;
  return (
    <div className="section" data-testid="redrive-progress">
      <span className="progress" role="status">
        <span className={`bar${pct === null ? ' indeterminate' : ''}`} style={pct === null ? undefined : ({ '--pct': `${pct}%` } as React.CSSProperties)}>
          <i />
        </span>
        {formatCount(running.moved)} moved · {formatCount(left)} remaining · {formatCount(running.failed)} failed
        {rate !== null && ` · ${formatCount(Math.round(rate))}/s`}
        {rate && left ? ` · about ${Math.ceil(left / rate)} s left` : ''}
      </span>{' '}
      <button type="button" className="btn" onClick={onStop} disabled={!running.runId} title="Stops taking new messages; those in flight are settled first">
        Stop
      </button>
    </div>
  );
}

function OutcomeView({ outcome, onOpenAudit }: { outcome: Outcome; onOpenAudit(id: number): void }) {
  const complete =
    outcome.stoppedBy === 'done' &&
    outcome.failures.length === 0 &&
    outcome.duplicates === 0 &&
    outcome.uncertain === 0 &&
    (outcome.confirmedCount === null || outcome.moved === outcome.confirmedCount);
  const headline = complete ? 'Complete' : { done: 'Incomplete', cancelled: 'Stopped', emptied: 'Ran out of messages', error: 'Stopped by an error' }[outcome.stoppedBy];
  return (
    <div className="section" data-testid="redrive-outcome">
      <p className={complete ? undefined : 'warn-text'}>
        <strong>{headline}:</strong> {outcome.summary || `${formatCount(outcome.moved)} moved, ${formatCount(outcome.failures.length)} could not go.`}
      </p>
      {outcome.error && <ErrorBox error={new Error(`${outcome.error.message}${outcome.error.hint ? ` — ${outcome.error.hint}` : ''}`)} />}
      {outcome.failures.length > 0 && <MessageTable label="What could not go" why="Why it stayed" rows={outcome.failures} />}
      {outcome.inBothPlaces.length > 0 && <MessageTable label="In both places, or perhaps" why="Why" rows={outcome.inBothPlaces} />}
      {outcome.auditId !== null && (
        <button type="button" className="btn small" onClick={() => onOpenAudit(outcome.auditId!)}>
          Open the audit entry
        </button>
      )}
    </div>
  );
}

function MessageTable({ label, why, rows }: { label: string; why: string; rows: Outcome['failures'] }) {
  return (
    <table className="kv-table" aria-label={label}>
      <thead>
        <tr>
          <th>Where</th>
          <th>Message</th>
          <th>{why}</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, 100).map((f, i) => (
          <tr key={i}>
            <td className="mono">{f.where}</td>
            <td className="mono">{f.messageId ?? ''}</td>
            <td className="err-text">{f.reason}</td>
          </tr>
        ))}
        {rows.length > 100 && (
          <tr>
            <td colSpan={3} className="muted">
              and {formatCount(rows.length - 100)} more (the first 1,000 are in the audit entry)
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
