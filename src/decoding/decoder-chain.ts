import { gunzipSync } from 'node:zlib';
import { decode as msgpackDecode } from '@msgpack/msgpack';
import { decode as cborDecode } from 'cbor-x';
import type { DecodedValue, SchemaRef } from '../model/decoded';
import { printableText } from '../model/payload';
import { avroReader } from './avro-reader';
import { isAvroContainer, readAvroContainer } from './avro-container';
import { jsonText, plainJson } from './plain-json';
import { ProtobufSchema, readApicurioRef, readIndexes, readMessage } from './protobuf-reader';
import { framingOf, framingWhy, type Framing, type RawHeader } from './registry-framing';
import { RegistryProblem, type SchemaRegistry } from './schema-registry';
import { schemalessProtobuf } from './schemaless-protobuf';
import type { ResourceDecoding } from '../model/decoder-settings';
import type { EnvelopeRule } from '../model/envelope-mapping';
import { mappedReader, type MappedReader } from './mapped-reader';

export type { RawHeader } from './registry-framing';

/** Bytes that do not open with a printable character (or tab, newline): not JSON, not text. */
export function opensAsBinary(bytes: Uint8Array): boolean {
  const first = bytes[0];
  return first !== undefined && (first < 0x09 || (first > 0x0d && first < 0x20) || first >= 0x7f);
}

const AUTO: ResourceDecoding = { decoder: 'auto' };
/** Why a decoder the user chose read a value. */
export const FORCED = 'chosen for this topic or queue';

/** What the chain made of a value: what the views show, and the value itself for searches. */
export interface Decoding {
  decoded: DecodedValue;
  /** The decoded value (JSON-ready); undefined when the bytes are shown as they are (JSON, text, bytes). */
  value?: unknown;
}

/** A registry schema made ready to read, or why it cannot be. */
type Reader =
  | {
      read(bytes: Buffer, at: number, headers: readonly RawHeader[]): { value: unknown; messageType: string | null };
      ref: Omit<SchemaRef, 'messageType' | 'subject' | 'version'>;
      /** Every subject and version the schema is registered under (one content may serve many). */
      subjects: { subject: string; version: number | null }[];
    }
  | { problem: string; /** When to ask again: a registry that was down may be back (never, for an unknown id). */ retryAt: number };

/** A registry that did not answer is asked again for an id after this (the registry client waits as long). */
const RETRY_MS = 10_000;
/** Decoded values larger than this as JSON are not sent to the views. */
const DECODED_TEXT_MAX = 4 * 1024 * 1024;
/** A gzip'd value is read only up to this many bytes. */
const GUNZIP_MAX = 16 * 1024 * 1024;
/** MessagePack and CBOR are tried on values up to this size: beyond it the bytes are shown as bytes. */
const SNIFF_MAX = 4 * 1024 * 1024;

/**
 * The one decoder chain every record goes through, in a fixed order:
 *   1. schema registry: Confluent's magic byte 0 + schema id, or Apicurio's globalId header;
 *   2. content type (a `content-type` header saying MessagePack, CBOR; gzip by its magic bytes);
 *   3. JSON;
 *   4. an Avro object container (its schema in its header), MessagePack, then CBOR (a whole map or array, nothing left over);
 *   5. text (printable UTF-8);
 *   6. schemaless Protobuf (field numbers and wire types, when every field parses);
 *   7. bytes.
 * Each result says which decoder read the value and why the earlier ones did not. Schemas are
 * fetched before a batch is decoded (`prepare`), so decoding itself never waits.
 */
export class DecoderChain {
  /** Schemas made ready, by id and by global id. */
  private readonly readers = { 'schema id': new Map<number, Reader>(), 'global id': new Map<number, Reader>() };

  /** The user's choices per topic or queue, and the readers their mappings made (built on first use). */
  private mapping = new Map<string, ResourceDecoding>();
  private readonly mapped = new Map<string, MappedReader>();

  constructor(private readonly registry: SchemaRegistry | null) {}

  /** The connection's own envelope rules (JSON path or header → field), which win over the built-in ones. */
  envelopeRules: readonly EnvelopeRule[] = [];

