import { useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope } from '../api/types';
import { copyText } from '../ui/copy';
import { saveDownload } from '../ui/download';
import { formatBytes } from '../ui/format';
import { bytesOf, payloadFile, payloadText, wholePayload, type RecordSource } from './whole-payload';

/** Copy payload and Save payload…: the whole value, and a line saying what was given. */
export function PayloadActions({ envelope: e, source }: { envelope: Envelope; source: RecordSource | null }) {
  const client = useClient();
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const live = useRef(new AbortController());
  useEffect(() => {
    const c = new AbortController();
    live.current = c;
    setStatus(null);
    return () => c.abort();
  }, [e]);

  const run = async (action: 'copy' | 'save') => {
    const signal = live.current.signal;
    setBusy(true);
    setStatus(`Reading ${formatBytes(bytesOf(e.payload))}…`);
    try {
      const { payload, note } = await wholePayload(client, e, source, signal);
      if (action === 'copy') await copyText(payloadText(payload));
      else {
        const file = payloadFile(e, payload);
        saveDownload([file.part], file.name, 'application/octet-stream');
      }
      const how = payload.kind === 'binary' && action === 'copy' ? ' as base64' : '';
      if (!signal.aborted) setStatus(`${action === 'copy' ? 'Copied' : 'Saved'} ${formatBytes(bytesOf(payload))}${how}${note}`);
    } catch (err) {
      if (!signal.aborted) setStatus(`Could not read the whole value: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (!signal.aborted) setBusy(false);
    }
  };

  return (
    <>
      <button className="btn small" disabled={busy} onClick={() => void run('copy')} title={`The whole value, ${formatBytes(bytesOf(e.payload))}`}>
        Copy payload
      </button>
      <button className="btn small" disabled={busy || e.payload.kind === 'null'} onClick={() => void run('save')}>
        Save payload…
      </button>
      <span role="status" className="faint copy-status">
        {status}
      </span>
    </>
  );
}
