import type { DecodedValue } from '../model/decoded';
import { FORCED, type DecoderChain, type RawHeader } from './decoder-chain';

/** A source's chain and the key its resource's choices are kept under (a topic, `vhost/queue`). */
export interface BodyDecoding {
  chain: DecoderChain;
  resource: string;
}

/**
 * The step every converter of a source without registry framing takes: what a body means (the
 * chain, with the message's content type), and the bytes the envelope rules then read (the decoded
 * JSON where there is one, so an envelope inside MessagePack or Protobuf is found too).
 */
export function decodeBody(
  decoding: BodyDecoding | undefined,
  body: Buffer | null,
  contentType: string | null,
  /** Projections and rebuilds: text and JSON skip the chain (nothing for it to add there). */
  bulk = false,
): { decoded: DecodedValue | undefined; value: Buffer | null } {
  if (!decoding || !body || body.length === 0) return { decoded: undefined, value: body };
  if (bulk && !decoding.chain.mayDecode(body, decoding.resource)) return { decoded: undefined, value: body };
  const headers: RawHeader[] = contentType ? [{ name: 'content-type', bytes: Buffer.from(contentType) }] : [];
  const d = decoding.chain.decode(body, headers, 'value', decoding.resource);
  const text = d?.decoded.text ?? null;
  // Text and JSON carry no explanation (the views say it from the payload's kind), so pages stay small.
  const plain = d && text === null && d.decoded.problem === null && (d.decoded.decoder === 'JSON' || d.decoded.decoder === 'Text') && d.decoded.why !== FORCED;
  return { decoded: plain ? undefined : d?.decoded, value: text === null ? body : Buffer.from(text) };
}
