import type { SourceLook } from '../model/source-look';
import { sidebarByGroup, type SourceDescriptor } from './descriptor';

/**
 * The descriptor of a source registered at run time, from the look it sends with its connections:
 * its resources are of type 'source', listed by their group, read again from what the tab reads.
 * Such a source has no form (it brings its own connections) and no redrive choices.
 */
export function lookDescriptor(look: SourceLook): SourceDescriptor {
  return {
    ...look,
    nothingToRead: () => null,
    views: [],
    sidebar: sidebarByGroup,
    valueTarget: (_e, tabTarget) => tabTarget,
    redrive: { toOrigin: 'Back where each came from', choices: [], options: ['rate-limit'], marksRedriven: false },
    secretTarget: () => ({ current: '', legacy: null }),
    form: { sections: [], defaultPort: '', defaultUsername: '' },
  };
}

/** What an unknown kind looks like before its look has arrived: its own name and plain words. */
export const plainLook = (kind: string): SourceLook => ({
  kind,
  label: kind,
  badge: kind,
  noun: 'item',
  positionLabel: 'Position',
  positionForm: { pattern: '^\\S+$', hint: 'written without spaces' },
  headersTitle: 'Headers',
  payloadTitle: 'Payload',
  emptyNote: 'Nothing here yet',
  nullValue: { short: 'null', long: 'null' },
  missingTime: null,
});
