import { describe, expect, it } from 'vitest';
import { decodePayload, PAYLOAD_PREVIEW_BYTES } from '../../src/model/payload';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('decodePayload', () => {
  it('recognises JSON objects and arrays and keeps their exact text', () => {
    expect(decodePayload(bytes('{"a":1,"b":[true,null]}'))).toEqual({ kind: 'json', text: '{"a":1,"b":[true,null]}', bytes: 23 });
    expect(decodePayload(bytes('  [1,2]'))).toMatchObject({ kind: 'json', text: '  [1,2]' });
    const exact = '{"n": 12345678901234567891, "d": 1.0, "e": 1e2, "k": 1, "k": 2}';
    expect(decodePayload(bytes(exact))).toMatchObject({ kind: 'json', text: exact });
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

  it('tells a null value (a tombstone) from an empty one', () => {
    expect(decodePayload(null)).toEqual({ kind: 'null' });
    expect(decodePayload(new Uint8Array())).toEqual({ kind: 'empty' });
  });

  it('calls text with DEL or C1 controls binary: only printable UTF-8 is text', () => {
    expect(decodePayload(bytes('a\u007fb'))).toMatchObject({ kind: 'binary' });
    expect(decodePayload(bytes('a\u0085b'))).toMatchObject({ kind: 'binary' });
    expect(decodePayload(new Uint8Array([1, 2]))).toMatchObject({ kind: 'binary', base64: 'AQI=' });
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
