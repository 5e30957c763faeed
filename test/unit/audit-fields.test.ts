import { describe, expect, it } from 'vitest';
import { auditFields } from '../../renderer/src/audit/audit-fields';

/** What the audit view says about an entry, field by field, from entries as the core writes them. */
const field = (fields: { label: string; value: string }[], label: string) => fields.find((f) => f.label === label)?.value;
const options = { restoreTtl: false, ratePerSecond: null, partitioning: 'key', keepTimestamp: true };

describe('audit entries as fields', () => {
  it('a RabbitMQ redrive: who, when to the second, places in words, and only the options RabbitMQ has', () => {
    const fields = auditFields({
      at: '2026-12-07T10:11:12.345Z',
      action: 'redrive',
      detail: {
        runId: 'ab12cd34',
        connectionId: 'c1',
        connectionName: 'prod rabbit',
        from: { type: 'rabbit-queue', vhost: '/', name: 'payments.dlq' },
        to: { kind: 'origin' },
        options,
        moved: 40,
        failures: [],
        movedIds: ['m-1', 'm-2'],
        summary: '40 moved',
        host: 'ops-laptop',
        user: 'ada',
      },
    });
    expect(field(fields, 'Who')).toBe('ada on ops-laptop');
    expect(field(fields, 'When')).toMatch(/^2026-12-07 \d\d:11:12$/);
    expect(field(fields, 'From')).toBe('queue payments.dlq (vhost /)');
    expect(field(fields, 'To')).toBe("each message's origin");
    expect(field(fields, 'Options')).toBe('TTL not put back; as fast as the broker confirms');
    expect(field(fields, 'Moved')).toBe('40');
    expect(field(fields, 'Moved ids')).toBe('m-1, m-2');
    expect(field(fields, 'Failures')).toBe('none');
    expect(fields.map((f) => f.label)).not.toContain('Summary');
    expect(JSON.stringify(fields)).not.toMatch(/partition|timestamp|connectionId|c1/i);
  });

  it('a Kafka redrive lists partitioning and timestamps, not the TTL', () => {
    const fields = auditFields({ at: '2026-12-07T10:11:12Z', action: 'redrive', detail: { from: { type: 'kafka-topic', name: 'orders-dlt' }, options: { ...options, ratePerSecond: 500 } } });
    expect(field(fields, 'Options')).toBe('at most 500 a second; partitioned by key; timestamps kept');
  });

  it('an entry from before Rewind recorded who says so; lists are cut with a count', () => {
    const fields = auditFields({ at: '2026-12-07T10:11:12Z', action: 'replay-parked', detail: { positions: Array.from({ length: 25 }, (_, i) => i + 1), stillParked: 0 } });
    expect(field(fields, 'Who')).toMatch(/^not recorded/);
    expect(field(fields, 'Positions')).toBe('1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 … and 5 more');
    expect(field(fields, 'Still parked')).toBe('0');
  });

  it('a publish: its target, copies asked for and confirmed, and the predicted queues under their own name', () => {
    const fields = auditFields({
      at: '2026-12-07T10:11:12Z',
      action: 'publish',
      detail: { to: { kind: 'exchange', vhost: '/', exchange: 'orders', routingKey: 'order.created' }, requested: 10, sent: 4, stoppedBy: 'stop', predictedQueues: ['billing', 'audit'], routed: true },
    });
    expect(field(fields, 'To')).toBe('exchange orders, key order.created (vhost /)');
    expect(field(fields, 'Sent (confirmed)')).toBe('4');
    expect(field(fields, 'Copies asked for')).toBe('10');
    expect(field(fields, 'Queues predicted from bindings')).toBe('billing, audit');
    expect(field(fields, 'Routed by the broker')).toBe('yes');
  });
});
