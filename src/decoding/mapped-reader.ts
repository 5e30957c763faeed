import { readFileSync, statSync } from 'node:fs';
import type { ResourceDecoding } from '../model/decoder-settings';
import { avroReader } from './avro-reader';
import { loadProtoFolder } from './proto-folder';
import { readMessage } from './protobuf-reader';

/** A mapping made ready to read values, or why it cannot be (shown on every value it would have read). */
export type MappedReader = { decoder: string; why: string; read(bytes: Buffer): unknown } | { problem: string };

const MAX_AVSC_BYTES = 4 * 1024 * 1024;

/** The reader a topic's or queue's mapping names: a message type of a .proto folder, an .avsc file's schema. */
export function mappedReader(setting: Extract<ResourceDecoding, { decoder: 'proto-files' | 'avro-file' }>): MappedReader {
  try {
    if (setting.decoder === 'proto-files') {
      const { root } = loadProtoFolder(setting.folder);
      const type = root.lookupType(setting.messageType);
      return { decoder: 'Protobuf', why: `mapping: ${setting.messageType} from the .proto files in ${setting.folder}`, read: (bytes) => readMessage(type, bytes) };
    }
    if (statSync(setting.file).size > MAX_AVSC_BYTES) return { problem: `${setting.file} is larger than 4 MB: it is not an Avro schema Rewind reads` };
    const read = avroReader(readFileSync(setting.file, 'utf8'));
    return { decoder: 'Avro', why: `mapping: the Avro schema in ${setting.file}`, read };
  } catch (e) {
    return { problem: `The mapping for this topic cannot be used: ${(e as Error).message}` };
  }
}
