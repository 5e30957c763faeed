import { ConnectionDraft, defaultStreamPort } from '../../../src/model/connections';
import type { ConnectionProfile, ConnectionDraft as Draft } from '../api/types';

export interface FormState {
  kind: 'kafka' | 'rabbitmq' | 'store';
  name: string;
  host: string;
  port: string;
  tls: boolean;
  sasl: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
  /** An untouched password field keeps the stored secret. */
  passwordTouched: boolean;
  vhost: string;
  managementPort: string;
  /** RabbitMQ's stream protocol port: the same user and password go there. */
  streamPort: string;
  /** With TLS on, the user allowed the password to the stream port without TLS. */
  streamWithoutTls: boolean;
  /** Event store: the file, and whether to create it when missing. */
  path: string;
  create: boolean;
}

export const DEFAULT_PORTS = { kafka: '9092', rabbitmq: '5672', store: '' } as const;

export function emptyForm(kind: FormState['kind'] = 'kafka'): FormState {
  return {
    kind,
    name: '',
    host: 'localhost',
    port: DEFAULT_PORTS[kind],
    tls: false,
    sasl: 'none',
    username: kind === 'rabbitmq' ? 'guest' : '',
    password: '',
    passwordTouched: false,
    vhost: '/',
    managementPort: '15672',
    streamPort: String(defaultStreamPort(false)),
    streamWithoutTls: false,
    path: '',
    create: false,
  };
}

export function formFromProfile(p: ConnectionProfile): FormState {
  if (p.kind === 'store') return { ...emptyForm('store'), name: p.name, path: p.path };
  return {
    ...emptyForm(p.kind),
    name: p.name,
    host: p.host,
    port: String(p.port),
    tls: p.tls,
    username: p.username,
    ...(p.kind === 'kafka' ? { sasl: p.sasl } : { vhost: p.vhost, managementPort: String(p.managementPort), streamPort: String(p.streamPort), streamWithoutTls: p.streamWithoutTls }),
  };
}

export type FieldErrors = Partial<Record<keyof FormState | 'form', string>>;

/** Builds the request with the same schema the back end validates with, so errors match. */
export function toDraft(form: FormState, id: string | undefined): { draft: Draft } | { errors: FieldErrors } {
  if (form.kind === 'store') {
    const fileName = form.path.trim().split(/[\\/]/).pop() ?? '';
    return parsed(ConnectionDraft.safeParse({ ...(id ? { id } : {}), kind: 'store', name: form.name.trim() || fileName || 'Event store', path: form.path, create: form.create }));
  }
  const name = form.name.trim() || `${form.kind === 'kafka' ? 'Kafka' : 'RabbitMQ'} ${form.host.trim()}`;
  const base = {
    ...(id ? { id } : {}),
    name,
    host: form.host,
    port: form.port,
    tls: form.tls,
    username: form.username,
    ...(form.passwordTouched ? { password: form.password } : {}),
  };
  const rabbit = { vhost: form.vhost, managementPort: form.managementPort, streamPort: form.streamPort, streamWithoutTls: form.tls && form.streamWithoutTls };
  const candidate = form.kind === 'kafka' ? { ...base, kind: 'kafka' as const, sasl: form.sasl } : { ...base, kind: 'rabbitmq' as const, ...rabbit };
  return parsed(ConnectionDraft.safeParse(candidate));
}

function parsed(result: ReturnType<typeof ConnectionDraft.safeParse>): { draft: Draft } | { errors: FieldErrors } {
  if (result.success) return { draft: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = (issue.path[0] as keyof FormState | undefined) ?? 'form';
    errors[field] ??= issue.message;
  }
  return { errors };
}

/** TLS switched: a stream port still at RabbitMQ's default for the old setting follows to the new one. */
export function withTls(form: FormState, tls: boolean): FormState {
  const followsDefault = form.streamPort.trim() === String(defaultStreamPort(form.tls));
  return { ...form, tls, ...(followsDefault ? { streamPort: String(defaultStreamPort(tls)) } : {}), ...(tls ? {} : { streamWithoutTls: false }) };
}
