import { ConnectionDraft } from '../../../src/sources/profiles';
import type { MappedField } from '../../../src/model/envelope-mapping';
import { defaultStreamPort } from '../../../src/sources/rabbitmq/profile';
import type { FormSection, SourceKind } from '../../../src/sources/descriptor';
import { describe, descriptors } from '../../../src/sources/descriptors';
import type { ConnectionProfile, ConnectionDraft as Draft } from '../api/types';

export interface FormState {
  kind: SourceKind;
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
  /** Redis: the database number and the key prefix BullMQ queues use. */
  database: string;
  prefix: string;
  /** Event store: the file, and whether to create it when missing. */
  path: string;
  create: boolean;
  /** Kafka: the schema registry records are decoded through ('' for none), its user and password. */
  registryUrl: string;
  registryUsername: string;
  registryPassword: string;
  registryPasswordTouched: boolean;
  /** Whether a registry password is stored for the saved URL. */
  registryHasPassword: boolean;
  /** The connection's own envelope rules (JSON path or header → field). */
  envelopeRules: { field: MappedField; from: string }[];
}

export function emptyForm(kind: FormState['kind'] = descriptors[0]!.kind): FormState {
  const { form } = describe(kind);
  return {
    kind,
    name: '',
    host: 'localhost',
    port: form.defaultPort,
    tls: false,
    sasl: 'none',
    username: form.defaultUsername,
    password: '',
    passwordTouched: false,
    vhost: '/',
    managementPort: '15672',
    streamPort: String(defaultStreamPort(false)),
    streamWithoutTls: false,
    database: '0',
    prefix: 'bull',
    path: '',
    create: false,
    registryUrl: '',
    registryUsername: '',
    registryPassword: '',
    registryPasswordTouched: false,
    registryHasPassword: false,
    envelopeRules: [],
  };
}

/** The form for a saved profile: each of its settings in its field, numbers as typed text. */
export function formFromProfile(p: ConnectionProfile): FormState {
  const form: FormState = emptyForm(p.kind);
  const fields = Object.entries(p).filter(([k]) => k !== 'kind' && k in form && k !== 'password');
  const registry = 'registry' in p && p.registry ? { registryUrl: p.registry.url, registryUsername: p.registry.username, registryHasPassword: p.registry.hasPassword } : {};
  return { ...form, ...Object.fromEntries(fields.map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])), ...registry };
}

export type FieldErrors = Partial<Record<keyof FormState | 'form', string>>;

/** What each section of the form puts in the request. */
const sectionFields: Record<FormSection, (form: FormState) => Record<string, unknown>> = {
  file: (f) => ({ path: f.path, create: f.create }),
  address: (f) => ({ host: f.host, port: f.port, tls: f.tls }),
  sasl: (f) => ({ sasl: f.sasl }),
  credentials: (f) => ({ username: f.username, ...(f.passwordTouched ? { password: f.password } : {}) }),
  envelope: (f) => ({ envelopeRules: f.envelopeRules.filter((r) => r.from.trim() !== '').map((r) => ({ field: r.field, from: r.from.trim() })) }),
  registry: (f) =>
    f.registryUrl.trim() === '' ? {} : { registry: { url: f.registryUrl.trim(), username: f.registryUsername, ...(f.registryPasswordTouched ? { password: f.registryPassword } : {}) } },
  redis: (f) => ({ database: f.database, prefix: f.prefix }),
  'rabbit-ports': (f) => ({ vhost: f.vhost, managementPort: f.managementPort, streamPort: f.streamPort, streamWithoutTls: f.tls && f.streamWithoutTls }),
};

/** The name a connection gets when none is typed: the file's, or the kind and host. */
export function defaultName(form: FormState): string {
  const { label, form: shape } = describe(form.kind);
  if (shape.sections.includes('file')) return form.path.trim().split(/[\\/]/).pop() || label;
  return `${label} ${form.host.trim()}`;
}

/** Builds the request with the same schema the back end validates with, so errors match. */
export function toDraft(form: FormState, id: string | undefined): { draft: Draft } | { errors: FieldErrors } {
  const fields = describe(form.kind).form.sections.map((section) => sectionFields[section](form));
  return parsed(ConnectionDraft.safeParse(Object.assign({ ...(id ? { id } : {}), kind: form.kind, name: form.name.trim() || defaultName(form) }, ...fields)));
}

function parsed(result: ReturnType<typeof ConnectionDraft.safeParse>): { draft: Draft } | { errors: FieldErrors } {
  if (result.success) return { draft: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const [head, sub] = issue.path;
    // The registry's fields are nested in the request and flat in the form.
    const field = head === 'registry' && typeof sub === 'string' ? (`registry${sub[0]!.toUpperCase()}${sub.slice(1)}` as keyof FormState) : ((head as keyof FormState | undefined) ?? 'form');
    errors[field] ??= issue.message;
  }
  return { errors };
}

/** TLS switched: each port still at its default for the old setting follows to the new one (AMQP, management, stream); a port typed by hand stays. */
export function withTls(form: FormState, tls: boolean): FormState {
  const shape = describe(form.kind).form;
  const follow = (value: string, plain: string, secure: string) => (value.trim() === (form.tls ? secure : plain) ? (tls ? secure : plain) : value);
  return {
    ...form,
    tls,
    ...(shape.defaultTlsPort ? { port: follow(form.port, shape.defaultPort, shape.defaultTlsPort) } : {}),
    ...(shape.managementPorts ? { managementPort: follow(form.managementPort, shape.managementPorts.plain, shape.managementPorts.tls) } : {}),
    streamPort: follow(form.streamPort, String(defaultStreamPort(false)), String(defaultStreamPort(true))),
    ...(tls ? {} : { streamWithoutTls: false }),
  };
}
