import { ConnectionDraft } from '../../../src/model/connections';
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
    ...(p.kind === 'kafka' ? { sasl: p.sasl } : { vhost: p.vhost, managementPort: String(p.managementPort) }),
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
  const candidate = form.kind === 'kafka' ? { ...base, kind: 'kafka' as const, sasl: form.sasl } : { ...base, kind: 'rabbitmq' as const, vhost: form.vhost, managementPort: form.managementPort };
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
