import { useState } from 'react';
import type { TypeSource } from '../../../src/model/type-source';
import { formatCount } from '../ui/format';
import type { Summary } from './useRebuild';

/** Header or JSON path, and the text typed for it: a form's own state, kept apart from what applies. */
function TypeSourceFields({ initial, submitLabel, onSubmit }: { initial: TypeSource | null; submitLabel: string; onSubmit(t: TypeSource): void }) {
  const [kind, setKind] = useState<TypeSource['kind']>(initial?.kind ?? 'path');
  const [header, setHeader] = useState(initial?.kind === 'header' ? initial.name : 'type');
  const [path, setPath] = useState(initial?.kind === 'path' ? initial.path : '$.type');
  const value = kind === 'header' ? header : path;
  return (
    <form
      className="type-source-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onSubmit(kind === 'header' ? { kind, name: header.trim() } : { kind, path: path.trim() });
      }}
    >
      <label>
        Type from
        <select className="input" aria-label="Type from" value={kind} onChange={(e) => setKind(e.target.value as TypeSource['kind'])}>
          <option value="header">header</option>
          <option value="path">JSON path</option>
        </select>
      </label>
      <input
        className="input mono"
        aria-label={kind === 'header' ? 'Type header' : 'Type path'}
        placeholder={kind === 'header' ? 'kind' : '$.type'}
        value={value}
        spellCheck={false}
        onChange={(e) => (kind === 'header' ? setHeader : setPath)(e.target.value)}
      />
      <button className="btn primary" type="submit" disabled={!value.trim()}>
        {submitLabel}
      </button>
    </form>
  );
}

const said = (t: TypeSource) => (t.kind === 'header' ? `header ${t.name}` : t.path);

/**
 * Where a run reads each event's type, for sources that keep it elsewhere than Rewind looks (a
 * JSON body's `type`, a header of another name). In the toolbar beside the limits.
 */
export function TypeSourceControl({ value, onChange }: { value: TypeSource | null; onChange(t: TypeSource | null): void }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="limits" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="btn" data-testid="type-source" title="Where each event's type is read: what the source says, a header, or a JSON path into the body">
        Type: {value ? said(value) : 'as sent'}
      </summary>
      <div className="limits-form type-source-popover">
        <TypeSourceFields
          key={value ? said(value) : ''}
          initial={value}
          submitLabel="Apply"
          onSubmit={(t) => {
            onChange(t);
            setOpen(false);
          }}
        />
        {value && (
          <button className="btn" type="button" onClick={() => (onChange(null), setOpen(false))}>
            Use the source’s own type
          </button>
        )}
        <span className="faint">Applies to the next rebuild. A header by its name; a path such as $.type or $.meta.eventType.</span>
      </div>
    </details>
  );
}

/**
 * A run whose handlers matched none or few of its events: what it saw, and where to read the
 * type instead, rebuilding at once.
 */
export function TypeNotice({ summary, onRebuildWith }: { summary: Summary; onRebuildWith(t: TypeSource): void }) {
  if (!summary.typeNotice) return null;
  return (
    <div className="notice warn type-notice" role="status" data-testid="type-notice">
      <div>{summary.typeNotice}</div>
      {summary.types.length > 1 && (
        <ul className="type-counts" aria-label="Event types seen">
          {summary.types.slice(0, 12).map((t) => (
            <li key={t.type} className={t.handled ? 'handled' : undefined} title={t.handled ? 'A handler takes this type' : 'No handler takes this type'}>
              <span className="mono">{t.type}</span> {formatCount(t.count)}
            </li>
          ))}
        </ul>
      )}
      <TypeSourceFields key={summary.runId} initial={summary.typeFrom} submitLabel="Rebuild with it" onSubmit={onRebuildWith} />
    </div>
  );
}
