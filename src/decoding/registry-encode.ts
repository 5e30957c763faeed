import avro from 'avsc';
import protobuf from 'protobufjs';
import { RewindError } from '../model/errors';
import { ProtobufSchema } from './protobuf-reader';
import { RegistryProblem, type SchemaRegistry } from './schema-registry';

const lowerCamel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

interface AvroWalk {
  typeName: string;
  fields?: { name: string; type: AvroWalk }[];
  itemsType?: AvroWalk;
  valuesType?: AvroWalk;
  types?: AvroWalk[];
}

/** Paths of object keys the schema has no field for (records nested in records, arrays, maps and unions too). */
function unknownFields(type: avro.Type, value: unknown, path: string[]): string[] {
  const t = type as unknown as AvroWalk;
  if (value === null || typeof value !== 'object') return [];
  if (t.typeName === 'record' || t.typeName === 'error') {
    const fields = t.fields ?? [];
    const out = Object.keys(value)
      .filter((k) => !fields.some((f) => f.name === k))
      .map((k) => [...path, k].join('.'));
    for (const f of fields) out.push(...unknownFields(f.type as unknown as avro.Type, (value as Record<string, unknown>)[f.name], [...path, f.name]));
    return out;
  }
  if (t.typeName === 'array' && Array.isArray(value) && t.itemsType) return value.flatMap((v, i) => unknownFields(t.itemsType as unknown as avro.Type, v, [...path, String(i)]));
  if (t.typeName === 'map' && t.valuesType) return Object.entries(value).flatMap(([k, v]) => unknownFields(t.valuesType as unknown as avro.Type, v, [...path, k]));
  if (t.typeName.startsWith('union') && t.types) {
    const records = t.types.filter((x) => x.typeName === 'record');
    return records.length === 1 ? unknownFields(records[0] as unknown as avro.Type, value, path) : [];
  }
  return [];
}

export interface RegistryWrite {
  subject: string;
  version: number | 'latest';
  messageType?: string | undefined;
}

/**
 * JSON written by the user, encoded as a registry-aware serializer writes it: Confluent's wire
 * format (magic byte 0, the schema's 4-byte id, then Avro binary, Protobuf with its message
 * indexes, or the JSON itself for JSON Schema). A value that does not fit the schema is refused
 * with the field that does not.
 */
export async function encodeForRegistry(registry: SchemaRegistry, write: RegistryWrite, jsonText: string): Promise<{ bytes: Buffer; description: string }> {
  let schema: Awaited<ReturnType<SchemaRegistry['subjectVersion']>>;
  try {
    schema = await registry.subjectVersion(write.subject, write.version);
  } catch (e) {
    if (e instanceof RegistryProblem) throw new RewindError('invalid_input', e.message, 'Pick a subject and version the registry has.');
    throw e;
  }
  const value: unknown = JSON.parse(jsonText);
  const head = Buffer.alloc(5);
  head.writeInt32BE(schema.id, 1);
  let body: Buffer;
  let what: string;
  if (schema.format === 'AVRO') {
    const registryTypes: Record<string, avro.Type> = {};
    for (const r of schema.references) avro.Type.forSchema(JSON.parse(r.text) as avro.Schema, { wrapUnions: 'never', registry: registryTypes });
    const type = avro.Type.forSchema(JSON.parse(schema.text) as avro.Schema, { wrapUnions: 'never', registry: registryTypes });
    const wrong: string[] = [];
    type.isValid(value, {
      errorHook: (path: string[], v: unknown, t: avro.Type) =>
        wrong.push(v === undefined ? `${path.join('.')} is missing` : `${path.join('.') || 'the value'}: ${JSON.stringify(v)} is not ${t.typeName}`),
    });
    // Avro writes only the schema's fields: a field it does not have would be dropped without a word.
    wrong.push(...unknownFields(type, value, []).map((p) => `${p} is not a field of the schema`));
    if (wrong.length > 0)
      throw new RewindError('invalid_input', `The JSON does not fit ${write.subject} v${schema.version} (Avro): ${wrong.slice(0, 3).join('; ')}`, 'Fix the fields named, or pick another version.');
    body = type.toBuffer(value);
    what = 'Avro';
  } else if (schema.format === 'PROTOBUF') {
    const proto = new ProtobufSchema(schema.text, schema.references, write.subject);
    const type = write.messageType ? proto.byName(write.messageType) : proto.typeAt([0]);
    if (!type)
      throw new RewindError(
        'invalid_input',
        `${write.messageType} is not a message of ${write.subject} v${schema.version}`,
        'Give a message type the schema declares, or leave it empty for its first.',
      );
    const extra = value && typeof value === 'object' ? Object.keys(value).filter((k) => !type.fields[k] && !type.fieldsArray.some((f) => f.name === k || lowerCamel(f.name) === k)) : [];
    if (extra.length > 0)
      throw new RewindError(
        'invalid_input',
        `The JSON does not fit ${type.fullName.replace(/^\./, '')}: ${extra.join(', ')} ${extra.length === 1 ? 'is not a field' : 'are not fields'} of it`,
        'Fix the field names.',
      );
    const problem = type.verify(value as Record<string, unknown>);
    if (problem) throw new RewindError('invalid_input', `The JSON does not fit ${type.fullName.replace(/^\./, '')}: ${problem}`, 'Fix the field named.');
    const indexes = proto.indexesOf(type);
    const writer = protobuf.Writer.create();
    // A lone first message is written as one 0, as Confluent's serializer does.
    if (indexes.length === 1 && indexes[0] === 0) writer.sint32(0);
    else {
      writer.sint32(indexes.length);
      for (const i of indexes) writer.sint32(i);
    }
    body = Buffer.concat([Buffer.from(writer.finish()), Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish())]);
    what = `Protobuf ${type.fullName.replace(/^\./, '')}`;
  } else {
    body = Buffer.from(jsonText);
    what = 'JSON Schema (sent as written, not validated)';
  }
  const bytes = Buffer.concat([head, body]);
  return { bytes, description: `${what} · schema id ${schema.id} · ${write.subject} v${schema.version} · ${bytes.length.toLocaleString('en-US')} bytes` };
}
