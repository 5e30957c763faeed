import { defaultStreamPort, streamTls, type RabbitProfile } from './profile';
import type { Resource } from '../../model/resources';
import { tlsWord } from '../secret-targets';
import { WHOLE_POSITION, type SourceDescriptor } from '../descriptor';

export const rabbitDescriptor: SourceDescriptor<RabbitProfile> = {
  kind: 'rabbitmq',
  label: 'RabbitMQ',
  badge: 'rabbit',
  noun: 'message',
  positionLabel: 'Offset',
  positionForm: WHOLE_POSITION,
  headersTitle: 'Headers',
  payloadTitle: 'Payload',
  nullValue: { short: 'null', long: 'null' },
  missingTime: null,
  emptyNote: 'No queues yet',
  nothingToRead: () => null,
  views: [],
  sidebar(resources) {
    const byVhost = new Map<string, Resource[]>();
    for (const r of resources) {
      if (r.type === 'rabbit-vhost' && !byVhost.has(r.name)) byVhost.set(r.name, []);
      if (r.type === 'rabbit-queue' || r.type === 'rabbit-super-stream') byVhost.set(r.vhost, [...(byVhost.get(r.vhost) ?? []), r]);
    }
    return { top: [], groups: [...byVhost].map(([v, items]) => ({ id: `vhost:${v}`, label: `vhost ${v}`, items, vhost: v })) };
  },
  valueTarget: (_e, tabTarget) => tabTarget,
  redrive: {
    toOrigin: 'Each back to the queue it died in (from its latest x-death), and nowhere else',
    choices: ['origin-route', 'exchange', 'queue'],
    options: ['restore-ttl', 'rate-limit'],
    marksRedriven: false,
  },
  secretTarget(p) {
    const streamWords = p.tls && p.streamWithoutTls ? ' (without TLS)' : '';
    const current = `${p.host}:${p.port}, stream port ${p.streamPort}${streamWords} and management port ${p.managementPort} (${tlsWord(p.tls)})`;
    // Before the stream port was part of the target, Rewind wrote it without: such a binding
    // still holds where the stream port is the one Rewind used then (RabbitMQ's default).
    const asThen = p.streamPort === defaultStreamPort(p.tls) && streamTls(p) === p.tls;
    return { current, legacy: asThen ? `${p.host}:${p.port} and management port ${p.managementPort} (${tlsWord(p.tls)})` : null };
  },
  form: { sections: ['address', 'credentials', 'rabbit-ports', 'envelope'], defaultPort: '5672', defaultTlsPort: '5671', managementPorts: { plain: '15672', tls: '15671' }, defaultUsername: 'guest' },
};
