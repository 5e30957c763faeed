import { useState } from 'react';
import { describe } from '../../../src/sources/descriptors';
import type { Envelope, Header, Payload } from '../api/types';
import { PayloadActions } from './PayloadActions';
import type { RecordSource } from './whole-payload';
import { copyText } from '../ui/copy';
import { formatBytes, formatTime } from '../ui/format';
import { hexBytes, HexView, JsonView } from './JsonView';
import type { Noun } from './read-target';
import { DecodedSection, schemaLine } from './DecodedValue';
import { BatchEvents } from './BatchEvents';
import { TraceButton } from '../trace/TraceButton';
import { tracingUrl } from '../trace/tracing-link';

/** `source`: where the record can be read again for its whole value (null: only what the list holds). */
export function DetailPane({
  envelope: e,
  noun,
  positionLabel,
  source = null,
  connectionId = null,
}: {
  envelope: Envelope | null;
  noun: Noun;
  positionLabel: string;
  source?: RecordSource | null;
  /** The connection the record was read from: where a trace from it starts. */
  connectionId?: string | null;
}) {
  const [raw, setRaw] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  if (!e) {
    return (
      <div className="detail">
        <div className="empty">
          <div>
            <h3>No {noun} selected</h3>
            <p>
              Pick a row to see its envelope, headers and payload. <kbd>↑</kbd> <kbd>↓</kbd> move through the list.
            </p>
          </div>
        </div>
      </div>
    );
  }
  const copy = async (what: string, text: string) => {
    await copyText(text);
    setCopied(what);
    setTimeout(() => setCopied(null), 1200);
  };
  // The third column says which convention gave the value (model/conventions.ts), so a type read
  // from Spring's Java-class header is not mistaken for an event type.
  const ev = e.event ?? null;
  const envelopeRows: [string, string | number | null | undefined, string?][] = [
    [positionLabel, e.position],
    ['Partition', e.partition],
    ['Stream', e.streamId],
    ['Version', e.streamVersion],
    ['Read as', ev?.format, e.rules?.format],
    ['Type', e.type, e.rules?.type],
    ['Id', e.id, e.rules?.id],
    ['Source', ev?.source, e.rules?.source],
    ['Subject', ev?.subject, e.rules?.subject],
    ['Event time', ev?.time ? eventTimeText(ev.time, ev.timeText) : null, e.rules?.time],
    [ev?.time ? 'Record time' : 'Time', timeText(e)],
    ['Correlation', e.correlationId, e.rules?.correlationId],
    ['Causation', e.causationId, e.rules?.causationId],
    ['Trace', ev?.traceparent, e.rules?.traceparent],
    ['Trace state', ev?.tracestate],
    ['Sequence', ev?.sequence, e.rules?.sequence],
    ['Partition key', ev?.partitionKey, e.rules?.partitionKey],
    ['Content type', ev?.contentType, e.rules?.contentType],
    ['Schema', ev?.dataSchema, e.rules?.dataSchema],
    ['Value schema', schemaLine(e.decoded), e.decoded?.schema ? e.decoded.why : undefined],
    ['Key schema', schemaLine(e.keyDecoded), e.keyDecoded?.schema ? e.keyDecoded.why : undefined],
    ['Java class', ev?.javaClass, ev?.javaClass ? "Spring's __TypeId__ header: the class the payload was serialised from" : undefined],
    ...(ev?.extensions ?? []).map((x): [string, string | null, string] => [x.name, x.value, ev?.format.startsWith('CloudEvents') ? 'a CloudEvents extension' : 'the envelope in the payload']),
  ];
  const tracing = tracingUrl(ev?.traceparent);
  // A partition's offsets repeat across partitions: the title names both (p0 @3).
  const where = `${e.partition !== null ? `p${e.partition} ` : ''}${positionLabel === 'Position' ? '#' : '@'}${e.position}`;
  const title = `${noun[0]?.toUpperCase()}${noun.slice(1)} ${where}${e.type ? ` · ${e.type}` : ''}`;
  return (
    <div className="detail" aria-label={`${noun} detail`}>
      <div className="detail-head">
        <h2 data-testid="detail-title">{title}</h2>
        <PayloadActions envelope={e} source={source} />
        <TraceButton envelope={e} source={source} connectionId={connectionId} />
        <button className="btn small" aria-pressed={raw} onClick={() => setRaw((r) => !r)}>
          {raw ? 'Pretty' : 'Raw'}
        </button>
      </div>
      {raw ? (
        <div className="section">
          <h3>
            Envelope as JSON
            <span className="spacer" />
            <button className="btn small ghost" onClick={() => copy('raw', JSON.stringify(e, null, 2))}>
              {copied === 'raw' ? 'Copied' : 'Copy'}
            </button>
          </h3>
          <JsonView text={JSON.stringify(e, null, 2)} />
        </div>
      ) : (
        <>
          <div className="section">
            <h3>Envelope</h3>
            {ev?.problem && (
              <div className="notice warn" data-testid="envelope-problem">
                {ev.problem}
              </div>
            )}
            <dl className="kv" aria-label="Envelope">
              {envelopeRows
                .filter(([, v]) => v !== null && v !== undefined && v !== '')
                .map(([k, v, rule], i) => (
                  <Row key={`${k}-${i}`} name={k} value={String(v)} rule={rule} />
                ))}
            </dl>
            {tracing && (
              <a className="link-button" href={tracing} target="_blank" rel="noreferrer" data-testid="tracing-link">
                Open in tracing UI
              </a>
            )}
          </div>
          {ev?.batch && <BatchEvents events={ev.batch} total={Number(/batch of (\d+)/.exec(ev.format)?.[1] ?? ev.batch.length)} />}
          {e.key && (
            <div className="section">
              <h3>Key</h3>
              <DecodedSection label="key" decoded={e.keyDecoded} raw={<PayloadView payload={e.key} />} />
            </div>
          )}
          {e.properties.length > 0 && (
            <div className="section">
              <h3>Properties</h3>
              <dl className="kv" aria-label="AMQP properties">
                {e.properties.map((h) => (
                  <HeaderRow key={h.name} header={h} />
                ))}
              </dl>
            </div>
          )}
          {e.headers.length > 0 && (
            <div className="section">
              <h3>{describe(e.source).headersTitle}</h3>
              <dl className="kv">
                {e.headers.map((h, i) => (
                  <HeaderRow key={`${h.name}-${i}`} header={h} />
                ))}
              </dl>
            </div>
          )}
          <div className="section">
            <h3>
              {describe(e.source).payloadTitle}
              <span className="faint" data-testid="payload-kind">
                {payloadLabel(e)}
              </span>
            </h3>
            {(e.payload.kind === 'text' || e.payload.kind === 'binary') && e.payload.truncated && (
              <div className="notice warn">Showing the first 64 KB of {formatBytes(e.payload.bytes)}. Copy payload and Save payload… give all of it.</div>
            )}
            <DecodedSection label="value" decoded={e.decoded} plain={e.payload.kind === 'json' ? 'JSON' : e.payload.kind === 'text' ? 'Text' : null} raw={<PayloadView payload={e.payload} />} />
          </div>
        </>
      )}
    </div>
  );
}

