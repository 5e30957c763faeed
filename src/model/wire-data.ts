const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A message body as the JSON text a projection receives as `data`, whole (never a preview):
 * JSON as it is, other text as a JSON string, anything else as `{ base64, bytes }`.
 */
export function wireData(bytes: Uint8Array | null | undefined): string {
  if (!bytes || bytes.length === 0) return 'null';
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return binary(bytes);
  }
  // NUL and the other C0 controls (but tabs and newlines) mean binary, as in the record views.
  if (/[\u0000-\u0008\u000B\u000E-\u001F]/.test(text)) return binary(bytes);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[' || first === '"') {
    try {
      JSON.parse(text);
      return text;
    } catch {
      /* text that only looks like JSON */
    }
  }
  return JSON.stringify(text);
}

function binary(bytes: Uint8Array): string {
  return JSON.stringify({ base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), bytes: bytes.length });
}
