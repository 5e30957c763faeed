import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { ComposedMessage, ComposeTarget, PublishOutcome, PublishPreview, PublishProgress } from '../../../src/model/compose';
import { useClient } from '../api/client-context';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { HeadersEditor, PayloadEditor, payloadProblem, type HeaderRow, type PayloadFormat } from './MessageFields';
import { PublishOutcomeView, PublishProgressLine } from './PublishOutcomeView';
import { asCloudEvent, type CloudEventForm } from './cloud-event';

type Target = z.input<typeof ComposeTarget>;
type Message = z.input<typeof ComposedMessage>;

interface Draft {
  format: PayloadFormat;
  /** Kafka: the JSON written through the connection's schema registry. */
  registry: { subject: string; version: string; messageType: string } | null;
  payload: string;
  headers: HeaderRow[];
  key: string | null;
  properties: { contentType: string; messageId: string; correlationId: string; type: string; appId: string; replyTo: string; expiration: string; priority: string };
}

const emptyDraft = (): Draft => ({
  format: 'json',
  registry: null,
  payload: '{\n  \n}',
  headers: [],
  key: null,
  properties: { contentType: '', messageId: '', correlationId: '', type: '', appId: '', replyTo: '', expiration: '', priority: '' },
});

/** Recently sent messages per target, so one can be sent again or edited (kept in this browser). */
const recentKey = (connectionId: string, t: Target) => `rewind.recent.${connectionId}.${t.kind === 'exchange' ? `${t.vhost}/${t.exchange}` : t.topic}`;
function loadRecent(connectionId: string, t: Target): (Draft & { at: string; where: string })[] {
  try {
    return JSON.parse(localStorage.getItem(recentKey(connectionId, t)) ?? '[]') as (Draft & { at: string; where: string })[];
  } catch {
    return [];
  }
}

function toMessage(d: Draft, kafka: boolean): Message {
  const p = d.properties;
  const properties = Object.fromEntries(
    Object.entries({ contentType: p.contentType, messageId: p.messageId, correlationId: p.correlationId, type: p.type, appId: p.appId, replyTo: p.replyTo, expiration: p.expiration }).filter(
      ([, v]) => v.trim() !== '',
    ),
  );
  const r = d.registry;
  const registry =
    kafka && r && d.format === 'json'
      ? {
          registry: {
            subject: r.subject.trim(),
            version: r.version.trim() === '' || r.version.trim() === 'latest' ? ('latest' as const) : Number(r.version),
            ...(r.messageType.trim() ? { messageType: r.messageType.trim() } : {}),
          },
        }
      : {};
  return {
    payload: { format: d.format, text: d.payload, ...registry },
    headers: d.headers.filter((h) => h.name.trim() !== ''),
    ...(kafka ? { key: d.key === null ? null : { format: 'text' as const, text: d.key } } : { properties: { ...properties, ...(p.priority.trim() ? { priority: Number(p.priority) } : {}) } }),
  };
}

/**
 * Writes a message to an exchange (RabbitMQ) or a topic (Kafka): payload as JSON, text or bytes,
 * typed headers, properties or a key; "Where does this go?" first, then the broker's answer.
 */
