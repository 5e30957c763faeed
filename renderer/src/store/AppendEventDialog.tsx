import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useClient } from '../api/client-context';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { PayloadEditor } from '../compose/MessageFields';

type Expected = 'any' | 'no_stream' | 'exact';

interface Props {
  connectionId: string;
  streamId: string | null;
  /** Version of the stream's last event, when the stream exists. */
  currentVersion: number | null;
  onClose(): void;
  onAppended(position: number): void;
}

function parseJson(text: string, what: string): { value: unknown } | { error: string } {
  if (text.trim() === '') return { value: {} };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: `${what} is not valid JSON: ${(e as Error).message}` };
  }
}

/** Append one event to a stream, with the expected-version check an event store gives. */
export function AppendEventDialog({ connectionId, streamId, currentVersion, onClose, onAppended }: Props) {
  const client = useClient();
  const [stream, setStream] = useState(streamId ?? '');
  const [type, setType] = useState('');
  const [data, setData] = useState('{\n  \n}');
  const [metadata, setMetadata] = useState('');
  const [expected, setExpected] = useState<Expected>(currentVersion === null ? 'no_stream' : 'exact');
  const [version, setVersion] = useState(String(currentVersion ?? 0));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => first.current?.focus(), []);
  // The tab's copy of the stream may be old: ask for its version now.
  useEffect(() => {
    if (!streamId) return;
    client
      .call('resources/list', { connectionId })
      .then(({ resources }) => {
        const s = resources.find((r) => r.type === 'store-stream' && r.name === streamId);
        if (s && s.type === 'store-stream') {
          setExpected('exact');
          setVersion(String(s.events.value - 1));
        }
      })
      .catch(() => undefined);
  }, [client, connectionId, streamId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = parseJson(data, 'Data');
    const m = parseJson(metadata, 'Metadata');
    if ('error' in d) return setError(new Error(d.error));
    if ('error' in m) return setError(new Error(m.error));
    if (m.value === null || typeof m.value !== 'object' || Array.isArray(m.value)) return setError(new Error('Metadata is a JSON object, such as {"correlationId": "…"}'));
    if (!type.trim()) return setError(new Error('An event type is required, such as MoneyDeposited'));
    if (expected === 'exact' && !/^\d+$/.test(version)) return setError(new Error('The expected version is a whole number'));
    setSaving(true);
    setError(null);
    try {
      const r = await client.call('store/append', {
        connectionId,
        streamId: stream,
        expectedVersion: expected === 'exact' ? Number(version) : expected,
        events: [{ type: type.trim(), data: d.value as never, metadata: m.value as Record<string, never> }],
      });
      onAppended(r.firstPosition);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog title="Append event" onClose={onClose} onSubmit={submit} submitLabel={saving ? 'Appending…' : 'Append'} submitting={saving}>
      <div className="row2b">
        <label className="field">
          <span>Stream</span>
          <input className="input mono" value={stream} onChange={(e) => setStream(e.target.value)} placeholder="account-A-99" />
        </label>
        <label className="field">
          <span>Event type</span>
          <input ref={first} className="input mono" value={type} onChange={(e) => setType(e.target.value)} placeholder="MoneyDeposited" />
        </label>
      </div>
      <PayloadEditor label="Data (JSON)" format="json" formats={['json']} text={data} onText={setData} />
      <label className="field">
        <span>Metadata (JSON object, optional)</span>
        <textarea className="input mono textarea" rows={2} value={metadata} onChange={(e) => setMetadata(e.target.value)} spellCheck={false} placeholder='{"correlationId": "…"}' />
      </label>
      <div className="row2">
        <label className="field">
          <span>Expected version</span>
          <select className="input" value={expected} onChange={(e) => setExpected(e.target.value as Expected)}>
            <option value="exact">exactly (the stream is at)</option>
            <option value="no_stream">no stream yet</option>
            <option value="any">any</option>
          </select>
        </label>
        <label className="field">
          <span>Version</span>
          <input className="input mono" aria-label="Version" value={version} disabled={expected !== 'exact'} onChange={(e) => setVersion(e.target.value)} />
        </label>
      </div>
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