  useEnvelopeRules(rules: readonly EnvelopeRule[]): void {
    this.envelopeRules = rules;
  }

  /** The connection's decoder choices, by resource (a topic, `vhost/queue`); replaces the ones before. */
  useMapping(settings: Record<string, ResourceDecoding>): void {
    this.mapping = new Map(Object.entries(settings));
    this.mapped.clear();
  }

  /**
   * Whether a value can mean more than its bytes: false for text and JSON (they open with a
   * printable character) under the automatic chain, so bulk reads (projections, rebuilds) skip
   * the chain for them and cost what they did. Registry headers are looked at by the caller.
   */
  mayDecode(bytes: Uint8Array | null, resource: string | undefined): boolean {
    if (!bytes || bytes.length === 0) return false;
    return this.choiceFor(resource).decoder !== 'auto' || opensAsBinary(bytes);
  }

  /** The choice for a resource (auto when none was made). */
  choiceFor(resource: string | undefined): ResourceDecoding {
    return (resource !== undefined ? this.mapping.get(resource) : undefined) ?? AUTO;
  }

  /** Whether schemas are fetched at all (a registry is set): without one, nothing needs preparing. */
  get fetchesSchemas(): boolean {
    return this.registry !== null;
  }

  /** Whether a value names a schema not yet fetched (false without a registry: there is nothing to fetch). */
  needs(bytes: Uint8Array, headers: readonly RawHeader[], part: 'value' | 'key'): boolean {
    if (!this.registry) return false;
    const f = framingOf(bytes, headers, part);
    return f !== null && this.stale(f);
  }

  /** No reader for this id yet, or one that failed for a reason that may have passed. */
  private stale(f: Framing): boolean {
    const r = this.readers[f.idKind].get(f.id);
    return r === undefined || ('problem' in r && r.retryAt <= Date.now());
  }

  /** Fetches (once per connection) the schemas these values name. */
  async prepare(items: Iterable<{ bytes: Uint8Array | null; headers: readonly RawHeader[] }>, part: 'value' | 'key' = 'value'): Promise<void> {
    if (!this.registry) return;
    const wanted = new Map<string, Framing>();
    for (const { bytes, headers } of items) {
      if (!bytes) continue;
      const f = framingOf(bytes, headers, part);
      if (f && this.stale(f)) wanted.set(`${f.idKind}:${f.id}`, f);
    }
    await Promise.all(
      [...wanted.values()].map(async (f) => {
        this.readers[f.idKind].set(f.id, await this.readerFor(f.id, f.idKind));
      }),
    );
  }

