import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../api/errors';
import type { ComposeAbility, SourceAdapter } from '../adapters/source-adapter';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type PublishHandlers = Pick<Handlers, 'publish/preview' | 'publish/send'>;

function abilityOf(adapter: SourceAdapter): ComposeAbility {
  if (!adapter.compose) throw new RewindError('unsupported', 'Messages cannot be published to this connection from here', 'Append events to a store with Append event.');
  return adapter.compose;
}

/** Publishing a message the user wrote; every send is in the audit log. */
export function publishHandlers(deps: ConnectionDeps): PublishHandlers {
  const { pool, store } = deps;
  return {
    'publish/preview': async ({ connectionId, target, message }, { signal }) => abilityOf(await pool.get(connectionId)).preview(target, message, signal),
    'publish/send': async ({ connectionId, target, message, count }, { signal }) => {
      const outcome = await abilityOf(await pool.get(connectionId)).send(target, message, count, signal);
      const connection = connectionSummaries(deps).find((c) => c.id === connectionId);
      const to = target.kind === 'exchange' ? `exchange ${target.exchange || '(default)'} key ${target.routingKey}` : `topic ${target.topic}`;
      const auditId = store.audit('publish', {
        connectionId,
        connectionName: connection?.name ?? connectionId,
        to: target,
        count,
        bytes: message.payload.text.length,
        routed: outcome.routed,
        offsets: outcome.offsets.slice(0, 100),
        summary: `${count} message${count === 1 ? '' : 's'} to ${to}${outcome.returned ? ' (returned: unroutable)' : ''}`,
      });
      return { ...outcome, auditId };
    },
  };
}
