import { describe, expect, it } from 'vitest';
import { decodePayload, PAYLOAD_PREVIEW_BYTES } from '../../src/model/payload';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('decodePayload', () => {
  it('parses JSON objects and arrays', () => {
    expect(decodePayload(bytes('{"a":1,"b":[true,null]}'))).toEqual({ kind: 'json', value: { a: 1, b: [true, null] }, bytes: 23 });
    expect(decodePayload(bytes('  [1,2]'))).toMatchObject({ kind: 'json', value: [1, 2] });
  });

  it('keeps malformed JSON as text rather than failing', () => {
    expect(decodePayload(bytes('{"a":'))).toEqual({ kind: 'text', text: '{"a":', bytes: 5, truncated: false });
  });

  it('treats numbers and words as text, not JSON', () => {
    expect(decodePayload(bytes('42'))).toMatchObject({ kind: 'text', text: '42' });
  });

  it('shows invalid UTF-8 and control bytes as binary', () => {
    expect(decodePayload(new Uint8Array([0xff, 0xfe, 0x00]))).toEqual({ kind: 'binary', base64: '//4A', bytes: 3, truncated: false });
    expect(decodePayload(bytes('abc\u0000def'))).toMatchObject({ kind: 'binary' });
    expect(decodePayload(bytes('line 1\n\tline 2'))).toMatchObject({ kind: 'text' });
  });

  it('is empty for null and zero-length values', () => {
    expect(decodePayload(null)).toEqual({ kind: 'empty' });
    expect(decodePayload(new Uint8Array())).toEqual({ kind: 'empty' });
  });

  it('keeps only a preview of a 10 MB value, and says so', () => {
    const big = bytes(JSON.stringify({ blob: 'x'.repeat(10 * 1024 * 1024) }));
    const p = decodePayload(big);
    expect(p).toMatchObject({ kind: 'text', bytes: big.length, truncated: true });
    expect(p.kind === 'text' && p.text.length).toBe(PAYLOAD_PREVIEW_BYTES);
  });

  it('does not call text binary when the preview cut splits a multi-byte character', () => {
    const text = 'a'.repeat(PAYLOAD_PREVIEW_BYTES - 1) + 'é'.repeat(10);
    expect(decodePayload(bytes(text))).toMatchObject({ kind: 'text', truncated: true });
  });
});
