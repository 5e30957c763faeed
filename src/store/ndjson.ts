import { z } from 'zod';
import type { NewEvent, StoredEvent } from './event-store';

/** One event per line, as Rewind exports it and imports it. */
export const NdjsonEvent = z.object({
  position: z.number().int().optional(),
  streamId: z.string().min(1).max(500),
  version: z.number().int().optional(),
  id: z.string().min(1).max(200).optional(),
  type: z.string().min(1).max(200),
  data: z.json(),
  metadata: z.record(z.string(), z.json()).optional(),
  recordedAt: z.iso.datetime({ offset: true }).optional(),
});
export type NdjsonEvent = z.infer<typeof NdjsonEvent>;

export function toNdjsonLine(e: StoredEvent): string {
  return JSON.stringify({
    position: e.globalPosition,
    streamId: e.streamId,
    version: e.streamVersion,
    id: e.eventId,
    type: e.eventType,
    data: JSON.parse(e.data) as unknown,
    metadata: JSON.parse(e.metadata) as unknown,
    recordedAt: e.recordedAt,
  });
}

export type ParsedLine = { ok: true; event: NdjsonEvent } | { ok: false; message: string };

export function parseNdjsonLine(line: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` };
  }
  const parsed = NdjsonEvent.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, message: `${i?.path.join('.') || 'line'}: ${i?.message ?? 'invalid'}` };
  }
  return { ok: true, event: parsed.data };
}

export function toNewEvent(e: NdjsonEvent): NewEvent {
  return { ...(e.id ? { id: e.id } : {}), type: e.type, data: e.data, ...(e.metadata ? { metadata: e.metadata } : {}) };
}
