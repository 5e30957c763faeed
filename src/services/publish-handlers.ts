import { randomUUID } from 'node:crypto';
import type { Handlers } from '../api/dispatcher';
import { RewindError, toApiError } from '../model/errors';
import type { ComposeAbility, SourceAdapter } from '../sources/source-adapter';
import { copyBytes, type ComposeTarget, type PublishProgress } from '../model/compose';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type PublishHandlers = Pick<Handlers, 'publish/preview' | 'publish/send' | 'publish/stop'>;

/**
 * One publish may send at most this many bytes in total (copies × bytes per copy): copies go out in
 * bounded batches, but a slip of the count field should not push gigabytes at a broker.
 * `REWIND_PUBLISH_MAX_MB` in Rewind's environment changes it.
 */
export const DEFAULT_PUBLISH_MAX_MB = 256;
function publishMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env['REWIND_PUBLISH_MAX_MB']);
  return (Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_PUBLISH_MAX_MB) * 1024 * 1024;
}

/** Progress reaches the page at most this often; the core keeps the exact count. */
const PROGRESS_EVERY_MS = 100;

const n = (v: number) => v.toLocaleString('en-US');
const mb = (bytes: number) => `${n(Math.round(bytes / (1024 * 1024)))} MB`;
const describeTarget = (t: ComposeTarget) => (t.kind === 'exchange' ? `exchange ${t.exchange || '(default)'} key ${t.routingKey}` : `topic ${t.topic}`);

function abilityOf(adapter: SourceAdapter): ComposeAbility {
  if (!adapter.compose) throw new RewindError('unsupported', 'Messages cannot be published to this connection from here', 'Append events to a store with Append event.');
  return adapter.compose;
}

/** Publishing a message the user wrote; every send is in the audit log, with how many were confirmed. */
export function publishHandlers(deps: ConnectionDeps): PublishHandlers {
  const { pool, store } = deps;
  const running = new Map<string, AbortController>();
  return {
    'publish/preview': async ({ connectionId, target, message }, { signal }) => abilityOf(await pool.get(connectionId)).preview(target, message, signal),

    'publish/send': async ({ connectionId, target, message, count }, ctx) => {
      const perCopy = copyBytes(message);
      const limit = publishMaxBytes();
      if (perCopy * count > limit) {
        throw new RewindError(
          'limit',
          `This publish is ${mb(perCopy * count)} (${n(count)} copies of ${mb(perCopy)}); Rewind sends at most ${mb(limit)} in one publish`,
          'Send fewer copies, or start Rewind with REWIND_PUBLISH_MAX_MB set to a larger number of megabytes.',
        );
      }
      const ability = abilityOf(await pool.get(connectionId));
      const runId = randomUUID().slice(0, 8);
      const stop = new AbortController();
      running.set(runId, stop);
      ctx.batch([{ kind: 'started', runId }]);
      const signal = AbortSignal.any([ctx.signal, stop.signal]);
      // What the adapter said last is exactly what the broker confirmed, and what was in flight.
      let last: PublishProgress = { sent: 0, inFlight: 0, total: count };
      let shownAt = 0;
      const onProgress = (p: PublishProgress) => {
        last = p;
        const now = Date.now();
        if (now - shownAt >= PROGRESS_EVERY_MS || p.sent === count) {
          shownAt = now;
          ctx.batch([{ kind: 'progress', ...p }]);
        }
      };
      const connectionName = connectionSummaries(deps).find((c) => c.id === connectionId)?.name ?? connectionId;
      const audit = (fields: Record<string, unknown>, how: string) =>
        store.audit('publish', {
          connectionId,
          connectionName,
          to: target,
          requested: count,
          bytesPerCopy: perCopy,
          ...fields,
          summary: `${count === fields['sent'] ? n(count) : `${n(fields['sent'] as number)} of ${n(count)}`} message${count === 1 ? '' : 's'} to ${describeTarget(target)}${how}`,
        });
      try {
        const outcome = await ability.send(target, message, count, { signal, onProgress });
        const stoppedBy = outcome.sent >= count ? 'done' : ctx.signal.aborted ? 'cancel' : 'stop';
        const auditId = audit(
          {
            sent: outcome.sent,
            stoppedBy,
            routed: outcome.routed,
            returned: outcome.returnedCount,
            predictedQueues: target.kind === 'exchange' ? (outcome.predicted?.routes.map((r) => r.to) ?? null) : undefined,
            ranges: outcome.ranges.slice(0, 100),
          },
          `${stoppedBy === 'cancel' ? ' (cancelled)' : stoppedBy === 'stop' ? ' (stopped)' : ''}${outcome.returnedCount ? ` (returned: ${n(outcome.returnedCount)} unroutable)` : ''}`,
        );
        // A cancelled call has already been answered `cancelled`: the audit entry is what remains.
        return { ...outcome, stoppedBy: stoppedBy === 'cancel' ? 'stop' : stoppedBy, auditId };
      } catch (e) {
        if (last.sent === 0 && last.inFlight === 0) throw e;
        // Part of it went out: the audit says how much, and so does the error.
        const error = toApiError(e);
        audit({ sent: last.sent, inDoubt: last.inFlight, stoppedBy: 'error', error }, ' (failed)');
        const doubt = last.inFlight ? `; ${n(last.inFlight)} more were sent but not confirmed, and may have arrived` : '';
        throw new RewindError(error.code, `${error.message}. ${n(last.sent)} of ${n(count)} were confirmed before that${doubt}`, error.hint);
      } finally {
        running.delete(runId);
      }
    },

    'publish/stop': async ({ runId }) => {
      const run = running.get(runId);
      run?.abort();
      return { stopping: run !== undefined };
    },
  };
}
