import { useState } from 'react';
import type { Envelope, Payload } from '../api/types';
import { copyText } from '../ui/copy';
import { formatBytes, formatTime } from '../ui/format';
import { HexView, JsonView } from './JsonView';
import type { Noun } from './read-target';

export function payloadText(p: Payload): string {
  switch (p.kind) {
    case 'empty':
      return '';
    case 'json':
      return JSON.stringify(p.value, null, 2);
    case 'text':
      return p.text;
    case 'binary':
      return p.base64;
  }
}

export function DetailPane({ envelope: e, noun, positionLabel }: { envelope: Envelope | null; noun: Noun; positionLabel: string }) {
  const [raw, setRaw] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  if (!e) {
    return (
      <div className="detail">
        <div className="empty">
          <div>
            <h3>No {noun} selected</h3>
            <p>Pick a row to see its envelope, headers and payload. <kbd>↑</kbd> <kbd>↓</kbd> move through the list.</p>
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
  const envelopeRows: [string, string | number | null][] = [
    [positionLabel, e.position],
    ['Partition', e.partition],
    ['Stream', e.streamId],
    ['Version', e.streamVersion],
    ['Type', e.type],
    ['Id', e.id],
    ['Time', e.timestamp ? `${formatTime(e.timestamp)}  (${e.timestamp})` : null],
    ['Correlation', e.correlationId],
    ['Causation', e.causationId],
  ];
  const title = `${noun[0]?.toUpperCase()}${noun.slice(1)} ${positionLabel === 'Position' ? '#' : '@'}${e.position}${e.type ? ` · ${e.type}` : ''}`;
  return (
    <div className="detail" aria-label={`${noun} detail`}>
      <div className="detail-head">
        <h2 data-testid="detail-title">{title}</h2>
        <button className="btn small" onClick={() => copy('payload', payloadText(e.payload))}>
          {copied === 'payload' ? 'Copied' : 'Copy payload'}
        </button>
        <button className="btn small" aria-pressed={raw} onClick={() => setRaw((r) => !r)}>
          {raw ? 'Pretty' : 'Raw'}
        </button>
      </div>
      {raw ? (
        <div className="section">
          <h3>
            Envelope as JSON<span className="spacer" />
            <button className="btn small ghost" onClick={() => copy('raw', JSON.stringify(e, null, 2))}>
              {copied === 'raw' ? 'Copied' : 'Copy'}
            </button>
          </h3>
          <JsonView value={e} />
        </div>
      ) : (
        <>
          <div className="section">
            <h3>Envelope</h3>
            <dl className="kv">
              {envelopeRows
                .filter(([, v]) => v !== null && v !== '')
                .map(([k, v]) => (
                  <Row key={k} name={k} value={String(v)} />
                ))}
            </dl>
          </div>
          {e.key && (
            <div className="section">
              <h3>Key</h3>
              <PayloadView payload={e.key} />
            </div>
          )}
          {e.headers.length > 0 && (
            <div className="section">
              <h3>{e.source === 'store' ? 'Metadata' : 'Headers'}</h3>
              <dl className="kv">
                {e.headers.map((h, i) => (
                  <Row key={`${h.name}-${i}`} name={h.name} value={h.binary ? `base64:${h.value}` : h.value} />
                ))}
              </dl>
            </div>
          )}
          <div className="section">
            <h3>
              {e.source === 'store' ? 'Data' : 'Payload'}
              <span className="faint">{e.payload.kind === 'empty' ? 'empty' : `${e.payload.kind} · ${formatBytes(e.payload.bytes)}`}</span>
            </h3>
            {(e.payload.kind === 'text' || e.payload.kind === 'binary') && e.payload.truncated && (
              <div className="notice warn">Showing the first 64 KB of {formatBytes(e.payload.bytes)}.</div>
            )}
            <PayloadView payload={e.payload} />
          </div>
        </>
      )}
    </div>
  );
}

function Row({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
}

function PayloadView({ payload }: { payload: Payload }) {
  switch (payload.kind) {
    case 'empty':
      return <span className="faint">(empty)</span>;
    case 'json':
      return <JsonView value={payload.value} />;
    case 'text':
      return <pre className="code">{payload.text}</pre>;
    case 'binary':
      return <HexView base64={payload.base64} />;
  }
}