  /** `topic`: where the record was read, so a schema registered under several subjects names this topic's. */
  decode(bytes: Uint8Array | null, headers: readonly RawHeader[], part: 'value' | 'key' = 'value', topic?: string): Decoding | null {
    if (bytes === null || bytes.length === 0) return null;
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const passed: string[] = [];
    const choice = part === 'value' ? this.choiceFor(topic) : ({ decoder: 'auto' } as const);
    if (choice.decoder !== 'auto' && choice.decoder !== 'proto-files' && choice.decoder !== 'avro-file') return this.forced(buf, choice.decoder);
    const framing = framingOf(buf, headers, part);
    if (framing) {
      const reader = this.readers[framing.idKind].get(framing.id) ?? (this.registry ? { problem: 'its schema was not fetched', retryAt: 0 } : null);
      const why = framingWhy(framing, part);
      const label = framing.idKind === 'schema id' ? `schema id ${framing.id}` : `global id ${framing.id}`;
      if (!reader) {
        const problem = `No schema registry is set for this connection: add its URL in the connection's settings to read ${label}`;
        return { decoded: { decoder: 'Schema registry', why, text: null, schema: null, problem, passed } };
      }
      if ('problem' in reader) return { decoded: { decoder: 'Schema registry', why, text: null, schema: null, problem: reader.problem, passed } };
      try {
        const { value, messageType } = reader.read(buf, framing.at, headers);
        const schema = { ...reader.ref, ...subjectOf(reader.subjects, topic, part), messageType };
        const text = jsonText(value);
        // A value as large as this is not read in a pane; the bytes stay a click away.
        if (text.length > DECODED_TEXT_MAX)
          return {
            decoded: {
              decoder: formatName(schema.format),
              why,
              text: null,
              schema,
              problem: `Decoded, it is ${(text.length / 1048576).toFixed(1)} MB of JSON: shown raw (Copy and Save give the bytes)`,
              passed,
            },
          };
        return { decoded: { decoder: formatName(schema.format), why, text, schema, problem: null, passed }, value: plainJson(value) };
      } catch (e) {
        const problem = `The bytes are not a value of ${label} (${formatName(reader.ref.format)}): ${(e as Error).message}`;
        return {
          decoded: { decoder: formatName(reader.ref.format), why, text: null, schema: { ...reader.ref, ...subjectOf(reader.subjects, topic, part), messageType: null }, problem, passed },
        };
      }
    }
    passed.push(part === 'value' ? 'Schema registry: no magic byte 0 and no apicurio.value.globalId header' : 'Schema registry: no magic byte 0 and no apicurio.key.globalId header');
    if (choice.decoder === 'proto-files' || choice.decoder === 'avro-file') {
      const key = JSON.stringify(choice);
      let reader = this.mapped.get(key);
      if (!reader) this.mapped.set(key, (reader = mappedReader(choice)));
      if ('problem' in reader) return { decoded: { decoder: 'Mapping', why: 'a mapping is set for this topic', text: null, schema: null, problem: reader.problem, passed } };
      try {
        const value = reader.read(buf);
        return { decoded: { decoder: reader.decoder, why: reader.why, text: jsonText(value), schema: null, problem: null, passed }, value: plainJson(value) };
      } catch (e) {
        return { decoded: { decoder: reader.decoder, why: reader.why, text: null, schema: null, problem: `The bytes are not what the mapping says: ${(e as Error).message}`, passed } };
      }
    }
    if (part === 'value') passed.push('Mapping: none set for this topic or queue');
    return this.plain(buf, headers, passed, 0);
  }

  /**
   * For searches, which scan far more than they show: what a registry-written value means, with no
   * text and no explanation; undefined when it is not registry-written or cannot be read (a search
   * then looks at its bytes, as the views show them raw).
   */
  registryValue(bytes: Buffer, headers: readonly RawHeader[]): unknown {
    const framing = framingOf(bytes, headers, 'value');
    if (!framing) return undefined;
    const reader = this.readers[framing.idKind].get(framing.id);
    if (!reader || 'problem' in reader) return undefined;
    try {
      return reader.read(bytes, framing.at, headers).value;
    } catch {
      return undefined;
    }
  }

  /** A decoder the user chose for this topic or queue: it reads the value, or says why it cannot. */
  private forced(buf: Buffer, decoder: 'json' | 'msgpack' | 'cbor' | 'protobuf-raw' | 'text'): Decoding {
    const why = FORCED;
    const raw = (name: string, problem: string): Decoding => ({ decoded: { decoder: name, why, text: null, schema: null, problem, passed: [] } });
    switch (decoder) {
      case 'json': {
        const value = tryJson(buf);
        return value === undefined ? raw('JSON', 'The bytes are not JSON') : { decoded: { decoder: 'JSON', why, text: JSON.stringify(value), schema: null, problem: null, passed: [] }, value };
      }
      case 'msgpack':
        return this.msgpack(buf, why, []) ?? raw('MessagePack', 'The bytes are not one MessagePack value');
      case 'cbor':
        return this.cbor(buf, why, []) ?? raw('CBOR', 'The bytes are not one CBOR value');
      case 'protobuf-raw': {
        const value = schemalessProtobuf(buf);
        return value
          ? { decoded: { decoder: 'Protobuf (no schema)', why, text: jsonText(value), schema: null, problem: null, passed: [] }, value }
          : raw('Protobuf (no schema)', 'The bytes are not Protobuf fields to their end');
      }
      case 'text': {
        const text = buf.subarray(0, DECODED_TEXT_MAX).toString('utf8');
        return { decoded: { decoder: 'Text', why: `${why}; bytes that are not UTF-8 show as �`, text: JSON.stringify(text), schema: null, problem: null, passed: [] }, value: text };
      }
    }
  }

