import { z } from 'zod';

/** Bytes beyond this are not shipped in record lists; the detail view says the preview is cut. */
export const PAYLOAD_PREVIEW_BYTES = 64 * 1024;

export const Payload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('empty') }),
  z.object({ kind: z.literal('json'), value: z.json(), bytes: z.number().int().nonnegative() }),
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

/**
 * Decides how to show raw bytes: JSON when they parse, text when they are valid UTF-8 without
 * control characters, otherwise binary. Large values keep only a preview.
 */
export function decodePayload(bytes: Uint8Array | null | undefined): Payload {
  if (!bytes || bytes.length === 0) return { kind: 'empty' };
  const size = bytes.length;
  const cut = size > PAYLOAD_PREVIEW_BYTES;
  const head = cut ? bytes.subarray(0, PAYLOAD_PREVIEW_BYTES) : bytes;
  let text: string;
  try {
    text = utf8.decode(head);
  } catch {
    // A cut may split a multi-byte character; retry a few bytes shorter before calling it binary.
    const retried = cut ? tryDecodeTrimmed(head) : null;
    if (retried === null) return binary(head, size, cut);
    text = retried;
  }
  if (hasControlChars(text)) return binary(head, size, cut);
  if (!cut) {
    const json = tryParseJson(text);
    if (json !== undefined) return { kind: 'json', value: json, bytes: size };
  }
  return { kind: 'text', text, bytes: size, truncated: cut };
}


function binary(head: Uint8Array, size: number, cut: boolean): Payload {
  return { kind: 'binary', base64: Buffer.from(head).toString('base64'), bytes: size, truncated: cut };
}

function tryDecodeTrimmed(head: Uint8Array): string | null {
  for (let drop = 1; drop <= 3; drop++) {
    try {
      return utf8.decode(head.subarray(0, head.length - drop));
    } catch {
      /* keep trimming */
    }
  }
  return null;
}

function hasControlChars(text: string): boolean {
  // Tabs and newlines are text; NUL and the other C0 controls are a sign of binary data.
  return /[\u0000-\u0008\u000B\u000E-\u001F]/.test(text);
}

function tryParseJson(text: string): z.infer<ReturnType<typeof z.json>> | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[' && first !== '"') return undefined;
  try {
    return JSON.parse(text) as z.infer<ReturnType<typeof z.json>>;
  } catch {
    return undefined;
  }
}
