import { RewindError } from '../model/errors';
import type { SchemaRef } from '../model/decoded';

export interface RegistrySettings {
  /** The Confluent API's base (Confluent: the server's root; Apicurio: its root or /apis/ccompat/v7). */
  url: string;
  username: string;
  password: string | null;
}

/** A schema as the registry serves it, with what Rewind needs to read with it. */
export interface RegisteredSchema {
  format: SchemaRef['format'];
  text: string;
  /** Other schemas it imports (Protobuf imports, Avro named types), by the name it imports them as. */
  references: { name: string; text: string }[];
  /** The subjects (Apicurio: artifacts) and versions it is registered as. */
  subjects: { subject: string; version: number | null }[];
}

/** Why a schema could not be had: the row stays raw and says this. */
export class RegistryProblem extends Error {
  /** An answer that will not change (an id the registry does not know), as against a registry that did not answer. */
  readonly final: boolean = false;
}

const ASK_MS = 5_000;
/** A registry that failed (down, timed out) is asked again after this; an id it does not know is not. */
const RETRY_AFTER_MS = 10_000;
const MAX_SCHEMA_CHARS = 4 * 1024 * 1024;
const MAX_REFERENCES = 64;

interface Cached {
  at: number;
  answer: Promise<RegisteredSchema>;
  final: boolean;
}

/**
 * A schema registry, read through the Confluent API (Confluent Schema Registry, Apicurio's ccompat,
 * Redpanda, Karapace) and, for Apicurio's header mode, its own v2 API. Schemas are fetched once
 * per connection and kept: ids are immutable. A registry that is down or refuses is said once per
 * record as its reason, never thrown through a list.
 */
export class SchemaRegistry {
  private readonly cache = new Map<string, Cached>();
  private base: Promise<{ confluent: string; apicurio: string }> | null = null;
  private readonly auth: string | null;

  constructor(private readonly settings: RegistrySettings) {
    this.auth = settings.username || settings.password ? 'Basic ' + Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64') : null;
  }

  get url(): string {
    return this.settings.url;
  }

  /** The schema a record's id names; rejects with a RegistryProblem that says why not. */
  schema(id: number, idKind: SchemaRef['idKind']): Promise<RegisteredSchema> {
    const key = `${idKind}:${id}`;
    const hit = this.cache.get(key);
    if (hit && (hit.final || Date.now() - hit.at < RETRY_AFTER_MS)) return hit.answer;
    const entry: Cached = { at: Date.now(), answer: idKind === 'schema id' ? this.bySchemaId(id) : this.byGlobalId(id), final: true };
    entry.answer.catch((e: unknown) => {
      if (!(e instanceof UnknownId)) entry.final = false;
    });
    this.cache.set(key, entry);
    return entry.answer;
  }

