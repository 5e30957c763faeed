import { useEffect, useRef, useState } from 'react';
import type { CatalogueRequest, CatalogueScope, CatalogueType, ShapeChange } from '../../../src/model/catalogue';
import type { Finding } from '../../../src/model/trace';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount, formatTime } from '../ui/format';
import { useTraceActions } from './trace-launch';
import { useCatalogue } from './useCatalogue';
import { FindingsList } from './FindingsList';

/** How a catalogue tab starts: built for a place, or a build that went on without its tab. */
export type CatalogueStart = { kind: 'build'; connectionId: string; place: CatalogueRequest['resource'] } | { kind: 'attach'; jobId: string };

const SCOPES: { id: string; label: string; scope: CatalogueScope }[] = [
  { id: 's10k', label: 'A sample of 10,000', scope: { kind: 'sample', count: 10_000 } },
  { id: 's100k', label: 'A sample of 100,000', scope: { kind: 'sample', count: 100_000 } },
  { id: 'full', label: 'Everything', scope: { kind: 'full' } },
];

const COLUMNS: DataColumn<CatalogueType>[] = [
  { id: 'type', label: 'Type', width: 'minmax(140px, 2fr)', className: 'mono', text: (t) => t.type },
  { id: 'count', label: 'Count', width: '76px', className: 'num', text: (t) => formatCount(t.count) },
  { id: 'first', label: 'First seen', width: '142px', className: 'num', text: (t) => formatTime(t.first.time) },
  { id: 'last', label: 'Last seen', width: '142px', className: 'num', text: (t) => formatTime(t.last.time) },
  { id: 'fields', label: 'Fields', width: '56px', className: 'num', text: (t) => (t.opaque === t.count ? '—' : String(t.fields.length)) },
  { id: 'changes', label: 'Changes', width: '70px', className: 'num', text: (t) => (t.changes.length ? String(t.changes.length) : '') },
];

function changeText(c: ShapeChange): string {
  if (c.kind === 'appears') return `${c.path} appears (${c.to ?? ''})`;
  if (c.kind === 'disappears') return `${c.path} disappears (was ${c.from ?? ''})`;
  return `${c.path} changes type: ${c.from ?? ''} → ${c.to ?? ''}`;
}

