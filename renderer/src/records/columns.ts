import type { Envelope, Resource } from '../api/types';
import { describe } from '../../../src/sources/descriptors';
import { formatBytes, formatTime } from '../ui/format';
import { keyText, positionLabel, previewOf, sizeOf } from './read-target';

export interface Column {
  id: string;
  label: string;
  width: string;
  text(e: Envelope): string;
  sortValue(e: Envelope): number | string;
  className?: string;
}

/** Columns fit the source: streams for the store, keys for Kafka, routing keys for RabbitMQ. */
export function columnsFor(resource: Resource): Column[] {
  // A registered or Redis source may order its own positions (a stream id, 1700000000000-0): wider, and sorted part by part.
  const own = resource.type === 'source';
  const position: Column = {
    id: 'position',
    label: positionLabel(resource),
    width: own ? '136px' : '84px',
    text: (e) => e.position,
    sortValue: own
      ? (e) =>
          e.position
            .split('-')
            .map((part) => part.padStart(20, '0'))
            .join('-')
      : (e) => Number(e.position),
    className: 'num mono',
  };
  // An event's own time (CloudEvents' time, an envelope's timestamp) where it gives one, else the record's.
  const time: Column = {
    id: 'time',
    label: 'Time',
    width: '162px',
    text: (e) => formatTime(e.event?.time ?? e.timestamp),
    sortValue: (e) => e.event?.time ?? e.timestamp ?? '',
    className: 'num mono',
  };
  const type: Column = { id: 'type', label: 'Type', width: 'minmax(90px, 160px)', text: (e) => e.type ?? '', sortValue: (e) => e.type ?? '' };
  const keyLabel = resource.type === 'kafka-topic' || resource.type === 'source' ? 'Key' : resource.type === 'rabbit-queue' ? 'Routing key' : 'Stream';
  const key: Column = { id: 'key', label: keyLabel, width: 'minmax(90px, 170px)', text: keyText, sortValue: keyText, className: 'mono' };
  const payload: Column = {
    id: 'payload',
    label: resource.type === 'kafka-topic' ? 'Value' : resource.type === 'rabbit-queue' ? 'Body' : resource.type === 'source' ? describe(resource.source).payloadTitle : 'Data',
    width: 'minmax(160px, 1fr)',
    text: previewOf,
    sortValue: previewOf,
    className: 'mono',
  };
  const size: Column = { id: 'size', label: 'Size', width: '68px', text: (e) => formatBytes(sizeOf(e)), sortValue: sizeOf, className: 'num' };
  if (resource.type === 'kafka-topic') {
    const partition: Column = { id: 'partition', label: 'P', width: '34px', text: (e) => String(e.partition ?? ''), sortValue: (e) => e.partition ?? -1, className: 'num mono' };
    // One more column than elsewhere: the flexible ones give up some of their minimum for it.
    return [partition, position, { ...time, width: '150px' }, { ...key, width: 'minmax(70px, 170px)' }, { ...type, width: 'minmax(56px, 160px)' }, payload, size];
  }
  return resource.type === 'store-stream' ? [position, time, type, payload, size] : [position, time, key, type, payload, size];
}

export type Sort = { column: string; dir: 1 | -1 } | null;

/** A header click: ascending, then descending, then unsorted. */
export const nextSort = (sort: Sort, column: string): Sort => (sort?.column === column ? (sort.dir === 1 ? { column, dir: -1 } : null) : { column, dir: 1 });

export function sortRows(rows: Envelope[], columns: Column[], sort: Sort): Envelope[] {
  if (!sort) return rows;
  const col = columns.find((c) => c.id === sort.column);
  if (!col) return rows;
  return [...rows].sort((a, b) => {
    const x = col.sortValue(a);
    const y = col.sortValue(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
  });
}
