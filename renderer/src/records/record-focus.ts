import { useEffect, useRef } from 'react';
import type { Envelope } from '../api/types';

/**
 * What a tab opens on: a record (a trace's member), read from its position and selected; or one
 * event type (an event catalogue's "show only this type"). `n` moves on each open.
 */
export type RecordFocus = { kind: 'record'; partition: number | null; position: string; n: number } | { kind: 'type'; type: string; n: number };

/**
 * Selects the focused record once the read it asked for brings it: by partition and position,
 * among rows that came after the focus did (the page shown when it came is an older read, where
 * the same place may hold another row). `onSelect` hears the row's index.
 */
export function useSelectFocused(focus: RecordFocus | null, rows: Envelope[], onSelect: (index: number) => void): void {
  const done = useRef<number | null>(null);
  const before = useRef<{ n: number; rows: Envelope[] } | null>(null);
  if (focus?.kind === 'record' && before.current?.n !== focus.n && done.current !== focus.n) before.current = { n: focus.n, rows };
  useEffect(() => {
    if (!focus || focus.kind !== 'record' || done.current === focus.n) return;
    // A tab opened on the record starts with no rows: its first read is the one. An open tab shows an older read until the new one lands.
    if (rows.length === 0 || (before.current?.n === focus.n && before.current.rows === rows && rows.length > 0)) return;
    const i = rows.findIndex((r) => r.position === focus.position && (focus.partition === null || r.partition === focus.partition));
    if (i >= 0) {
      done.current = focus.n;
      onSelect(i);
    }
  }, [focus, rows, onSelect]);
}
