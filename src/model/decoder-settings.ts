import { z } from 'zod';

/**
 * How one topic or queue is decoded, when the user says so: `auto` is the chain as documented
 * (src/decoding/decoder-chain.ts); a mapping (`.proto` files and a message type, an `.avsc` file)
 * reads values no registry framed; any other choice forces that decoder.
 */
export const DecoderChoice = z.enum(['auto', 'proto-files', 'avro-file', 'json', 'msgpack', 'cbor', 'protobuf-raw', 'text']);
export type DecoderChoice = z.infer<typeof DecoderChoice>;

const Path = z.string().trim().min(1, { message: 'Give a path' }).max(4096);

export const ResourceDecoding = z.discriminatedUnion('decoder', [
  z.object({ decoder: z.literal('auto') }),
  z.object({ decoder: z.literal('proto-files'), folder: Path, messageType: z.string().trim().min(1, { message: 'Pick a message type' }).max(512) }),
  z.object({ decoder: z.literal('avro-file'), file: Path }),
  z.object({ decoder: DecoderChoice.extract(['json', 'msgpack', 'cbor', 'protobuf-raw', 'text']) }),
]);
export type ResourceDecoding = z.infer<typeof ResourceDecoding>;

/** What a .proto folder holds, as the mapping dialog lists it. */
export const ProtoFolder = z.object({ files: z.number().int(), messageTypes: z.array(z.string()) });
export type ProtoFolder = z.infer<typeof ProtoFolder>;
