import type { Resource } from '../api/types';
import { placeOf, useTraceActions } from './trace-launch';

/** A records view's way to its place's event catalogue. */
export function CatalogueButton({ connectionId, resource }: { connectionId: string; resource: Resource }) {
  const actions = useTraceActions();
  if (!actions) return null;
  return (
    <button
      type="button"
      className="btn"
      onClick={() => actions.catalogue(connectionId, placeOf(resource))}
      title="Each event type here, its fields, where its shape changed; duplicates, version gaps, events out of order"
    >
      Event catalogue
    </button>
  );
}
