import avro from 'avsc';
import protobuf from 'protobufjs';
import { RewindError } from '../model/errors';
import { ProtobufSchema } from './protobuf-reader';
import { RegistryProblem, type SchemaRegistry } from './schema-registry';

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
    type.isValid(value, { errorHook: (path: string[], v: unknown, t: avro.Type) => wrong.push(`${path.join('.') || 'the value'}: ${JSON.stringify(v) ?? 'nothing'} is not ${t.typeName}`) });
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