export function PublishDialog({ connectionId, initial, onClose }: { connectionId: string; initial: Target; onClose(): void }) {
  const client = useClient();
  const kafka = initial.kind === 'topic';
  const [exchange, setExchange] = useState(initial.kind === 'exchange' ? initial.exchange : '');
  const [routingKey, setRoutingKey] = useState(initial.kind === 'exchange' ? initial.routingKey : '');
  const [partition, setPartition] = useState(initial.kind === 'topic' && initial.partition !== null ? String(initial.partition) : '');
  const [count, setCount] = useState('1');
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [preview, setPreview] = useState<z.output<typeof PublishPreview> | null>(null);
  const [outcome, setOutcome] = useState<z.output<typeof PublishOutcome> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<z.output<typeof PublishProgress> | null>(null);
  // What was said about the message before it changed no longer holds.
  useEffect(() => {
    setPreview(null);
    setError(null);
  }, [draft, exchange, routingKey, partition]);
  // The run being sent, for Stop; closing the dialog cancels it (the audit keeps what went out).
  const runId = useRef<string | null>(null);
  const sending = useRef<AbortController | null>(null);
  useEffect(() => () => sending.current?.abort(), []);

  const target = (): Target =>
    initial.kind === 'exchange'
      ? { kind: 'exchange', vhost: initial.vhost, exchange, routingKey }
      : { kind: 'topic', topic: initial.topic, partition: partition.trim() === '' ? null : Number(partition) };
  const recent = loadRecent(connectionId, initial);
  // A topic whose value subject the registry holds is written through it unless the user says otherwise.
  const topicName = initial.kind === 'topic' ? initial.topic : null;
  // A choice the user made before the subjects arrived stands: the default does not undo it.
  const registryChosen = useRef(false);
  useEffect(() => {
    if (topicName === null) return;
    const subject = `${topicName}-value`;
    client.call('registry/subjects', { connectionId }).then(
      (subjects) => subjects.includes(subject) && !registryChosen.current && setDraft((d) => (d.registry === null ? { ...d, registry: { subject, version: 'latest', messageType: '' } } : d)),
      () => undefined,
    );
  }, [client, connectionId, topicName]);
  const problem = payloadProblem(draft.format, draft.payload);

  const where = async () => {
    setError(null);
    try {
      setPreview(await client.call('publish/preview', { connectionId, target: target(), message: toMessage(draft, kafka) }));
    } catch (e) {
      setError(e);
    }
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return setError(new Error(problem));
    setBusy(true);
    setError(null);
    setOutcome(null);
    setProgress(null);
    const c = new AbortController();
    sending.current = c;
    try {
      const result = await client.stream(
        'publish/send',
        { connectionId, target: target(), message: toMessage(draft, kafka), count: Math.max(1, Number(count) || 1) },
        {
          signal: c.signal,
          onBatch: (items) => {
            for (const item of items) {
              if (item.kind === 'started') runId.current = item.runId;
              else setProgress(item);
            }
          },
        },
      );
      setOutcome(result);
      const t = target();
      const entry = { ...draft, at: new Date().toISOString(), where: t.kind === 'exchange' ? `${t.exchange || '(default)'} · ${t.routingKey}` : `${t.topic}/${t.partition ?? 'key'}` };
      localStorage.setItem(recentKey(connectionId, initial), JSON.stringify([entry, ...recent].slice(0, 10)));
    } catch (err) {
      setError(err);
    } finally {
      runId.current = null;
      sending.current = null;
      setBusy(false);
    }
  };
  const stop = () => {
    if (runId.current) void client.call('publish/stop', { runId: runId.current }).catch(setError);
  };

  const prop = (name: keyof Draft['properties'], label: string, placeholder = '') => (
    <label className="field">
      <span>{label}</span>
      <input className="input mono" value={draft.properties[name]} placeholder={placeholder} onChange={(e) => setDraft((d) => ({ ...d, properties: { ...d.properties, [name]: e.target.value } }))} />
    </label>
  );

  return (
    <Dialog
      title={kafka ? `Produce to ${initial.kind === 'topic' ? initial.topic : ''}` : 'Publish a message'}
      onClose={onClose}
      onSubmit={(e) => void send(e)}
      submitLabel={busy ? 'Sending…' : kafka ? 'Produce' : 'Publish'}
      submitting={busy || problem !== null}
      actions={
        <>
          <button type="button" className="btn" onClick={() => void where()}>
            Where does this go?
          </button>
          {busy && (
            <button type="button" className="btn danger" onClick={stop}>
              Stop
            </button>
          )}
          {recent.length > 0 && (
            <select className="input" aria-label="Recent messages" value="" onChange={(e) => e.target.value !== '' && setDraft(recent[Number(e.target.value)]!)}>
              <option value="">Recent…</option>
              {recent.map((r, i) => (
                <option key={r.at} value={i}>
                  {r.at.slice(11, 19)} · {r.where} · {r.payload.slice(0, 30)}
                </option>
              ))}
            </select>
          )}
        </>
      }
    >
      {initial.kind === 'exchange' ? (
        <div className="row-target">
          <label className="field">
            <span>Exchange</span>
            <input className="input mono" value={exchange} placeholder="(empty: the default exchange)" onChange={(e) => setExchange(e.target.value)} />
          </label>
          <label className="field">
            <span>Routing key</span>
            <input className="input mono" value={routingKey} onChange={(e) => setRoutingKey(e.target.value)} />
          </label>
        </div>
      ) : (
        <div className="row-target">
          <label className="field">
            <span>Key</span>
            <input className="input mono" value={draft.key ?? ''} placeholder="(no key)" onChange={(e) => setDraft((d) => ({ ...d, key: e.target.value === '' ? null : e.target.value }))} />
          </label>
          <label className="field">
            <span>Partition</span>
            <input className="input mono" inputMode="numeric" value={partition} placeholder="(by key)" onChange={(e) => setPartition(e.target.value.replace(/\D/g, ''))} />
          </label>
        </div>
      )}
      <PayloadEditor label="Payload" format={draft.format} onFormat={(format) => setDraft((d) => ({ ...d, format }))} text={draft.payload} onText={(payload) => setDraft((d) => ({ ...d, payload }))} />
      {kafka && draft.format === 'json' && initial.kind === 'topic' && (
        <RegistryFields
          connectionId={connectionId}
          topic={initial.topic}
          value={draft.registry}
          onChange={(registry) => {
            registryChosen.current = true;
            setDraft((d) => ({ ...d, registry }));
          }}
        />
      )}
      <CloudEventFields
        onApply={(form) => {
          try {
            if (draft.registry && form.mode === 'structured') throw new Error('a value written through the registry goes in binary mode: the event is its headers, the value stays in the schema');
            const made = asCloudEvent(form, draft.payload, draft.headers, kafka ? 'kafka' : 'amqp', new Date(), draft.registry ? null : 'application/json');
            setDraft((d) => ({ ...d, format: 'json', payload: made.payload, headers: made.headers, ...(made.contentType ? { properties: { ...d.properties, contentType: made.contentType } } : {}) }));
          } catch (e) {
            setError(new Error(`It cannot become a CloudEvent: ${(e as Error).message}`));
          }
        }}
      />
      <HeadersEditor rows={draft.headers} onChange={(headers) => setDraft((d) => ({ ...d, headers }))} />
      {!kafka && (
        <details>
          <summary>Properties</summary>
          <div className="row-target">
            {prop('contentType', 'Content type', draft.format === 'json' ? 'application/json' : '')}
            {prop('messageId', 'Message id')}
            {prop('correlationId', 'Correlation id')}
            {prop('type', 'Type')}
            {prop('appId', 'App id')}
            {prop('replyTo', 'Reply to')}
            {prop('expiration', 'Expiration (ms)')}
            {prop('priority', 'Priority (0–255)')}
          </div>
        </details>
      )}
      <label className="field narrow-field">
        <span>Copies</span>
        <input className="input mono narrow" inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value.replace(/\D/g, ''))} />
      </label>
      {preview && (
        <div className="notice" data-testid="publish-preview">
          {preview.problem ? (
            <span className="err-text">{preview.problem}</span>
          ) : (
            <>
              {preview.encoding && (
                <div className="mono" data-testid="publish-encoding">
                  Encoded as {preview.encoding}
                </div>
              )}
              Would reach {preview.routes.length} {kafka ? 'partition' : preview.routes.length === 1 ? 'queue' : 'queues'}:
              <ul className="routes">
                {preview.routes.map((r) => (
                  <li key={r.to} className="mono">
                    {r.to}
                    {r.path.length > 2 && <span className="faint"> via {r.path.slice(0, -1).join(' → ')}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {busy && <PublishProgressLine progress={progress} kafka={kafka} />}
      {outcome && <PublishOutcomeView outcome={outcome} kafka={kafka} />}
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}

/** Kafka: the JSON encoded through the registry, by subject and version (the topic's value subject by default). */
function RegistryFields({ connectionId, topic, value, onChange }: { connectionId: string; topic: string; value: Draft['registry']; onChange(v: Draft['registry']): void }) {
  const client = useClient();
  const [subjects, setSubjects] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const enabled = value !== null;
  useEffect(() => {
    if (!enabled) return;
    client.call('registry/subjects', { connectionId }).then(setSubjects, (e: unknown) => setProblem(e instanceof Error ? e.message : String(e)));
  }, [client, connectionId, enabled]);
  return (
    <div className="field">
      <label className="check">
        <input type="checkbox" checked={value !== null} onChange={(e) => onChange(e.target.checked ? { subject: `${topic}-value`, version: 'latest', messageType: '' } : null)} /> Write through the
        schema registry (JSON in, Avro, Protobuf or JSON Schema out)
      </label>
      {value && (
        <div className="row3">
          <label className="field">
            <span>Subject</span>
            <input className="input mono" list="registry-subjects" value={value.subject} onChange={(e) => onChange({ ...value, subject: e.target.value })} />
            <datalist id="registry-subjects">
              {subjects.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Version</span>
            <input className="input mono" value={value.version} placeholder="latest" onChange={(e) => onChange({ ...value, version: e.target.value })} />
          </label>
          <label className="field">
            <span>Message type</span>
            <input className="input mono" value={value.messageType} placeholder="(first)" onChange={(e) => onChange({ ...value, messageType: e.target.value })} />
          </label>
        </div>
      )}
      {value && problem && <span className="field-error">{problem}</span>}
    </div>
  );
}

/** Makes the message a CloudEvent in either mode; the headers (or properties) it will send show in the editor below. */
function CloudEventFields({ onApply }: { onApply(form: CloudEventForm): void }) {
  const [form, setForm] = useState<CloudEventForm>(() => ({ mode: 'binary', id: crypto.randomUUID(), type: '', source: '', subject: '' }));
  const set = (patch: Partial<CloudEventForm>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <details className="form-section">
      <summary>As a CloudEvent</summary>
      <div className="segmented" role="radiogroup" aria-label="CloudEvents mode">
        {(['binary', 'structured'] as const).map((m) => (
          <button key={m} type="button" role="radio" aria-checked={form.mode === m} className={form.mode === m ? 'on' : ''} onClick={() => set({ mode: m })}>
            {m === 'binary' ? 'Binary (attributes as headers)' : 'Structured (one JSON object)'}
          </button>
        ))}
      </div>
      <div className="row2b">
        <label className="field">
          <span>Event type</span>
          <input className="input mono" value={form.type} placeholder="com.acme.order.placed" onChange={(e) => set({ type: e.target.value })} />
        </label>
        <label className="field">
          <span>Event source</span>
          <input className="input mono" value={form.source} placeholder="/shop/orders" onChange={(e) => set({ source: e.target.value })} />
        </label>
        <label className="field">
          <span>Event id</span>
          <input className="input mono" value={form.id} onChange={(e) => set({ id: e.target.value })} />
        </label>
        <label className="field">
          <span>Event subject</span>
          <input className="input mono" value={form.subject} placeholder="(optional)" onChange={(e) => set({ subject: e.target.value })} />
        </label>
      </div>
      <button type="button" className="btn small" disabled={!form.type.trim() || !form.source.trim() || !form.id.trim()} onClick={() => onApply(form)}>
        Make it a CloudEvent
      </button>
    </details>
  );
}
