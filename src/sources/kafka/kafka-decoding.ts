import { opensAsBinary, type DecoderChain, type RawHeader } from '../../decoding/decoder-chain';
import type { KafkaRecord } from './record-batches';
import { jsonText } from '../../decoding/plain-json';

export const rawHeaders = (r: KafkaRecord): RawHeader[] => r.headers.map((h) => ({ name: h.key, bytes: h.value }));

/**
 * Whether a value may mean more than its bytes say: registry framing (magic byte 0, an Apicurio
 * header), gzip, or binary that opens like MessagePack, CBOR or Protobuf. JSON and text open
 * with printable ASCII and skip the chain, so a search over them costs what it did.
 */
export function mayNeedDecoding(r: KafkaRecord, part: 'value' | 'key' = 'value'): boolean {
  const b = part === 'value' ? r.value : r.key;
  if (b === null || b.length === 0) return false;
  return opensAsBinary(b) || r.headers.some((h) => h.key.startsWith('apicurio.'));
}

const NO_HEADERS: RawHeader[] = [];

/** Fetches the schemas these records' values and keys name, so converting them does not wait. */
export async function prepareRecords(chain: DecoderChain, records: readonly KafkaRecord[]): Promise<void> {
  if (!chain.fetchesSchemas) return;
  const wanted: Record<'value' | 'key', { bytes: Uint8Array; headers: RawHeader[] }[]> = { value: [], key: [] };
  for (const r of records) {
    for (const part of ['value', 'key'] as const) {
      if (!mayNeedDecoding(r, part)) continue;
      const bytes = (part === 'value' ? r.value : r.key)!;
      const headers = r.headers.length === 0 ? NO_HEADERS : rawHeaders(r);
      if (chain.needs(bytes, headers, part)) wanted[part].push({ bytes, headers });
    }
  }
  if (wanted.value.length > 0) await chain.prepare(wanted.value, 'value');
  if (wanted.key.length > 0) await chain.prepare(wanted.key, 'key');
}

/**
 * A record's value as a decoder beyond JSON and text read it (a prepared chain), for searches;
 * undefined: its bytes as they are. The text is made only when a condition asks for it.
 */
export function decodedValueOf(chain: DecoderChain, r: KafkaRecord, topic: string): { value: unknown; text: () => string } | undefined {
  // The common case first, and cheapest: text and JSON under the automatic chain.
  if (!mayNeedDecoding(r) && chain.choiceFor(topic).decoder === 'auto') return undefined;
  const choice = chain.choiceFor(topic).decoder;
  const chosen = choice !== 'auto';
  if (r.value === null || r.value.length === 0) return undefined;
  const headers = r.headers.length === 0 ? NO_HEADERS : rawHeaders(r);
  // A decoder the user forced reads even what a registry framed; a mapping comes after the registry.
  const value = chosen && choice !== 'proto-files' && choice !== 'avro-file' ? undefined : chain.registryValue(r.value, headers);
  if (value !== undefined) return { value, text: () => jsonText(value) };
  const d = chain.decode(r.value, headers, 'value', topic);
  return d && d.value !== undefined && d.decoded.text !== null ? { value: d.value, text: () => d.decoded.text! } : undefined;
}
