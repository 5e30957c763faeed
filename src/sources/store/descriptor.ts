import type { StoreProfile } from './profile';
import type { Resource } from '../../model/resources';
import { WHOLE_POSITION, type SidebarGroup, type SourceDescriptor } from '../descriptor';

export const storeDescriptor: SourceDescriptor<StoreProfile> = {
  kind: 'store',
  label: 'Event store',
  badge: 'store',
  noun: 'event',
  positionLabel: 'Position',
  positionForm: WHOLE_POSITION,
  headersTitle: 'Metadata',
  payloadTitle: 'Data',
  nullValue: { short: 'null', long: 'null' },
  missingTime: null,
  emptyNote: 'No streams yet',
  nothingToRead: (resources) => (resources.some((r) => r.type === 'store-stream') ? null : 'No streams yet: append an event or import NDJSON'),
  views: [],
  sidebar(resources) {
    const byCategory = new Map<string, Resource[]>();
    for (const r of resources) if (r.type === 'store-stream') byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
    const subscriptions = resources.filter((r) => r.type === 'store-subscription');
    const groups: SidebarGroup[] = [...byCategory].map(([c, items]) => ({ id: c, label: c, items }));
    if (subscriptions.length) groups.push({ id: '$subscriptions', label: 'subscriptions', items: subscriptions });
    return { top: resources.filter((r) => r.type === 'store-all'), groups };
  },
  // Without a tab (the dead-letter view), an event is found again in the global log.
  valueTarget: (_e, tabTarget) => tabTarget ?? { type: 'store-all' },
  redrive: { toOrigin: 'Back into the subscription (replayed through its current code)', choices: [], options: [], marksRedriven: false },
  secretTarget: (p) => ({ current: p.path, legacy: null }),
  form: { sections: ['file'], defaultPort: '', defaultUsername: '' },
};
