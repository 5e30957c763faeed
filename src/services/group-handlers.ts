import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import type { ConsumerGroupAbility, SourceAdapter } from '../sources/source-adapter';
import { partialResetMessage } from '../model/groups';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type GroupHandlers = Pick<Handlers, 'groups/list' | 'groups/describe' | 'groups/plan-reset' | 'groups/reset' | 'groups/delete'>;

function abilityOf(adapter: SourceAdapter): ConsumerGroupAbility {
  if (!adapter.consumerGroups) throw new RewindError('unsupported', 'This connection has no consumer groups');
  return adapter.consumerGroups;
}

/** Consumer groups and their offsets; every reset and deletion goes to the audit log. */
export function groupHandlers(deps: ConnectionDeps): GroupHandlers {
  const { pool, store } = deps;
  const nameOf = (id: string) => connectionSummaries(deps).find((c) => c.id === id)?.name ?? id;
  return {
    'groups/list': async ({ connectionId }) => abilityOf(await pool.get(connectionId)).list(),
    'groups/describe': async ({ connectionId, groupId }) => abilityOf(await pool.get(connectionId)).describe(groupId),
    'groups/plan-reset': async ({ connectionId, groupId, strategy, topics }) => abilityOf(await pool.get(connectionId)).planReset(groupId, topics, strategy),
    'groups/reset': async ({ connectionId, groupId, offsets, description }) => {
      const groups = abilityOf(await pool.get(connectionId));
      const before = (await groups.describe(groupId)).partitions;
      // Throws before anything moves (a bad offset or partition, members connected, the broker refusing all).
      const outcome = await groups.reset(groupId, offsets);
      const partial = outcome.refused.length > 0;
      const was = outcome.moved.map((o) => ({ topic: o.topic, partition: o.partition, offset: before.find((p) => p.topic === o.topic && p.partition === o.partition)?.committed ?? null }));
      const n = outcome.moved.length;
      const auditId = store.audit('reset-offsets', {
        connectionId,
        connectionName: nameOf(connectionId),
        groupId,
        description,
        partial,
        // Exactly what the broker committed, and, when it refused some, those with its reason.
        before: was,
        after: outcome.moved,
        ...(partial ? { refused: outcome.refused } : {}),
        summary: partial
          ? `${groupId}: ${description}, partly applied (${n} of ${offsets.length} partitions moved; ${outcome.refused.length} refused: ${[...new Set(outcome.refused.map((r) => r.error))].join(', ')})`
          : `${groupId}: ${description} (${n} partition${n === 1 ? '' : 's'})`,
      });
      if (partial)
        throw new RewindError('conflict', `${partialResetMessage(groupId, outcome)}. Audit entry ${auditId} keeps what moved.`, 'Undo it from the audit log, or fix the cause and reset the rest.');
      return { auditId, before: was };
    },
    'groups/delete': async ({ connectionId, groupId, confirm }) => {
      if (confirm !== groupId) throw new RewindError('invalid_input', `Type the group's name (${groupId}) to delete it`);
      await abilityOf(await pool.get(connectionId)).delete(groupId);
      store.audit('delete-group', { connectionId, connectionName: nameOf(connectionId), groupId, summary: `deleted consumer group ${groupId}` });
      return {};
    },
  };
}
