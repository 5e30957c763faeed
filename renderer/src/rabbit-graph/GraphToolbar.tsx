import type { KeyboardEvent } from 'react';
import { Legend } from './GraphShapes';

/** Search, zoom and the way back from a neighbourhood or an expanded group. */
export function GraphToolbar(props: {
  query: string;
  onQuery(q: string): void;
  matches: number;
  current: number;
  onNextMatch(step: 1 | -1): void;
  onZoom(factor: number): void;
  onFit(): void;
  focusLabel: string | null;
  onShowAll(): void;
  canRegroup: boolean;
  onRegroup(): void;
  counts: string;
}) {
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    props.onNextMatch(e.shiftKey ? -1 : 1);
  };
  return (
    <div className="tg-toolbar">
      <input
        type="search"
        className="input tg-search"
        placeholder="Find a queue or exchange"
        aria-label="Find a node"
        value={props.query}
        onChange={(e) => props.onQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span className="tg-matches faint num" aria-live="polite">
        {props.query.trim() === '' ? '' : props.matches === 0 ? 'no match' : `${props.current + 1} of ${props.matches}`}
      </span>
      <span className="tg-zoom" role="group" aria-label="Zoom">
        <button type="button" className="btn small" aria-label="Zoom out" title="Zoom out" onClick={() => props.onZoom(1 / 1.25)}>
          −
        </button>
        <button type="button" className="btn small" aria-label="Zoom in" title="Zoom in" onClick={() => props.onZoom(1.25)}>
          +
        </button>
        <button type="button" className="btn small" title="Show the whole graph" onClick={props.onFit}>
          Fit
        </button>
      </span>
      {props.focusLabel && (
        <span className="tg-focus">
          <span className="muted">Around {props.focusLabel}</span>
          <button type="button" className="btn small" onClick={props.onShowAll}>
            Show all
          </button>
        </span>
      )}
      {props.canRegroup && (
        <button type="button" className="btn small ghost" onClick={props.onRegroup}>
          Group unbound queues
        </button>
      )}
      <span className="tg-spacer" />
      <span className="faint num">{props.counts}</span>
      <Legend />
    </div>
  );
}
