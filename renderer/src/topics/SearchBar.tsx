import { useState } from 'react';
import type { RecordFilter } from '../../../src/model/topic-scan';

interface Props {
  /** The conditions to show at first (a search taken back from the jobs panel). */
  initial?: RecordFilter | null;
  running: boolean;
  canResume: boolean;
  onSearch(filter: RecordFilter): void;
  onStop(): void;
  onResume(): void;
  onClose(): void;
}

type KeyMode = 'exact' | 'prefix' | 'regex';

/** The conditions of a search; every one filled in must hold. */
export function SearchBar({ initial = null, running, canResume, onSearch, onStop, onResume, onClose }: Props) {
  const [keyMode, setKeyMode] = useState<KeyMode>(initial?.key?.mode ?? 'exact');
  const [key, setKey] = useState(initial?.key?.value ?? '');
  const [header, setHeader] = useState(initial?.header?.name ?? '');
  const [headerValue, setHeaderValue] = useState(initial?.header?.value ?? '');
  const [value, setValue] = useState(initial?.value ?? '');
  const [json, setJson] = useState(initial?.json ?? '');
  const [predicate, setPredicate] = useState(initial?.predicate ?? '');
  const [type, setType] = useState(initial?.type ?? '');
  const [anywhere, setAnywhere] = useState(initial?.anywhere ?? '');

  const filter = (): RecordFilter => ({
    ...(key ? { key: { mode: keyMode, value: key } } : {}),
    ...(header ? { header: { name: header, ...(headerValue ? { value: headerValue } : {}) } } : {}),
    ...(value ? { value } : {}),
    ...(json.trim() ? { json: json.trim() } : {}),
    ...(predicate.trim() ? { predicate: predicate.trim() } : {}),
    ...(type.trim() ? { type: type.trim() } : {}),
    ...(anywhere ? { anywhere } : {}),
  });

  return (
    <form
      className="searchbar"
      aria-label="Search the topic"
      onSubmit={(e) => {
        e.preventDefault();
        if (!running) onSearch(filter());
      }}
      onKeyDown={(e) => e.key === 'Escape' && (running ? onStop() : onClose())}
    >
      <label>
        Key
        <select className="input" aria-label="Key match" value={keyMode} onChange={(e) => setKeyMode(e.target.value as KeyMode)}>
          <option value="exact">is</option>
          <option value="prefix">starts with</option>
          <option value="regex">matches regex</option>
        </select>
        <input className="input narrow mono" aria-label="Key" value={key} onChange={(e) => setKey(e.target.value)} />
      </label>
      <label>
        Header
        <input className="input narrow mono" aria-label="Header name" placeholder="name" value={header} onChange={(e) => setHeader(e.target.value)} />
        <input className="input narrow mono" aria-label="Header value contains" placeholder="value contains" value={headerValue} onChange={(e) => setHeaderValue(e.target.value)} />
      </label>
      <label title="The event type as the table shows it (CloudEvents type, a type header, an envelope's eventType…)">
        Type
        <input className="input narrow mono" aria-label="Event type is" value={type} onChange={(e) => setType(e.target.value)} />
      </label>
      <label title="Case-sensitive: in the key, any header's value, or the value (a correlation id wherever it was put)">
        Anywhere
        <input className="input narrow mono" aria-label="Text anywhere" value={anywhere} onChange={(e) => setAnywhere(e.target.value)} />
      </label>
      <label title="Case-sensitive; the value's bytes read as UTF-8">
        Value contains
        <input className="input narrow mono" aria-label="Value contains" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <label title='A JSON path and a comparison: $.data.amount > 100, $.type == "OrderPlaced", $.name ~ "^Ada", $.tags contains "vip"'>
        JSON
        <input className="input wide mono" aria-label="JSON path condition" placeholder="$.data.amount > 100" value={json} onChange={(e) => setJson(e.target.value)} />
      </label>
      <label title="JavaScript run in the projection sandbox; r is { key, value, headers, offset, partition, timestamp, type }">
        Predicate
        <input className="input wide mono" aria-label="Predicate" placeholder="(r) => r.value.amount > 100" value={predicate} onChange={(e) => setPredicate(e.target.value)} />
      </label>
      {running ? (
        <button type="button" className="btn" onClick={onStop}>
          Stop
        </button>
      ) : (
        <>
          <button type="submit" className="btn primary">
            Search
          </button>
          {canResume && (
            <button type="button" className="btn" onClick={onResume} title="Search on from where each partition stopped">
              Continue
            </button>
          )}
        </>
      )}
      <button type="button" className="icon-btn" aria-label="Close search" title="Close search (Esc)" onClick={onClose}>
        ✕
      </button>
    </form>
  );
}
