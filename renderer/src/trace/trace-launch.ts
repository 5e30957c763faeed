import { createContext, useContext } from 'react';
import type { Envelope, ReadTarget } from '../api/types';
import type { MemberRef, TraceWhere } from '../../../src/model/trace';
import type { CatalogueRequest } from '../../../src/model/catalogue';
import type { Resource } from '../api/types';

/** A place as a catalogue names it, from the sidebar's resource. */
export const placeOf = (r: Resource): CatalogueRequest['resource'] => ({ resourceType: r.type, resource: r.name, vhost: r.type === 'rabbit-queue' ? r.vhost : null });

/** A message a trace starts from: where it was read, and the record itself. */
export interface TraceOrigin {
  connectionId: string;
  record: Envelope;
  target: ReadTarget | null;
}

/** What the app offers every records view: start a trace from a message, open a trace's member in its own view. */
export interface TraceActions {
  start(origin: TraceOrigin): void;
  open(ref: MemberRef): void;
  /** The detail pane says which message it shows: the palette's "Trace the shown message" starts there. */
  shown(origin: TraceOrigin): void;
  /** The event catalogue of a place, in a tab of its own. */
  catalogue(connectionId: string, place: CatalogueRequest['resource']): void;
  /** A place's tab showing only one event type. */
  showType(connectionId: string, place: CatalogueRequest['resource'], type: string): void;
}

const TraceContext = createContext<TraceActions | null>(null);
export const TraceActionsProvider = TraceContext.Provider;
export const useTraceActions = () => useContext(TraceContext);

/** Where a record lives, as a trace names it, from what it was read from. */
export function whereOf(connectionId: string, connectionName: string, record: Envelope, target: ReadTarget | null): TraceWhere {
  const base = { connectionId, connectionName, vhost: null };
  if (!target) return { ...base, resourceType: record.source === 'kafka' ? 'kafka-topic' : 'source', resource: record.resource };
  switch (target.type) {
    case 'kafka-partition':
      return { ...base, resourceType: 'kafka-topic', resource: target.topic };
    case 'rabbit-stream':
      return { ...base, resourceType: 'rabbit-queue', resource: target.queue, vhost: target.vhost };
    case 'store-all':
      return { ...base, resourceType: 'store-all', resource: '$all' };
    case 'store-stream':
      return { ...base, resourceType: 'store-stream', resource: target.streamId };
    case 'source':
      return { ...base, resourceType: 'source', resource: target.resource };
  }
}
