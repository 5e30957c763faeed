import { inflateRawSync } from 'node:zlib';
import avro from 'avsc';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const HEADER = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
/** Values read from one container, and the bytes a deflated block may grow to. */
const MAX_VALUES = 10_000;
const MAX_BLOCK = 16 * 1024 * 1024;

export const isAvroContainer = (b: Uint8Array): boolean => b.length >= 4 && MAGIC.equals(Buffer.from(b.buffer, b.byteOffset, 4));

/**
 * An Avro object container file (`Obj\x01`, its schema in its header): its values, as a JSON array.
 * Codecs null and deflate; a container that does not parse to its end throws.
 */
export function readAvroContainer(bytes: Buffer): { schemaName: string; codec: string; values: unknown[] } {
  const head = HEADER.decode(bytes, 0) as { value: { meta: Record<string, Buffer>; sync: Buffer }; offset: number };
  if (head.offset < 0) throw new Error('the container ends inside its header');
  const meta = head.value.meta;
  const schemaText = meta['avro.schema']?.toString('utf8');
  if (!schemaText) throw new Error('the container names no schema');
  const codec = meta['avro.codec']?.toString('utf8') ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw new Error(`its codec ${codec} is not one Rewind reads (null, deflate)`);
  const type = avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema, { wrapUnions: 'never' });
  const values: unknown[] = [];
  const long = avro.Type.forSchema('long');
  let at = head.offset;
  while (at < bytes.length) {
    const count = long.decode(bytes, at) as { value: number; offset: number };
    const size = long.decode(bytes, count.offset) as { value: number; offset: number };
    if (count.offset < 0 || size.offset < 0 || count.value < 0 || size.value < 0 || size.offset + size.value + 16 > bytes.length) throw new Error('a block runs past the end of the container');
    let block = bytes.subarray(size.offset, size.offset + size.value);
    if (codec === 'deflate') block = inflateRawSync(block, { maxOutputLength: MAX_BLOCK });
    // Every value takes a byte at least, or a count in a few bytes could ask for billions of values of nothing.
    if (count.value > block.length) throw new Error(`a block declares ${count.value} values in ${block.length} bytes`);
    let pos = 0;
    for (let i = 0; i < count.value; i++) {
      const v = type.decode(block, pos) as { value: unknown; offset: number };
      if (v.offset < 0) throw new Error('a value runs past the end of its block');
      pos = v.offset;
      if (values.length < MAX_VALUES) values.push(v.value);
    }
    if (!bytes.subarray(size.offset + size.value, size.offset + size.value + 16).equals(head.value.sync)) throw new Error('a block does not end with the container’s sync marker');
    at = size.offset + size.value + 16;
  }
  return { schemaName: type.name ?? type.typeName, codec, values };
}
