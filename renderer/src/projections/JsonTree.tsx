import { useState } from 'react';

const PAGE = 200;

/** A collapsible view of a JSON value; children render only when opened. */
export function JsonTree({ value, name, depth = 0, openDepth = 1 }: { value: unknown; name?: string; depth?: number; openDepth?: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(PAGE);
  const label = name !== undefined ? <span className="j-key">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    const cls = typeof value === 'string' ? 'j-str' : typeof value === 'number' ? 'j-num' : 'j-lit';
    return (
      <div className="jt-row">
        {label}
        <span className={cls}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div className="jt-node">
      <button className="jt-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <span className="chev">{open ? '▾' : '▸'}</span>
        {label}
        <span className="faint">
          {brackets[0]}
          {open ? '' : ` ${entries.length} ${Array.isArray(value) ? 'items' : 'keys'} ${brackets[1]}`}
        </span>
      </button>
      {open && (
        <div className="jt-children">
          {entries.slice(0, shown).map(([k, v]) => (
            <JsonTree key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />
          ))}
          {entries.length > shown && (
            <button className="btn small ghost" onClick={() => setShown((n) => n + PAGE)}>
              Show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown}
            </button>
          )}
          <div className="faint">{brackets[1]}</div>
        </div>
      )}
    </div>
  );
}
