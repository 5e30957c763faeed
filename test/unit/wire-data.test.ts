import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../src/model/payload';
import { wireData } from '../../src/model/wire-data';

/** The body as the record view decodes it (a preview), written as projection data. */
function viaEnvelope(bytes: Uint8Array): string {
  const p = decodePayload(bytes);
  return p.kind === 'json' ? p.text : p.kind === 'text' ? JSON.stringify(p.text) : p.kind === 'binary' ? JSON.stringify({ base64: p.base64, bytes: p.bytes }) : 'null';
}

describe('a message body as projection data', () => {
  it('agrees with the record view for JSON, text, binary and empty bodies', () => {
    for (const body of ['{"a": 1, "b": [true, null]}', '"just a string"', 'plain text\twith a tab', '42', '{not json', 'ünïcødé']) {
      const bytes = Buffer.from(body);
      expect(JSON.parse(wireData(bytes))).toEqual(JSON.parse(viaEnvelope(bytes)));
    }
    const binary = Uint8Array.from([0, 159, 146, 150, 255]);
    expect(JSON.parse(wireData(binary))).toEqual(JSON.parse(viaEnvelope(binary)));
    expect(wireData(new Uint8Array())).toBe('null');
  });

  it('keeps a body larger than the record view’s preview whole', () => {
    const big = JSON.stringify({ blob: 'x'.repeat(300 * 1024) });
    const parsed = JSON.parse(wireData(Buffer.from(big))) as { blob: string };
    expect(parsed.blob.length).toBe(300 * 1024);
    // The record view keeps only a preview, so a projection must not be fed from it.
    expect(JSON.parse(viaEnvelope(Buffer.from(big)))).toEqual(expect.any(String));
  });
});
