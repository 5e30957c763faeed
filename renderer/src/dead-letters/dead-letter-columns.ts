import type { DeadLetter, Envelope } from '../api/types';
import type { Column } from '../records/columns';
import { previewOf } from '../records/read-target';
import { formatTime } from '../ui/format';

/** Columns for dead letters of any source: where, when, what, and why it died (where from and how often: in the detail). */
export function deadLetterColumns(positionLabel: string, deathOf: (e: Envelope) => DeadLetter['death'], redrivenAt?: (e: Envelope) => string | null): Column[] {
  const reason = (e: Envelope) => deathOf(e).reason ?? '';
  const when = (e: Envelope) => deathOf(e).at ?? e.timestamp ?? '';
  return [
    {
      id: 'position',
      label: positionLabel,
      width: '64px',
      text: (e) => (e.partition !== null ? `${e.partition}/${e.position}` : e.position),
      sortValue: (e) => Number(e.position),
      className: 'num mono',
    },
    // Wide enough for the seconds of "2026-12-07 05:20:25".
    { id: 'time', label: 'Died', width: '158px', text: (e) => formatTime(when(e)), sortValue: when, className: 'num mono' },
    { id: 'type', label: 'Type', width: 'minmax(70px, 130px)', text: (e) => e.type ?? '', sortValue: (e) => e.type ?? '' },
    { id: 'reason', label: 'Reason', width: 'minmax(140px, 3fr)', text: reason, sortValue: reason, className: 'err-text' },
    { id: 'payload', label: 'Payload', width: 'minmax(80px, 1fr)', text: previewOf, sortValue: previewOf, className: 'mono' },
    // A topic keeps what was redriven: which of its records went back already.
    ...(redrivenAt
      ? [
          {
            id: 'redriven',
            label: 'Redriven',
            width: '96px',
            text: (e: Envelope) => (redrivenAt(e) ? formatTime(redrivenAt(e)).slice(0, 10) : ''),
            sortValue: (e: Envelope) => redrivenAt(e) ?? '',
            className: 'mono',
          },
        ]
      : []),
  ];
}