  /** Steps 2 to 7, for a value as it is or as gzip gave it. */
  private plain(buf: Buffer, headers: readonly RawHeader[], passed: string[], depth: number): Decoding {
    const contentType = headerText(headers, 'content-type')?.toLowerCase() ?? '';
    if (buf.length >= 3 && buf[0] === 0x1f && buf[1] === 0x8b && buf[2] === 8 && depth === 0) {
      try {
        const inner = gunzipSync(buf, { maxOutputLength: GUNZIP_MAX });
        const d = this.plain(inner, headers, [...passed], 1);
        const text = d.decoded.text ?? (tryJson(inner) !== undefined ? inner.toString('utf8') : shown(inner));
        return {
          decoded: { ...d.decoded, decoder: `gzip → ${d.decoded.decoder}`, why: `gzip magic bytes 1f 8b; ${inner.length.toLocaleString('en-US')} bytes inside`, text },
          value: d.value ?? tryJson(inner),
        };
      } catch (e) {
        passed.push(`gzip: magic bytes 1f 8b, but ${(e as Error).message}`);
      }
    }
    if (/msgpack/.test(contentType)) {
      const d = this.msgpack(buf, `content type ${contentType}`, passed);
      if (d) return d;
    } else if (/cbor/.test(contentType)) {
      const d = this.cbor(buf, `content type ${contentType}`, passed);
      if (d) return d;
    } else passed.push(contentType ? `Content type: ${contentType} names no decoder beyond JSON and text` : 'Content type: none given');
    const text = printableText(buf);
    if (text !== null) {
      const json = tryJsonText(text);
      return { decoded: { decoder: json ? 'JSON' : 'Text', why: json ? 'the bytes parse as JSON' : 'printable UTF-8 that does not parse as JSON', text: null, schema: null, problem: null, passed } };
    }
    passed.push('JSON: not printable UTF-8');
    if (isAvroContainer(buf)) {
      try {
        const c = readAvroContainer(buf);
        const value = plainJson(c.values);
        return {
          decoded: {
            decoder: 'Avro container',
            why: `Avro object container (Obj 01), ${c.values.length} ${c.schemaName} values, codec ${c.codec}`,
            text: JSON.stringify(value),
            schema: null,
            problem: null,
            passed,
          },
          value,
        };
      } catch (e) {
        passed.push(`Avro container: opens with Obj 01, but ${(e as Error).message}`);
      }
    }
    if (buf.length <= SNIFF_MAX) {
      const first = buf[0]!;
      if ((first >= 0x80 && first <= 0x9f) || (first >= 0xdc && first <= 0xdf)) {
        const d = this.msgpack(buf, 'a whole MessagePack map or array', passed);
        if (d) return d;
      } else passed.push('MessagePack: does not open with a map or array');
      if ((first >= 0x80 && first <= 0xbf) || (buf.length >= 3 && first === 0xd9 && buf[1] === 0xd9 && buf[2] === 0xf7)) {
        const d = this.cbor(buf, 'a whole CBOR map or array', passed);
        if (d) return d;
      } else passed.push('CBOR: does not open with a map or array');
      passed.push('Text: not printable UTF-8');
      const proto = schemalessProtobuf(buf);
      if (proto)
        return {
          decoded: { decoder: 'Protobuf (no schema)', why: 'every field parses as Protobuf wire format; shown as field:wire type', text: jsonText(proto), schema: null, problem: null, passed },
          value: proto,
        };
      passed.push('Protobuf (no schema): the bytes are not Protobuf fields to their end');
    }
    return { decoded: { decoder: 'Bytes', why: 'no decoder before it applies', text: null, schema: null, problem: null, passed } };
  }

