import type { RegisteredSource } from '../../../src/sources/source-module';
import { MemoryAdapter } from './memory-adapter';

/** The in-memory source, as the registry takes it: one connection, its look, its adapter. */
export const memorySource: RegisteredSource = {
  look: {
    kind: 'memory',
    label: 'Memory',
    badge: 'mem',
    noun: 'item',
    positionLabel: 'Id',
    positionForm: { pattern: '^\\d+-\\d+$', hint: 'a stream id, such as 1767225600000-0' },
    headersTitle: 'Headers',
    payloadTitle: 'Body',
    emptyNote: 'No logs yet',
    nullValue: { short: 'null', long: 'null' },
    missingTime: null,
  },
  connections: () => [{ id: 'memory-demo', name: 'In-memory demo', address: 'memory://demo' }],
  open: () => new MemoryAdapter(),
};
