import type { RedisProfile } from './profile';

import { sidebarByGroup, type SourceDescriptor } from '../descriptor';

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
  sidebar: sidebarByGroup,
  valueTarget: (_e, tabTarget) => tabTarget,
  redrive: {
    toOrigin: 'Back where each came from: a failed job to waiting in its queue (retried by its own library), a DLQ entry to its stream',
    choices: [],
    options: ['rate-limit'],
    marksRedriven: false,
    groupBy: 'reason',
  },
  // The password goes to this server, as this user.
  secretTarget: (p) => ({ current: `${p.username || 'default'}@${p.host}:${p.port}`, legacy: null }),
  form: { sections: ['address', 'credentials', 'redis', 'envelope'], defaultPort: '6379', defaultTlsPort: '6380', defaultUsername: '' },
};
