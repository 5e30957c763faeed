import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useClient } from '../api/client-context';
import type { AppInfo, ConnectionProfile, TestResult } from '../api/types';
import type { FormSection } from '../../../src/sources/descriptor';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { defaultName, emptyForm, formFromProfile, toDraft, withTls, type FieldErrors, type FormState } from './connection-form';
import { describe, descriptors } from '../../../src/sources/descriptors';
import type { MappedField } from '../../../src/model/envelope-mapping';

interface Props {
  /** Absent for a new connection. */
  editing: ConnectionProfile | null;
  info: AppInfo | null;
  onClose(): void;
  onSaved(profile: ConnectionProfile): void;
  onDeleted(id: string): void;
}

type TestState = { status: 'idle' } | { status: 'running'; controller: AbortController } | { status: 'ok'; result: TestResult } | { status: 'error'; error: unknown };

export function ConnectionDialog({ editing, info, onClose, onSaved, onDeleted }: Props) {
  const client = useClient();
  const [form, setForm] = useState<FormState>(() => (editing ? formFromProfile(editing) : emptyForm()));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [test, setTest] = useState<TestState>({ status: 'idle' });
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => first.current?.focus(), []);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value, ...(key === 'password' ? { passwordTouched: true } : {}), ...(key === 'registryPassword' ? { registryPasswordTouched: true } : {}) }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    if (test.status !== 'running') setTest({ status: 'idle' });
  };
  const switchTls = (tls: boolean) => {
    setForm((f) => withTls(f, tls));
    setErrors((e) => ({ ...e, tls: undefined, port: undefined, managementPort: undefined, streamPort: undefined }));
    if (test.status !== 'running') setTest({ status: 'idle' });
  };
  const switchKind = (kind: FormState['kind']) => {
    if (kind === form.kind) return;
    const fresh = emptyForm(kind);
    setForm((f) => ({ ...fresh, name: f.name, host: f.host, tls: f.tls, port: f.port === describe(f.kind).form.defaultPort ? fresh.port : f.port }));
    setErrors({});
    setTest({ status: 'idle' });
  };

  const draftOrErrors = () => {
    const built = toDraft(form, editing?.id);
    if ('errors' in built) {
      setErrors(built.errors);
      return null;
    }
    return built.draft;
  };

  const runTest = async () => {
    const draft = draftOrErrors();
    if (!draft) return;
    const controller = new AbortController();
    setTest({ status: 'running', controller });
    try {
      const result = await client.call('connections/test', { draft }, { signal: controller.signal });
      setTest({ status: 'ok', result });
    } catch (error) {
      setTest(controller.signal.aborted ? { status: 'idle' } : { status: 'error', error });
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const draft = draftOrErrors();
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    try {
      onSaved(await client.call('connections/save', draft));
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!editing || !window.confirm(`Remove the connection “${editing.name}”? Its stored password is deleted too.`)) return;
    try {
      await client.call('connections/delete', { connectionId: editing.id });
      onDeleted(editing.id);
    } catch (error) {
      setSaveError(error);
    }
  };

  const source = describe(form.kind);
  const has = (section: FormSection) => source.form.sections.includes(section);
  const showCredentials = has('credentials') && (!has('sasl') || form.sasl !== 'none');
  // A saved password goes only to the address it was saved for (the back end enforces it, by the same words).
  const savedTarget = editing && editing.hasPassword ? source.secretTarget(editing).current : null;
  const built = savedTarget !== null && !form.passwordTouched ? toDraft(form, editing?.id) : null;
  const targetMoved = built !== null && 'draft' in built && source.secretTarget({ ...editing, ...built.draft } as ConnectionProfile).current !== savedTarget;
  const passwordPlaceholder = targetMoved ? 'type it again for the new address' : savedTarget && !form.passwordTouched ? 'stored — type to replace' : '';

  return (
    <Dialog
      title={editing ? `Edit ${editing.name}` : 'Add connection'}
      onClose={onClose}
      onSubmit={save}
      submitLabel={saving ? 'Saving…' : 'Save'}
      submitting={saving}
      actions={
        <>
          {test.status === 'running' ? (
            <button type="button" className="btn" onClick={() => test.controller.abort()}>
              Cancel test
            </button>
          ) : (
            <button type="button" className="btn" onClick={runTest}>
              Test connection
            </button>
          )}
          {editing && (
            <button type="button" className="btn danger" onClick={remove}>
              Remove
            </button>
          )}
        </>
      }
    >
      {!editing && (
        <div className="segmented" role="group" aria-label="Broker">
          {descriptors.map((d) => (
            <button key={d.kind} type="button" aria-pressed={form.kind === d.kind} onClick={() => switchKind(d.kind)}>
              {d.label}
            </button>
          ))}
        </div>
      )}
      <Field label="Name" error={errors.name}>
        <input ref={first} className="input" value={form.name} placeholder={has('file') ? 'named after the file' : defaultName(form)} onChange={(e) => set('name', e.target.value)} />
      </Field>
      {has('file') && (
        <>
          <Field label="File" error={errors.path}>
            <input className={`input mono${errors.path ? ' invalid' : ''}`} value={form.path} spellCheck={false} placeholder="/home/me/events.sqlite" onChange={(e) => set('path', e.target.value)} />
          </Field>
          <label className="check">
            <input type="checkbox" checked={form.create} onChange={(e) => set('create', e.target.checked)} /> Create a new, empty store if the file does not exist
          </label>
        </>
      )}
      {has('address') && (
        <>
          <div className="row2">
            <Field label="Host" error={errors.host}>
              <input className={`input mono${errors.host ? ' invalid' : ''}`} value={form.host} spellCheck={false} onChange={(e) => set('host', e.target.value)} />
            </Field>
            <Field label="Port" error={errors.port}>
              <input className={`input mono${errors.port ? ' invalid' : ''}`} value={form.port} inputMode="numeric" onChange={(e) => set('port', e.target.value)} />
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" checked={form.tls} onChange={(e) => switchTls(e.target.checked)} /> Use TLS
          </label>
        </>
      )}
      {has('sasl') && (
        <Field label="SASL" error={errors.sasl}>
          <select className="input" value={form.sasl} onChange={(e) => set('sasl', e.target.value as FormState['sasl'])}>
            <option value="none">None</option>
            <option value="plain">PLAIN</option>
            <option value="scram-sha-256">SCRAM-SHA-256</option>
            <option value="scram-sha-512">SCRAM-SHA-512</option>
          </select>
        </Field>
      )}
      {showCredentials && (
        <div className="row2b">
          <Field label="Username" error={errors.username}>
            <input className="input" value={form.username} autoComplete="off" spellCheck={false} onChange={(e) => set('username', e.target.value)} />
          </Field>
          <Field label="Password" error={errors.password}>
            <input className="input" type="password" value={form.password} placeholder={passwordPlaceholder} autoComplete="new-password" onChange={(e) => set('password', e.target.value)} />
          </Field>
        </div>
      )}
      {showCredentials && targetMoved && savedTarget && (
        <div className="notice warn" role="status">
          The saved password stays with <span className="mono">{savedTarget}</span>: type it again to use it with the new address.
        </div>
      )}
      {has('registry') && <RegistryFields form={form} errors={errors} set={set} />}
      {has('envelope') && <EnvelopeRulesFields rules={form.envelopeRules} error={errors.envelopeRules} onChange={(rules) => set('envelopeRules', rules)} />}
      {has('redis') && (
        <>
          <div className="row3">
            <Field label="Database" error={errors.database}>
              <input className="input mono" value={form.database} inputMode="numeric" onChange={(e) => set('database', e.target.value)} />
            </Field>
            <Field label="Queue key prefix" error={errors.prefix}>
              <input className="input mono" value={form.prefix} onChange={(e) => set('prefix', e.target.value)} />
            </Field>
          </div>
          <p className="field-note">
            BullMQ and Bull queues are found under this prefix (their <span className="mono">prefix</span> option; bull unless your app set another); streams are found by type. Rewind walks the keys
            with SCAN, never KEYS.
          </p>
        </>
      )}
      {has('rabbit-ports') && (
        <>
          <div className="row3">
            <Field label="Virtual host" error={errors.vhost}>
              <input className="input mono" value={form.vhost} onChange={(e) => set('vhost', e.target.value)} />
            </Field>
            <Field label="Management port" error={errors.managementPort}>
              <input className="input mono" value={form.managementPort} inputMode="numeric" onChange={(e) => set('managementPort', e.target.value)} />
            </Field>
            <Field label="Stream port" error={errors.streamPort}>
              <input className={`input mono${errors.streamPort ? ' invalid' : ''}`} value={form.streamPort} inputMode="numeric" onChange={(e) => set('streamPort', e.target.value)} />
            </Field>
          </div>
          <p className="field-note" id="stream-port-note">
            Streams are read on the stream port with the same user and password, {form.tls ? 'over TLS, as AMQP is' : 'without TLS, as AMQP is'}.
            {form.tls && ' Rewind never sends the password there without TLS unless you allow it below.'}
          </p>
          {form.tls && (
            <label className="check">
              <input type="checkbox" checked={form.streamWithoutTls} aria-describedby="stream-port-note" onChange={(e) => set('streamWithoutTls', e.target.checked)} /> Allow the password to the stream
              port without TLS (its listener has none)
            </label>
          )}
          {form.tls && form.streamWithoutTls && (
            <div className="notice warn" role="status">
              The password will cross the network unencrypted to port <span className="mono">{form.streamPort}</span>.
            </div>
          )}
        </>
      )}
      {showCredentials && info?.secretStorage === 'file' && (
        <div className="notice warn">
          Web shell: a saved password goes to <span className="mono">{info.secretFile}</span>, readable only by you but not encrypted. The desktop app keeps it in the OS keychain.
        </div>
      )}
      {errors.form && <div className="field-error">{errors.form}</div>}
      <TestOutcome state={test} />
      {saveError !== null && <ErrorBox error={saveError} />}
    </Dialog>
  );
}

