import { describe, expect, it } from 'vitest';
import { ConnectionDraft } from '../../src/sources/profiles';

const kafka = { kind: 'kafka', name: 'k', host: 'broker-1.internal', port: 9092, tls: false, username: '', sasl: 'none' };
const message = (input: unknown) => {
  const r = ConnectionDraft.safeParse(input);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('connection drafts', () => {
  it('accept host names, IPv4 and bracketed or bare IPv6', () => {
    for (const host of ['localhost', '127.0.0.1', 'broker-1.internal', '[::1]', '::1']) expect(message({ ...kafka, host })).toBeNull();
  });

  it('explain what to type instead of a URL, a host:port or an empty host', () => {
    expect(message({ ...kafka, host: 'kafka://broker:9092' })?.[0]).toBe('host: That looks like a URL. Enter a host name or IP address such as 127.0.0.1, without a scheme or port.');
    expect(message({ ...kafka, host: 'broker:9092' })?.[0]).toMatch(/^host: Put the port in the Port field/);
    expect(message({ ...kafka, host: '  ' })?.[0]).toMatch(/^host: Host is required/);
    expect(message({ ...kafka, host: 'bro ker' })?.[0]).toMatch(/^host: Host cannot contain spaces/);
  });

  it('take a port as text from the form and refuse one out of range', () => {
    expect(ConnectionDraft.parse({ ...kafka, port: '19092' })).toMatchObject({ port: 19092 });
    expect(message({ ...kafka, port: '90x' })).toEqual(['port: Port must be a number from 1 to 65535.']);
    expect(message({ ...kafka, port: 70000 })).toEqual(['port: Port must be from 1 to 65535.']);
  });

  it('need a management port and vhost for RabbitMQ', () => {
    expect(message({ ...kafka, kind: 'rabbitmq', sasl: undefined })).not.toBeNull();
    expect(message({ kind: 'rabbitmq', name: 'r', host: 'localhost', port: 5672, tls: false, username: 'guest', vhost: '/', managementPort: 15672 })).toBeNull();
  });
});