/** An event's own time in the user's zone, with the text it was written as. */
function eventTimeText(iso: string, written: string | null): string {
  return `${formatTime(iso)}  (${written ?? iso})`;
}

/** The time as the source recorded it, with who set it (Kafka); a missing time says so. */
function timeText(e: Envelope): string | null {
  const who = e.timestampType === 'log-append' ? ' · LogAppendTime' : e.timestampType === 'create' ? ' · CreateTime' : '';
  if (e.timestamp) return `${formatTime(e.timestamp)}  (${e.timestamp})${who}`;
  return describe(e.source).missingTime;
}

function payloadLabel(e: Envelope): string {
  const p = e.payload;
  if (p.kind === 'null') return describe(e.source).nullValue.long;
  if (p.kind === 'empty') return 'empty (0 bytes)';
  return `${p.kind} · ${formatBytes(p.bytes)}`;
}

/** A header: its text, `null` when it has no value, or its bytes in hex with a text view on demand. */
function HeaderRow({ header: h }: { header: Header }) {
  const [asText, setAsText] = useState(false);
  const name = (
    <dt>
      {h.name}
      {h.type && <span className="type-badge">{h.type}</span>}
    </dt>
  );
  if (h.value === null) {
    return (
      <>
        {name}
        <dd className="faint">null (no value)</dd>
      </>
    );
  }
  if (!h.binary) {
    return (
      <>
        {name}
        <dd>{h.value}</dd>
      </>
    );
  }
  const bytes = Uint8Array.from(atob(h.value), (c) => c.charCodeAt(0));
  return (
    <>
      {name}
      <dd>
        <span className="mono" title={`${bytes.length} bytes, not printable text`}>
          {asText ? new TextDecoder().decode(bytes) : hexBytes(h.value)}
        </span>{' '}
        <button className="btn small ghost" onClick={() => setAsText((t) => !t)} aria-pressed={asText}>
          {asText ? 'hex' : 'as text'}
        </button>
      </dd>
    </>
  );
}

/** "Read as" already names the CloudEvents mode: each field then says only where it was read. */
const compactRule = (rule: string) => rule.replace(/^CloudEvents, (binary|structured) mode, /, '');

function Row({ name, value, rule }: { name: string; value: string; rule?: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        {value}
        {rule && (
          <span className="faint rule-note" title={`Read from ${rule}`}>
            {' '}
            · from {compactRule(rule)}
          </span>
        )}
      </dd>
    </>
  );
}

function PayloadView({ payload }: { payload: Payload }) {
  switch (payload.kind) {
    case 'null':
      return <span className="faint">null</span>;
    case 'empty':
      return <span className="faint">(empty)</span>;
    case 'json':
      return <JsonView text={payload.text} />;
    case 'text':
      return <pre className="code">{payload.text}</pre>;
    case 'binary':
      return <HexView base64={payload.base64} />;
  }
}