/** The event types one place holds: counts, sightings, fields and shape changes, with the checks' findings. */
export function CatalogueTab({ start, connectionName }: { start: CatalogueStart; connectionName: string }) {
  const cat = useCatalogue();
  const actions = useTraceActions();
  const [scopeId, setScopeId] = useState('s10k');
  const [selected, setSelected] = useState(0);
  const begun = useRef(false);
  const place = start.kind === 'build' ? start.place : (cat.request?.resource ?? null);
  const connectionId = start.kind === 'build' ? start.connectionId : (cat.request?.connectionId ?? null);
  const buildNow = () => {
    if (start.kind !== 'build' && !cat.request) return;
    const scope = SCOPES.find((s) => s.id === scopeId)!.scope;
    setSelected(0);
    cat.build(connectionId!, place!, scope);
  };
  useEffect(() => {
    if (begun.current) return;
    begun.current = true;
    if (start.kind === 'build') cat.build(start.connectionId, start.place, SCOPES[0]!.scope);
    else cat.attach(start.jobId);
  }, [start, cat]);

  const catalogue = cat.catalogue;
  const types = catalogue?.types ?? [];
  const type = types[selected] ?? null;
  const open = (ref: Finding['refs'][number]) => actions?.open(ref);

  return (
    <div className="trace-tab">
      <div className="toolbar">
        <h2 className="trace-title">
          Event catalogue · <span className="mono">{place?.resource ?? '…'}</span> <span className="muted">{connectionName}</span>
        </h2>
        <div className="spacer" />
        <label>
          Read
          <select className="input" aria-label="How much to read" value={scopeId} onChange={(e) => setScopeId(e.target.value)} disabled={cat.running}>
            {SCOPES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {cat.running ? (
          <button className="btn" onClick={cat.stop}>
            Stop
          </button>
        ) : (
          <button className="btn primary" onClick={buildNow} disabled={!place}>
            Build again
          </button>
        )}
      </div>
      <div className="toolbar" role="status" data-testid="catalogue-progress">
        {cat.running && <progress max={cat.total ?? undefined} value={cat.done} aria-label="Records read" />}
        <span className="muted">
          {formatCount(cat.done)}
          {cat.total !== null ? ` of ${formatCount(cat.total)}` : ''} read
          {cat.running
            ? ' · building…'
            : catalogue?.complete
              ? ` · ${formatCount(types.length)} type${types.length === 1 ? '' : 's'}`
              : cat.stopped && catalogue
                ? ` · stopped: the catalogue shown is of the first ${formatCount(catalogue.scanned)}`
                : ''}
        </span>
      </div>
      {cat.error !== null && (
        <div className="section">
          <ErrorBox error={cat.error} />
        </div>
      )}
      {catalogue?.notes.map((n) => (
        <div key={n} className="notice" role="status">
          {n}
        </div>
      ))}
      {catalogue && <FindingsList findings={catalogue.findings.slice(0, 200)} links={(f) => f.refs.slice(0, 5).map((r, j) => ({ label: `open ${j + 1}`, go: () => open(r) }))} />}
      {catalogue && catalogue.complete && catalogue.findings.length === 0 && <div className="muted section">No duplicates, version gaps or repeats, or events out of time order.</div>}
      <div className="catalogue-body">
        <div className="table-wrap">
          <DataTable
            rows={types}
            columns={COLUMNS}
            selected={selected}
            onSelect={setSelected}
            label="Event types"
            empty={<div className="empty">{cat.running ? 'Reading…' : 'No events read.'}</div>}
          />
        </div>
        <div className="catalogue-detail" aria-label="Event type detail">
          {type ? (
            <>
              <div className="toolbar">
                <h3 className="mono">{type.type}</h3>
                <div className="spacer" />
                <button className="btn small" disabled={!connectionId || !place} onClick={() => connectionId && place && actions?.showType(connectionId, place, type.type)}>
                  Show only this type
                </button>
              </div>
              <p className="muted section">
                {formatCount(type.count)} event{type.count === 1 ? '' : 's'}, first{' '}
                <button className="link-button" onClick={() => open(type.first.ref)}>
                  {formatTime(type.first.time)}
                </button>
                , last{' '}
                <button className="link-button" onClick={() => open(type.last.ref)}>
                  {formatTime(type.last.time)}
                </button>
                .{type.opaque > 0 ? ` ${formatCount(type.opaque)} of them ${type.opaque === 1 ? 'is' : 'are'} not JSON (or not read whole): their fields are not known.` : ''}
                {type.fieldsCut ? ' More than 300 fields were seen (data keyed by ids?): the first 300 are listed, and fields past them are not followed.' : ''}
              </p>
              <h4 className="section">Shape changes</h4>
              {type.changes.length === 0 ? (
                <p className="muted section">None: every event of this type had the same fields with the same types.</p>
              ) : (
                <ul className="trace-findings" aria-label="Shape changes">
                  {type.changes.map((c, i) => (
                    <li key={i}>
                      <span className="mono">{changeText(c)}</span>, first at {c.at.ref.partition !== null ? `[${c.at.ref.partition}] ` : ''}
                      {c.at.ref.position} ({formatTime(c.at.time)}){' '}
                      <button className="link-button" onClick={() => open(c.at.ref)} aria-label={`Open the first message where ${changeText(c)}`}>
                        open
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <h4 className="section">Fields</h4>
              <table className="catalogue-fields" aria-label="Fields">
                <thead>
                  <tr>
                    <th>Path</th>
                    <th>Types</th>
                    <th className="num">In</th>
                  </tr>
                </thead>
                <tbody>
                  {type.fields.map((f) => (
                    <tr key={f.path} className={f.types.length > 1 ? 'mixed' : undefined}>
                      <td className="mono">{f.path}</td>
                      <td>{f.types.join(' | ')}</td>
                      <td className="num">{type.count - type.opaque > 0 ? `${Math.round((100 * f.seen) / (type.count - type.opaque))}%` : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <div className="empty">Pick a type to see its fields and where its shape changed.</div>
          )}
        </div>
      </div>
    </div>
  );
}
