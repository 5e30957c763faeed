import { useMemo } from 'react';

export type PayloadFormat = 'json' | 'text' | 'base64';
export interface HeaderRow {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'null';
  value: string;
}

/** Why the text is not what its format says, or null. */
export function payloadProblem(format: PayloadFormat, text: string, what = 'The payload'): string | null {
  if (format === 'json') {
    try {
      JSON.parse(text);
      return null;
    } catch (e) {
      return `${what} is not valid JSON: ${(e as Error).message}`;
    }
  }
  if (format === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, ''))) return `${what} is not valid base64`;
  return null;
}

/**
 * A message body as the user writes it: JSON (checked as they type; sent exactly as written),
 * text, or bytes in base64. Shared by every composer (publish, produce, append).
 */
export function PayloadEditor({
  label,
  format,
  onFormat,
  text,
  onText,
  formats = ['json', 'text', 'base64'],
  rows = 7,
}: {
  label: string;
  format: PayloadFormat;
  onFormat?(f: PayloadFormat): void;
  text: string;
  onText(t: string): void;
  formats?: PayloadFormat[];
  rows?: number;
}) {
  const problem = useMemo(() => (text.trim() === '' ? null : payloadProblem(format, text)), [format, text]);
  const bytes = useMemo(() => (format === 'base64' ? Math.floor((text.replace(/\s/g, '').length * 3) / 4) : new TextEncoder().encode(text).length), [format, text]);
  return (
    <div className="field">
      <span className="field-label">
        {label}
        {formats.length > 1 && onFormat && (
          <span className="segmented" role="radiogroup" aria-label={`${label} format`}>
            {formats.map((f) => (
              <button type="button" key={f} role="radio" aria-checked={format === f} className={format === f ? 'on' : ''} onClick={() => onFormat(f)}>
                {f === 'json' ? 'JSON' : f === 'text' ? 'Text' : 'Base64'}
              </button>
            ))}
          </span>
        )}
        <span className="faint"> {bytes.toLocaleString('en-US')} bytes</span>
      </span>
      <textarea className="input mono textarea" aria-label={label} rows={rows} value={text} onChange={(e) => onText(e.target.value)} spellCheck={false} />
      {problem && <span className="field-error">{problem}</span>}
    </div>
  );
}

/** Typed headers: each a string, a number, a boolean or null, in order. */
export function HeadersEditor({ rows, onChange }: { rows: HeaderRow[]; onChange(rows: HeaderRow[]): void }) {
  const set = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="field">
      <span className="field-label">Headers</span>
      {rows.map((r, i) => (
        <div key={i} className="header-row">
          <input className="input mono" aria-label={`Header ${i + 1} name`} placeholder="name" value={r.name} onChange={(e) => set(i, { name: e.target.value })} />
          <select className="input" aria-label={`Header ${i + 1} type`} value={r.type} onChange={(e) => set(i, { type: e.target.value as HeaderRow['type'] })}>
            <option value="string">string</option>
            <option value="number">number</option>
            <option value="boolean">boolean</option>
            <option value="null">null</option>
          </select>
          <input
            className="input mono"
            aria-label={`Header ${i + 1} value`}
            placeholder={r.type === 'boolean' ? 'true or false' : r.type === 'null' ? '(no value)' : 'value'}
            disabled={r.type === 'null'}
            value={r.value}
            onChange={(e) => set(i, { value: e.target.value })}
          />
          <button type="button" className="icon-btn" aria-label={`Remove header ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="btn small" onClick={() => onChange([...rows, { name: '', type: 'string', value: '' }])}>
        + Header
      </button>
    </div>
  );
}
