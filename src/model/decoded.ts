import { z } from 'zod';

/** A schema a value was written against, as the registry names it. */
export const SchemaRef = z.object({
  format: z.enum(['AVRO', 'PROTOBUF', 'JSON']),
  /** The id the record carries: Confluent's schema id (magic byte 0) or Apicurio's global id (a header). */
  id: z.number().int(),
  idKind: z.enum(['schema id', 'global id']),
  subject: z.string().nullable(),
  version: z.number().int().nullable(),
  /** Protobuf: the message type the record's indexes point to. */
  messageType: z.string().nullable(),
});
export type SchemaRef = z.infer<typeof SchemaRef>;

/**
 * A value the decoder chain (src/decoding/decoder-chain.ts) read into JSON, or left raw with the
 * reason. The record's `payload` always keeps its own bytes: this is what they mean, not what they are.
 */
export const DecodedValue = z.object({
  /** Avro, Protobuf, JSON Schema, Protobuf (schemaless), MessagePack, CBOR, gzip… */
  decoder: z.string(),
  /** Why this decoder was chosen ("Confluent wire format: magic byte 0, schema id 7"). */
  why: z.string(),
  /** The value as JSON text; null when it could not be decoded (then `problem` says why). */
  text: z.string().nullable(),
  schema: SchemaRef.nullable(),
  problem: z.string().nullable(),
  /** Decoders earlier in the chain and why they did not apply. */
  passed: z.array(z.string()),
});
export type DecodedValue = z.infer<typeof DecodedValue>;
