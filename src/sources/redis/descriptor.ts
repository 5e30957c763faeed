import type { RedisProfile } from './profile';
import type { Resource } from '../../model/resources';
import type { SidebarGroup, SourceDescriptor } from '../descriptor';

export const redisDescriptor: SourceDescriptor<RedisProfile> = {
  kind: 'redis',
  label: 'Redis',
  badge: 'redis',
  noun: 'record',
  positionLabel: 'Id / place',
  positionForm: { pattern: '^\\d+(-\\d+)?$', hint: "a stream id such as 1700000000000-0, or a job's place such as 0" },
  headersTitle: 'Fields',
  payloadTitle: 'Data',
  nullValue: { short: 'null', long: 'no data' },
  missingTime: null,
  emptyNote: 'No BullMQ queues or streams found',
  nothingToRead: () => null,
  views: [],
  // One group per queue (its states, named with its version), then the streams.
  sidebar(resources) {
    const groups = new Map<string, SidebarGroup>();
    const top: Resource[] = [];
    for (const r of resources) {
      const group = r.type === 'source' ? r.group : null;
      if (group === null) top.push(r);
      else if (groups.has(group)) groups.get(group)!.items.push(r);
      else groups.set(group, { id: group, label: group, items: [r] });
    }
    return { top, groups: [...groups.values()] };
  },
  valueTarget: (_e, tabTarget) => tabTarget,
  redrive: { toOrigin: 'Back to waiting in its queue (BullMQ retry)', choices: [], options: ['rate-limit'], marksRedriven: false },
  // The password goes to this server, as this user.
  secretTarget: (p) => ({ current: `${p.username || 'default'}@${p.host}:${p.port}`, legacy: null }),
  form: { sections: ['address', 'credentials', 'redis', 'envelope'], defaultPort: '6379', defaultTlsPort: '6380', defaultUsername: '' },
};