  private msgpack(buf: Buffer, why: string, passed: string[]): Decoding | null {
    try {
      const value = plainJson(msgpackDecode(buf, { maxStrLength: SNIFF_MAX, maxBinLength: SNIFF_MAX, maxArrayLength: 1_000_000, maxMapLength: 1_000_000 }));
      return { decoded: { decoder: 'MessagePack', why, text: JSON.stringify(value), schema: null, problem: null, passed }, value };
    } catch (e) {
      passed.push(`MessagePack: ${(e as Error).message}`);
      return null;
    }
  }

  private cbor(buf: Buffer, why: string, passed: string[]): Decoding | null {
    try {
      const value = plainJson(cborDecode(buf));
      return { decoded: { decoder: 'CBOR', why, text: JSON.stringify(value), schema: null, problem: null, passed }, value };
    } catch (e) {
      passed.push(`CBOR: ${(e as Error).message}`);
      return null;
    }
  }

  private async readerFor(id: number, idKind: SchemaRef['idKind']): Promise<Reader> {
    if (!this.registry) return { problem: 'no registry', retryAt: Infinity };
    try {
      const s = await this.registry.schema(id, idKind);
      const ref = { format: s.format, id, idKind };
      const subjects = s.subjects;
      if (s.format === 'AVRO') {
        const read = avroReader(s.text, s.references);
        return { ref, subjects, read: (bytes, at) => ({ value: read(at === 0 ? bytes : bytes.subarray(at)), messageType: null }) };
      }
      if (s.format === 'PROTOBUF') {
        const schema = new ProtobufSchema(s.text, s.references, s.subjects[0]?.subject ?? `schema ${id}`);
        return {
          ref,
          subjects,
          read: (bytes, at, headers) => {
            // Apicurio names the message in a header (its header mode) or a Ref before it; Confluent's format gives message indexes.
            const header = headers.find((h) => h.name === 'apicurio.protobuf.type')?.bytes;
            const byHeader = header ? schema.byName(Buffer.from(header).toString('utf8')) : null;
            const ref = byHeader ? null : readApicurioRef(bytes, at);
            const named = byHeader ?? (ref ? schema.byName(ref.name) : null);
            const { type, next } = named ? { type: named, next: ref ? ref.next : at } : idKind === 'schema id' ? indexed(schema, bytes, at) : { type: schema.typeAt([0]), next: at };
            return { value: readMessage(type, bytes.subarray(next)), messageType: type.fullName.replace(/^\./, '') };
          },
        };
      }
      return {
        ref,
        subjects,
        read: (bytes, at) => {
          const text = bytes.toString('utf8', at);
          return { value: JSON.parse(text) as unknown, messageType: null };
        },
      };
    } catch (e) {
      if (e instanceof RegistryProblem) return { problem: e.message, retryAt: e.final ? Infinity : Date.now() + RETRY_MS };
      return { problem: `The schema of ${idKind} ${id} could not be read: ${(e as Error).message}`, retryAt: Infinity };
    }
  }
}

function indexed(schema: ProtobufSchema, bytes: Buffer, at: number) {
  const { indexes, next } = readIndexes(bytes, at);
  return { type: schema.typeAt(indexes), next };
}

/** The subject this topic's records use (TopicNameStrategy), else the first the registry lists. */
function subjectOf(subjects: { subject: string; version: number | null }[], topic: string | undefined, part: 'value' | 'key') {
  const own = topic === undefined ? undefined : subjects.find((s) => s.subject === `${topic}-${part}`);
  const chosen = own ?? subjects[0];
  return { subject: chosen?.subject ?? null, version: chosen?.version ?? null };
}

const formatName = (f: SchemaRef['format']) => (f === 'AVRO' ? 'Avro' : f === 'PROTOBUF' ? 'Protobuf' : 'JSON Schema');

function headerText(headers: readonly RawHeader[], name: string): string | null {
  const h = headers.find((x) => x.name.toLowerCase() === name);
  return h?.bytes ? Buffer.from(h.bytes).toString('utf8') : null;
}

function tryJsonText(text: string): boolean {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[' && first !== '"' && !/^[\s]*(-?\d|true|false|null)/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function tryJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function shown(b: Buffer): string {
  const text = printableText(b.subarray(0, 64 * 1024));
  return JSON.stringify(text ?? b.subarray(0, 64 * 1024).toString('base64'));
}
