import { useState, type ReactNode } from 'react';
import type { DecodedValue } from '../../../src/model/decoded';
import { JsonView } from './JsonView';

/** "Avro · schema id 7 · orders-value v1": the schema a value was read with, in one line. */
export function schemaLine(d: DecodedValue | undefined): string | null {
  const s = d?.schema;
  if (!s) return null;
  const subject = s.subject ? ` · ${s.subject}${s.version !== null ? ` v${s.version}` : ''}` : '';
  return `${d.decoder} · ${s.idKind} ${s.id}${subject}${s.messageType ? ` · ${s.messageType}` : ''}`;
}

/**
 * A value as the decoder chain read it: the decoded JSON with what read it and why, or the raw
 * view with the reason it stayed raw. "Bytes" shows the raw view of a decoded value; Copy and
 * Save always give the bytes.
 */
export function DecodedSection({ decoded, raw, label, plain = null }: { decoded: DecodedValue | undefined; raw: ReactNode; label: string; plain?: 'JSON' | 'Text' | null }) {
  const [showRaw, setShowRaw] = useState(false);
  if (!decoded && plain) {
    // Text and JSON come without an explanation from the core (pages stay small); the chain's words for them.
    return (
      <>
        <div className="decoded-by" data-testid={`${label}-decoded-by`}>
          <span className="decoder-tag">Read as {plain}</span>
          <span className="faint"> {plain === 'JSON' ? 'the bytes parse as JSON' : 'printable UTF-8 that does not parse as JSON'}</span>
        </div>
        {raw}
      </>
    );
  }
  if (!decoded) return <>{raw}</>;
  const read = decoded.text !== null;
  return (
    <>
      <div className="decoded-by" data-testid={`${label}-decoded-by`}>
        <span className={`decoder-tag${decoded.problem ? ' warn' : ''}`}>{decoded.problem ? `${decoded.decoder}: shown raw` : `Read as ${decoded.decoder}`}</span>
        <span className="faint"> {decoded.why}</span>
        {read && (
          <span className="segmented small" role="group" aria-label={`Show the ${label} as`}>
            <button type="button" aria-pressed={!showRaw} className={showRaw ? '' : 'on'} onClick={() => setShowRaw(false)}>
              Decoded
            </button>
            <button type="button" aria-pressed={showRaw} className={showRaw ? 'on' : ''} onClick={() => setShowRaw(true)}>
              Bytes
            </button>
          </span>
        )}
      </div>
      {decoded.problem && (
        <div className="notice warn" role="status" data-testid={`${label}-decode-problem`}>
          {decoded.problem}
        </div>
      )}
      {decoded.passed.length > 0 && (
        <details className="decoder-chain">
          <summary className="faint">Why not the decoders before it</summary>
          <ul>
            {decoded.passed.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </details>
      )}
      {read && !showRaw ? <JsonView text={decoded.text!} /> : raw}
    </>
  );
}
