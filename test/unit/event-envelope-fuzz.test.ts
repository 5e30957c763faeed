import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { recognise } from '../../src/model/event-envelope';
import type { Header } from '../../src/model/envelope';

/**
 * The normaliser reads what third parties write: 100,000 random, truncated and hostile values under
 * every content type and header set that sends them down a rule (CloudEvents binary and structured,
 * batches, a hand-rolled envelope) end as an envelope or none, never a throw, and a record that
 * claims CloudEvents but is not one says why.
 */
const STRUCTURED = { name: 'content-type', value: 'application/cloudevents+json; charset=utf-8' };
const BATCH = { name: 'content-type', value: 'application/cloudevents-batch+json' };
const BINARY: Header[] = [
  { name: 'ce_specversion', value: '1.0' },
  { name: 'ce_time', value: '9999-99-99T99:99:99+99:99' },
];
const VALID = Buffer.from(JSON.stringify({ specversion: '1.0', id: 'a', type: 't', source: '/s', time: '2026-01-01T00:00:00+05:30', data: { x: [1, 2, { y: 'z' }] } }));
const ENVELOPE = Buffer.from(JSON.stringify({ eventId: 'e', eventType: 't', timestamp: 1772409600000, data: { n: 1 }, metadata: { $correlationId: 7 } }));

function hostile(i: number): Buffer {
  switch (i % 6) {
    case 0:
      return randomBytes(i % 300);
    case 1:
      return VALID.subarray(0, i % VALID.length);
    case 2:
      return ENVELOPE.subarray(0, i % ENVELOPE.length);
    case 3:
      return Buffer.from('['.repeat(i % 5000));
    case 4:
      return Buffer.concat([Buffer.from('{"id":'), randomBytes(i % 64), Buffer.from('}')]);
    default:
      return Buffer.from(JSON.stringify({ id: i % 2 ? null : {}, type: [i], data: 'x'.repeat(i % 100), time: String(i) }));
  }
}

// The runner's timeout is the bound: a value that made a rule backtrack or loop would blow far past it.
it('100,000 random and truncated values through every rule: no throw, an envelope or none, and what claims CloudEvents says what it lacks', { timeout: 120_000 }, () => {
  let claimed = 0;
  for (let i = 0; i < 100_000; i++) {
    const value = hostile(i);
    const headers: Header[] = i % 3 === 0 ? [STRUCTURED] : i % 3 === 1 ? BINARY : [BATCH, { name: '__TypeId__', value: 'java.lang.Object' }];
    const r = recognise({ headers, value, key: i % 2 ? 'k' : null });
    expect(typeof r.rules).toBe('object');
    if (r.event?.format.startsWith('CloudEvents 1.0, structured') || r.event?.format === 'CloudEvents 1.0, binary mode') {
      claimed++;
      if (r.id === null) expect(r.event.problem).toBeTruthy();
    }
  }
  expect(claimed).toBeGreaterThan(60_000);
});

it('a value over the parse limit is not parsed, and the structured event says so', () => {
  const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
  big[0] = 0x7b;
  const r = recognise({ headers: [STRUCTURED], value: big });
  expect(r.event?.problem).toMatch(/over 4 MB/);
});