  /** A subject's schema at a version ('latest' or a number), with its id: what a writer encodes with. */
  async subjectVersion(subject: string, version: number | 'latest'): Promise<RegisteredSchema & { id: number; version: number }> {
    const { confluent } = await this.bases();
    const body = await this.json<{ id?: unknown; schema?: unknown; schemaType?: unknown; references?: unknown; version?: unknown }>(
      `${confluent}/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      `subject ${subject} version ${version}`,
      0,
    );
    if (typeof body.id !== 'number' || typeof body.schema !== 'string') throw new RegistryProblem(`The registry's answer for ${subject} version ${version} holds no schema`);
    const v = typeof body.version === 'number' ? body.version : typeof version === 'number' ? version : 0;
    return {
      id: body.id,
      version: v,
      format: formatOf(body.schemaType ?? 'AVRO'),
      text: body.schema,
      references: await this.references(confluent, body.references),
      subjects: [{ subject, version: v }],
    };
  }

  /** The subjects the registry holds, for the composer's picker. */
  async subjects(): Promise<string[]> {
    const { confluent } = await this.bases();
    const list = await this.json<unknown[]>(`${confluent}/subjects`, 'listing subjects');
    return list.filter((s): s is string => typeof s === 'string').sort();
  }

  /** What Test connection says of the registry: where its API answered and how many subjects it holds. */
  async check(): Promise<string> {
    const { confluent } = await this.bases();
    const subjects = await this.json<unknown[]>(`${confluent}/subjects`, 'listing subjects');
    return `schema registry at ${confluent}: ${subjects.length} subject${subjects.length === 1 ? '' : 's'}`;
  }

  private bases(): Promise<{ confluent: string; apicurio: string }> {
    if (!this.base) {
      this.base = this.findBases();
      this.base.catch(() => (this.base = null));
    }
    return this.base;
  }

  /** Confluent serves its API at the root; Apicurio at /apis/ccompat/v7 beside its own /apis/registry/v2. */
  private async findBases(): Promise<{ confluent: string; apicurio: string }> {
    let url: URL;
    try {
      url = new URL(this.settings.url);
    } catch {
      throw new RegistryProblem(`The schema registry URL "${this.settings.url}" is not a URL: write it as http://host:8081`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RegistryProblem(`The schema registry URL must start with http:// or https://, not ${url.protocol}`);
    const given = this.settings.url.replace(/\/+$/, '');
    const root = given.includes('/apis/') ? given.slice(0, given.indexOf('/apis/')) : given;
    const apicurio = `${root}/apis/registry/v2`;
    if (given.includes('/apis/')) return { confluent: given, apicurio };
    if ((await this.status(`${given}/subjects`)) === 200) return { confluent: given, apicurio };
    // Apicurio: its Confluent API answers (or asks for a password) where Confluent's server has nothing.
    const ccompat = `${root}/apis/ccompat/v7`;
    if ((await this.status(`${ccompat}/subjects`)) !== 404) return { confluent: ccompat, apicurio };
    return { confluent: given, apicurio };
  }

  private async bySchemaId(id: number): Promise<RegisteredSchema> {
    const { confluent } = await this.bases();
    const body = await this.json<{ schema?: unknown; schemaType?: unknown; references?: unknown }>(`${confluent}/schemas/ids/${id}`, `schema id ${id}`, id);
    if (typeof body.schema !== 'string') throw new RegistryProblem(`The registry's answer for schema id ${id} holds no schema`);
    const format = formatOf(body.schemaType ?? 'AVRO');
    const references = await this.references(confluent, body.references);
    // Which subject and version: a nicety; a registry without this endpoint still decodes.
    const versions = await this.json<{ subject?: unknown; version?: unknown }[]>(`${confluent}/schemas/ids/${id}/versions`, 'the versions of a schema').catch(() => []);
    const subjects = (Array.isArray(versions) ? versions : []).flatMap((v) =>
      typeof v.subject === 'string' ? [{ subject: v.subject, version: typeof v.version === 'number' ? v.version : null }] : [],
    );
    return { format, text: checkedText(body.schema, id), references, subjects };
  }

  private async references(confluent: string, raw: unknown, depth = 0): Promise<{ name: string; text: string }[]> {
    if (!Array.isArray(raw) || raw.length === 0) return [];
    if (depth > 4 || raw.length > MAX_REFERENCES) throw new RegistryProblem('The schema references more schemas than Rewind follows (64, 4 levels deep)');
    const out: { name: string; text: string }[] = [];
    for (const r of raw as { name?: unknown; subject?: unknown; version?: unknown }[]) {
      if (typeof r.name !== 'string' || typeof r.subject !== 'string') continue;
      const version = typeof r.version === 'number' ? r.version : 'latest';
      const body = await this.json<{ schema?: unknown; references?: unknown }>(`${confluent}/subjects/${encodeURIComponent(r.subject)}/versions/${version}`, `the referenced schema ${r.subject}`);
      if (typeof body.schema === 'string') out.push(...(await this.references(confluent, body.references, depth + 1)), { name: r.name, text: body.schema });
    }
    return out;
  }

  /** Apicurio's header mode names a schema by its global id: the content, then which artifact and version it is. */
  private async byGlobalId(id: number): Promise<RegisteredSchema> {
    const { apicurio } = await this.bases();
    const text = await this.text(`${apicurio}/ids/globalIds/${id}`, `global id ${id}`, id);
    const found = await this.json<{ artifacts?: { id?: unknown; groupId?: unknown; type?: unknown }[] }>(`${apicurio}/search/artifacts?globalId=${id}`, 'the artifact of a global id').catch(() => ({
      artifacts: [],
    }));
    const artifact = found.artifacts?.[0];
    const artifactId = typeof artifact?.id === 'string' ? artifact.id : null;
    let version: number | null = null;
    if (artifactId) {
      const group = typeof artifact?.groupId === 'string' ? artifact.groupId : 'default';
      const versions = await this.json<{ versions?: { globalId?: unknown; version?: unknown }[] }>(
        `${apicurio}/groups/${encodeURIComponent(group)}/artifacts/${encodeURIComponent(artifactId)}/versions?limit=1000`,
        'versions',
      ).catch(() => ({ versions: [] }));
      const v = versions.versions?.find((x) => x.globalId === id)?.version;
      version = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
    }
    const type = typeof artifact?.type === 'string' ? artifact.type : guessFormat(text);
    return { format: formatOf(type), text: checkedText(text, id), references: [], subjects: artifactId ? [{ subject: artifactId, version }] : [] };
  }

  private headers(): Record<string, string> {
    return this.auth ? { authorization: this.auth, accept: 'application/json' } : { accept: 'application/json' };
  }

  private async status(url: string): Promise<number> {
    return (await this.ask(url, 'finding its API')).status;
  }

  private async ask(url: string, what: string): Promise<Response> {
    try {
      return await fetch(url, { headers: this.headers(), signal: AbortSignal.timeout(ASK_MS), redirect: 'error' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = (e as Error).name === 'TimeoutError' ? `no answer in ${ASK_MS / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new RegistryProblem(`The schema registry at ${this.settings.url} did not answer ${what}: ${why}`);
    }
  }

  private async text(url: string, what: string, id?: number): Promise<string> {
    const r = await this.ask(url, what);
    if (r.status === 401 || r.status === 403)
      throw new RegistryProblem(`The schema registry refused the ${this.auth ? 'user name and password' : 'request without credentials'} (${r.status}): check them in the connection's settings`);
    if (r.status === 404 && id !== undefined) throw new UnknownId(`The schema registry does not know ${what} (404)`);
    if (!r.ok) throw new RegistryProblem(`The schema registry answered ${r.status} for ${what}`);
    const body = await r.text();
    if (body.length > MAX_SCHEMA_CHARS) throw new RegistryProblem(`The registry's answer for ${what} is larger than 4 MB`);
    return body;
  }

  private async json<T>(url: string, what: string, id?: number): Promise<T> {
    const body = await this.text(url, what, id);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new RegistryProblem(`The schema registry's answer for ${what} is not JSON: is ${this.settings.url} a schema registry?`);
    }
  }
}

class UnknownId extends RegistryProblem {
  override readonly final = true;
}

function formatOf(type: unknown): SchemaRef['format'] {
  if (type === 'AVRO' || type === 'PROTOBUF') return type;
  if (type === 'JSON') return 'JSON';
  throw new RegistryProblem(`The schema is of a type Rewind does not decode: ${String(type)}`);
}

function guessFormat(text: string): SchemaRef['format'] {
  if (/^\s*(syntax|package|message|import)\b/m.test(text)) return 'PROTOBUF';
  return /"\$schema"|"properties"/.test(text) ? 'JSON' : 'AVRO';
}

function checkedText(text: string, id: number): string {
  if (text.length > MAX_SCHEMA_CHARS) throw new RegistryProblem(`Schema ${id} is larger than 4 MB`);
  return text;
}

/** A RewindError for Test connection, where a registry problem fails the test with a hint. */
export function registryTestError(e: unknown): RewindError {
  return new RewindError('invalid_input', e instanceof Error ? e.message : String(e), 'The Kafka broker answered; the schema registry did not. Check its URL, user name and password.');
}
