import { z } from 'zod';

/** Bytes beyond this are not shipped in record lists; the detail view says the preview is cut. */
export const PAYLOAD_PREVIEW_BYTES = 64 * 1024;

/**
 * The most one whole value (Copy, Save payload…) carries in one message: well under the
 * transports' 32 MB frame once base64 has grown it by a third. Larger values are cut and say so.
 */
export const WHOLE_VALUE_BYTES = 16 * 1024 * 1024;

/**
 * Bytes as the views show them. Nothing is re-encoded: JSON keeps its exact text (every number's
 * digits, every duplicate key, the whitespace), so what is shown and copied is what the source holds.
 */
export const Payload = z.discriminatedUnion('kind', [
  /** No value at all: a Kafka tombstone (or a null key), not the same as an empty value. */
  z.object({ kind: z.literal('null') }),
  z.object({ kind: z.literal('empty') }),
  z.object({ kind: z.literal('json'), text: z.string(), bytes: z.number().int().nonnegative() }),
  z.object({
    kind: z.literal('text'),
    text: z.string(),
    bytes: z.number().int().nonnegative(),
    truncated: z.boolean(),
  }),
  z.object({
    kind: z.literal('binary'),
    base64: z.string(),
    bytes: z.number().int().nonnegative(),
    truncated: z.boolean(),
  }),
]);
export type Payload = z.infer<typeof Payload>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** C0 controls but tab, newline and carriage return; DEL; the C1 controls. Not printable text. */
const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** The bytes as text when they are valid, printable UTF-8; null when they are not (show them as hex). */
export function printableText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  return UNPRINTABLE.test(text) ? null : text;
}

/**
 * Decides how to show raw bytes: JSON when they parse (kept as written), text when they are
 * valid printable UTF-8, otherwise binary. Large values keep only a preview.
 */
export function decodePayload(bytes: Uint8Array | null | undefined, previewBytes = PAYLOAD_PREVIEW_BYTES): Payload {
  if (bytes === null || bytes === undefined) return { kind: 'null' };
  if (bytes.length === 0) return { kind: 'empty' };
  const size = bytes.length;
  const cut = size > previewBytes;
  const head = cut ? bytes.subarray(0, previewBytes) : bytes;
  // A cut may split a multi-byte character; a few bytes shorter tells text from binary.
  const text = printableText(head) ?? (cut ? trimmedText(head) : null);
  if (text === null) return binary(head, size, cut);
  if (!cut && looksLikeJson(text)) return { kind: 'json', text, bytes: size };
  return { kind: 'text', text, bytes: size, truncated: cut };
}

function binary(head: Uint8Array, size: number, cut: boolean): Payload {
  return { kind: 'binary', base64: Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('base64'), bytes: size, truncated: cut };
}

function trimmedText(head: Uint8Array): string | null {
  for (let drop = 1; drop <= 3; drop++) {
    const t = printableText(head.subarray(0, head.length - drop));
    if (t !== null) return t;
  }
  return null;
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[' && first !== '"') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
