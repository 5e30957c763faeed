import type { Envelope, Resource } from '../api/types';
import { describe } from '../../../src/sources/descriptors';
import { WHOLE_POSITION } from '../../../src/sources/descriptor';

/** What one item is called in sentences; the plural adds an s. */
export type Noun = string;

export function nounOf(resource: Resource): Noun {
  if (resource.type === 'source') return describe(resource.source).noun;
  if (resource.type === 'kafka-topic') return 'record';
  if (resource.type === 'rabbit-queue') return 'message';
  return 'event';
}

/** How a position of this resource is typed; the built-in sources count in whole numbers. */
export function positionFormOf(resource: Resource): { pattern: string; hint: string } {
  return resource.type === 'source' ? describe(resource.source).positionForm : WHOLE_POSITION;
}

export function positionLabel(resource: Resource): string {
  if (resource.type === 'source') return describe(resource.source).positionLabel;
  // A classic or quorum queue has no offsets: a message's place in the queue, as its detail says.
  if (resource.type === 'rabbit-queue' && resource.queueType !== 'stream') return 'Place';
  return resource.type === 'store-all' || resource.type === 'store-stream' ? 'Position' : 'Offset';
}

export function previewOf(e: Envelope): string {
  // What the value means (Avro, Protobuf…) before its bytes; a value left raw says why in the detail.
  if (e.decoded?.text) return e.decoded.text.slice(0, 400);
  const p = e.payload;
  switch (p.kind) {
    case 'null':
      return describe(e.source).nullValue.short;
    case 'empty':
      return '(empty)';
    case 'json':
      return p.text.replace(/\s*\n\s*/g, ' ').slice(0, 400);
    case 'text':
      return p.text.slice(0, 400);
    case 'binary':
      return e.decoded?.problem ? `binary · ${p.bytes} bytes · ${e.decoded.decoder}: shown raw` : `binary · ${p.bytes} bytes`;
  }
}

export function sizeOf(e: Envelope): number {
  return e.payload.kind === 'empty' || e.payload.kind === 'null' ? 0 : e.payload.bytes;
}

export function keyText(e: Envelope): string {
  if (e.streamId) return e.streamId;
  const k = e.key;
  if (!k) return '';
  if (e.keyDecoded?.text) return e.keyDecoded.text;
  if (k.kind === 'text') return k.text;
  if (k.kind === 'json') return k.text;
  if (k.kind === 'empty') return '(empty)';
  if (k.kind === 'binary') return `binary · ${k.bytes} bytes`;
  return '';
}