const MAPPED_FIELDS: [MappedField, string][] = [
  ['id', 'Id'],
  ['type', 'Type'],
  ['correlationId', 'Correlation'],
  ['causationId', 'Causation'],
  ['source', 'Source'],
  ['subject', 'Subject'],
  ['time', 'Event time'],
];

/** The connection's own envelope rules: each field read from a JSON path of the value or a header, winning over the built-in rules. */
function EnvelopeRulesFields({ rules, error, onChange }: { rules: FormState['envelopeRules']; error: string | undefined; onChange(rules: FormState['envelopeRules']): void }) {
  const put = (i: number, rule: FormState['envelopeRules'][number] | null) => onChange(rule === null ? rules.filter((_, j) => j !== i) : rules.map((r, j) => (j === i ? rule : r)));
  return (
    <details className="form-section" open={rules.length > 0 || undefined}>
      <summary>Envelope mapping{rules.length > 0 ? ` (${rules.length})` : ''}</summary>
      <p className="field-note">Where your messages keep their id, type, correlation…: each rule is tried before the built-in ones and wins over them.</p>
      {rules.map((r, i) => (
        <div className="rule-row" key={i}>
          <select className="input" aria-label={`Rule ${i + 1} field`} value={r.field} onChange={(e) => put(i, { ...r, field: e.target.value as MappedField })}>
            {MAPPED_FIELDS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <span className="faint">from</span>
          <input
            className="input mono"
            aria-label={`Rule ${i + 1} source`}
            value={r.from}
            spellCheck={false}
            placeholder="$.meta.id or a header name"
            onChange={(e) => put(i, { ...r, from: e.target.value })}
          />
          <button type="button" className="btn small ghost" aria-label={`Remove rule ${i + 1}`} onClick={() => put(i, null)}>
            ×
          </button>
        </div>
      ))}
      {error && <span className="field-error">{error}</span>}
      <button type="button" className="btn small" onClick={() => onChange([...rules, { field: 'id', from: '' }])}>
        + Add rule
      </button>
    </details>
  );
}

/** Kafka's schema registry: optional, folded away until a URL is given or the user opens it. */
function RegistryFields({ form, errors, set }: { form: FormState; errors: FieldErrors; set: <K extends keyof FormState>(key: K, value: FormState[K]) => void }) {
  const placeholder = form.registryHasPassword && !form.registryPasswordTouched ? 'stored — type to replace' : '';
  return (
    <details className="form-section" open={form.registryUrl !== '' || undefined}>
      <summary>Schema registry (Avro, Protobuf, JSON Schema)</summary>
      <Field label="Registry URL" error={errors.registryUrl}>
        <input
          className={`input mono${errors.registryUrl ? ' invalid' : ''}`}
          value={form.registryUrl}
          spellCheck={false}
          placeholder="http://localhost:8081 — empty: none"
          onChange={(e) => set('registryUrl', e.target.value)}
        />
      </Field>
      <div className="row2b">
        <Field label="Registry user" error={errors.registryUsername}>
          <input className="input" value={form.registryUsername} autoComplete="off" spellCheck={false} onChange={(e) => set('registryUsername', e.target.value)} />
        </Field>
        <Field label="Registry password" error={errors.registryPassword}>
          <input className="input" type="password" value={form.registryPassword} placeholder={placeholder} autoComplete="new-password" onChange={(e) => set('registryPassword', e.target.value)} />
        </Field>
      </div>
      <p className="field-note">Confluent Schema Registry, Apicurio (its root or /apis/ccompat/v7), Karapace or Redpanda. Test connection checks it too.</p>
    </details>
  );
}

function Field({ label, error, children }: { label: string; error: string | undefined; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

function TestOutcome({ state }: { state: TestState }) {
  switch (state.status) {
    case 'idle':
      return null;
    case 'running':
      return (
        <div className="progress" role="status">
          <span className="bar indeterminate">
            <i />
          </span>
          Testing connection…
        </div>
      );
    case 'ok':
      return (
        <div className="ok-box" role="status">
          <strong>Connected</strong> · {state.result.server} · {Math.round(state.result.latencyMs)} ms
          <ul>
            {state.result.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </div>
      );
    case 'error':
      return <ErrorBox error={state.error} />;
  }
}
