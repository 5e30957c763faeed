import { useEffect, useRef } from 'react';
import type { Envelope } from '../api/types';

/**
 * What a tab opens on: a record (a trace's member), read from its position and selected; or one
 * event type (an event catalogue's "show only this type"). `n` moves on each open.
 */
export type RecordFocus = { kind: 'record'; partition: number | null; position: string; n: number } | { kind: 'type'; type: string; n: number };

/**
 * Selects the focused record once a read brings it: by partition and position among the rows.
 * Returns nothing; `onSelect` hears the row's index.
 */
export function useSelectFocused(focus: RecordFocus | null, rows: Envelope[], onSelect: (index: number) => void): void {
  const done = useRef<number | null>(null);
  useEffect(() => {
    if (!focus || focus.kind !== 'record' || done.current === focus.n) return;
    const i = rows.findIndex((r) => r.position === focus.position && (focus.partition === null || r.partition === focus.partition));
    if (i >= 0) {
      done.current = focus.n;
      onSelect(i);
    }
  }, [focus, rows, onSelect]);
}
