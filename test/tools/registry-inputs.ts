import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { kcatProduce } from './kafka-tools';

/**
 * Schema-registry input made by tools other than Rewind, shared by the integration tests, the journeys
 * and the bench (so no test runner is imported here):
 * - the real registry scripts/registry.sh runs (Apicurio Registry 2.4.2, Confluent API at /apis/ccompat/v7);
 * - Avro, Protobuf and JSON Schema records written by Apicurio's own Kafka serializers, in its headers
 *   mode and its Confluent-compatible mode (test/fixtures/java/RegistryRecords.java);
 * - the bench's 1,000,000-record Avro topic, kept for reruns (test/fixtures/java/AvroBenchTopic.java);
 * - Protobuf in the Confluent wire format with message indexes, which Apicurio 2.4.2 does not write:
 *   the message encoded by protobufjs, the schema registered through the registry's Confluent API;
 * - .proto files with imports (test/fixtures/proto/good, and broken/ with a syntax error) and
 *   messages for them encoded by protobufjs.
 */
const BOOTSTRAP = `127.0.0.1:${Number(process.env.REWIND_KAFKA_PORT ?? 19092)}`;
const CACHE = process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind');
const FIXTURES = join(__dirname, '..', 'fixtures');

export const REGISTRY_PORT = Number(process.env.REWIND_REGISTRY_PORT ?? 18081);
export const REGISTRY_URL = `http://127.0.0.1:${REGISTRY_PORT}`;
/** The Confluent Schema Registry API the registry serves (v6 answers the same). */
export const CCOMPAT_URL = `${REGISTRY_URL}/apis/ccompat/v7`;

/** A folder of .proto files that import each other (and google/protobuf/timestamp.proto). */
export const PROTO_GOOD = join(FIXTURES, 'proto', 'good');
/** The same layout with a syntax error: shop/orders.proto, line 9 (`total = two;`). */
export const PROTO_BROKEN = join(FIXTURES, 'proto', 'broken');
export const PROTO_BROKEN_ERROR = { file: 'shop/orders.proto', line: 9 };

function serdeLibs(): string {
  const dir = join(CACHE, 'apicurio-serdes', 'libs');
  if (!existsSync(join(dir, '.complete'))) throw new Error(`Apicurio's serializers are not in ${dir}: the test setup fetches them (bash scripts/frameworks.sh fetch apicurio-serdes)`);
  return dir;
}

/** Runs a JVM to its end and gives its standard output; rejects with the tail of its output when it fails or overruns. */
function java(args: string[], input: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`java ${args.at(-1)} ended with ${code ?? 'a kill'}:\n${(out + err).slice(-3000)}`));
    });
    child.stdin.end(input);
  });
}

export type RegistryFormat = 'avro' | 'protobuf' | 'jsonschema';
/** `headers`: Apicurio's default, the global id in `apicurio.value.globalId` (`.key.`), no prefix. `confluent`: magic byte 0 + 4-byte content id. */
export type RegistryMode = 'headers' | 'confluent';

export interface RegistrySpec {
  topic: string;
  format: RegistryFormat;
  mode: RegistryMode;
  /** `type`: a Protobuf message's full name (default: the file's first message). */
  value: { schema: string; type?: string };
  /** Absent: keys are written as UTF-8 text. Apicurio 2.4.2's Avro serializer cannot write a primitive schema (`"string"`): use a record. */
  key?: { schema: string; type?: string };
  /** Values in each format's JSON mapping: Avro's JSON encoding (unions wrapped: `{"string": "x"}`), Protobuf's JSON mapping, plain JSON. */
  records: { key?: unknown; value: unknown; partition?: number; headers?: [string, string][] }[];
  auth?: { username: string; password: string };
  registry?: string;
  config?: Record<string, string>;
}

export interface SchemaIds {
  globalId: number;
  /** The id the Confluent API serves at /schemas/ids/{id}, and the one a `confluent`-mode record carries. */
  contentId: number;
  artifactId: string;
  version: string;
}

export interface WrittenRecord {
  topic: string;
  partition: number;
  offset: number;
  value: SchemaIds | null;
  key: SchemaIds | null;
}

/** Writes records through Apicurio's own serializers (one JVM for all the specs); create the topics first. */
export async function registryRecords(specs: RegistrySpec | RegistrySpec[]): Promise<WrittenRecord[]> {
  const list = (Array.isArray(specs) ? specs : [specs]).map((s) => ({ bootstrap: BOOTSTRAP, ...s, registry: s.registry ?? REGISTRY_URL }));
  const out = await java(['-Xmx384m', '-cp', `${serdeLibs()}/*`, join(FIXTURES, 'java', 'RegistryRecords.java')], JSON.stringify(list), 180_000);
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as WrittenRecord);
}

/** A topic's Avro values (partition 0) as Apicurio's own deserializer reads them (Confluent-compatible mode), one JSON object each. */
export async function registryRead(topic: string, count: number): Promise<unknown[]> {
  const out = await java(['-Xmx256m', '-cp', `${serdeLibs()}/*`, join(FIXTURES, 'java', 'RegistryRead.java'), BOOTSTRAP, REGISTRY_URL, topic, String(count)], '', 120_000);
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as unknown);
}

