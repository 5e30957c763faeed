import { useEffect, useRef, useState } from 'react';
import { memberTime, type TraceMember } from '../../../src/model/trace';
import { formatTime } from '../ui/format';
import { spanText } from './trace-tree';

/** Dots drawn at most; a bigger trace is read in the tree. */
const MAX_DOTS = 3_000;
const LANE = 34;
const LEFT = 220;

const laneOf = (m: TraceMember) => `${m.where.connectionName} · ${m.where.resource}`;

/**
 * One lane per source (a connection's topic, stream, queue or store), each message a dot at its
 * time, a line from each cause to what it caused; dead steps red. A click selects the message.
 */
export function TraceTimeline({ members, selected, flagged, onSelect }: { members: TraceMember[]; selected: number | null; flagged: ReadonlySet<number>; onSelect(index: number): void }) {
  // Drawn at the pane's own width, so the words stay at the size of the rest of the app.
  const box = useRef<HTMLDivElement>(null);
  const [WIDTH, setWidth] = useState(900);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(560, el.clientWidth - 16)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const shown = members.slice(0, MAX_DOTS);
  const lanes = [...new Set(shown.map(laneOf))];
  const times = shown.map((m) => {
    const t = memberTime(m.record);
    return t === null ? null : Date.parse(t);
  });
  const known = times.filter((t): t is number => t !== null);
  if (known.length === 0)
    return (
      <div className="empty" ref={box}>
        No message of this trace says when it was written.
      </div>
    );
  const min = Math.min(...known);
  const max = Math.max(...known);
  const x = (t: number) => LEFT + (max === min ? (WIDTH - LEFT) / 2 : ((t - min) / (max - min)) * (WIDTH - LEFT - 20));
  const y = (m: TraceMember) => lanes.indexOf(laneOf(m)) * LANE + LANE / 2 + 20;
  const byId = new Map<string, number>();
  shown.forEach((m, i) => m.record.id !== null && !byId.has(m.record.id) && byId.set(m.record.id, i));
  const height = lanes.length * LANE + 30;
  return (
    <div className="trace-timeline" ref={box}>
      {members.length > MAX_DOTS && <div className="notice">The timeline draws the first {MAX_DOTS.toLocaleString('en-US')} messages; the tree lists them all.</div>}
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-label={`Timeline of ${shown.length} messages in ${lanes.length} lanes`}>
        <text x={LEFT} y={12} className="axis">
          {formatTime(new Date(min).toISOString())}
        </text>
        <text x={WIDTH - 10} y={12} className="axis" textAnchor="end">
          {max > min ? `${formatTime(new Date(max).toISOString())} (${spanText(max - min)})` : ''}
        </text>
        {lanes.map((lane, i) => (
          <g key={lane}>
            <line x1={LEFT - 10} x2={WIDTH - 10} y1={i * LANE + LANE / 2 + 20} y2={i * LANE + LANE / 2 + 20} className="lane" />
            <text x={6} y={i * LANE + LANE / 2 + 24} className="lane-name">
              {lane.length > 34 ? `${lane.slice(0, 33)}…` : lane}
            </text>
          </g>
        ))}
        {shown.map((m, i) => {
          const parent = m.record.causationId === null ? undefined : byId.get(m.record.causationId);
          const t = times[i];
          const pt = parent === undefined ? null : times[parent];
          if (parent === undefined || parent === i || t === null || t === undefined || pt === null || pt === undefined) return null;
          return (
            <line key={`e${i}`} x1={x(pt)} y1={y(shown[parent]!)} x2={x(t)} y2={y(m)} className="edge">
              <title>{spanText(t - pt)}</title>
            </line>
          );
        })}
        {shown.map((m, i) => {
          const t = times[i];
          if (t === null || t === undefined) return null;
          return (
            <circle
              key={`d${i}`}
              cx={x(t)}
              cy={y(m)}
              r={selected === i ? 7 : 5}
              className={`${m.dead ? 'dot-dead' : 'dot-ok'}${flagged.has(i) ? ' dot-flag' : ''}${selected === i ? ' chosen' : ''}`}
              onClick={() => onSelect(i)}
              data-testid="timeline-dot"
            >
              <title>{`${m.record.type ?? '(no type)'} ${m.record.id ?? ''}\n${laneOf(m)} @${m.record.position}\n${formatTime(memberTime(m.record))}${m.dead ? `\n${m.dead}` : ''}${flagged.has(i) ? '\nnamed in a finding' : ''}`}</title>
            </circle>
          );
        })}
      </svg>
    </div>
  );
}
