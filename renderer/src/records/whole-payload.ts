import type { RewindClient } from '../../../src/api/client';
import { describe } from '../../../src/sources/descriptors';
import type { Envelope, Payload, ReadTarget } from '../api/types';
import { formatBytes } from '../ui/format';

/** Where a record can be read again, one at a time, to get its whole value. */
export interface RecordSource {
  connectionId: string;
  target: ReadTarget;
}

export const bytesOf = (p: Payload): number => (p.kind === 'null' || p.kind === 'empty' ? 0 : p.bytes);
export const isCut = (p: Payload): boolean => (p.kind === 'text' || p.kind === 'binary') && p.truncated;

/** The value as Copy gives it: text as held, binary as base64. */
export function payloadText(p: Payload): string {
  switch (p.kind) {
    case 'null':
    case 'empty':
      return '';
    case 'json':
    case 'text':
      return p.text;
    case 'binary':
      return p.base64;
  }
}

/** How many bytes of the value a payload carries (a preview carries fewer than `bytes`). */
function carried(p: Payload): number {
  if (p.kind === 'binary') return Math.floor((p.base64.length * 3) / 4) - (p.base64.endsWith('==') ? 2 : p.base64.endsWith('=') ? 1 : 0);
  return new TextEncoder().encode(payloadText(p)).length;
}

/**
 * The whole value, read again from its source when the list holds only a preview, with a note
 * that says plainly when what it gives is still not all of it.
 */
export async function wholePayload(client: RewindClient, e: Envelope, source: RecordSource | null, signal?: AbortSignal): Promise<{ payload: Payload; note: string }> {
  if (!isCut(e.payload)) return { payload: e.payload, note: '' };
  if (!source) return { payload: e.payload, note: ` — only the first ${formatBytes(carried(e.payload))}: this source cannot read one message again` };
  const { payload } = await client.call('records/value', { connectionId: source.connectionId, target: source.target, position: e.position }, signal ? { signal } : {});
  return { payload, note: isCut(payload) ? ` — only the first ${formatBytes(carried(payload))}: larger values are cut; read it with kcat` : '' };
}

/** The file Save payload… writes: the bytes themselves, binary decoded from base64. */
export function payloadFile(e: Envelope, p: Payload): { part: BlobPart; name: string } {
  const ext = p.kind === 'json' ? 'json' : p.kind === 'binary' ? 'bin' : 'txt';
  const part: BlobPart = p.kind === 'binary' ? Uint8Array.from(atob(p.base64), (c) => c.charCodeAt(0)) : payloadText(p);
  const where = e.partition === null ? e.position : `${e.partition}-${e.position}`;
  return { part, name: `${e.resource}-${where}.${ext}`.replace(/[^\w.@-]+/g, '_') };
}

/** Where the record is read again for its whole value, as its source says (a Kafka record: its own partition). */
export function sourceFor(connectionId: string, e: Envelope, tabTarget: ReadTarget | null): RecordSource | null {
  const target = describe(e.source).valueTarget(e, tabTarget);
  return target ? { connectionId, target } : null;
}

/** Ctrl+C in a records table: the whole value, like the Copy payload button. */
export async function copyWhole(client: RewindClient, e: Envelope, source: RecordSource | null, copy: (text: string) => Promise<void>): Promise<void> {
  const { payload } = await wholePayload(client, e, source);
  await copy(payloadText(payload));
}
