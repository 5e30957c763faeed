import type { DecoderChain, RawHeader } from '../../decoding/decoder-chain';
import type { KafkaRecord } from './record-batches';

export const rawHeaders = (r: KafkaRecord): RawHeader[] => r.headers.map((h) => ({ name: h.key, bytes: h.value }));

/**
 * Whether a value may mean more than its bytes say: registry framing (magic byte 0, an Apicurio
 * header), gzip, or binary that opens like MessagePack, CBOR or Protobuf. JSON and text open
 * with printable ASCII and skip the chain, so a search over them costs what it did.
 */
export function mayNeedDecoding(r: KafkaRecord, part: 'value' | 'key' = 'value'): boolean {
  const b = part === 'value' ? r.value : r.key;
  if (b === null || b.length === 0) return false;
  const first = b[0]!;
  return first < 0x09 || (first > 0x0d && first < 0x20) || first >= 0x7f || r.headers.some((h) => h.key.startsWith('apicurio.'));
}

/** Fetches the schemas these records' values and keys name, so converting them does not wait. */
export async function prepareRecords(chain: DecoderChain, records: readonly KafkaRecord[]): Promise<void> {
  const values = records.filter((r) => mayNeedDecoding(r, 'value'));
  const keys = records.filter((r) => mayNeedDecoding(r, 'key'));
  if (values.length === 0 && keys.length === 0) return;
  await Promise.all([
    chain.prepare(
      values.map((r) => ({ bytes: r.value, headers: rawHeaders(r) })),
      'value',
    ),
    chain.prepare(
      keys.map((r) => ({ bytes: r.key, headers: rawHeaders(r) })),
      'key',
    ),
  ]);
}

/** A record's value as a decoder beyond JSON and text read it (a prepared chain), for searches; undefined: its bytes as they are. */
export function decodedValueOf(chain: DecoderChain, r: KafkaRecord): { value: unknown; text: string } | undefined {
  if (!mayNeedDecoding(r)) return undefined;
  const d = chain.decode(r.value, rawHeaders(r), 'value');
  return d && d.value !== undefined && d.decoded.text !== null ? { value: d.value, text: d.decoded.text } : undefined;
}
