/** The events the in-memory source holds: two logs of orders and payments, made the same way each time. */
export interface MemoryEvent {
  /** Its place in the log, from 1: what a projection numbers it by. */
  position: number;
  /** Its position as the source writes it, a stream id like Redis's (milliseconds-sequence): opaque to Rewind. */
  streamId: string;
  log: string;
  id: string;
  type: string;
  time: string;
  data: { order: string; amount: number };
}

export const LOGS = { orders: 240, payments: 120 } as const;

export function memoryLogs(): Map<string, MemoryEvent[]> {
  const logs = new Map<string, MemoryEvent[]>();
  for (const [log, count] of Object.entries(LOGS)) {
    const events: MemoryEvent[] = [];
    for (let i = 0; i < count; i++) {
      const placed = log === 'orders';
      events.push({
        position: i + 1,
        // Two entries per millisecond, so the sequence part is used too.
        streamId: `${Date.UTC(2026, 0, 1) + Math.floor(i / 2)}-${i % 2}`,
        log,
        id: `${log}-${i + 1}`,
        type: placed ? 'OrderPlaced' : 'OrderPaid',
        time: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        data: { order: `o-${(i % 40) + 1}`, amount: (i % 7) + 1 },
      });
    }
    logs.set(log, events);
  }
  return logs;
}