export interface BenchTopic {
  topic: string;
  records: number;
  partitions: number;
  schemaId: number;
  subject: string;
  /** False when the kept topic was reused. */
  made: boolean;
  seconds: number;
}

/**
 * The bench's Avro topic (Confluent wire format, Apicurio's serializer, lz4 batches, ~1% with
 * `amount > 990`), made once and kept: a rerun finds it and returns at once (a few seconds).
 * Bump the topic's -v suffix when its records change.
 */
export async function avroBenchTopic(options: { topic?: string; count?: number; partitions?: number } = {}): Promise<BenchTopic> {
  const count = options.count ?? 1_000_000;
  const topic = options.topic ?? (count === 1_000_000 ? 'bench-avro-1m-v1' : `bench-avro-${count}-v1`);
  const args = ['-Xmx512m', '-cp', `${serdeLibs()}/*`, join(FIXTURES, 'java', 'AvroBenchTopic.java'), BOOTSTRAP, REGISTRY_URL, topic, String(count), String(options.partitions ?? 6)];
  const out = await java(args, '', 600_000);
  return JSON.parse(out.trim().split('\n').at(-1)!) as BenchTopic;
}

export interface RegistryAnswer {
  status: number;
  body: unknown;
}

/** `GET /schemas/ids/{id}` on the registry's Confluent API: what a registry-aware reader asks. */
export async function schemaById(id: number, options: { registry?: string; auth?: { username: string; password: string } } = {}): Promise<RegistryAnswer> {
  const headers: Record<string, string> = {};
  if (options.auth) headers.authorization = 'Basic ' + Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64');
  const r = await fetch(`${options.registry ?? REGISTRY_URL}/apis/ccompat/v7/schemas/ids/${id}`, { headers });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: r.status, body };
}

/** Registers a schema under a subject through the registry's Confluent API; gives its id. */
export async function registerSchema(subject: string, schema: string, schemaType: 'AVRO' | 'PROTOBUF' | 'JSON'): Promise<number> {
  const r = await fetch(`${CCOMPAT_URL}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema, schemaType }),
  });
  if (!r.ok) throw new Error(`registering ${subject}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { id: number }).id;
}

/** Confluent's message indexes: the path to a message type through the file's (nested) messages, zigzag varints, `[0]` as one 0 byte. */
export function messageIndexes(type: protobuf.Type): Buffer {
  const path: number[] = [];
  let t: protobuf.ReflectionObject = type;
  while (t.parent && t instanceof protobuf.Type) {
    const siblings = t.parent.nestedArray.filter((n) => n instanceof protobuf.Type);
    path.unshift(siblings.indexOf(t));
    t = t.parent;
  }
  if (path.length === 1 && path[0] === 0) return Buffer.from([0]);
  const zigzag = (n: number) => {
    const bytes: number[] = [];
    let v = (n << 1) ^ (n >> 31);
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    bytes.push(v);
    return bytes;
  };
  return Buffer.from([...zigzag(path.length), ...path.flatMap(zigzag)]);
}

/**
 * Protobuf records in the Confluent wire format (magic byte 0, 4-byte id, message indexes, message),
 * as Confluent's KafkaProtobufSerializer writes them: the .proto registered under `<topic>-value` through
 * the registry's Confluent API, each message encoded by protobufjs, sent by kcat to partition 0.
 * Gives the schema id and the bytes of each value.
 */
export async function confluentProtobufRecords(topic: string, proto: string, type: string, values: Record<string, unknown>[], keys?: string[]): Promise<{ id: number; values: Buffer[] }> {
  const id = await registerSchema(`${topic}-value`, proto, 'PROTOBUF');
  const message = protobuf.parse(proto, { keepCase: true }).root.lookupType(type);
  const prefix = Buffer.alloc(5);
  prefix.writeInt32BE(id, 1);
  const indexes = messageIndexes(message);
  const encoded = values.map((v) => Buffer.concat([prefix, indexes, Buffer.from(message.encode(message.fromObject(v)).finish())]));
  kcatProduce(
    topic,
    encoded.map((value, i) => ({ value, ...(keys?.[i] !== undefined ? { key: keys[i] } : {}) })),
  );
  return { id, values: encoded };
}

/** Loads a folder of .proto files as a reader would: imports resolved from the folder, Google's well-known types from protobufjs. */
export function loadProtoFolder(folder: string, files: string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(folder, target));
  return root.loadSync(files, { keepCase: true });
}

/** Encodes messages of `type` from a .proto folder with protobufjs (bare Protobuf, no registry framing). */
export function protobufjsEncode(folder: string, file: string, type: string, values: Record<string, unknown>[]): Buffer[] {
  const message = loadProtoFolder(folder, [file]).lookupType(type);
  return values.map((v) => {
    const problem = message.verify(v);
    if (problem) throw new Error(`${type}: ${problem}`);
    return Buffer.from(message.encode(message.fromObject(v)).finish());
  });
}
